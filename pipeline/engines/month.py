"""Which engine computes the month: pandas on this machine, or Dask on a cluster."""

from pipeline.choices import DASK, ENGINES
from pipeline.config import Config
from pipeline.engines.pandas_engine import reconciled_month
from pipeline.errors import UsageError
from pipeline.progress import SILENT, Progress
from pipeline.result import Inputs, RunResult


def month_result(
    inputs: Inputs,
    month: str,
    config: Config,
    engine: str,
    scheduler: str | None,
    progress: Progress = SILENT,
) -> RunResult:
    """The reconciled month from the chosen engine; both give the same result."""
    if engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler and engine != DASK:
        raise UsageError("--scheduler needs --engine dask")
    if engine == DASK:
        from pipeline.engines.dask_engine import dask_month_result

        progress.stage("Reconciling on Dask")
        return dask_month_result(inputs, month, config, scheduler)
    return reconciled_month(inputs, month, config, progress)
