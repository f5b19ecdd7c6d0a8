"""The progress display on stderr: shown on a terminal only, and only once a run takes a while."""

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as Bars
from rich.text import Text

SHOW_AFTER_S = 2.0  # a run quicker than this shows nothing but its result
COUNTED = "counted"


class Progress(Protocol):
    """Told of each stage as it starts, and of each item done within a counted stage."""

    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self) -> None: ...


class Silent:
    """No display: for --quiet, for output that is not a terminal, and for library calls."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Nothing to show."""

    def advance(self) -> None:
        """Nothing to show."""


SILENT = Silent()


class CountColumn(MofNCompleteColumn):
    """"done/total" for a counted stage (the workbooks); nothing for a stage that is not."""

    def render(self, task: Task) -> Text:
        return super().render(task) if task.fields.get(COUNTED) else Text("")


class Display:
    """One line per stage, with a bar for counted ones; appears after SHOW_AFTER_S seconds."""

    def __init__(self, console: Console) -> None:
        self.bars = Bars(
            TextColumn("{task.description}"),
            BarColumn(),
            CountColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task: TaskID | None = None
        self.lock = threading.Lock()
        self.closed = False
        self.timer = threading.Timer(SHOW_AFTER_S, self.show)
        self.timer.daemon = True

    def show(self) -> None:
        with self.lock:
            if not self.closed:
                self.bars.start()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.timer.cancel()
            self.bars.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        if self.task is not None:
            # The stage before is over: show it full, whether or not it was counted.
            whole = next(t.total for t in self.bars.tasks if t.id == self.task) or 1
            self.bars.update(self.task, total=whole, completed=whole)
            self.bars.stop_task(self.task)
        self.task = self.bars.add_task(name, total=total, **{COUNTED: total is not None})

    def advance(self) -> None:
        if self.task is not None:
            self.bars.advance(self.task)


@contextmanager
def progress_display(quiet: bool) -> Iterator[Progress]:
    """A Display on stderr when it is a terminal and the run is not quiet, else SILENT."""
    if quiet or not sys.stderr.isatty():
        yield SILENT
        return
    display = Display(Console(stderr=True))
    display.timer.start()
    try:
        yield display
    finally:
        display.close()
