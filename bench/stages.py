"""One benchmark run in its own process: per-stage wall times of the real pipeline, as JSON.

`python -m bench.stages --data DIR --month M --out DIR [--formats xlsx,parquet]`
"""

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any


def timed(clock: dict[str, float], name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func`, adding its wall time to clock[name] on every call."""

    def run(*args: Any, **kwargs: Any) -> Any:
        start = perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            clock[name] = clock.get(name, 0.0) + perf_counter() - start

    return run


def stage_times(data: Path, month: str, out: Path, formats: frozenset[str]) -> dict[str, Any]:
    """Run the month as `reconcile run` does and time each stage: imports, load, validate,
    rules (the line rules and review flags), reconcile (the rest of `reconciled`), parquet,
    workbooks."""
    clock: dict[str, float] = {}
    start = perf_counter()
    from datetime import datetime

    from pipeline.config import default_config
    from pipeline.engines import pandas_engine as run
    from pipeline.ingest import validate
    from pipeline.ingest.load import discovered_inputs
    from pipeline.ingest.validate import loaded_inputs
    from pipeline.report import outputs
    from pipeline.rules import reconcile

    clock["imports"] = perf_counter() - start
    # The stages are the pipeline's own functions, wrapped where the pipeline looks them up.
    reconcile.line_flags = timed(clock, "rules", reconcile.line_flags)
    reconcile.service_lines = timed(clock, "rules", reconcile.service_lines)
    outputs.write_tables = timed(clock, "parquet", outputs.write_tables)
    outputs.write_workbooks = timed(clock, "workbooks", outputs.write_workbooks)

    config = default_config()
    # Loading is reading each file into its text grid (raw_table, looked up by validate);
    # validating is the rest of loaded_inputs: parsing, checks, rejected rows, pandera.
    validate.raw_table = timed(clock, "load", validate.raw_table)
    began = perf_counter()
    loaded = loaded_inputs(discovered_inputs(data, month), config)
    clock["validate"] = perf_counter() - began - clock.get("load", 0.0)
    began = perf_counter()
    result = run.reconciled(loaded, run.billing_month(month), config, datetime.now())
    clock["reconcile"] = perf_counter() - began - clock["rules"]
    began = perf_counter()
    record = outputs.write_outputs(result, out, formats)
    clock["run_json"] = perf_counter() - began - clock.get("parquet", 0) - clock.get("workbooks", 0)
    return {
        "stages": clock,
        "total": perf_counter() - start,
        "service_lines": len(result.lines),
        "client_days": len(result.days),
        "workbook_cells": record["outputs"].get(outputs.WORKBOOK_CELLS, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--month", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--formats", default="xlsx,parquet")
    args = parser.parse_args()
    formats = frozenset(args.formats.split(","))
    json.dump(stage_times(args.data, args.month, args.out, formats), sys.stdout)


if __name__ == "__main__":
    main()
