"""Workbook jobs in worker processes, and the progress display that counts them."""

import io
import os
from functools import partial
from pathlib import Path

import pytest
from rich.console import Console

from pipeline import progress
from pipeline.progress import SILENT, CountColumn, Display, progress_display
from pipeline.report.workers import Job, job_results


def write_pid(path: Path, value: int) -> int:
    path.write_text(str(os.getpid()))
    return value


def test_results_come_back_in_the_jobs_order_whatever_order_they_ran(tmp_path: Path) -> None:
    jobs = [Job(partial(write_pid, tmp_path / f"{i}", i * 10), weight=i) for i in range(5)]
    finished: list[int] = []
    assert job_results(jobs, 2, lambda: finished.append(1)) == [0, 10, 20, 30, 40]
    assert len(finished) == 5
    pids = {(tmp_path / f"{i}").read_text() for i in range(5)}
    assert str(os.getpid()) not in pids  # every job ran in a worker process


def test_one_worker_runs_the_jobs_here_biggest_first() -> None:
    ran: list[str] = []

    def job(name: str) -> str:
        ran.append(name)
        return name

    jobs = [Job(partial(job, n), weight=w) for n, w in (("a", 1), ("b", 9))]
    assert job_results(jobs, 1) == ["a", "b"]
    assert ran == ["b", "a"]


def failing() -> int:
    raise OSError(28, "No space left on device")


def test_a_failing_job_raises_its_error_here() -> None:
    jobs = [Job(lambda: 1, 1), Job(failing, 2), Job(lambda: 3, 3)]
    with pytest.raises(OSError, match="No space left"):
        job_results(jobs, 2)


def test_no_display_when_quiet_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    with progress_display(quiet=True) as shown:
        assert shown is SILENT
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: False)
    with progress_display(quiet=False) as shown:
        assert shown is SILENT


def test_a_display_marks_each_stage_done_as_the_next_begins() -> None:
    display = Display(Console(file=io.StringIO(), force_terminal=True))
    display.stage("Reading")
    display.stage("Writing the workbooks", total=3)
    display.advance()
    display.advance()
    reading, writing = display.bars.tasks
    assert (reading.completed, reading.total, reading.finished) == (1, 1, True)
    assert (writing.completed, writing.total) == (2, 3)
    counts = CountColumn()
    assert (str(counts.render(reading)), str(counts.render(writing))) == ("", "2/3")
    display.close()
    assert not display.timer.is_alive()
