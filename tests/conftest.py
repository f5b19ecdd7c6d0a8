"""Shared fixtures: tiny typed frames built from only the fields a test cares about.

The frames have the dtypes of docs/DESIGN.md, as `pipeline.ingest.validate` hands them on.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from pipeline import money
from pipeline.config import Config, default_config
from schemas.columns import (
    ACTIVITY,
    CLAIM_ID,
    CLAIMS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    EXTERNAL_PARTICIPANTS,
    FACE_TO_FACE,
    MINUTES,
    NOTE,
    PROVIDER_ID,
    RATES_COLUMNS,
    SERVICE_DATE,
    SERVICE_ID,
    SERVICES_COLUMNS,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    UNIT_RATE,
    UNITS_CLAIMED,
)

MONTH = "2026-10"
DAY = "2026-10-05"
PROVIDER = "P1"
CLIENT = "C1"
STAFF = "T1"
NOTE_TEXT = "Met the client about housing"

Row = Mapping[str, Any]

SERVICE_DEFAULTS: dict[str, Any] = {
    SOURCE_FILE: "services.csv",
    PROVIDER_ID: PROVIDER,
    CLIENT_ID: CLIENT,
    STAFF_ID: STAFF,
    SERVICE_DATE: DAY,
    ACTIVITY: FACE_TO_FACE,
    MINUTES: 30,
    CLIENT_SPECIFIC: True,
    EXTERNAL_PARTICIPANTS: 0,
    NOTE: NOTE_TEXT,
}
SERVICE_DTYPES: dict[str, str] = {
    SOURCE_FILE: "str",
    SOURCE_ROW: "int64",
    SERVICE_ID: "str",
    PROVIDER_ID: "str",
    CLIENT_ID: "str",
    STAFF_ID: "str",
    SERVICE_DATE: "datetime64[s]",
    ACTIVITY: "str",
    MINUTES: "int64",
    CLIENT_SPECIFIC: "bool",
    EXTERNAL_PARTICIPANTS: "int64",
    NOTE: "str",
}
CLAIM_DEFAULTS: dict[str, Any] = {
    SOURCE_FILE: "claims.csv",
    PROVIDER_ID: PROVIDER,
    CLIENT_ID: CLIENT,
    SERVICE_DATE: DAY,
    UNITS_CLAIMED: 0.5,
}
CLAIM_DTYPES: dict[str, str] = {
    SOURCE_FILE: "str",
    SOURCE_ROW: "int64",
    CLAIM_ID: "str",
    PROVIDER_ID: "str",
    CLIENT_ID: "str",
    SERVICE_DATE: "datetime64[s]",
    UNITS_CLAIMED: "float64",
}


def _filled(rows: tuple[Row, ...], columns: list[str], defaults: Mapping[str, Any]) -> pd.DataFrame:
    """The rows as a frame, every column the rows leave out taking its default."""
    frame = pd.DataFrame(list(rows), columns=columns)
    for column, value in defaults.items():
        given = frame[column].astype(object)
        frame[column] = given.where(given.notna(), value)
    # Spreadsheet row numbers: the header is row 1.
    given_rows = frame[SOURCE_ROW].astype(object)
    frame[SOURCE_ROW] = given_rows.where(given_rows.notna(), frame.index + 2)
    return frame


def services_frame(*rows: Row) -> pd.DataFrame:
    """Accepted services; an omitted service_id is S1, S2, ... by position."""
    columns = [SOURCE_FILE, SOURCE_ROW, *SERVICES_COLUMNS]
    frame = _filled(rows, columns, SERVICE_DEFAULTS)
    given = frame[SERVICE_ID].astype(object)
    frame[SERVICE_ID] = given.where(given.notna(), "S" + (frame.index + 1).astype("str"))
    frame[SERVICE_DATE] = pd.to_datetime(frame[SERVICE_DATE])
    return frame.astype(SERVICE_DTYPES)[columns]


def claims_frame(*rows: Row) -> pd.DataFrame:
    """Accepted claims; claim_id stays NA unless given."""
    columns = [SOURCE_FILE, SOURCE_ROW, *CLAIMS_COLUMNS]
    frame = _filled(rows, columns, CLAIM_DEFAULTS)
    frame[SERVICE_DATE] = pd.to_datetime(frame[SERVICE_DATE])
    return frame.astype(CLAIM_DTYPES)[columns]


def rates_frame(rates: Mapping[str, str | Decimal]) -> pd.DataFrame:
    """Accepted rates: provider_id → dollars for one hour unit."""
    decimals = pa.array([str(r) for r in rates.values()], type=pa.string()).cast(money.RATE_TYPE)
    frame = pd.DataFrame(
        {
            SOURCE_FILE: pd.Series(["rates.csv"] * len(rates), dtype="str"),
            SOURCE_ROW: pd.Series(range(2, len(rates) + 2), dtype="int64"),
            PROVIDER_ID: pd.Series(list(rates), dtype="str"),
            UNIT_RATE: pd.Series(decimals, dtype=money.RATE_DTYPE),
        }
    )
    return frame[[SOURCE_FILE, SOURCE_ROW, *RATES_COLUMNS]]


@pytest.fixture(scope="session")
def config() -> Config:
    return default_config()
