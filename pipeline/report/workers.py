"""Runs independent CPU-bound jobs (the workbooks) in forked worker processes, biggest first.

Workbook writing is pure Python, so threads would queue on one interpreter lock; processes
forked from the run share its frames copy-on-write, with nothing pickled but the results.
A worker process serves one job and ends, which gives a big workbook's memory back at once;
small jobs are first packed into batches (`packed`), as a process each cost more than they do.
"""

import heapq
import multiprocessing
import multiprocessing.pool
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

FORK = "fork"
_STOPPING = {signal.SIGINT, signal.SIGTERM}  # what the run meets by stopping (pipeline.cli)
SMALL_JOB = 10_000  # a job of less weight (rows) shares its worker process with others
JOB_OVERHEAD = 1_000  # what any job costs beside its rows, in rows: a workbook's fixed parts
BATCHES_PER_WORKER = 4  # enough batches that no worker waits long for the last one


@dataclass(frozen=True)
class Job:
    """A callable that returns a small picklable result, and its rough size for ordering."""

    run: Callable[[], Any]
    weight: int


# The jobs of the pool being run, inherited by the forked workers (closures do not pickle).
_JOBS: tuple[Job, ...] = ()


def _quiet_worker() -> None:
    # Ctrl-C is the parent's to handle: it stops the pool, and the workers print nothing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The pool stops its workers with SIGTERM: a worker ends there, without the parent's
    # handler (which would raise inside the job and print a traceback).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)  # held back while the pool forked


def _started_pool(workers: int) -> multiprocessing.pool.Pool:
    """A pool of forked workers, started with Ctrl-C and SIGTERM held back.

    The run meets both by raising in its main thread; raised inside the fork (in logging's
    at-fork hook, which swallows it with the lock still held) the signal would be lost and the
    next fork would wait for that lock forever. Held back, it is raised here once the pool
    stands, and the pool is stopped. The pool's threads keep the signals held, so the main
    thread alone meets them.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    pool = None
    try:
        context = multiprocessing.get_context(FORK)
        pool = context.Pool(workers, initializer=_quiet_worker, maxtasksperchild=1)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held back is raised here
        return pool
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _run(index: int) -> tuple[int, Any]:
    return index, _JOBS[index].run()


def packed(weights: Sequence[int], workers: int) -> list[list[int]]:
    """The jobs' indexes in batches, each batch one job of a worker: every big job alone, the
    small ones spread over a few batches, heaviest first into the lightest batch so that the
    batches come out about even. Each batch lists its jobs in their given order."""
    small = sorted((i for i, w in enumerate(weights) if w < SMALL_JOB), key=lambda i: -weights[i])
    count = min(len(small), max(workers * BATCHES_PER_WORKER, 1))
    lightest = [(0, b) for b in range(count)]
    batches: list[list[int]] = [[] for _ in range(count)]
    for i in small:
        load, b = heapq.heappop(lightest)
        batches[b].append(i)
        heapq.heappush(lightest, (load + weights[i] + JOB_OVERHEAD, b))
    big = [[i] for i, w in enumerate(weights) if w >= SMALL_JOB]
    return big + [sorted(b) for b in batches]


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
        # Leaving the block terminates the workers, also when a job failed, on Ctrl-C or SIGTERM.
        with _started_pool(workers) as pool:
            for index, result in pool.imap_unordered(_run, order):
                results[index] = result
                finished()
    finally:
        _JOBS = ()
    return results
