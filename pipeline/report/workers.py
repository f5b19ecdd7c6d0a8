"""Runs independent CPU-bound jobs (the workbooks) in forked worker processes, biggest first.

Workbook writing is pure Python, so threads would queue on one interpreter lock; processes
forked from the run share its frames copy-on-write, with nothing pickled but the results.
"""

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

FORK = "fork"


@dataclass(frozen=True)
class Job:
    """A callable that returns a small picklable result, and its rough size for ordering."""

    run: Callable[[], Any]
    weight: int


# The jobs of the pool being run, inherited by the forked workers (closures do not pickle).
_JOBS: tuple[Job, ...] = ()


def _ignore_interrupt() -> None:
    # Ctrl-C is the parent's to handle: it stops the pool, and the workers print nothing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(index: int) -> tuple[int, Any]:
    return index, _JOBS[index].run()


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform has affinity
        return os.cpu_count() or 1


def job_results(
    jobs: Sequence[Job], workers: int, finished: Callable[[], None] = lambda: None
) -> list[Any]:
    """Each job's result, in the jobs' order; `finished` is called as each one ends.

    With one worker, one job, or no fork on this platform, the jobs run here, one by one.
    A job's exception is raised here, and the other workers are stopped.
    """
    global _JOBS
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].weight)
    results: list[Any] = [None] * len(jobs)
    workers = min(workers, len(jobs))
    if workers <= 1 or FORK not in multiprocessing.get_all_start_methods():
        for i in order:
            results[i] = jobs[i].run()
            finished()
        return results
    _JOBS = tuple(jobs)
    try:
        context = multiprocessing.get_context(FORK)
        # Leaving the block terminates the workers, also when a job failed or on Ctrl-C.
        with context.Pool(workers, initializer=_ignore_interrupt, maxtasksperchild=1) as pool:
            for index, result in pool.imap_unordered(_run, order):
                results[index] = result
                finished()
    finally:
        _JOBS = ()
    return results
