"""The audit, baseline and config contract on the command line, browser-free: `audit` on saved
scans, exit codes, baselines and --compare round trips, configuration precedence, and bad
input as one clear line with the documented exit code, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cookieaudit.auditing.model import AuditedResult, Baseline
from cookieaudit.cli import main
from cookieaudit.exitcodes import markdown_table
from tests.auditing.factory import cookie, declaration, declared, request, scan

ROOT = Path(__file__).resolve().parents[2]


def run(argv, capsys):
    """The CLI in-process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def saved(tmp_path):
    """A saved scan (_ga before consent, the session cookie, a GA hit) and a saved declaration of the session cookie."""
    scan_path = tmp_path / "scan.json"
    scan_path.write_text(scan([cookie("_ga", days=730), cookie("ASP.NET_SessionId", "www.voorbeeldstad.nl")],
                              requests=[request("https://region1.google-analytics.com/g/collect?v=2")]).to_json())
    decl_path = tmp_path / "declaration.json"
    decl_path.write_text(declaration([declared("ASP.NET_SessionId", purpose="functional", lifetime="session")]).model_dump_json())
    return scan_path, decl_path


def test_audit_saved_scan_exit_codes(saved, tmp_path, capsys):
    scan_path, decl_path = saved
    code, out, err = run(["audit", str(scan_path), "--statement", str(decl_path), "--format", "json"], capsys)
    result = AuditedResult.model_validate_json(out)
    assert code == 1 and err == ""
    assert {f.id for f in result.findings} >= {"undeclared-cookie:ga-client-id", "set-before-consent:ga-client-id:before_consent"}
    assert result.audit.exit_code == 1 and result.audit.enforced is True
    code, _, _ = run(["audit", str(scan_path), "--statement", str(decl_path), "--fail-on", "never", "-q"], capsys)
    assert code == 0


def test_audit_output_file_equals_json_stdout(saved, tmp_path, capsys):
    scan_path, decl_path = saved
    output = tmp_path / "audited.json"
    code, out, _ = run(["audit", str(scan_path), "--statement", str(decl_path), "-o", str(output), "--format", "json"], capsys)
    assert code == 1
    written, printed = json.loads(output.read_text()), json.loads(out)
    written["audit"].pop("audited_at"), printed["audit"].pop("audited_at")
    assert written == printed
    assert written["declaration"]["cookies"][0]["pattern"] == "ASP.NET_SessionId"


def test_audit_reuses_the_saved_declaration_and_statement_none_drops_it(saved, tmp_path, capsys):
    scan_path, decl_path = saved
    first = tmp_path / "first.json"
    run(["audit", str(scan_path), "--statement", str(decl_path), "-o", str(first), "-q"], capsys)
    code, out, _ = run(["audit", str(first), "--format", "json"], capsys)
    again = AuditedResult.model_validate_json(out)
    assert again.declaration is not None and "undeclared-cookie:ga-client-id" in {f.id for f in again.findings}
    code, out, _ = run(["audit", str(first), "--statement", "none", "--format", "json"], capsys)
    bare = AuditedResult.model_validate_json(out)
    assert bare.declaration is None and not [f for f in bare.findings if f.kind.startswith("undeclared")]


def test_table_output_shows_findings_first_and_the_verdict(saved, capsys):
    scan_path, decl_path = saved
    code, out, _ = run(["audit", str(scan_path), "--statement", str(decl_path), "--lang", "en"], capsys)
    lines = out.splitlines()
    findings = next(i for i, line in enumerate(lines) if line.startswith("Findings ("))
    assert findings < next(i for i, line in enumerate(lines) if line.startswith("Cookies per phase"))
    verdict = next(line for line in lines if line.startswith("Verdict: "))
    assert verdict.startswith("Verdict: 4 errors") and "fails at --fail-on error" in verdict


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: None, "no such file"),
    (lambda p: p.write_text("{not json"), "not JSON"),
    (lambda p: p.write_text('{"hello": "world"}'), "not a cookieaudit scan result"),
    (lambda p: p.write_text(json.dumps({"site": "x", "started_at": "gisteren", "tool": {"version": "9"}})), "started_at"),
    (lambda p: p.mkdir(), "is a directory"),
])
def test_unreadable_or_foreign_saved_scan_is_one_line_exit_2(make, expected, tmp_path, capsys):
    target = tmp_path / "scan.json"
    make(target)
    code, out, err = run(["audit", str(target)], capsys)
    assert code == 2 and out == ""
    assert expected in one_line(err)


