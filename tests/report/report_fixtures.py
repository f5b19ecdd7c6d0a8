"""A small hand-built RunResult for the report and output tests: three providers, every status.

P1 has a rate of 62.50 from rates.csv, P2 60.00, and `P/3` no rate at all. Figures the tests
assert are worked out by hand in the comments next to the rows.
"""

from dataclasses import replace
from typing import Any

import pandas as pd
import pyarrow as pa

from pipeline import money
from pipeline.config import Config
from pipeline.result import FileReport, Loaded, RunResult
from schemas.columns import (
    CLAIMS_COLUMNS,
    CLIENT_DAYS_COLUMNS,
    DUPLICATE,
    ELIGIBLE,
    RATES_COLUMNS,
    REASONS,
    REJECTED_COLUMNS,
    SERVICES_COLUMNS,
    SOURCE_FILE,
    SOURCE_ROW,
    WARNING_COLUMNS,
)

MONTH = "2026-10"
NO_RATE = "P/3"
EVIL_CLIENT = '=HYPERLINK("http://x","y")'
FORMULA_NOTE = "=SUM(A1)"
SERVICES_P1 = "data/2026-10/services_p1.csv"
SERVICES_P2 = "data/2026-10/services_p2.xlsx"
CLAIMS = "data/2026-10/claims.csv"
RATES = "data/2026-10/rates.csv"
BAD_FILE = "data/2026-10/services_notes.txt"

LINE_COLUMNS = [SOURCE_FILE, SOURCE_ROW, *SERVICES_COLUMNS, DUPLICATE, ELIGIBLE, REASONS]
LINES = [
    # P1 C1 10-05: 40 + 5 documented, 40 countable -> 0.50 allowable.
    (SERVICES_P1, 2, "S1", "P1", "C1", "T1", "2026-10-05", "face_to_face", 40, True, 0,
     "Home visit", False, True, ""),
    (SERVICES_P1, 3, "S2", "P1", "C1", "T1", "2026-10-05", "voicemail_left", 5, True, 0,
     "Left a message", False, False, "VOICEMAIL"),
    # P1 C2 10-06: 10 countable minutes, below the minimum.
    (SERVICES_P1, 4, "S3", "P1", "C2", "T1", "2026-10-06", "phone", 10, True, 0,
     "Called about rent", False, True, "BELOW_MINIMUM"),
    (SERVICES_P1, 5, "S4", "P1", "C3", "T2", "2026-10-08", "face_to_face", 60, True, 0,
     "Office visit", False, True, ""),
    (SERVICES_P2, 2, "S5", "P2", "C9", "T7", "2026-10-05", "research", 30, True, 0,
     "Looked up housing programs", False, False, "RESEARCH_NO_FOLLOWUP"),
    (SERVICES_P2, 3, "S5", "P2", "C9", "T7", "2026-10-05", "research", 30, True, 0,
     FORMULA_NOTE, True, False, "DUPLICATE_SERVICE;RESEARCH_NO_FOLLOWUP"),
    (SERVICES_P2, 4, "S6", "P2", "C9", "T7", "2026-10-12", "face_to_face", 50, True, 0,
     "Home visit", False, True, ""),
    (SERVICES_P2, 5, "S7", "P2", "C8", "T7", "2026-10-13", "phone", 100, True, 0,
     "Long call", False, True, ""),
    (SERVICES_P2, 6, "S8", NO_RATE, EVIL_CLIENT, "T9", "2026-10-20", "face_to_face", 15, True, 0,
     "-5 minutes late\tthen met", False, True, ""),
]

