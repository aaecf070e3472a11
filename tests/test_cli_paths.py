"""Output paths on the command line, checked before any long work, without a browser.

`--output-dir audit -o audit/result.json` (the README's own example) names one folder: the
output folder is made first, so -o inside it is not refused; -o elsewhere in a missing folder
still is, and so is a --har in a missing folder (before the browser is even looked for).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.reports.sample import sample_result

ROOT = Path(__file__).resolve().parents[1]


def cookieaudit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cookieaudit", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_scan_output_inside_the_new_output_dir_is_accepted(tmp_path):
    folder = tmp_path / "audit" / "week49"
    done = cookieaudit("scan", "https://www.denhaag.nl/", "--output-dir", str(folder), "-o", str(folder / "result.json"),
                       "--report", "html", "--browser-path", str(tmp_path / "geen-chromium"), "-q")
    assert done.returncode == 4, done.stderr  # past every path check: only the browser is missing
    assert "browser not found" in done.stderr and folder.is_dir()


def test_scan_har_in_a_missing_folder_is_refused_first(tmp_path):
    done = cookieaudit("scan", "https://www.denhaag.nl/", "--har", str(tmp_path / "nergens" / "scan.har"),
                       "--browser-path", str(tmp_path / "geen-chromium"), "-q")
    assert done.returncode == 2 and done.stderr.startswith("cookieaudit: error: cannot write HAR "), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_audit_output_inside_the_new_output_dir(tmp_path):
    saved = tmp_path / "scan.json"
    saved.write_text(sample_result(tmp_path).to_json(), encoding="utf-8")
    folder = tmp_path / "opnieuw"
    done = cookieaudit("audit", str(saved), "--statement", "none", "--output-dir", str(folder),
                       "-o", str(folder / "result.json"), "--report", "markdown", "-q")
    assert done.returncode in (0, 1), done.stderr
    assert (folder / "result.json").is_file() and (folder / "report.md").is_file()
    elsewhere = cookieaudit("audit", str(saved), "--output-dir", str(folder), "-o", str(tmp_path / "nee" / "r.json"), "-q")
    assert elsewhere.returncode == 2 and "does not exist (it is not created)" in elsewhere.stderr


def test_statement_output_is_checked_before_fetching(tmp_path):
    """`statement URL -o missing/x.json`: the output folder is refused before a browser fetches the URL."""
    done = cookieaudit("statement", "https://www.denhaag.nl/privacyverklaring", "--browser-path",
                       str(tmp_path / "geen-chromium"), "--format", "json", "-o", str(tmp_path / "nergens" / "d.json"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("cookieaudit: error: cannot write output ") and "browser" not in done.stderr
