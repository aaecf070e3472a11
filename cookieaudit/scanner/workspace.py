"""Every file and process a scan makes outside the user's outputs, and their removal.

A scan keeps its browser profiles (site data in plain text), the HAR files before they are
redacted, and the temporary files of Playwright's driver and of Chromium in one private
folder (``cookieaudit-scan-*`` in the temp directory). ``Workspace.remove()`` kills every
browser the scan started — the whole process group, which Playwright makes each Chromium
lead — and deletes the folder. The scan calls it on every way out: normal end, SIGINT,
SIGTERM, a dead driver, an internal error; an ``atexit`` hook catches the rest.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Iterator, Optional

__all__ = ["Workspace", "kill_process_group"]

_ENV_LOCK = threading.Lock()
# Chromium puts its singleton socket under TMPDIR; a Unix socket path has at most 107 bytes.
_MAX_TMP_PATH = 48
_LIVE: "weakref.WeakSet[Workspace]" = weakref.WeakSet()


class Workspace:
    """A private temporary folder for one scan, and the browser processes it started."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="cookieaudit-scan-"))
        self.tmp = self.root / "tmp"  # TMPDIR of the driver and of Chromium
        self.config = self.root / "config"  # XDG_CONFIG_HOME of Chromium: its crash database
        self.config.mkdir()
        self._extra: list[Path] = []
        if len(str(self.tmp)) <= _MAX_TMP_PATH:
            self.tmp.mkdir()
        else:  # a long temp directory: Chromium could not create its socket there
            self.tmp = Path(tempfile.mkdtemp(prefix="cookieaudit-tmp-", dir="/tmp" if os.path.isdir("/tmp") else None))
            self._extra.append(self.tmp)
        self._browsers: dict[int, str] = {}  # browser pid -> its profile folder
        self.removed = False
        _LIVE.add(self)

    def new_dir(self, prefix: str) -> Path:
        """A fresh folder inside the workspace."""
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.root))

    def browser_env(self) -> dict[str, str]:
        """Environment for Chromium: its temporary files and crash reports stay in the workspace."""
        return {**os.environ, "TMPDIR": str(self.tmp), "XDG_CONFIG_HOME": str(self.config)}

    @contextlib.contextmanager
    def driver_environment(self) -> Iterator[None]:
        """While the driver starts, TMPDIR points into the workspace (the driver copies the
        environment when it starts, and keeps its artefact folders there)."""
        with _ENV_LOCK:
            saved = os.environ.get("TMPDIR")
            os.environ["TMPDIR"] = str(self.tmp)
            try:
                yield
            finally:
                if saved is None:
                    os.environ.pop("TMPDIR", None)
                else:
                    os.environ["TMPDIR"] = saved

    def add_browser(self, pid: Optional[int], profile: Path) -> None:
        """Remember a browser process (it leads its own process group)."""
        if pid:
            self._browsers[pid] = str(profile)

    def kill_browser(self, pid: Optional[int], wait: float = 2.0) -> None:
        """Kill one browser's process group (no-op when it is gone)."""
        if pid and pid in self._browsers:
            kill_process_group(pid, self._browsers[pid], wait)

    def kill_browsers(self) -> None:
        for pid, profile in list(self._browsers.items()):
            kill_process_group(pid, profile, wait=2.0)

    def remove(self) -> None:
        """Kill the scan's browsers and delete the folder; safe to call more than once."""
        if self.removed:
            return
        self.kill_browsers()
        for _ in range(3):  # a process that was still exiting can recreate a file once
            for folder in [self.root, *self._extra]:
                shutil.rmtree(folder, ignore_errors=True)
            if not any(folder.exists() for folder in [self.root, *self._extra]):
                break
            time.sleep(0.2)
        self.removed = not self.root.exists()


def _group_members(pgid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes in a process group (Linux /proc)."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != pgid or fields[0] == b"Z":  # zombies are dead, only not yet reaped
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except (OSError, ValueError, IndexError):
            continue
        members.append((int(entry.name), cmdline))
    return members


def kill_process_group(pgid: int, marker: str, wait: float = 2.0) -> None:
    """SIGKILL the process group ``pgid`` if it still holds a process whose command line
    contains ``marker`` (the browser's profile folder): a recycled group id is never hit."""
    if pgid <= 1 or pgid == os.getpgrp():
        return
    if sys.platform.startswith("linux"):
        if not any(marker in cmdline for _, cmdline in _group_members(pgid)):
            return
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and sys.platform.startswith("linux") and _group_members(pgid):
        time.sleep(0.05)


@atexit.register
def _remove_leftovers() -> None:
    for workspace in list(_LIVE):
        workspace.remove()