DAYS = [
    # provider, client, date, documented, countable, claimed, allowable, variance, status,
    # reasons, rate, claimed $, allowable $, disallowed $
    ("P1", "C1", "2026-10-05", 45, 40, 1.0, 0.5, 0.5, "over_claimed", "VOICEMAIL",
     "62.5", "62.50", "31.25", "31.25"),
    # 0.25 x 62.50 = 15.625 -> 15.63, half up.
    ("P1", "C2", "2026-10-06", 10, 10, 0.25, 0.0, 0.25, "over_claimed", "BELOW_MINIMUM",
     "62.5", "15.63", "0.00", "15.63"),
    ("P1", "C1", "2026-10-07", 0, 0, 0.5, 0.0, 0.5, "no_documentation", "",
     "62.5", "31.25", "0.00", "31.25"),
    ("P1", "C3", "2026-10-08", 60, 60, 1.0, 1.0, 0.0, "match", "",
     "62.5", "62.50", "62.50", "0.00"),
    ("P2", "C8", "2026-10-13", 100, 100, 1.0, 1.5, -0.5, "under_claimed", "",
     "60", "60.00", "90.00", "0.00"),
    ("P2", "C9", "2026-10-05", 30, 0, 0.0, 0.0, 0.0, "nothing_billable",
     "DUPLICATE_SERVICE;RESEARCH_NO_FOLLOWUP", "60", "0.00", "0.00", "0.00"),
    ("P2", "C9", "2026-10-12", 50, 50, 0.0, 0.75, -0.75, "not_claimed", "",
     "60", "0.00", "45.00", "0.00"),
    (NO_RATE, EVIL_CLIENT, "2026-10-20", 15, 15, 0.5, 0.25, 0.25, "over_claimed", "",
     None, None, None, None),
]

CLAIM_ROWS = [
    (CLAIMS, 2, "K1", "P1", "C1", "2026-10-05", 0.5),
    (CLAIMS, 3, "K2", "P1", "C1", "2026-10-05", 0.5),
    (CLAIMS, 4, "K3", "P1", "C2", "2026-10-06", 0.25),
    (CLAIMS, 5, "K4", "P1", "C1", "2026-10-07", 0.5),
    (CLAIMS, 6, "K5", "P1", "C3", "2026-10-08", 1.0),
    (CLAIMS, 7, None, "P2", "C8", "2026-10-13", 1.0),
    (CLAIMS, 8, "K7", NO_RATE, EVIL_CLIENT, "2026-10-20", 0.5),
]

WARNINGS = [
    ("MULTIPLE_CLAIM_LINES", "P1", "C1", None, "2026-10-05", "2 claims rows for this client-day"),
    ("STAFF_DAY_OVER_LIMIT", "P2", None, "T7", "2026-10-05",
     "staff T7 documented 800 minutes on this date across all clients, over the limit of 720"),
]

REJECTED = [
    (SERVICES_P1, 9, "minutes", "abc", "minutes must be a whole number from 1 to 1440."),
    (CLAIMS, 12, "units_claimed", "0.3", "units_claimed must be a multiple of 0.25."),
    (SERVICES_P2, 7, "note", "@cmd", "A made-up error, to show text starting with @."),
    (BAD_FILE, None, "", "", "The file is neither CSV nor XLSX."),
]

FILES = (
    FileReport(SERVICES_P1, "services", 5, 4, 1, "a" * 64, encoding="utf-8", delimiter=","),
    FileReport(SERVICES_P2, "services", 6, 5, 1, "b" * 64, sheet="Sheet1", header_row=1,
               extra_columns=("Supervisor",)),
    FileReport(CLAIMS, "claims", 8, 7, 1, "c" * 64, encoding="utf-8", delimiter=","),
    FileReport(RATES, "rates", 2, 2, 0, "d" * 64, encoding="utf-8", delimiter=","),
    FileReport(BAD_FILE, "services", 0, 0, 0, "e" * 64,
               rejected_whole="The file is neither CSV nor XLSX."),
)


def decimals(values: list[str | None], kind: pa.DataType) -> pd.Series:
    """Exact decimals from text, NA where None."""
    return pd.Series(pa.array(values, type=pa.string()).cast(kind), dtype=pd.ArrowDtype(kind))


