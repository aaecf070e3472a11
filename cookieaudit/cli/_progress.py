"""A progress line on stderr while a scan runs (only on a terminal)."""

from __future__ import annotations

from ..safety import strip_credentials, terminal_safe

__all__ = ["Progress"]


class Progress:
    """A rich progress line on stderr; a no-op when disabled."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._progress = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn

            self._progress = RichProgress(SpinnerColumn(), TextColumn("{task.description}"),
                                          console=Console(stderr=True), transient=True)
            self._progress.start()
        return self

    @property
    def callback(self):
        """The scanner's progress callback, or None when disabled."""
        return self.update if self.enabled else None

    def update(self, phase: str, done: int, url: str) -> None:
        if self._progress is None:
            return
        from rich.markup import escape

        description = f"{phase}: {done} pages — {escape(terminal_safe(strip_credentials(url), 80))}"
        if phase not in self._tasks:
            self._tasks[phase] = self._progress.add_task(description, total=None)
        self._progress.update(self._tasks[phase], description=description)

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.stop()
        return False
