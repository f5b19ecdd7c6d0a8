"""The funder's and each provider's workbook (SPEC §5) as a Report: the seven sheets in order.

Pure frames only; `pipeline.report.xlsx` turns a Report into a spreadsheet.
"""

import pandas as pd

from pipeline.report.model import (
    CLIENT_DAYS,
    EXCEPTIONS,
    REJECTED_ROWS,
    RULES_SHEET,
    RUN_INFO,
    SERVICE_LINES,
    SHEET_NAMES,
    SUMMARY,
    Format,
    Report,
    Sheet,
    Table,
    with_footer,
)
from pipeline.report.sheets import (
    detail_sheets,
    exceptions_sheet,
    rejected_sheet,
    rules_sheet,
    run_info_sheet,
)
from pipeline.report.summary_sheet import summary_sheet
from pipeline.result import FileReport, RunResult
from schemas.columns import PROVIDER_ID, SOURCE_FILE, WARNING_COLUMNS

# What xlsx.py, outputs.py and the tests import from here; the building blocks live in
# report_model, report_summary and report_sheets.
__all__ = [
    "CLIENT_DAYS",
    "EXCEPTIONS",
    "REJECTED_ROWS",
    "RULES_SHEET",
    "RUN_INFO",
    "SERVICE_LINES",
    "SHEET_NAMES",
    "SUMMARY",
    "Format",
    "Report",
    "Sheet",
    "Table",
    "funder_report",
    "provider_report",
    "provider_rows",
    "report_providers",
]


def workbook(
    result: RunResult,
    scope: str,
    days: pd.DataFrame,
    lines: pd.DataFrame,
    warnings: pd.DataFrame,
    rejected: tuple[pd.DataFrame, str],
    files: tuple[FileReport, ...],
    detail: bool,
) -> Report:
    """The seven sheets of SPEC §5, in order, for the rows given."""
    client_days_sheet, service_lines_sheet = detail_sheets(
        days, lines, detail, result.month, result.config.workbook_detail_rows
    )
    title = f"Case Management billing reconciliation {result.month}: {scope}"
    report = (
        summary_sheet(days, lines, warnings, title),
        exceptions_sheet(days, warnings),
        client_days_sheet,
        service_lines_sheet,
        rejected_sheet(*rejected),
        rules_sheet(),
        run_info_sheet(
            result,
            files,
            tuple(p for p in result.providers_without_rate if p in set(days[PROVIDER_ID])),
        ),
    )
    # Every printed page says whose data it is and which month.
    return with_footer(report, f"{scope[:1].upper()}{scope[1:]}, billing month {result.month}")


def warning_rows(review: pd.DataFrame) -> pd.DataFrame:
    """The warnings and review flags as the Exceptions sheet lists them."""
    return review[list(WARNING_COLUMNS)]


def funder_report(result: RunResult) -> Report:
    """The funder's workbook: every provider; detail sheets only up to workbook_detail_rows."""
    return workbook(
        result,
        "all providers",
        result.days,
        result.lines,
        warning_rows(result.review),
        (result.loaded.rejected, ""),
        result.loaded.files,
        len(result.lines) <= result.config.workbook_detail_rows,
    )


def provider_files(result: RunResult, provider_id: str) -> frozenset[str]:
    """The input files holding any accepted row (services, claims or rates) of the provider."""
    frames = (result.lines, result.loaded.claims, result.loaded.rates)
    return frozenset(
        name
        for frame in frames
        for name in frame.loc[frame[PROVIDER_ID] == provider_id, SOURCE_FILE].unique()
    )


def provider_report(result: RunResult, provider_id: str) -> Report:
    """One provider's workbook, for distribution to it: its rows only, always in full.

    A rejected row goes to it only if the row's provider_id cell reads exactly as the
    provider's ID (v2 §5.1); other rejected rows are in the funder's workbook only.
    """
    mine = provider_files(result, provider_id)
    rejected = result.loaded.rejected
    title = (
        f"Rejected rows whose provider_id cell reads {provider_id}; rows whose provider "
        "cannot be read are in the funder's workbook only."
    )
    review = result.review
    return workbook(
        result,
        f"provider {provider_id}",
        result.days.loc[result.days[PROVIDER_ID] == provider_id],
        result.lines.loc[result.lines[PROVIDER_ID] == provider_id],
        warning_rows(review.loc[review[PROVIDER_ID] == provider_id]),
        (rejected.loc[(rejected[PROVIDER_ID] == provider_id).fillna(False)], title),
        tuple(f for f in result.loaded.files if f.path in mine),
        True,
    )


def provider_rows(result: RunResult) -> dict[str, int]:
    """Every provider present in the client-days or the service lines, sorted, with the rows
    its workbook holds (its client-days and service lines)."""
    present = pd.concat([result.days[PROVIDER_ID], result.lines[PROVIDER_ID]]).astype("str")
    return {str(p): int(n) for p, n in sorted(present.value_counts().items())}


def report_providers(result: RunResult) -> tuple[str, ...]:
    """Every provider present in the client-days or the service lines, sorted."""
    return tuple(provider_rows(result))
