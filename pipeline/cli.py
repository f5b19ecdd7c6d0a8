"""The `reconcile` command: thin typer commands over the pipeline; errors caught once, here."""

import os
import signal
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.choices import DASK, FORMATS, PANDAS
from pipeline.config import load_config
from pipeline.errors import PipelineError, UsageError
from pipeline.result import Inputs
from schemas.columns import DISALLOWED_AMOUNT

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    help="Reconcile providers' Case Management claims against their service documentation.",
)

Month = Annotated[
    str,
    typer.Option("--month", metavar="YYYY-MM", help="The billing month, YYYY-MM (e.g. 2026-10)."),
]
Services = Annotated[
    list[Path] | None,
    typer.Option(
        "--services",
        metavar="FILE",
        help="A services (service log) file, .csv or .xlsx. Repeatable.",
    ),
]
Claims = Annotated[
    list[Path] | None,
    typer.Option("--claims", metavar="FILE", help="A claims file, .csv or .xlsx. Repeatable."),
]
Rates = Annotated[
    list[Path] | None,
    typer.Option("--rates", metavar="FILE", help="A rates file, .csv or .xlsx (optional)."),
]
Authorizations = Annotated[
    list[Path] | None,
    typer.Option(
        "--authorizations",
        metavar="FILE",
        help="An authorizations file, .csv or .xlsx (optional; SPEC §9 applies only with one). "
        "Repeatable.",
    ),
]
Data = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="DIR",
        help="Folder of the month's files, used when no file options are given "
        "(default: data/<month>).",
    ),
]
REPORTS = Path("reports")
VALIDATION = "-validation"  # validate's own folder: a run's report folder never mixes the two
Out = Annotated[
    Path | None,
    typer.Option("--out", metavar="DIR", help=f"Output folder (default: {REPORTS}/<month>)."),
]
ValidationOut = Annotated[
    Path | None,
    typer.Option(
        "--out", metavar="DIR", help=f"Output folder (default: {REPORTS}/<month>{VALIDATION})."
    ),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", metavar="FILE", help="A TOML file overriding the default settings."),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", metavar="", help="Print nothing but errors (and no progress display)."
    ),
]


def month_inputs(
    month: str,
    services: list[Path] | None,
    claims: list[Path] | None,
    rates: list[Path] | None,
    authorizations: list[Path] | None,
    data: Path | None,
) -> Inputs:
    """The files named on the command line, or those found in the month's folder."""
    from pipeline.engines.pandas_engine import billing_month
    from pipeline.ingest.load import discovered_inputs

    month = billing_month(month)
    if services or claims or rates or authorizations:
        if not services or not claims:
            raise UsageError("give at least one --services and one --claims file (or neither)")
        return Inputs(
            tuple(services), tuple(claims), tuple(rates or ()), tuple(authorizations or ())
        )
    return discovered_inputs(data or Path("data") / month, month)


