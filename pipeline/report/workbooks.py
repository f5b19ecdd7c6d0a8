"""The funder's and each provider's workbook (SPEC v2 §5, §5.1) as a Report: Summary,
Recoupments, Under-billed, For Review, Claims, Client Days, Service Lines, Rejected Rows, Rules
and Run Info; a provider's starts with its Notice.

The Summary and the Notice read the workbook's Figures (a few rows a provider); the other
sheets its rows, which the funder's workbook bounds by workbook_detail_rows. Pure frames only;
`pipeline.report.xlsx` turns a Report into a spreadsheet.
"""

import pandas as pd

from pipeline.report.figures import Figures, figures_of
from pipeline.report.findings import (
    recoupments_frame,
    recoupments_sheet,
    review_frame,
    review_sheet,
    under_billed_frame,
    under_billed_sheet,
)
from pipeline.report.model import (
    CLAIMS_SHEET,
    CLIENT_DAYS,
    FOR_REVIEW,
    NOTICE,
    PROVIDER_SHEET_NAMES,
    RECOUPMENT_DAYS,
    RECOUPMENTS,
    REJECTED_ROWS,
    RULES_SHEET,
    RUN_INFO,
    SERVICE_LINES,
    SHEET_NAMES,
    SUMMARY,
    UNDER_BILLED,
    Format,
    Report,
    Sheet,
    Table,
    with_footer,
)
from pipeline.report.notice import notice_page, response_due
from pipeline.report.scope import Scope, funder_scope, provider_scope
from pipeline.report.sheets import (
    claims_frame,
    claims_sheet,
    client_days_sheet,
    pointer_sheet,
    rejected_sheet,
    rules_sheet,
    run_info_sheet,
    service_lines_sheet,
    too_many,
)
from pipeline.report.summary_sheet import summary_sheet
from pipeline.report.words import long_date
from pipeline.result import RunResult
from schemas.columns import PROVIDER_ID

# What outputs.py and the tests import from here.
__all__ = [
    "CLAIMS_SHEET",
    "CLIENT_DAYS",
    "FOR_REVIEW",
    "NOTICE",
    "PROVIDER_SHEET_NAMES",
    "RECOUPMENTS",
    "REJECTED_ROWS",
    "RULES_SHEET",
    "RUN_INFO",
    "SERVICE_LINES",
    "SHEET_NAMES",
    "SUMMARY",
    "UNDER_BILLED",
    "Format",
    "Report",
    "Sheet",
    "Table",
    "funder_report",
    "provider_report",
    "provider_rows",
    "report_providers",
]


def sheets(scope: Scope, figures: Figures, result: RunResult) -> Report:
    """The ten sheets of SPEC v2 §5, in order, for the scope's rows.

    The funder's workbook keeps the detail sheets (Client Days, Service Lines, Claims) only
    while the month has at most workbook_detail_rows service lines, and any sheet only while
    it has at most that many rows; above, the sheet says where its rows are instead. A
    provider's workbook is always complete.
    """
    limit = scope.config.workbook_detail_rows
    bounded = scope.provider is None
    detail = not bounded or len(scope.lines) <= limit

    def kept(rows: int) -> bool:
        return not bounded or rows <= limit

    recouped = int(figures.providers[RECOUPMENT_DAYS].sum())
    due = None if bounded else long_date(response_due(result.run_at, scope.config.response_days))
    pointers = {
        RECOUPMENTS: (
            "client-days with disallowed dollars", recouped,
            "client_days.parquet (disallowed_amount above 0)",
        ),
        FOR_REVIEW: ("warnings and review flags", len(scope.review), "review.parquet"),
        CLAIMS_SHEET: ("service lines", len(scope.lines), "claims.parquet"),
        CLIENT_DAYS: ("service lines", len(scope.lines), "client_days.parquet"),
        SERVICE_LINES: ("service lines", len(scope.lines), "service_lines.parquet"),
    }

    def pointer(name: str) -> Sheet:
        return pointer_sheet(name, too_many(scope, *pointers[name]))

    return (
        summary_sheet(figures, title(scope)),
        recoupments_sheet(recoupments_frame(scope.days, scope.claims), due)
        if kept(recouped)
        else pointer(RECOUPMENTS),
        under_billed_sheet(under_billed_frame(scope.days, scope.lines)),
        review_sheet(review_frame(scope.review))
        if kept(len(scope.review))
        else pointer(FOR_REVIEW),
        claims_sheet(claims_frame(scope.claims, scope.days))
        if detail and kept(len(scope.claims))
        else pointer(CLAIMS_SHEET),
        client_days_sheet(scope.days) if detail else pointer(CLIENT_DAYS),
        service_lines_sheet(scope.lines) if detail else pointer(SERVICE_LINES),
        rejected_sheet(scope),
        rules_sheet(),
        run_info_sheet(scope, result.version, result.run_at.isoformat(sep=" ")),
    )


def title(scope: Scope) -> str:
    return f"Case Management billing reconciliation, billing month {scope.month}: {scope.who}"


def funder_report(result: RunResult) -> Report:
    """The funder's workbook: every provider; long sheets bounded by workbook_detail_rows."""
    scope = funder_scope(result)
    return with_footer(sheets(scope, figures_of(scope), result), scope.footer)


def provider_report(result: RunResult, provider_id: str) -> Report:
    """One provider's workbook, for distribution to it: its Notice, then its rows only, in full.

    A rejected row goes to it only if the row's provider_id cell reads exactly as the
    provider's ID (v2 §5.1); other rejected rows are in the funder's workbook only.
    """
    scope = provider_scope(result, provider_id)
    figures = figures_of(scope)
    notice = notice_page(figures, scope.who, result.run_at, result.config.response_days)
    return with_footer((notice, *sheets(scope, figures, result)), scope.footer)


def provider_rows(result: RunResult) -> dict[str, int]:
    """Every provider present in the client-days or the service lines, sorted, with the rows
    its workbook holds (its client-days and service lines)."""
    present = pd.concat([result.days[PROVIDER_ID], result.lines[PROVIDER_ID]]).astype("str")
    return {str(p): int(n) for p, n in sorted(present.value_counts().items())}


def report_providers(result: RunResult) -> tuple[str, ...]:
    """Every provider present in the client-days or the service lines, sorted."""
    return tuple(provider_rows(result))