def test_broken_baseline_statement_or_output_is_exit_2(saved, tmp_path, capsys):
    scan_path, decl_path = saved
    bad = tmp_path / "baseline.json"
    bad.write_text('{"cookieaudit_baseline": 1, "entries": [{"reason": "x"}]}')
    code, _, err = run(["audit", str(scan_path), "--baseline", str(bad)], capsys)
    assert code == 2 and "baseline" in one_line(err) and "entries.0.id" in err
    code, _, err = run(["audit", str(scan_path), "--baseline", str(scan_path)], capsys)
    assert code == 2 and "not a cookieaudit baseline" in one_line(err)
    code, _, err = run(["audit", str(scan_path), "--statement", str(tmp_path / "weg.html")], capsys)
    assert code == 2 and "weg.html: no such file" in one_line(err)
    code, _, err = run(["audit", str(scan_path), "-o", str(tmp_path / "nope" / "out.json")], capsys)
    assert code == 2 and "does not exist" in one_line(err)
    assert not (tmp_path / "nope").exists()


def test_baseline_round_trip(saved, tmp_path, capsys):
    """baseline RESULT -o FILE accepts every finding; --baseline then passes; a vanished entry is reported as info."""
    scan_path, decl_path = saved
    result = tmp_path / "result.json"
    baseline = tmp_path / "baseline.json"
    assert run(["audit", str(scan_path), "--statement", str(decl_path), "-o", str(result), "-q"], capsys)[0] == 1
    code, _, err = run(["baseline", str(result), "-o", str(baseline), "--reason", "bekend, wordt opgelost in Q3"], capsys)
    assert code is None or code == 0
    accepted = Baseline.model_validate_json(baseline.read_text())
    assert {e.reason for e in accepted.entries} == {"bekend, wordt opgelost in Q3"}
    code, out, _ = run(["audit", str(scan_path), "--statement", str(decl_path), "--baseline", str(baseline),
                        "--format", "json"], capsys)
    audited = AuditedResult.model_validate_json(out)
    assert code == 0 and all(f.baselined for f in audited.findings) and audited.audit.counts["error"] == 0
    # the site fixed _ga: its entries no longer occur and are reported, so the baseline does not rot
    fixed = tmp_path / "fixed.json"
    fixed.write_text(scan([cookie("ASP.NET_SessionId", "www.voorbeeldstad.nl")]).to_json())
    code, out, _ = run(["audit", str(fixed), "--statement", str(decl_path), "--baseline", str(baseline), "--format", "json"], capsys)
    stale = [f for f in AuditedResult.model_validate_json(out).findings if f.kind == "baseline-entry-not-found"]
    assert code == 0 and stale and all(f.severity == "info" for f in stale)
    assert "undeclared-cookie:ga-client-id" in {f.evidence.details["baseline_id"] for f in stale}


def test_a_baseline_of_another_site_is_named(saved, tmp_path, capsys):
    """Finding ids name kind, family and phase, not the site: a baseline copied from another site's
    pipeline would silently accept this site's findings. It still applies, and stderr says so once."""
    scan_path, decl_path = saved
    result, baseline = tmp_path / "result.json", tmp_path / "baseline.json"
    run(["audit", str(scan_path), "--statement", str(decl_path), "-o", str(result), "-q"], capsys)
    run(["baseline", str(result), "-o", str(baseline)], capsys)
    code, _, err = run(["audit", str(scan_path), "--statement", str(decl_path), "--baseline", str(baseline), "-q"], capsys)
    assert code == 0 and err == ""  # its own site: nothing to say
    other = json.loads(baseline.read_text())
    other["site"] = "https://www.anderegemeente.nl/"
    baseline.write_text(json.dumps(other))
    code, _, err = run(["audit", str(scan_path), "--statement", str(decl_path), "--baseline", str(baseline), "-q"], capsys)
    assert code == 0
    assert one_line(err) == (f"cookieaudit: note: the baseline {baseline} was made for https://www.anderegemeente.nl/, "
                             "not for this site (https://www.voorbeeldstad.nl/); its entries were applied by kind and name")


