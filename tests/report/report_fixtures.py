"""A small hand-built RunResult for the report and output tests: three providers, every status.

P1 has a rate of 62.50 from rates.csv, P2 60.00, and `P/3` no rate at all. Figures the tests
assert are worked out by hand in the comments next to the rows.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from pipeline import money
from pipeline.config import Config, Review
from pipeline.engines.pandas_engine import reconciled
from pipeline.ingest.validate import REJECTED_DTYPES, empty_accepted
from pipeline.result import FileReport, Loaded, RunResult
from schemas.columns import (
    AUTHORIZATIONS_KIND,
    CLAIMS_COLUMNS,
    DUPLICATE,
    ELIGIBLE,
    PROVIDER_ID,
    RATES_COLUMNS,
    REASONS,
    REJECTED_COLUMNS,
    SERVICES_COLUMNS,
    SOURCE_FILE,
    SOURCE_ROW,
    UNITS_CLAIMED,
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
    (
        SERVICES_P1,
        2,
        "S1",
        "P1",
        "C1",
        "T1",
        "2026-10-05",
        "face_to_face",
        40,
        True,
        0,
        "Home visit",
        False,
        True,
        "",
    ),
    (
        SERVICES_P1,
        3,
        "S2",
        "P1",
        "C1",
        "T1",
        "2026-10-05",
        "voicemail_left",
        5,
        True,
        0,
        "Left a message",
        False,
        False,
        "VOICEMAIL",
    ),
    # P1 C2 10-06: 10 countable minutes, below the minimum.
    (
        SERVICES_P1,
        4,
        "S3",
        "P1",
        "C2",
        "T1",
        "2026-10-06",
        "phone",
        10,
        True,
        0,
        "Called about rent",
        False,
        True,
        "BELOW_MINIMUM",
    ),
    (
        SERVICES_P1,
        5,
        "S4",
        "P1",
        "C3",
        "T2",
        "2026-10-08",
        "face_to_face",
        60,
        True,
        0,
        "Office visit",
        False,
        True,
        "",
    ),
    (
        SERVICES_P2,
        2,
        "S5",
        "P2",
        "C9",
        "T7",
        "2026-10-05",
        "research",
        30,
        True,
        0,
        "Looked up housing programs",
        False,
        False,
        "RESEARCH_NO_FOLLOWUP",
    ),
    (
        SERVICES_P2,
        3,
        "S5",
        "P2",
        "C9",
        "T7",
        "2026-10-05",
        "research",
        30,
        True,
        0,
        FORMULA_NOTE,
        True,
        False,
        "DUPLICATE_SERVICE;RESEARCH_NO_FOLLOWUP",
    ),
    (
        SERVICES_P2,
        4,
        "S6",
        "P2",
        "C9",
        "T7",
        "2026-10-12",
        "face_to_face",
        50,
        True,
        0,
        "Home visit",
        False,
        True,
        "",
    ),
    (
        SERVICES_P2,
        5,
        "S7",
        "P2",
        "C8",
        "T7",
        "2026-10-13",
        "phone",
        100,
        True,
        0,
        "Long call",
        False,
        True,
        "",
    ),
    (
        SERVICES_P2,
        6,
        "S8",
        NO_RATE,
        EVIL_CLIENT,
        "T9",
        "2026-10-20",
        "face_to_face",
        15,
        True,
        0,
        "-5 minutes late\tthen met",
        False,
        True,
        "",
    ),
]

# The client-days the rules make of these lines and claims (checked in test_report):
# P1 C1 10-05: 40 + 5 documented, 40 countable -> 0.50 allowable, 1.00 claimed (two rows).
# P1 C2 10-06: 10 countable, below the minimum; 0.25 claimed -> 15.625 -> 15.63 disallowed.
# P1 C1 10-07: claimed 0.50 with nothing documented.
# P1 C3 10-08: 60 minutes, 1.00 claimed: a match.
# P2 C8 10-13: 100 minutes -> 1.50 allowable, 1.00 claimed: under-claimed.
# P2 C9 10-05: research with no letter yet (pending); 10-12: 50 minutes, not claimed.
# P/3: 15 minutes, 0.50 claimed, no rate: amounts empty.

CLAIM_ROWS = [
    (CLAIMS, 2, "K1", "P1", "C1", "2026-10-05", 0.5),
    (CLAIMS, 3, "K2", "P1", "C1", "2026-10-05", 0.5),
    (CLAIMS, 4, "K3", "P1", "C2", "2026-10-06", 0.25),
    (CLAIMS, 5, "K4", "P1", "C1", "2026-10-07", 0.5),
    (CLAIMS, 6, "K5", "P1", "C3", "2026-10-08", 1.0),
    (CLAIMS, 7, None, "P2", "C8", "2026-10-13", 1.0),
    (CLAIMS, 8, "K7", NO_RATE, EVIL_CLIENT, "2026-10-20", 0.5),
]

REJECTED = [
    (SERVICES_P1, 9, "minutes", "abc", "minutes must be a whole number from 1 to 1440."),
    (CLAIMS, 12, "units_claimed", "0.3", "units_claimed must be a multiple of 0.25."),
    (SERVICES_P2, 7, "note", "@cmd", "A made-up error, to show text starting with @."),
    (BAD_FILE, None, "", "", "The file is neither CSV nor XLSX."),
]

FILES = (
    FileReport(SERVICES_P1, "services", 5, 4, 1, "a" * 64, encoding="utf-8", delimiter=","),
    FileReport(
        SERVICES_P2,
        "services",
        6,
        5,
        1,
        "b" * 64,
        sheet="Sheet1",
        header_row=1,
        extra_columns=("Supervisor",),
    ),
    FileReport(CLAIMS, "claims", 8, 7, 1, "c" * 64, encoding="utf-8", delimiter=","),
    FileReport(RATES, "rates", 2, 2, 0, "d" * 64, encoding="utf-8", delimiter=","),
    FileReport(
        BAD_FILE, "services", 0, 0, 0, "e" * 64, rejected_whole="The file is neither CSV nor XLSX."
    ),
)


def decimals(values: list[str | None], kind: pa.DataType) -> pd.Series:
    """Exact decimals from text, NA where None."""
    return pd.Series(pa.array(values, type=pa.string()).cast(kind), dtype=pd.ArrowDtype(kind))


def lines_frame() -> pd.DataFrame:
    frame = pd.DataFrame(LINES, columns=LINE_COLUMNS)
    return frame.astype(
        {
            **dict.fromkeys(
                [
                    SOURCE_FILE,
                    "service_id",
                    "provider_id",
                    "client_id",
                    "staff_id",
                    "activity",
                    "note",
                    REASONS,
                ],
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


def claims_frame(rows: list[tuple[Any, ...]] = CLAIM_ROWS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[SOURCE_FILE, SOURCE_ROW, *CLAIMS_COLUMNS])
    return frame.astype(
        {
            SOURCE_FILE: "str",
            SOURCE_ROW: "int64",
            "claim_id": "str",
            "provider_id": "str",
            "client_id": "str",
            "service_date": "datetime64[s]",
            "units_claimed": "float64",
        }
    )


def rates_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            SOURCE_FILE: pd.Series([RATES, RATES], dtype="str"),
            SOURCE_ROW: pd.Series([2, 3], dtype="int64"),
            "provider_id": pd.Series(["P1", "P2"], dtype="str"),
            "unit_rate": decimals(["62.5", "60"], money.RATE_TYPE),
            "provider_name": pd.Series(["Harbor Family Services", None], dtype="str"),
        }
    )[[SOURCE_FILE, SOURCE_ROW, *RATES_COLUMNS]]


def rejected_frame() -> pd.DataFrame:
    frame = pd.DataFrame(REJECTED, columns=list(REJECTED_COLUMNS))
    # The rows' provider cells: the bad file has no row, hence no provider.
    frame[PROVIDER_ID] = ["P1", "P1", "P2", None]
    frame[UNITS_CLAIMED] = [None, 0.3, None, None]
    return frame.astype(dict(REJECTED_DTYPES))


CONFIG = Config(
    default_unit_rate=None,
    # T7's 100 minutes on 10-13 pass it: one STAFF_DAY_OVER_LIMIT warning.
    staff_day_limit_minutes=90,
    workbook_detail_rows=100,
    activity_aliases={"f2f": "face_to_face"},
    source="tests/report_fixtures.py",
    review=Review(),
)


RUN_AT = datetime(2026, 11, 3, 14, 5)


# A claims row of P2 for P1's client C1 on 2026-10-05, which P1 claimed too: P2 never served
# C1 otherwise, and each of the two client-days gets CROSS_PROVIDER_SAME_DAY naming the other.
SHARED_CLAIM = (CLAIMS, 9, "K8", "P2", "C1", "2026-10-05", 0.25)


def sample_result(shared_client: bool = False, **config_changes: Any) -> RunResult:
    """The month above through the rules; keyword arguments override Config fields.
    `shared_client` adds SHARED_CLAIM."""
    # Any, not object: each field has its own type, and replace() rejects a name Config lacks.
    config = replace(CONFIG, **config_changes)
    services = lines_frame().drop(columns=[DUPLICATE, ELIGIBLE, REASONS])
    no_clock = pd.Series(pd.NA, index=services.index, dtype="Int64")
    services = services.assign(
        start_time="", end_time="", start_minute=no_clock, end_minute=no_clock
    ).astype({"start_time": "str", "end_time": "str"})
    claims = claims_frame(CLAIM_ROWS + [SHARED_CLAIM] if shared_client else CLAIM_ROWS)
    loaded = Loaded(
        services=services,
        claims=claims,
        rates=rates_frame(),
        authorizations=empty_accepted(AUTHORIZATIONS_KIND),
        rejected=rejected_frame(),
        files=FILES,
    )
    return replace(reconciled(loaded, MONTH, config, RUN_AT), version="9.9.9")
