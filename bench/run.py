"""`make bench`: time the pipeline at funder scale and check it against the targets.

Each size runs in fresh processes (so peak RSS is per run): the stage-timed full run, the
`reconcile run --formats parquet` command as a whole, the pyarrow.csv floor, and that command
side by side with its DuckDB peer (bench/side_by_side.py).
Results are printed and written to reports/bench/bench.json.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from bench import side_by_side

ROOT = Path(__file__).resolve().parent.parent
MONTH = "2026-10"
SEED = 20261001
SIZES = (100_000, 1_000_000)
DONE_MARKER = ".complete"
GIB = 1024**3
SAMPLE_S = 0.05


@dataclass(frozen=True)
class Measured:
    """One child process: its wall time (from spawn to exit), CPU time (user + system, its own and
    its waited-for children's), peak RSS, exit code, stdout.

    `peak_tree_pss_bytes` is the most memory its whole process tree (workbook workers included)
    held at once, as the sum of each process's proportional share (PSS, sampled).
    """

    wall_s: float
    cpu_s: float
    peak_rss_bytes: int
    peak_tree_pss_bytes: int
    exit_code: int
    stdout: str


def tree_pss_bytes(pid: int) -> int:
    """The summed PSS of a process and all its descendants now (0 for those already gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        proc = Path("/proc") / str(current)
        try:
            for line in (proc / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
            for task in (proc / "task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


class TreeSampler(threading.Thread):
    """Samples a process tree's PSS every SAMPLE_S seconds until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak = pid, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_S):
            self.peak = max(self.peak, tree_pss_bytes(self.pid))


@dataclass(frozen=True)
class Target:
    name: str
    size: int
    metric: str  # a key of the size's results
    limit: float
    unit: str


TARGETS = (
    Target("1M lines, --formats parquet, whole command incl. interpreter start",
           1_000_000, "cli_parquet_wall_s", 6.0, "s"),
    Target("100k lines, full run with every workbook", 100_000, "full_wall_s", 20.0, "s"),
    Target("1M lines, full run with every workbook", 1_000_000, "full_wall_s", 240.0, "s"),
    Target("1M lines, full run peak memory (all processes, PSS)", 1_000_000,
           "full_peak_tree_pss_gib", 2.5, "GiB"),
    Target("1M lines, full run peak RSS of the main process", 1_000_000, "full_peak_rss_gib",
           2.5, "GiB"),
    Target("1M lines, --formats parquet / DuckDB peer, median of pairs (issue 12)", 1_000_000,
           "parquet_over_duckdb", 0.75, "x"),
)


def measured(command: list[str]) -> Measured:
    """Run `command` from the repository root; wait4 gives this child's own rusage."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        sampler = TreeSampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = perf_counter() - start
        sampler.done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode()[-3000:]}")
        # Linux reports ru_maxrss in KiB.
        return Measured(
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss * 1024,
            sampler.peak,
            child.returncode,
            out.read().decode(),
        )


def month_folder(data_root: Path, lines: int, seed: int) -> tuple[Path, float]:
    """The generated month of `lines` service lines (CSV), cached by size and seed."""
    folder = data_root / f"{lines}-{seed}"
    if (folder / DONE_MARKER).exists():
        return folder, 0.0
    from pipeline.sample.month import write_sample

    start = perf_counter()
    write_sample(folder, lines=lines, seed=seed, month=MONTH, xlsx=False)
    (folder / DONE_MARKER).write_text("", encoding="utf-8")
    return folder, perf_counter() - start


def size_results(folder: Path, out_root: Path, lines: int, pairs: int) -> dict[str, Any]:
    """Stage times, whole-command times, RSS, the floor and the DuckDB peer for one size."""
    python = sys.executable
    out = out_root / str(lines)
    full = measured([python, "-m", "bench.stages", "--data", str(folder), "--month", MONTH,
                     "--out", str(out / "full")])
    stages = json.loads(full.stdout)
    cli = measured([python, "-m", "pipeline", "run", "--month", MONTH, "--data", str(folder),
                    "--out", str(out / "parquet"), "--formats", "parquet", "--quiet"])
    csvs = sorted(str(p) for p in folder.glob("*.csv"))
    floor = json.loads(measured([python, "-m", "bench.floor", *csvs]).stdout)
    peer: dict[str, Any] = {}
    if side_by_side.duckdb_missing() is None and pairs > 0:
        peer = side_by_side.summary(
            side_by_side.pairs(measured, folder, MONTH, out / "side_by_side", pairs)
        )
    workbooks_s = stages["stages"].get("workbooks", 0.0)
    cells = stages["workbook_cells"]
    return {
        "service_lines": stages["service_lines"],
        "client_days": stages["client_days"],
        "stages_s": stages["stages"],
        "full_wall_s": full.wall_s,
        "full_peak_rss_gib": full.peak_rss_bytes / GIB,
        "full_peak_tree_pss_gib": full.peak_tree_pss_bytes / GIB,
        "cli_parquet_wall_s": cli.wall_s,
        "cli_parquet_peak_rss_gib": cli.peak_rss_bytes / GIB,
        "cli_parquet_exit_code": cli.exit_code,
        "workbook_cells": cells,
        "workbook_cells_per_s": cells / workbooks_s if workbooks_s else None,
        "floor_pyarrow_csv_read_s": floor["read_s"],
        "load_over_floor": stages["stages"]["load"] / floor["read_s"],
        "load_validate_over_floor": (stages["stages"]["load"] + stages["stages"]["validate"])
        / floor["read_s"],
        **({"side_by_side": peer, "parquet_over_duckdb": peer["median_ratio"]} if peer else {}),
    }


PEER_TARGET = next(t.limit for t in TARGETS if t.metric == "parquet_over_duckdb")


def verdicts(results: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target measured in this run, with its value and PASS or FAIL."""
    return [
        {
            "target": t.name,
            "limit": t.limit,
            "unit": t.unit,
            "value": results[t.size][t.metric],
            "pass": results[t.size][t.metric] < t.limit,
        }
        for t in TARGETS
        if t.metric in results.get(t.size, {})
    ]


def printed_size(lines: int, r: dict[str, Any]) -> str:
    stages = "  ".join(f"{k} {v:.2f}s" for k, v in r["stages_s"].items())
    rate = r["workbook_cells_per_s"]
    return (
        f"{lines:>9,} lines  {r['client_days']:,} client-days\n"
        f"  stages: {stages}\n"
        f"  full run {r['full_wall_s']:.2f}s, peak RSS {r['full_peak_rss_gib']:.2f} GiB "
        f"(all processes: {r['full_peak_tree_pss_gib']:.2f} GiB PSS); "
        f"workbooks {r['workbook_cells']:,} cells"
        + (f" at {rate:,.0f} cells/s" if rate else "")
        + f"\n  reconcile run --formats parquet {r['cli_parquet_wall_s']:.2f}s "
        f"(peak RSS {r['cli_parquet_peak_rss_gib']:.2f} GiB)\n"
        f"  floor: pyarrow.csv reads the CSVs in {r['floor_pyarrow_csv_read_s']:.2f}s; "
        f"load is {r['load_over_floor']:.1f}x that, load+validate "
        f"{r['load_validate_over_floor']:.1f}x"
        + (f"\n{side_by_side.printed(r['side_by_side'], PEER_TARGET)}" if "side_by_side" in r
           else f"\n  side by side: not measured, {side_by_side.duckdb_missing() or 'no pairs'}")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="comma-separated service-line counts")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--data", type=Path, default=ROOT / "temp" / "bench",
                        help="cache folder of generated months")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    parser.add_argument("--pairs", type=int, default=side_by_side.PAIRS,
                        help="runs of the pipeline and its DuckDB peer, in alternation")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, Any]] = {}
    for lines in sizes:
        folder, generated_s = month_folder(args.data, lines, args.seed)
        results[lines] = {
            "generate_s": generated_s, **size_results(folder, args.out, lines, args.pairs)
        }
        print(printed_size(lines, results[lines]), flush=True)  # noqa: T201
    checks = verdicts(results)
    for c in checks:
        mark = "PASS" if c["pass"] else "FAIL"
        print(f"{mark}  {c['target']}: {c['value']:.2f} {c['unit']} (limit {c['limit']})")  # noqa: T201
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "month": MONTH,
        "seed": args.seed,
        "sizes": {str(k): v for k, v in results.items()},
        "targets": checks,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"written to {args.out / 'bench.json'}")  # noqa: T201
    from bench.hostile import main as hostile_inputs  # issue 11: reading hostile inputs

    hostile_inputs(["--out", str(args.out)])


if __name__ == "__main__":
    main()
