"""Shared fixtures: tiny typed frames built from only the fields a test cares about.

The frames have the dtypes of docs/DESIGN.md, as `pipeline.ingest.validate` hands them on.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from pipeline import money
from pipeline.config import Config, default_config
from pipeline.engines.pandas_engine import reconciled
from pipeline.ingest.validate import REJECTED_DTYPES
from pipeline.result import FileReport, Loaded, RunResult
from schemas.columns import (
    ACTIVITY,
    AUTHORIZATION_ID,
    AUTHORIZATIONS_KIND,
    CLAIM_ID,
    CLAIMS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    END_DATE,
    END_MINUTE,
    END_TIME,
    EXTERNAL_PARTICIPANTS,
    FACE_TO_FACE,
    MAX_UNITS_PER_MONTH,
    MINUTES,
    NOTE,
    PROVIDER_ID,
    PROVIDER_NAME,
    RATES_COLUMNS,
    SERVICE_DATE,
    SERVICE_ID,
    SERVICES_COLUMNS,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    START_DATE,
    START_MINUTE,
    START_TIME,
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
    START_TIME: "",
    END_TIME: "",
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
    START_TIME: "str",
    END_TIME: "str",
    START_MINUTE: "Int64",
    END_MINUTE: "Int64",
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


def clock(text: str) -> int | None:
    """A 24-hour "H:MM" as minutes after midnight (None when blank): test inputs only."""
    if not text:
        return None
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def services_frame(*rows: Row) -> pd.DataFrame:
    """Accepted services; an omitted service_id is S1, S2, ... by position. Clock times are
    given as start_time / end_time text ("9:05"); their minutes are worked out here."""
    columns = [SOURCE_FILE, SOURCE_ROW, *SERVICES_COLUMNS, START_TIME, END_TIME]
    frame = _filled(rows, columns, SERVICE_DEFAULTS)
    given = frame[SERVICE_ID].astype(object)
    frame[SERVICE_ID] = given.where(given.notna(), "S" + (frame.index + 1).astype("str"))
    frame[SERVICE_DATE] = pd.to_datetime(frame[SERVICE_DATE])
    frame[START_MINUTE] = pd.array([clock(t) for t in frame[START_TIME]], dtype="Int64")
    frame[END_MINUTE] = pd.array([clock(t) for t in frame[END_TIME]], dtype="Int64")
    return frame.astype(SERVICE_DTYPES)[list(SERVICE_DTYPES)]


def claims_frame(*rows: Row) -> pd.DataFrame:
    """Accepted claims; claim_id stays NA unless given."""
    columns = [SOURCE_FILE, SOURCE_ROW, *CLAIMS_COLUMNS]
    frame = _filled(rows, columns, CLAIM_DEFAULTS)
    frame[SERVICE_DATE] = pd.to_datetime(frame[SERVICE_DATE])
    return frame.astype(CLAIM_DTYPES)[columns]


def rates_frame(
    rates: Mapping[str, str | Decimal], names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Accepted rates: provider_id → dollars for one hour unit (and its name, if given)."""
    decimals = pa.array([str(r) for r in rates.values()], type=pa.string()).cast(money.RATE_TYPE)
    named = names or {}
    frame = pd.DataFrame(
        {
            SOURCE_FILE: pd.Series(["rates.csv"] * len(rates), dtype="str"),
            SOURCE_ROW: pd.Series(range(2, len(rates) + 2), dtype="int64"),
            PROVIDER_ID: pd.Series(list(rates), dtype="str"),
            UNIT_RATE: pd.Series(decimals, dtype=money.RATE_DTYPE),
            PROVIDER_NAME: pd.Series([named.get(p) for p in rates], dtype="str"),
        }
    )
    return frame[[SOURCE_FILE, SOURCE_ROW, *RATES_COLUMNS]]


AUTHORIZATION_DTYPES: dict[str, str] = {
    SOURCE_FILE: "str",
    SOURCE_ROW: "int64",
    AUTHORIZATION_ID: "str",
    PROVIDER_ID: "str",
    CLIENT_ID: "str",
    START_DATE: "datetime64[s]",
    END_DATE: "datetime64[s]",
    MAX_UNITS_PER_MONTH: "float64",
}


def authorizations_frame(*rows: Row) -> pd.DataFrame:
    """Accepted authorizations; each row gives provider, client, start and, if any, end and
    cap (an omitted end is open-ended, an omitted cap none)."""
    defaults = {SOURCE_FILE: "authorizations.csv", PROVIDER_ID: PROVIDER, CLIENT_ID: CLIENT}
    frame = _filled(rows, list(AUTHORIZATION_DTYPES), defaults)
    for column in (START_DATE, END_DATE):
        frame[column] = pd.to_datetime(frame[column])
    frame[MAX_UNITS_PER_MONTH] = pd.to_numeric(frame[MAX_UNITS_PER_MONTH])
    return frame.astype(AUTHORIZATION_DTYPES)


def loaded_frames(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    authorizations: pd.DataFrame | None = None,
) -> Loaded:
    """Validated inputs as the loader hands them on; an authorizations frame makes §9 apply
    (as a readable authorizations file would)."""
    files: tuple[FileReport, ...] = ()
    if authorizations is not None:
        files = (FileReport("authorizations.csv", AUTHORIZATIONS_KIND, 0, 0, 0, ""),)
    return Loaded(
        services=services,
        claims=claims,
        rates=rates,
        authorizations=authorizations_frame() if authorizations is None else authorizations,
        rejected=pd.DataFrame({c: pd.Series(dtype=t) for c, t in REJECTED_DTYPES.items()}),
        files=files,
    )


RUN_AT = datetime(2026, 11, 5, 9, 30)


def run_month(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    month: str = MONTH,
    config: Config | None = None,
    authorizations: pd.DataFrame | None = None,
) -> RunResult:
    """The month through every rule, as the pandas engine runs it."""
    loaded = loaded_frames(services, claims, rates, authorizations)
    return reconciled(loaded, month, config or default_config(), RUN_AT)


@pytest.fixture(scope="session")
def config() -> Config:
    return default_config()
