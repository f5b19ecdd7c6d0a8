"""A report that uses every feature of the report model: a chart over a table below, totals
outside the filter, input columns with a drop-down on a protected sheet, long wrapped text, a
sheet wider than a page, and a one-page notice with paragraphs and tables between them."""

from decimal import Decimal

import pandas as pd
import pyarrow as pa

from pipeline.report.model import (
    COMMENT,
    RESPONSE,
    RESPONSES,
    Chart,
    Format,
    Input,
    Page,
    Report,
    Sheet,
    Table,
    Text,
    TextStyle,
    with_footer,
)

LONG_NOTE = (
    "Met with the client at home to review the housing application; called the landlord to "
    "confirm the move-in date and left a voicemail for the benefits office about the deposit. "
)


def money(values: list[str]) -> pd.Series:
    return pd.Series(
        pa.array([Decimal(v) for v in values], pa.decimal128(18, 2)),
        dtype=pd.ArrowDtype(pa.decimal128(18, 2)),
    )


def summary() -> Sheet:
    """Per provider and TOTAL, then disallowed dollars by provider and cause, charted."""
    providers = pd.DataFrame(
        {
            "provider_id": pd.Series(["PRV-A", "PRV-B", "PRV-C", "TOTAL"], dtype="str"),
            "claimed_amount": money(["24567.50", "19320.42", "17430.00", "61317.92"]),
            "disallowed_amount": money(["635.50", "511.99", "375.00", "1522.49"]),
        }
    )
    causes = pd.DataFrame(
        {
            "provider_id": pd.Series(["PRV-A", "PRV-B", "PRV-C", "TOTAL"], dtype="str"),
            "documentation": money(["300.00", "211.99", "243.43", "755.42"]),
            "rules": money(["335.50", "300.00", "131.57", "767.07"]),
        }
    )
    amounts = dict.fromkeys(
        ("claimed_amount", "disallowed_amount", "documentation", "rules"), Format.MONEY
    )
    return Sheet(
        "Summary",
        providers,
        amounts,
        title_rows=("Case Management billing reconciliation 2026-10: all providers",),
        totals=1,
        below=(Table(causes, amounts, "Disallowed by cause", totals=1),),
        charts=(
            Chart(
                "Disallowed dollars by provider and cause",
                "Disallowed by cause",
                "provider_id",
                ("documentation", "rules"),
            ),
        ),
    )


def recoupments(rows: int = 30) -> Sheet:
    """Long notes that wrap, and the provider's Response (a drop-down) and Comment."""
    frame = pd.DataFrame(
        {
            "provider_id": pd.Series(["PRV-A"] * rows, dtype="str"),
            "client_id": pd.Series([f"C{i:04d}" for i in range(rows)], dtype="str"),
            "service_date": pd.Series(pd.date_range("2026-10-01", periods=rows, freq="D")),
            "disallowed_amount": money([f"{10 + i}.25" for i in range(rows)]),
            "note": pd.Series([LONG_NOTE * (1 + i % 3) for i in range(rows)], dtype="str"),
        }
    )
    return Sheet(
        "Recoupments",
        frame,
        {"service_date": Format.DATE, "disallowed_amount": Format.MONEY},
        inputs=(Input(RESPONSE, RESPONSES), Input(COMMENT, width=40)),
        protected=True,
    )


def wide(rows: int = 60) -> Sheet:
    """Twenty-four columns: too wide for one page at 8 points, so printed over pages across."""
    frame = pd.DataFrame(
        {
            f"column_{c:02d}": pd.Series([f"r{r}c{c} value" for r in range(rows)], dtype="str")
            for c in range(24)
        }
    )
    return Sheet("Wide", frame, {})


def notice() -> Page:
    by_cause = pd.DataFrame(
        {
            "cause": pd.Series(["Documentation", "Rules", "Total"], dtype="str"),
            "disallowed_amount": money(["300.00", "335.50", "635.50"]),
        }
    )
    by_code = pd.DataFrame(
        {
            "code": pd.Series(["CLAIM_EXCEEDS_DOCUMENTATION", "BELOW_MINIMUM"], dtype="str"),
            "guideline": pd.Series(["§4.2", "§3.1"], dtype="str"),
            "disallowed_amount": money(["300.00", "335.50"]),
        }
    )
    money_format = {"disallowed_amount": Format.MONEY}
    return Page(
        "Notice",
        (
            Text("Findings notice: PRV-A, billing month 2026-10", TextStyle.TITLE),
            Text(
                "The funder reconciled the Case Management units your agency claimed for "
                "October 2026 against the service notes it sent. Claimed $24,567.50; payable "
                "$23,932.00; disallowed $635.50. Each disallowed dollar is listed on the "
                "Recoupments sheet with the guideline paragraph that disallows it."
            ),
            Text("Disallowed by cause", TextStyle.HEADING),
            Table(by_cause, money_format, totals=1),
            Text("Disallowed by code", TextStyle.HEADING),
            Table(by_code, money_format),
            Text("How to respond", TextStyle.HEADING),
            Text(
                "On the Recoupments sheet, choose a Response for each row (Agree, Disagree or "
                "Documentation attached) and add a Comment where it helps. Return the workbook "
                "by 2026-12-04, 30 days after the run date. Rows without a response by then "
                "are recouped as listed.\nQuestions: the funder's billing office."
            ),
        ),
    )


def feature_report() -> Report:
    return with_footer(
        (notice(), summary(), recoupments(), wide()), "Provider PRV-A, billing month 2026-10"
    )
