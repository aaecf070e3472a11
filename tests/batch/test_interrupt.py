"""Stopping a batch with SIGTERM (as a service manager or Kubernetes does) while its sites run,
without a browser: each site's "browser" is a program that never answers, so the units are
mid-launch when the signal comes. The running units are stopped with their processes, every
line gets a row, the summaries are written, exit 143. (Ctrl-C and SIGKILL against real sites:
test_batch_web.py.)"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cookieaudit.batch.unit import TOKEN_VARIABLE

ROOT = Path(__file__).resolve().parents[2]


def _unit_processes(under: Path) -> list[int]:
    """Processes of batch units whose working folder is under ``under`` (other batches may run)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (f"{TOKEN_VARIABLE}=".encode() in (entry / "environ").read_bytes()
                        and os.readlink(entry / "cwd").startswith(str(under))):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_sigterm_stops_the_running_sites_and_keeps_a_row_for_every_line(tmp_path):
    marker = tmp_path / "gestart"
    marker.mkdir()
    browser = tmp_path / "chromium"  # never opens its DevTools pipe
    browser.write_text(f"#!/bin/sh\ntouch {marker}/$$\nexec sleep 600\n", encoding="utf-8")
    browser.chmod(0o755)
    listing = tmp_path / "lijst.txt"
    listing.write_text("www.een.nl\nwww.twee.nl\nwww.drie.nl\n", encoding="utf-8")
    out = tmp_path / "uit"
    batch = subprocess.Popen([sys.executable, "-m", "cookieaudit", "batch", str(listing), "--output-dir", str(out),
                              "--workers", "2", "--browser-path", str(browser), "--no-report"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while len(list(marker.iterdir())) < 2:  # both running sites have launched their "browser"
        assert batch.poll() is None, batch.communicate()
        assert time.monotonic() < deadline, "the two sites did not start"
        time.sleep(0.2)
    batch.send_signal(signal.SIGTERM)
    _, stderr = batch.communicate(timeout=180)
    assert batch.returncode == 143, stderr
    assert "interrupted by SIGTERM" in stderr and "Traceback" not in stderr
    with open(out / "summary.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["site"] for r in rows] == ["https://www.een.nl/", "https://www.twee.nl/", "https://www.drie.nl/"]
    # Stopped mid-launch: a partial result without pages (incomplete) when the scan answers SIGTERM
    # within the grace period, else killed without one (failed); either way a rerun scans it again.
    for row in rows[:2]:
        assert (row["status"], row["exit_code"]) in {("incomplete", "143"), ("failed", "137")}, row
        assert row["error"].startswith("the batch was interrupted"), row
    assert rows[2]["status"] == "failed"
    assert rows[2]["error"] == "not scanned: the batch was interrupted (SIGTERM)"
    assert not (out / "sites" / "www.drie.nl" / "site.json").exists()  # never started: a rerun scans it
    assert _unit_processes(out) == []  # the sleeping "browsers" went with their sites