def lines_frame() -> pd.DataFrame:
    frame = pd.DataFrame(LINES, columns=LINE_COLUMNS)
    return frame.astype(
        {
            **dict.fromkeys(
                [SOURCE_FILE, "service_id", "provider_id", "client_id", "staff_id", "activity",
                 "note", REASONS],
                "str",
            ),
            SOURCE_ROW: "int64",
            "service_date": "datetime64[s]",
            "minutes": "int64",
            "external_participants": "int64",
            "client_specific": "bool",
            DUPLICATE: "bool",
            ELIGIBLE: "bool",
        }
    )


def days_frame() -> pd.DataFrame:
    columns = list(CLIENT_DAYS_COLUMNS)
    frame = pd.DataFrame(DAYS, columns=columns, dtype=object)
    typed = frame.astype(
        {
            "provider_id": "str",
            "client_id": "str",
            "service_date": "datetime64[s]",
            "documented_minutes": "int64",
            "countable_minutes": "int64",
            "claimed_units": "float64",
            "allowable_units": "float64",
            "variance_units": "float64",
            "status": "str",
            "reasons": "str",
        }
    )
    amounts = {
        c: decimals(frame[c].tolist(), money.AMOUNT_TYPE)
        for c in ("claimed_amount", "allowable_amount", "disallowed_amount")
    }
    return typed.assign(
        unit_rate=decimals(frame["unit_rate"].tolist(), money.RATE_TYPE), **amounts
    ).sort_values(["provider_id", "client_id", "service_date"], ignore_index=True)[columns]


def claims_frame() -> pd.DataFrame:
    frame = pd.DataFrame(CLAIM_ROWS, columns=[SOURCE_FILE, SOURCE_ROW, *CLAIMS_COLUMNS])
    return frame.astype(
        {
            SOURCE_FILE: "str", SOURCE_ROW: "int64", "claim_id": "str", "provider_id": "str",
            "client_id": "str", "service_date": "datetime64[s]", "units_claimed": "float64",
        }
    )


def rates_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            SOURCE_FILE: pd.Series([RATES, RATES], dtype="str"),
            SOURCE_ROW: pd.Series([2, 3], dtype="int64"),
            "provider_id": pd.Series(["P1", "P2"], dtype="str"),
            "unit_rate": decimals(["62.5", "60"], money.RATE_TYPE),
        }
    )[[SOURCE_FILE, SOURCE_ROW, *RATES_COLUMNS]]


def rejected_frame() -> pd.DataFrame:
    frame = pd.DataFrame(REJECTED, columns=list(REJECTED_COLUMNS))
    return frame.astype(
        {SOURCE_FILE: "str", SOURCE_ROW: "Int64", "column": "str", "value": "str", "error": "str"}
    )


def warnings_frame() -> pd.DataFrame:
    frame = pd.DataFrame(WARNINGS, columns=list(WARNING_COLUMNS))
    return frame.astype(
        {
            "code": "str", "provider_id": "str", "client_id": "str", "staff_id": "str",
            "service_date": "datetime64[s]", "detail": "str",
        }
    )


CONFIG = Config(
    default_unit_rate=None,
    workbook_detail_rows=100,
    activity_aliases={"f2f": "face_to_face"},
    source="tests/report_fixtures.py",
)


def sample_result(**config_changes: Any) -> RunResult:
    """The month above; keyword arguments override Config fields."""
    # Any, not object: each field has its own type, and replace() rejects a name Config lacks.
    lines = lines_frame()
    return RunResult(
        month=MONTH,
        config=replace(CONFIG, **config_changes),
        loaded=Loaded(
            services=lines.drop(columns=[DUPLICATE, ELIGIBLE, REASONS]),
            claims=claims_frame(),
            rates=rates_frame(),
            rejected=rejected_frame(),
            files=FILES,
        ),
        lines=lines,
        days=days_frame(),
        warnings=warnings_frame(),
        version="9.9.9",
        providers_without_rate=(NO_RATE,),
    )