def chosen_formats(text: str) -> frozenset[str]:
    """--formats as a set, or a UsageError naming the bad one."""
    chosen = frozenset(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = sorted(chosen - set(FORMATS))
    if unknown or not chosen:
        raise UsageError(f"--formats takes {', '.join(FORMATS)} (comma-separated), not {text!r}")
    return chosen


def say(quiet: bool, text: str) -> None:
    if not quiet:
        typer.echo(text)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def run_summary(month: str, totals: dict[str, Any]) -> str:
    """Counts only: no note text and no client IDs reach the terminal."""
    disallowed = Decimal(totals[DISALLOWED_AMOUNT])
    return (
        f"{month}: {totals['service_lines']:,} service lines, "
        f"{totals['client_days']:,} client-days, {totals['rows_rejected']:,} rows rejected, "
        f"{plural(totals['files_rejected'], 'file')} rejected whole\n"
        f"units claimed {totals['units_claimed']:,.2f}, allowable "
        f"{totals['units_allowable']:,.2f}, disallowed {totals['units_disallowed']:,.2f} "
        f"(${disallowed:,.2f})"
    )


@app.command()
def run(
    month: Month,
    services: Services = None,
    claims: Claims = None,
    rates: Rates = None,
    authorizations: Authorizations = None,
    data: Data = None,
    out: Out = None,
    config: ConfigFile = None,
    formats: Annotated[
        str, typer.Option(metavar="LIST", help="Outputs to write: xlsx, parquet or both.")
    ] = ",".join(FORMATS),
    engine: Annotated[
        str, typer.Option(metavar="NAME", help="pandas (this machine) or dask (a cluster).")
    ] = PANDAS,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS", help="A Dask scheduler, e.g. tcp://host:8786 (with --engine dask)."
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Reconcile one month and write the workbooks, parquet files and run.json."""
    from pipeline.engines.month import month_result
    from pipeline.progress import progress_display
    from pipeline.report.outputs import write_outputs

    inputs = month_inputs(month, services, claims, rates, authorizations, data)
    chosen = chosen_formats(formats)
    with progress_display(quiet) as progress:
        result = month_result(inputs, month, load_config(config), engine, scheduler, progress)
        target = out or REPORTS / result.month
        record = write_outputs(result, target, chosen, progress, engine == DASK)
    say(quiet, run_summary(result.month, record["totals"]) + f"\nwritten to {target}/")
    raise typer.Exit(1 if result.loaded.any_file_rejected else 0)


@app.command()
def validate(
    month: Month,
    services: Services = None,
    claims: Claims = None,
    rates: Rates = None,
    authorizations: Authorizations = None,
    data: Data = None,
    out: ValidationOut = None,
    config: ConfigFile = None,
    quiet: Quiet = False,
) -> None:
    """Only check the files: print each file's counts and write the rejected rows."""
    from pipeline.ingest.validate import loaded_inputs
    from pipeline.report.outputs import REJECTED_FILE, write_validation

    inputs = month_inputs(month, services, claims, rates, authorizations, data)
    loaded = loaded_inputs(inputs, load_config(config))
    target = out or REPORTS / f"{month.strip()}{VALIDATION}"
    write_validation(loaded, target)
    for f in loaded.files:
        # The reason can quote the file's cells: it goes to the rejected rows, not the terminal.
        state = f" REJECTED whole: the reason is in {REJECTED_FILE}" if f.rejected_whole else ""
        say(
            quiet,
            f"{f.path}: {f.rows_read} read, {f.rows_accepted} accepted, "
            f"{f.rows_rejected} rejected{state}",
        )
    say(quiet, f"rejected rows written to {target}/")
    raise typer.Exit(1 if loaded.any_file_rejected else 0)


@app.command()
def explain(
    month: Month,
    provider: Annotated[str, typer.Option(help="The provider_id.")],
    client: Annotated[str, typer.Option(help="The client_id.")],
    date: Annotated[str, typer.Option(help="The service date, YYYY-MM-DD.")],
    services: Services = None,
    claims: Claims = None,
    rates: Rates = None,
    authorizations: Authorizations = None,
    data: Data = None,
    config: ConfigFile = None,
) -> None:
    """Show one client-day: its lines, their reasons and how the units were reached."""
    from pipeline.engines.pandas_engine import reconciled_month
    from pipeline.report.explain import day_date, explanation

    when = day_date(date)
    inputs = month_inputs(month, services, claims, rates, authorizations, data)
    result = reconciled_month(inputs, month, load_config(config))
    typer.echo(explanation(result, provider.strip(), client.strip(), when))


@app.command()
def sample(
    out: Annotated[Path, typer.Option(help="Folder to write the sample month into.")] = Path(
        "data/sample"
    ),
    lines: Annotated[
        int, typer.Option(min=1, metavar="N", help="About how many service lines.")
    ] = 2400,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed, the same month.")] = (
        20261001
    ),
) -> None:
    """Write the bundled sample month (three providers, October 2026)."""
    from pipeline.sample.month import write_sample

    written = write_sample(out, lines=lines, seed=seed)
    typer.echo(f"wrote {len(written)} files to {out}/")


INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C
TERMINATED = 143  # and for one stopped by SIGTERM (kill, a service manager, a CI timeout)
PROGRAM = "reconcile"  # also under `python -m pipeline`, so help and errors name one command


class Terminated(BaseException):
    """SIGTERM, met as Ctrl-C is: the run unwinds (workers stopped, the staging folder removed)
    and says one line, where dying at once would orphan the workers mid-write. Not a
    KeyboardInterrupt, which typer would turn into exit 130."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def usage_error(err: typer.TyperException) -> int:
    """Typer's own parsing errors (an unknown option, a missing --month) as one line.
    Returns the exit code."""
    message = err.format_message() if hasattr(err, "format_message") else str(err)
    code = int(getattr(err, "exit_code", 2))
    if not message.strip():  # `reconcile` alone: typer has shown the help
        return code
    context = getattr(err, "ctx", None)
    command = context.command_path if context is not None else "reconcile"
    typer.echo(f"error: {message} (see {command} --help)", err=True)
    return code


def main() -> None:
    """Entry point: run the app; any error is one line on stderr and its exit code."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(standalone_mode=False, prog_name=PROGRAM)
    except typer.TyperException as err:
        sys.exit(usage_error(err))
    except PipelineError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
    except Terminated:
        code = TERMINATED
    except KeyboardInterrupt:
        code = INTERRUPTED
    except Exception as err:  # noqa: BLE001 — a traceback shown to a user is a bug
        if os.environ.get("RECONCILE_DEBUG"):
            raise
        typer.echo(
            f"error: unexpected {type(err).__name__}: {err} (set RECONCILE_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(3)
    if code in (INTERRUPTED, TERMINATED):
        typer.echo("interrupted" if code == INTERRUPTED else "terminated", err=True)
    sys.exit(code if isinstance(code, int) else 0)
