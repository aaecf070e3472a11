"""Scan options that Chromium itself would refuse are usage errors (exit 2), not "no browser" (exit 4)."""

from __future__ import annotations

import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def cookieaudit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cookieaudit", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


@pytest.mark.skipif(not zoneinfo.available_timezones(), reason="no time zone database on this machine")
@pytest.mark.parametrize("command", [["scan", "https://www.denhaag.nl/"], ["batch", "lijst.txt", "--output-dir", "uit"]])
def test_unknown_time_zone_is_a_usage_error(command, tmp_path):
    (tmp_path / "lijst.txt").write_text("www.denhaag.nl\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cookieaudit", *command, "--timezone", "Mars/Olympus_Mons",
                           "--browser-path", str(tmp_path / "geen-chromium")], cwd=tmp_path, capture_output=True,
                          text=True, encoding="utf-8", timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr
    assert "unknown time zone 'Mars/Olympus_Mons'" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "uit").exists()


def test_real_time_zones_pass_to_the_browser_check(tmp_path):
    for zone in ("UTC", "America/Argentina/Buenos_Aires", "Europe/Amsterdam"):
        done = cookieaudit("scan", "https://www.denhaag.nl/", "--timezone", zone, "--browser-path", str(tmp_path / "x"))
        assert done.returncode == 4 and "browser not found" in done.stderr, (zone, done.stderr)
