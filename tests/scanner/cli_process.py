"""Running ``python -m cookieaudit scan`` as a process with a TMPDIR of its own, and checking
what it leaves behind (files in that TMPDIR, processes that mention it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOISE = ("Traceback", "never retrieved", "was destroyed but it is pending")


def processes_mentioning(text: str) -> list[tuple[int, str]]:
    """(pid, command line) of live processes whose command line mentions ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
        if text in cmdline:
            found.append((int(entry.name), cmdline[:200]))
    return found


class Run:
    """``python -m cookieaudit scan ...`` in its own process group with a private TMPDIR."""

    def __init__(self, tmp_path: Path, args: list[str]):
        self.tmpdir = Path(tempfile.mkdtemp(prefix="ca-test-", dir="/tmp"))  # short, as a real TMPDIR is
        env = {**os.environ, "TMPDIR": str(self.tmpdir)}
        self.process = subprocess.Popen([sys.executable, "-m", "cookieaudit", "scan", *args], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        self.out = self.err = b""

    def wait_until(self, condition, what: str, limit: float = 90) -> None:
        deadline = time.monotonic() + limit
        while not condition():
            assert self.process.poll() is None, self.process.communicate()
            assert time.monotonic() < deadline, f"never reached: {what}"
            time.sleep(0.05)

    def finish(self, limit: float = 120) -> int:
        try:
            self.out, self.err = self.process.communicate(timeout=limit)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.returncode

    def assert_clean_exit(self) -> None:
        """No traceback or asyncio noise, nothing left in TMPDIR, no browser alive 10 s after exit."""
        text = self.err.decode(errors="replace")
        assert not any(word in text for word in NOISE), text
        try:
            assert list(self.tmpdir.iterdir()) == []
            deadline = time.monotonic() + 10
            while processes_mentioning(str(self.tmpdir)) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert processes_mentioning(str(self.tmpdir)) == []
        finally:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def driver(self) -> list[int]:
        return [pid for pid, cmdline in processes_mentioning("run-driver") if _parent(pid) == self.process.pid]


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0
