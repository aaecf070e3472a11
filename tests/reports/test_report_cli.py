"""The report commands from the command line: `report`, `declaration`, and `scan --report` input checks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.reports.sample import HOSTILE_NAME, SECRET, sample_result

ROOT = Path(__file__).resolve().parents[2]


def cookieaudit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cookieaudit", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """A saved result with its screenshots beside it, as `scan -o` with --output-dir leaves them."""
    folder = tmp_path_factory.mktemp("saved")
    path = folder / "result.json"
    path.write_text(sample_result(folder).to_json(), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["html", "markdown", "junit", "sarif", "table"])
def test_report_renders_each_format_to_stdout_and_file(saved, fmt, tmp_path):
    """`cookieaudit report RESULT.json --format F` prints it; with -o it writes the same text to the file."""
    printed = cookieaudit("report", str(saved), "--format", fmt, "--lang", "en")
    assert printed.returncode == 0, printed.stderr
    target = tmp_path / f"out.{fmt}"
    written = cookieaudit("report", str(saved), "--format", fmt, "--lang", "en", "-o", str(target))
    assert written.returncode == 0 and written.stdout == ""
    assert target.read_text(encoding="utf-8") == printed.stdout
    assert SECRET not in printed.stdout
    if fmt == "junit":
        ET.fromstring(printed.stdout)
    if fmt == "sarif":
        assert json.loads(printed.stdout)["version"] == "2.1.0"
    if fmt == "html":
        assert printed.stdout.count("data:image/png;base64,") == 7  # screenshots found beside the result


def test_report_format_follows_the_output_name(saved, tmp_path):
    """Without --format: the table on stdout, or the format -o's extension names."""
    assert cookieaudit("report", str(saved), "--lang", "en").stdout.splitlines()[0].startswith("cookieaudit  https://")
    for name, start in (("r.html", "<!DOCTYPE html>"), ("r.sarif", "{"), ("r.junit.xml", "<?xml"), ("r.md", "## ")):
        assert cookieaudit("report", str(saved), "-o", str(tmp_path / name)).returncode == 0
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name


def test_report_include_values(saved):
    """--include-values shows the values the scan kept."""
    assert SECRET in cookieaudit("report", str(saved), "--format", "html", "--include-values").stdout


def test_report_bad_input_is_one_line(saved, tmp_path):
    """A missing or foreign file, an unknown format or an -o in a missing folder: one line, exit 2."""
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"runs": []}', encoding="utf-8")
    for args in (["report", str(tmp_path / "missing.json")], ["report", str(foreign)],
                 ["report", str(saved), "-o", str(tmp_path / "no" / "such" / "x.html")],
                 ["declaration", str(foreign)]):
        done = cookieaudit(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("cookieaudit: error: ") and len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr
    unknown = cookieaudit("report", str(saved), "--format", "pdf")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


@pytest.mark.parametrize("fmt", ["markdown", "html", "csv"])
def test_declaration_command(saved, fmt, tmp_path):
    """`cookieaudit declaration RESULT.json --format F --lang nl` prints the draft; -o writes it."""
    done = cookieaudit("declaration", str(saved), "--format", fmt, "--lang", "nl")
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(done.stdout)))
        assert rows[0][0] == "Naam of patroon" and any(row[0] == HOSTILE_NAME for row in rows)
    target = tmp_path / f"decl.{fmt}"
    assert cookieaudit("declaration", str(saved), "--format", fmt, "--lang", "nl", "-o", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8") == done.stdout


def test_scan_report_needs_an_output_dir():
    """`scan --report html` without --output-dir stops before any browser starts: exit 2, one line."""
    done = cookieaudit("scan", "https://www.example.invalid/", "--report", "html")
    assert done.returncode == 2 and "--report needs --output-dir" in done.stderr
    bad = cookieaudit("scan", "https://www.example.invalid/", "--report", "html,pdf", "--output-dir", "x")
    assert bad.returncode == 2 and "unknown report format 'pdf'" in bad.stderr


def test_commands_are_listed():
    """`cookieaudit --help` names both new commands."""
    done = cookieaudit("--help")
    assert "report " in done.stdout and "declaration " in done.stdout


def test_audit_writes_reports_with_the_saved_scans_screenshots(saved, tmp_path):
    """`audit SAVED.json --report all --output-dir DIR`: the four reports in DIR, the screenshots embedded
    from the saved scan's folder, the terminal report on stdout (findings first)."""
    out = tmp_path / "again"
    done = cookieaudit("audit", str(saved), "--statement", "none", "--report", "all", "--output-dir", str(out), "--lang", "en")
    assert done.returncode in (0, 1), done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.junit.xml", "report.md", "report.sarif"]
    assert (out / "report.html").read_text(encoding="utf-8").count("data:image/png;base64,") == 7
    assert done.stdout.splitlines()[3].startswith("Findings (")
    assert SECRET not in "".join(p.read_text(encoding="utf-8") for p in out.iterdir())


def test_output_name_picks_the_format_or_is_a_usage_error(saved, tmp_path):
    """`declaration -o cookietabel.csv` writes CSV (it wrote Markdown); `report -o rapport.pdf` is a usage error
    before anything is read (it wrote the terminal table into a .pdf), and so is `declaration -o t.xlsx`."""
    table = tmp_path / "cookietabel.csv"
    assert cookieaudit("declaration", str(saved), "--lang", "nl", "-o", str(table)).returncode == 0
    assert next(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))[0] == "Naam of patroon"
    page = tmp_path / "concept.html"
    assert cookieaudit("declaration", str(saved), "-o", str(page)).returncode == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    for args in (["report", str(saved), "-o", str(tmp_path / "rapport.pdf")],
                 ["declaration", str(saved), "-o", str(tmp_path / "t.xlsx")],
                 ["report", str(tmp_path / "missing.json"), "-o", str(tmp_path / "rapport")]):
        done = cookieaudit(*args)
        assert done.returncode == 2 and "cannot tell the format" in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "rapport.pdf").exists() and not (tmp_path / "t.xlsx").exists()
    assert cookieaudit("report", str(saved), "--format", "table", "-o", str(tmp_path / "rapport.txt.pdf")).returncode == 0


def test_a_rendering_is_never_written_over_its_result(saved, tmp_path):
    """`report r.json --format html -o r.json` would replace the only copy of the result with HTML."""
    copy = tmp_path / "result.json"
    copy.write_text(saved.read_text(encoding="utf-8"), encoding="utf-8")
    before = copy.read_bytes()
    for args in (["report", str(copy), "--format", "html", "-o", str(copy)],
                 ["declaration", str(copy), "--format", "csv", "-o", str(tmp_path / "." / "result.json")]):
        done = cookieaudit(*args)
        assert done.returncode == 2 and "it is the result being read" in done.stderr, done.stderr
    assert copy.read_bytes() == before
