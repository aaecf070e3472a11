"""``cookieaudit batch`` bad input: one line, the documented exit code, before any site is scanned."""

from __future__ import annotations

import sys

import pytest

from cookieaudit.cli import main


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    return exited.value.code, out, lines


@pytest.fixture()
def listing(tmp_path):
    path = tmp_path / "lijst.txt"
    path.write_text("www.denhaag.nl\n", encoding="utf-8")
    return path


def test_missing_list(tmp_path, capsys):
    code, _, lines = _run(["batch", str(tmp_path / "nergens.txt"), "--output-dir", str(tmp_path / "uit")], capsys)
    assert code == 2 and len(lines) == 1 and "cannot read site list" in lines[0]
    assert not (tmp_path / "uit").exists()


def test_a_list_of_only_bad_lines_names_them_all(tmp_path, capsys):
    path = tmp_path / "lijst.csv"
    path.write_text("site,pages\nniet goed,\nwww.denhaag.nl,nul\n", encoding="utf-8")
    code, _, lines = _run(["batch", str(path), "--output-dir", str(tmp_path / "uit")], capsys)
    assert code == 2 and len(lines) == 1
    assert "lijst.csv:2: invalid URL" in lines[0] and "lijst.csv:3: pages must be a whole number" in lines[0]


@pytest.mark.parametrize("option, words", [
    (["--viewport", "groot"], "invalid viewport"),
    (["--concurrency", "0"], "invalid option concurrency"),
    (["--workers", "0"], "--workers"),
    (["--site-timeout", "1"], "--site-timeout"),
    (["--statement", "soms"], "--statement"),
])
def test_bad_options(listing, tmp_path, capsys, option, words):
    code, _, lines = _run(["batch", str(listing), "--output-dir", str(tmp_path / "uit"), *option], capsys)
    assert code == 2 and words in " ".join(lines)
    assert not (tmp_path / "uit" / "sites").exists()


def test_unwritable_output_folder(listing, tmp_path, capsys):
    blocker = tmp_path / "bestand"
    blocker.write_text("x")
    code, _, lines = _run(["batch", str(listing), "--output-dir", str(blocker / "uit")], capsys)
    assert code == 2 and len(lines) == 1 and "cannot write to the output folder" in lines[0]


def test_no_browser_exits_4(listing, tmp_path, capsys):
    code, _, lines = _run(["batch", str(listing), "--output-dir", str(tmp_path / "uit"),
                           "--browser-path", str(tmp_path / "geen-chromium")], capsys)
    assert code == 4 and len(lines) == 1 and "browser not found" in lines[0]


def test_bad_configuration_file_here(listing, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cookieaudit.toml").write_text('pages = "veel"\n', encoding="utf-8")
    code, _, lines = _run(["batch", str(listing), "--output-dir", str(tmp_path / "uit")], capsys)
    assert code == 2 and len(lines) == 1 and "cookieaudit.toml" in lines[0] and "pages" in lines[0]


def test_dask_missing_says_what_to_install(listing, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    code, _, lines = _run(["batch", str(listing), "--output-dir", str(tmp_path / "uit"), "--dask", "local"], capsys)
    assert code == 2 and lines == ["cookieaudit: error: --dask needs Dask: pip install 'cookieaudit[dask]'"]


def test_found_configuration_is_passed_to_every_site(tmp_path, monkeypatch):
    from cookieaudit.cli.batch_cmd import _found_config

    monkeypatch.chdir(tmp_path)
    assert _found_config({"config_path": None}) == []
    (tmp_path / "cookieaudit.toml").write_text("pages = 3\n", encoding="utf-8")
    assert _found_config({"config_path": None}) == ["--config", str((tmp_path / "cookieaudit.toml").resolve())]
    assert _found_config({"config_path": str(tmp_path / "cookieaudit.toml")}) == []  # given: forwarded as an option


@pytest.fixture()
def captured(monkeypatch):
    """run_batch replaced: the BatchConfig the command built, and an empty outcome."""
    from cookieaudit.batch import run as batch_run

    seen = []

    def fake(config):
        seen.append(config)
        return batch_run.BatchOutcome(rows=[], exit_code=0)

    monkeypatch.setattr(batch_run, "run_batch", fake)
    return seen


@pytest.mark.parametrize("option, forwarded", [
    ([], ["--report", "html"]),                                  # the default: an HTML report per site
    (["--report", "sarif,html", "--report", "markdown"], ["--report", "sarif,html,markdown"]),
    (["--report", "all"], ["--report", "html,markdown,junit,sarif"]),
    (["--no-report"], []),
])
def test_reports_use_the_shared_option_and_reach_every_site(listing, tmp_path, capsys, captured, option, forwarded):
    code, _, _ = _run(["batch", str(listing), "--output-dir", str(tmp_path / "uit"), "-q", "--lang", "nl",
                       "--include-values", *option], capsys)
    assert code == 0
    args = list(captured[0].scan_args)
    report = args[args.index("--report"):args.index("--report") + 2] if "--report" in args else []
    assert report == forwarded
    assert args[args.index("--lang") + 1] == "nl" and "--include-values" in args


@pytest.mark.parametrize("option, words", [
    (["--report", "pdf"], "unknown report format 'pdf'"),
    (["--report", "html", "--no-report"], "exclude each other"),
])
def test_bad_report_options(listing, tmp_path, capsys, captured, option, words):
    code, _, lines = _run(["batch", str(listing), "--output-dir", str(tmp_path / "uit"), *option], capsys)
    assert code == 2 and words in " ".join(lines) and captured == []


def test_scan_and_audit_options_reach_every_site(listing, tmp_path, capsys, captured, monkeypatch):
    rules = tmp_path / "regels.yaml"
    rules.write_text("rules: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, _ = _run(["batch", "lijst.txt", "--output-dir", "uit", "-q", "--pages", "7", "--consent", "reject",
                       "--insecure", "--browser-arg=--lang=nl", "--settle-limit", "4", "--timeout", "60",
                       "--rules", "regels.yaml", "--fail-on", "warning", "--no-follow", "--concurrency", "2"], capsys)
    assert code == 0
    config = captured[0]
    args = list(config.scan_args)
    for option, value in (("--consent", "reject"), ("--settle-limit", "4.0"), ("--timeout", "60.0"),
                          ("--rules", str(rules)), ("--fail-on", "warning"), ("--concurrency", "2"),
                          ("--browser-arg", "--lang=nl")):
        assert args[args.index(option) + 1] == value, option
    assert "--insecure" in args and "--no-follow" in args
    assert "--pages" not in args and config.pages == 7  # a line's own pages column wins over it
    assert config.output_dir == str(tmp_path / "uit") and config.sites_file == str(tmp_path / "lijst.txt")


def test_resume_is_the_default_spelled_out(listing, tmp_path, capsys, captured):
    """`--resume` (what a researcher types after an interrupted batch) keeps complete sites, as without it;
    with --force it is a usage error (it suggested '--rules')."""
    code, _, _ = _run(["batch", str(listing), "--output-dir", str(tmp_path / "uit"), "-q", "--resume"], capsys)
    assert code == 0 and captured[0].force is False
    code, _, lines = _run(["batch", str(listing), "--output-dir", str(tmp_path / "uit"), "--resume", "--force"], capsys)
    assert code == 2 and "--force and --resume exclude each other" in " ".join(lines) and len(captured) == 1
