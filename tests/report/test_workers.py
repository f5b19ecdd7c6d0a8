"""Workbook jobs in worker processes, and the progress display that counts them."""

import io
import os
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from pipeline import progress
from pipeline.progress import SILENT, CountColumn, Display, progress_display
from pipeline.report import workers
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


@given(st.lists(st.integers(0, 3 * workers.SMALL_JOB), max_size=300), st.integers(1, 8))
def test_packed_batches_hold_every_job_once_with_big_ones_alone(
    weights: list[int], cpus: int
) -> None:
    batches = workers.packed(weights, cpus)
    assert sorted(i for b in batches for i in b) == list(range(len(weights)))
    assert all(b == sorted(b) and b for b in batches)
    for batch in batches:
        if any(weights[i] >= workers.SMALL_JOB for i in batch):
            assert len(batch) == 1
    small = sum(w < workers.SMALL_JOB for w in weights)
    batched = len(batches) - (len(weights) - small)
    assert batched == min(small, cpus * workers.BATCHES_PER_WORKER)


def test_a_thousand_tiny_workbooks_take_a_few_worker_processes_not_a_thousand() -> None:
    batches = workers.packed([2] * 1000, 2)
    assert len(batches) == 2 * workers.BATCHES_PER_WORKER
    assert {len(b) for b in batches} == {125}


def test_a_few_workbooks_keep_a_process_each() -> None:
    assert sorted(workers.packed([5, 50_000, 7], 2)) == [[0], [1], [2]]


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