def test_compare_round_trip(saved, tmp_path, capsys):
    """--compare PREVIOUS: cookies and hosts that appeared or went, findings new and resolved."""
    scan_path, decl_path = saved
    previous = tmp_path / "previous.json"
    run(["audit", str(scan_path), "--statement", str(decl_path), "-o", str(previous), "-q"], capsys)
    now = tmp_path / "now.json"
    now.write_text(scan([cookie("ASP.NET_SessionId", "www.voorbeeldstad.nl"), cookie("_fbp", days=90)],
                        requests=[request("https://www.facebook.com/tr?id=1")]).to_json())
    code, out, _ = run(["audit", str(now), "--statement", str(decl_path), "--compare", str(previous), "--format", "json"], capsys)
    changes = AuditedResult.model_validate_json(out).changes
    before = changes.phases["before_consent"]
    assert before.cookies_added == ["_fbp@voorbeeldstad.nl"] and before.cookies_removed == ["_ga@voorbeeldstad.nl"]
    assert before.hosts_added == ["www.facebook.com"] and before.hosts_removed == ["region1.google-analytics.com"]
    assert "undeclared-cookie:meta-pixel-fbp" in {f.id for f in changes.findings_new}
    assert "undeclared-cookie:ga-client-id" in {f.id for f in changes.findings_resolved}
    assert changes.previous == str(previous)
    # a plain (unaudited) scan as the previous result is audited with the same declaration first
    code, out, _ = run(["audit", str(now), "--statement", str(decl_path), "--compare", str(scan_path), "--format", "json"], capsys)
    assert "undeclared-cookie:ga-client-id" in {f.id for f in AuditedResult.model_validate_json(out).changes.findings_resolved}


def test_config_file_and_precedence(saved, tmp_path, capsys, monkeypatch):
    """cookieaudit.toml in the working directory sets fail-on, lang and the allow-list; the command line overrides it."""
    scan_path, decl_path = saved
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cookieaudit.toml").write_text(
        f'fail-on = "never"\nlang = "en"\nstatement = "{decl_path.name}"\n'
        '[[allow]]\ncookie = "_ga"\nreason = "privacyvriendelijk ingesteld, AP-handleiding"\n', encoding="utf-8")
    code, out, _ = run(["audit", str(scan_path), "--format", "json"], capsys)
    result = AuditedResult.model_validate_json(out)
    assert code == 0 and result.audit.fail_on == "never" and result.audit.lang == "en"
    assert result.audit.config.endswith("cookieaudit.toml") and result.declaration is not None
    assert result.audit.allow[0].matched == ["_ga"] and result.audit.allow[0].reason.startswith("privacyvriendelijk")
    assert not [f for f in result.findings if "_ga" in f.cookies]
    code, out, _ = run(["audit", str(scan_path), "--fail-on", "info", "--lang", "nl", "--format", "json"], capsys)
    result = AuditedResult.model_validate_json(out)
    assert code == 1 and result.audit.fail_on == "info" and result.audit.lang == "nl"


def test_allow_option_adds_to_the_config_allow_list(saved, tmp_path, capsys, monkeypatch):
    """--allow NAME=REASON and --allow vendor:NAME=REASON extend the file's allow-list; each records what it let through."""
    scan_path, decl_path = saved
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cookieaudit.toml").write_text(
        '[[allow]]\ncookie = "ASP.NET_*"\nreason = "sessie van het CMS"\n', encoding="utf-8")
    code, out, _ = run(["audit", str(scan_path), "--statement", str(decl_path), "--format", "json",
                        "--allow", "vendor:Google Analytics=IP-anonimisering, verwerkersovereenkomst"], capsys)
    result = AuditedResult.model_validate_json(out)
    entries = {(entry.cookie, entry.vendor): entry for entry in result.audit.allow}
    assert set(entries) == {("ASP.NET_*", None), (None, "Google Analytics")}
    assert entries[(None, "Google Analytics")].reason == "IP-anonimisering, verwerkersovereenkomst"
    assert "_ga" in entries[(None, "Google Analytics")].matched
    assert not [f for f in result.findings if "_ga" in f.cookies] and code == 0
    code, out, _ = run(["audit", str(scan_path), "--statement", str(decl_path), "--format", "json",
                        "--allow", "_g*=test"], capsys)
    assert [e.matched for e in AuditedResult.model_validate_json(out).audit.allow if e.cookie == "_g*"] == [["_ga"]]


