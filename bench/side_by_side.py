"""The pipeline against its DuckDB peer (issue 12), measured the same way in one benchmark run.

`reconcile run --formats parquet` and `python -m bench.duckdb_peer` run in alternation, each as a
whole fresh process timed from spawn to exit, each writing into a folder of its own that does not
exist before the run. The ratio of a pair is pipeline ÷ DuckDB; the median of the pairs is the
figure the target reads, since a pair's two runs share the machine's state of the moment.
"""

import importlib.util
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

PAIRS = 3


class Timed(Protocol):
    """What bench.run's `measured` reports of one process."""

    @property
    def wall_s(self) -> float: ...

    @property
    def cpu_s(self) -> float: ...


@dataclass(frozen=True)
class Pair:
    pipeline: Timed
    duckdb: Timed

    @property
    def ratio(self) -> float:
        return self.pipeline.wall_s / self.duckdb.wall_s


def duckdb_missing() -> str | None:
    """Why the peer cannot run here, or None: it needs the `bench` extra (duckdb)."""
    if importlib.util.find_spec("duckdb") is None:
        return "duckdb is not installed (pip install -e '.[bench]'; `make bench` does)"
    return None


def commands(folder: Path, month: str, out: Path) -> tuple[list[str], list[str]]:
    """The two commands of a pair: the pipeline's parquet-only run and the DuckDB peer."""
    python = sys.executable
    data = ["--month", month, "--data", str(folder), "--out", str(out)]
    return (
        [python, "-m", "pipeline", "run", *data, "--formats", "parquet", "--quiet"],
        [python, "-m", "bench.duckdb_peer", *data],
    )


def fresh(folder: Path) -> Path:
    """`folder`, removed first: every run writes into a folder that did not exist."""
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def pairs(
    measured: Callable[[list[str]], Timed], folder: Path, month: str, out: Path, count: int
) -> list[Pair]:
    """`count` pairs, pipeline then DuckDB, each run into a fresh folder under `out`."""
    done = []
    for i in range(count):
        pipeline, _ = commands(folder, month, fresh(out / f"pipeline-{i}"))
        _, peer = commands(folder, month, fresh(out / f"duckdb-{i}"))
        done.append(Pair(pipeline=measured(pipeline), duckdb=measured(peer)))
    return done


def summary(done: list[Pair]) -> dict[str, Any]:
    """Every run's wall and CPU time, both medians and the median ratio, for bench.json."""
    return {
        "pipeline_wall_s": [p.pipeline.wall_s for p in done],
        "duckdb_wall_s": [p.duckdb.wall_s for p in done],
        "pipeline_cpu_s": [p.pipeline.cpu_s for p in done],
        "duckdb_cpu_s": [p.duckdb.cpu_s for p in done],
        "pipeline_median_s": statistics.median(p.pipeline.wall_s for p in done),
        "duckdb_median_s": statistics.median(p.duckdb.wall_s for p in done),
        "ratios": [p.ratio for p in done],
        "median_ratio": statistics.median(p.ratio for p in done),
    }


def printed(result: dict[str, Any], target: float) -> str:
    """The side-by-side lines of the benchmark's report."""

    def runs(side: str) -> str:
        walls, cpus = result[f"{side}_wall_s"], result[f"{side}_cpu_s"]
        each = "  ".join(f"{w:.2f}s" for w in walls)
        usage = statistics.median(c / w for c, w in zip(cpus, walls, strict=True))
        return (
            f"median {result[f'{side}_median_s']:.2f}s  runs {each}  "
            f"(CPU {statistics.median(cpus):.2f}s, {usage:.0%} of one core)"
        )

    ratios = "  ".join(f"{r:.2f}" for r in result["ratios"])
    return (
        f"  side by side, {len(result['ratios'])} pairs, whole processes:\n"
        f"    reconcile run --formats parquet  {runs('pipeline')}\n"
        f"    DuckDB peer (bench/duckdb_peer)  {runs('duckdb')}\n"
        f"    pipeline / DuckDB: median {result['median_ratio']:.2f}x (pairs {ratios}); "
        f"target at most {target}x"
    )
