"""What a batch shows while it runs: a rich progress bar on a terminal, one line per site otherwise.

The bar counts the sites this run scans (sites kept from an earlier run are named once at
the start), with how many failed, ended incomplete and are running, and an ETA from the pace
so far.
Site strings pass through ``terminal_safe`` and are never read as rich markup.
"""

from __future__ import annotations

import sys
from typing import Optional

from ..safety import terminal_safe

__all__ = ["BatchProgress"]


class BatchProgress:
    """Progress of one batch run; ``enabled=False`` (``-q``) shows nothing."""

    def __init__(self, total: int, *, kept: int = 0, enabled: bool = True, terminal: Optional[bool] = None):
        self.total = total
        self.kept = kept
        self.enabled = enabled
        self.terminal = sys.stderr.isatty() if terminal is None else terminal
        self.done = 0
        self.failed = 0
        self.incomplete = 0
        self.running = 0
        self._progress = None
        self._task = None
        self._console = None

    def __enter__(self) -> "BatchProgress":
        if not self.enabled:
            return self
        from rich.console import Console

        self._console = Console(stderr=True, highlight=False)
        if self.kept:
            self.note(f"{self.kept} site(s) already complete in the output folder; {self.total} to scan")
        if self.terminal and self.total:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._progress = Progress(
                TextColumn("sites"), BarColumn(), MofNCompleteColumn(),
                TextColumn("[red]{task.fields[failed]} failed[/red] · {task.fields[incomplete]} incomplete · "
                           "{task.fields[running]} running"),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=self._console, transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("sites", total=self.total, failed=0, incomplete=0, running=0)
        return self

    def started(self, site: str) -> None:
        self.running += 1
        self._refresh()

    def finished(self, row: dict) -> None:
        self.running = max(0, self.running - 1)
        self.done += 1
        if row.get("status") == "failed":
            self.failed += 1
        elif row.get("status") == "incomplete":
            self.incomplete += 1
        if self.enabled and self._progress is None and self._console is not None:
            seconds = row.get("seconds")
            took = f" ({seconds:.0f} s)" if isinstance(seconds, (int, float)) else ""
            error = f": {terminal_safe(row['error'], 160)}" if row.get("error") else ""
            self._print(f"[{self.done}/{self.total}] {row.get('status')} {terminal_safe(row.get('site'), 120)}{took}{error}")
        self._refresh()

    def note(self, message: str) -> None:
        """One line above the bar (or on stderr); its text made safe for the terminal."""
        if self.enabled:
            self._print(terminal_safe(message, 600))

    def _print(self, text: str) -> None:
        from rich.text import Text

        line = Text(f"cookieaudit: {text}")
        if self._progress is not None:
            self._progress.console.print(line)
        elif self._console is not None:
            self._console.print(line, soft_wrap=True)

    def _refresh(self) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=self.done, failed=self.failed, incomplete=self.incomplete,
                                  running=self.running)

    def __exit__(self, *exc) -> bool:
        if self._progress is not None:
            self._refresh()
            self._progress.stop()
        return False