@pytest.mark.parametrize("value", ["_ga", "_ga=", "=reden", "vendor:=reden"])
def test_allow_option_without_reason_is_a_usage_error(value, saved, capsys):
    code, out, err = run(["audit", str(saved[0]), "--allow", value], capsys)
    assert code == 2 and out == "" and "--allow" in err and "Traceback" not in err


def test_pyproject_table_and_explicit_config(saved, tmp_path, capsys, monkeypatch):
    scan_path, _ = saved
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.cookieaudit]\nfail-on = "never"\n')
    assert run(["audit", str(scan_path), "-q"], capsys)[0] == 0
    other = tmp_path / "strikt.toml"
    other.write_text('fail-on = "error"\n')
    assert run(["audit", str(scan_path), "-q", "--config", str(other)], capsys)[0] == 1


@pytest.mark.parametrize(("content", "expected"), [
    ('fail-on = "soms"', "key 'fail-on': expected one of error, warning, info, never, got 'soms'"),
    ("pages = 0", "key 'pages': expected a whole number"),
    ('kleur = "rood"', "key 'kleur': unknown key"),
    ("fail-on = ", "not valid TOML"),
    ('[[allow]]\ncookie = "_ga"', "key 'allow': [0]: 'reason' is required"),
    ('[[allow]]\ncookie = "_ga"\nvendor = "x"\nreason = "r"', "exactly one of 'cookie' or 'vendor'"),
])
def test_broken_config_is_one_line_naming_file_and_key(content, expected, saved, tmp_path, capsys):
    scan_path, _ = saved
    config = tmp_path / "cookieaudit.toml"
    config.write_text(content)
    code, out, err = run(["audit", str(scan_path), "--config", str(config)], capsys)
    line = one_line(err)
    assert code == 2 and out == "" and str(config) in line and expected in line


def test_missing_config_named_explicitly(saved, tmp_path, capsys):
    code, _, err = run(["audit", str(saved[0]), "--config", str(tmp_path / "geen.toml")], capsys)
    assert code == 2 and "no such file" in one_line(err)


def test_baseline_command_bad_input(saved, tmp_path, capsys):
    scan_path, _ = saved
    code, _, err = run(["baseline", str(scan_path), "-o", str(tmp_path / "b.json")], capsys)
    assert code == 2 and "not audited" in one_line(err)
    code, _, err = run(["baseline", str(tmp_path / "weg.json")], capsys)
    assert code == 2 and "no such file" in one_line(err)


def test_readme_exit_code_table_matches_the_cli():
    """README and --help show the same table (cookieaudit/exitcodes.py)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
    help_text = subprocess.run([sys.executable, "-m", "cookieaudit", "scan", "--help"], cwd=ROOT, capture_output=True,
                               text=True, check=True, env={**os.environ, "COLUMNS": "100"}).stdout
    assert "Exit codes:" in help_text and "130/143" in help_text and "When several apply: 130/143, then 2, 4, 3, 5, then 1." in help_text


def test_version_names_the_rule_set_and_playwright():
    out = subprocess.run([sys.executable, "-m", "cookieaudit", "--version"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert "rule set 2026." in out and "Playwright 1." in out


def test_scan_checks_its_output_path_before_scanning(tmp_path, capsys):
    """`scan -o` into a folder that does not exist: exit 2 at once, nothing fetched, no folder made."""
    target = tmp_path / "bestaat-niet" / "result.json"
    code, out, err = run(["scan", "https://www.voorbeeldstad.nl/", "-o", str(target), "-q",
                          "--browser-path", "/nope/chromium"], capsys)  # the path check comes before the browser
    assert code == 2 and out == "" and "does not exist" in one_line(err)
    assert not target.parent.exists()
    code, _, err = run(["scan", "https://www.voorbeeldstad.nl/", "-o", str(tmp_path), "-q"], capsys)
    assert code == 2 and "is a directory" in one_line(err)


@pytest.mark.parametrize("url", ["htp:/foo", "https:/www.voorbeeldstad.nl", "mailto:info@voorbeeldstad.nl"])
def test_malformed_url_is_bad_input(url, capsys):
    code, out, err = run(["scan", url, "-q"], capsys)
    assert code == 2 and out == "" and "invalid URL" in one_line(err)


def test_no_browser_is_exit_4(tmp_path, capsys):
    code, _, err = run(["scan", "https://www.voorbeeldstad.nl/", "-q", "--consent", "none", "--browser-path",
                        str(tmp_path / "chromium")], capsys)
    assert code == 4 and "browser not found" in one_line(err)
