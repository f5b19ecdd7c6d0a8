"""Validation (SPEC §2): every value rule at its boundaries, exact records, nothing lost."""

import csv
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from conftest import AUTHORIZATION_DTYPES, CLAIM_DTYPES, SERVICE_DTYPES
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.config import Config, default_config, load_config
from pipeline.errors import InputError
from pipeline.ingest.validate import REJECTED_DTYPES, loaded_inputs
from pipeline.result import Inputs, Loaded
from schemas.authorizations import AuthorizationsModel
from schemas.claims import ClaimsModel
from schemas.columns import (
    ACTIVITY,
    AUTHORIZATION_ID,
    AUTHORIZATIONS_COLUMNS,
    CLAIM_ID,
    CLAIMS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    COLUMN,
    END_DATE,
    END_MINUTE,
    END_TIME,
    ERROR,
    EXTERNAL_PARTICIPANTS,
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
    VALUE,
)
from schemas.rates import RatesModel
from schemas.services import ServicesModel

FIXTURES = Path(__file__).parents[1] / "fixtures" / "messy"
EXAMPLE_CONFIG = Path(__file__).parents[2] / "pipeline" / "examples" / "providers.toml"
SERVICE = {
    SERVICE_ID: "S1",
    PROVIDER_ID: "P1",
    CLIENT_ID: "C1",
    STAFF_ID: "T1",
    SERVICE_DATE: "2026-10-05",
    ACTIVITY: "phone",
    MINUTES: "30",
    CLIENT_SPECIFIC: "yes",
    EXTERNAL_PARTICIPANTS: "0",
    NOTE: "Called the client",
}
CLAIM = {
    CLAIM_ID: "K1",
    PROVIDER_ID: "P1",
    CLIENT_ID: "C1",
    SERVICE_DATE: "2026-10-05",
    UNITS_CLAIMED: "0.5",
}
RATE = {PROVIDER_ID: "P1", UNIT_RATE: "60.00"}
DATE_EXAMPLES = "2026-10-05 or 10/5/2026"
DATE_HELP = f"(use {DATE_EXAMPLES})"
YES_NO_RULE = "client_specific must be one of true/false, yes/no, y/n, 1/0"
PARTICIPANTS_RULE = "external_participants must be a whole number of 0 or more"
ACTIVITY_RULE = (
    "activity must be one of face_to_face, phone, voicemail_left, voicemail_listened, "
    "mailing, research, case_staffing, scheduling (or a configured alias)"
)
TIME_HELP = "(use 9:30, 14:30 or 2:30 PM)"
MINUTES_RULE = "minutes must be a whole number from 1 to 1440"
UNITS_RULE = "units_claimed must be more than 0 and at most 24, in steps of 0.25"
RATE_RULE = (
    "unit_rate must be dollars for one hour unit, more than 0 and at most 1000000.00, "
    "with at most 6 decimal places"
)
DAY = pd.Timestamp("2026-10-05")


def csv_file(folder: Path, name: str, rows: Sequence[Mapping[str, str]]) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def loaded(
    folder: Path,
    services: Sequence[Mapping[str, str]] = (),
    claims: Sequence[Mapping[str, str]] = (),
    rates: Sequence[Mapping[str, str]] = (),
    config: Config | None = None,
    authorizations: Sequence[Mapping[str, str]] = (),
) -> Loaded:
    kinds = (
        ("services", services),
        ("claims", claims),
        ("rates", rates),
        ("authorizations", authorizations),
    )
    files = {kind: (csv_file(folder, f"{kind}.csv", rows),) if rows else () for kind, rows in kinds}
    return loaded_inputs(Inputs(**files), config or default_config())


class Rejected(str):
    """The error sentence a case expects, where the others expect a typed value."""


def records(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rejected records without the file name: (row, column, value, error)."""
    return list(frame[[SOURCE_ROW, COLUMN, VALUE, ERROR]].itertuples(index=False, name=None))


# value rules at their boundaries: (cell text, the typed value or the error sentence)

SERVICE_CASES = [
    (MINUTES, "1", 1),
    (MINUTES, "1440", 1440),
    (MINUTES, "45.0", 45),
    (MINUTES, " 45 ", 45),
    (MINUTES, "1:30", 90),
    (MINUTES, "0", Rejected(f"{MINUTES_RULE}; '0' is not")),
    (MINUTES, "1441", Rejected(f"{MINUTES_RULE}; '1441' is not")),
    (MINUTES, "45.5", Rejected(f"{MINUTES_RULE}; '45.5' is not")),
    (MINUTES, "-5", Rejected(f"{MINUTES_RULE}; '-5' is not")),
    (MINUTES, "abc", Rejected(f"{MINUTES_RULE}; 'abc' is not")),
    (MINUTES, "", Rejected("minutes is blank; use a whole number from 1 to 1440")),
    (SERVICE_DATE, "2026-10-05", DAY),
    (SERVICE_DATE, "10/5/2026", DAY),
    (SERVICE_DATE, "10/05/2026", DAY),
    (SERVICE_DATE, "2026-10-05 00:00:00", DAY),
    (SERVICE_DATE, "13/45/2026", Rejected(f"service_date '13/45/2026' is not a date {DATE_HELP}")),
    (SERVICE_DATE, "2026-02-30", Rejected(f"service_date '2026-02-30' is not a date {DATE_HELP}")),
    (SERVICE_DATE, "10/5/26", Rejected(f"service_date '10/5/26' is not a date {DATE_HELP}")),
    (SERVICE_DATE, "46300", Rejected(f"service_date '46300' is not a date {DATE_HELP}")),
    (SERVICE_DATE, "", Rejected(f"service_date is blank; use a date such as {DATE_EXAMPLES}")),
    (CLIENT_SPECIFIC, "TRUE", True),
    (CLIENT_SPECIFIC, "Yes", True),
    (CLIENT_SPECIFIC, "y", True),
    (CLIENT_SPECIFIC, "1", True),
    (CLIENT_SPECIFIC, "false", False),
    (CLIENT_SPECIFIC, "NO", False),
    (CLIENT_SPECIFIC, "n", False),
    (CLIENT_SPECIFIC, "0", False),
    (CLIENT_SPECIFIC, "", Rejected("client_specific is blank; use yes or no")),
    (CLIENT_SPECIFIC, "maybe", Rejected(f"{YES_NO_RULE}; 'maybe' is not")),
    (EXTERNAL_PARTICIPANTS, "", 0),
    (EXTERNAL_PARTICIPANTS, "0", 0),
    (EXTERNAL_PARTICIPANTS, "1", 1),
    (EXTERNAL_PARTICIPANTS, "2.0", 2),
    (EXTERNAL_PARTICIPANTS, "-1", Rejected(f"{PARTICIPANTS_RULE}; '-1' is not")),
    (ACTIVITY, "Face-to-Face", "face_to_face"),
    (ACTIVITY, " VOICEMAIL  left ", "voicemail_left"),
    (ACTIVITY, "F2F", "face_to_face"),  # an alias in the default configuration
    (ACTIVITY, "Home-Visit", "face_to_face"),
    (ACTIVITY, "lunch", Rejected(f"{ACTIVITY_RULE}; 'lunch' is not")),
    (CLIENT_ID, " 007 ", "007"),
    (CLIENT_ID, "  ", Rejected("client_id is blank")),
    (SERVICE_ID, "", Rejected("service_id is blank")),
    (NOTE, "", ""),
    (NOTE, "  =SUM(A1) ", "  =SUM(A1) "),
]


def numbered(cases: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each case with the spreadsheet row it is written to: one file holds them all."""
    return [(i + 2, *case) for i, case in enumerate(cases)]


def assert_case(
    result: Loaded, frame: pd.DataFrame, row: int, column: str, text: str, expected: Any
) -> None:
    """A Rejected sentence means exactly that one record; anything else, the typed value."""
    found = [r for r in records(result.rejected) if r[0] == row]
    if isinstance(expected, Rejected):
        assert found == [(row, column, text, expected)]
        assert row not in set(frame[SOURCE_ROW])
    else:
        assert found == []
        assert frame.loc[frame[SOURCE_ROW] == row, column].tolist() == [expected]


@pytest.fixture(scope="module")
def service_cases(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    rows = [
        {**SERVICE, SERVICE_ID: f"S{i}", column: text}
        for i, (column, text, _) in enumerate(SERVICE_CASES)
    ]
    return loaded(tmp_path_factory.mktemp("services"), services=rows)


@pytest.mark.parametrize(("row", "column", "text", "expected"), numbered(SERVICE_CASES))
def test_services_value_rules(
    service_cases: Loaded, row: int, column: str, text: str, expected: Any
) -> None:
    assert_case(service_cases, service_cases.services, row, column, text, expected)


CLAIM_CASES = [
    ("0.25", 0.25),
    ("24", 24.0),
    (".5", 0.5),
    ("1.0", 1.0),
    ("0", Rejected(f"{UNITS_RULE}; '0' is not")),
    ("24.25", Rejected(f"{UNITS_RULE}; '24.25' is not")),
    ("0.3", Rejected(f"{UNITS_RULE}; '0.3' is not")),
    ("-0.25", Rejected(f"{UNITS_RULE}; '-0.25' is not")),
    ("1,5", Rejected(f"{UNITS_RULE}; '1,5' is not")),
    ("1e1", Rejected(f"{UNITS_RULE}; '1e1' is not")),
    ("", Rejected("units_claimed is blank; use more than 0 and at most 24, in steps of 0.25")),
]


@pytest.fixture(scope="module")
def claim_cases(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    rows = [{**CLAIM, UNITS_CLAIMED: text} for text, _ in CLAIM_CASES]
    return loaded(tmp_path_factory.mktemp("claims"), claims=rows)


@pytest.mark.parametrize(("row", "text", "expected"), numbered(CLAIM_CASES))
def test_units_claimed_rule(claim_cases: Loaded, row: int, text: str, expected: Any) -> None:
    assert_case(claim_cases, claim_cases.claims, row, UNITS_CLAIMED, text, expected)


def test_claim_id_is_optional_and_may_be_blank(tmp_path: Path) -> None:
    no_column = {k: v for k, v in CLAIM.items() if k != CLAIM_ID}
    result = loaded(tmp_path, claims=[no_column])
    assert result.claims[CLAIM_ID].isna().tolist() == [True]
    result = loaded(tmp_path, claims=[{**CLAIM, CLAIM_ID: " "}, CLAIM])
    assert result.claims[CLAIM_ID].isna().tolist() == [True, False]


RATE_CASES = [
    ("60", Decimal("60")),
    ("62.50", Decimal("62.5")),
    ("0.000001", Decimal("0.000001")),
    ("58.1234560000", Decimal("58.123456")),  # trailing zeros add no precision
    ("0", Rejected(f"{RATE_RULE}; '0' is not")),
    ("1.1234567", Rejected(f"{RATE_RULE}; '1.1234567' is not")),
    ("-60", Rejected(f"{RATE_RULE}; '-60' is not")),
    ("$60", Rejected(f"{RATE_RULE}; '$60' is not")),
    ("1,000.00", Rejected(f"{RATE_RULE}; '1,000.00' is not")),
    # MAX_UNIT_RATE is the largest rate accepted; anything above is a typo.
    ("1000000.00", Decimal("1000000")),
    ("999999.999999", Decimal("999999.999999")),
    ("1000000.000001", Rejected(f"{RATE_RULE}; '1000000.000001' is not")),
    ("50000000000", Rejected(f"{RATE_RULE}; '50000000000' is not")),
]


@pytest.fixture(scope="module")
def rate_cases(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    rows = [{PROVIDER_ID: f"P{i}", UNIT_RATE: text} for i, (text, _) in enumerate(RATE_CASES)]
    return loaded(tmp_path_factory.mktemp("rates"), rates=rows)


@pytest.mark.parametrize(("row", "text", "expected"), numbered(RATE_CASES))
def test_unit_rate_rule(rate_cases: Loaded, row: int, text: str, expected: Any) -> None:
    assert_case(rate_cases, rate_cases.rates, row, UNIT_RATE, text, expected)


TIME_CASES = [
    ("9:00", "9:45", [], 45),
    ("09:00:00", "10:30:59", [], 90),  # seconds are dropped
    ("11:30 AM", "1:15 PM", [], 105),
    ("12:00 am", "12:30 a.m.", [], 30),
    ("12:00 PM", "12:20 pm", [], 20),
    ("0:00", "23:59", [], 1439),
    (
        "10:00",
        "9:00",
        [(END_TIME, "9:00", "end_time '9:00' is not after start_time '10:00'")],
        None,
    ),
    (
        "10:00",
        "10:00",
        [(END_TIME, "10:00", "end_time '10:00' is not after start_time '10:00'")],
        None,
    ),
    (
        "24:00",
        "13:00 PM",
        [
            (START_TIME, "24:00", f"start_time '24:00' is not a time {TIME_HELP}"),
            (END_TIME, "13:00 PM", f"end_time '13:00 PM' is not a time {TIME_HELP}"),
        ],
        None,
    ),
    (
        "",
        "9:00",
        [(START_TIME, "", "start_time is blank; use a time such as 9:30, 14:30 or 2:30 PM")],
        None,
    ),
]


@pytest.fixture(scope="module")
def time_cases(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    without_minutes = {k: v for k, v in SERVICE.items() if k != MINUTES}
    rows = [
        {**without_minutes, SERVICE_ID: f"S{i}", START_TIME: start, END_TIME: end}
        for i, (start, end, _, _) in enumerate(TIME_CASES)
    ]
    return loaded(tmp_path_factory.mktemp("times"), services=rows)


@pytest.mark.parametrize(("row", "start", "end", "problems", "minutes"), numbered(TIME_CASES))
def test_minutes_from_start_and_end_time(
    time_cases: Loaded,
    row: int,
    start: str,
    end: str,
    problems: list[tuple[str, str, str]],
    minutes: int | None,
) -> None:
    found = [r for r in records(time_cases.rejected) if r[0] == row]
    assert found == [(row, *p) for p in problems]
    services = time_cases.services
    accepted = services.loc[services[SOURCE_ROW] == row, MINUTES].tolist()
    assert accepted == ([] if minutes is None else [minutes])


def test_every_failing_cell_of_a_row_is_one_record_and_the_row_is_rejected_whole(
    tmp_path: Path,
) -> None:
    bad = {**SERVICE, SERVICE_ID: "S2", MINUTES: "0", CLIENT_SPECIFIC: "", STAFF_ID: ""}
    result = loaded(tmp_path, services=[SERVICE, bad, {**SERVICE, SERVICE_ID: "S3"}])
    assert records(result.rejected) == [
        (3, STAFF_ID, "", "staff_id is blank"),
        (3, MINUTES, "0", f"{MINUTES_RULE}; '0' is not"),
        (3, CLIENT_SPECIFIC, "", "client_specific is blank; use yes or no"),
    ]
    assert result.services[SOURCE_ROW].tolist() == [2, 4]
    assert result.services.index.tolist() == [0, 1]
    (report,) = result.files
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (3, 2, 1)


def test_configured_aliases_are_matched_like_headers(tmp_path: Path) -> None:
    config = Config(activity_aliases={"Home Visit": "face_to_face", "VM - Left": "voicemail_left"})
    rows = [{**SERVICE, ACTIVITY: "home-visit"}, {**SERVICE, ACTIVITY: "vm left"}]
    result = loaded(tmp_path, services=rows, config=config)
    assert result.services[ACTIVITY].tolist() == ["face_to_face", "voicemail_left"]


# rates: one per provider


def test_a_later_rate_of_the_same_provider_is_rejected_naming_the_first(tmp_path: Path) -> None:
    first = csv_file(tmp_path, "rates_a.csv", [RATE, {PROVIDER_ID: "P2", UNIT_RATE: "50"}])
    second = csv_file(
        tmp_path, "rates_b.csv", [{PROVIDER_ID: "P3", UNIT_RATE: "1"}, {**RATE, UNIT_RATE: "70"}]
    )
    result = loaded_inputs(Inputs((), (), (first, second)), default_config())
    assert result.rates[PROVIDER_ID].tolist() == ["P1", "P2", "P3"]
    assert result.rejected[SOURCE_FILE].tolist() == [str(second)]
    assert records(result.rejected) == [
        (3, PROVIDER_ID, "P1", f"provider P1 already has a rate in row 2 of {first}")
    ]
    assert [(f.rows_read, f.rows_accepted, f.rows_rejected) for f in result.files] == [
        (2, 2, 0),
        (2, 1, 1),
    ]


def test_a_rate_above_the_largest_is_one_rejected_record(tmp_path: Path) -> None:
    # $60.00 typed without its point, with two zeros too many: 6,000,000 > MAX_UNIT_RATE.
    path = csv_file(tmp_path, "rates.csv", [RATE, {PROVIDER_ID: "P2", UNIT_RATE: "6000000"}])
    result = loaded_inputs(Inputs((), (), (path,)), default_config())
    assert result.rates[PROVIDER_ID].tolist() == ["P1"]
    assert result.rejected[[SOURCE_FILE, SOURCE_ROW, COLUMN, VALUE, ERROR]].values.tolist() == [
        [str(path), 3, UNIT_RATE, "6000000", f"{RATE_RULE}; '6000000' is not"]
    ]
    assert [(f.rows_read, f.rows_accepted, f.rows_rejected) for f in result.files] == [(2, 1, 1)]


def test_an_invalid_rate_does_not_hold_the_provider(tmp_path: Path) -> None:
    rows = [{**RATE, UNIT_RATE: "abc"}, {**RATE, UNIT_RATE: "61"}, {**RATE, UNIT_RATE: "62"}]
    result = loaded(tmp_path, rates=rows)
    assert result.rates[UNIT_RATE].tolist() == [Decimal("61")]
    assert [r[:2] for r in records(result.rejected)] == [(2, UNIT_RATE), (4, PROVIDER_ID)]
    assert records(result.rejected)[1][3].endswith(
        "already has a rate in row 3 of " + str(tmp_path / "rates.csv")
    )


# the frames handed on (docs/DESIGN.md)

RATE_DTYPES = {
    SOURCE_FILE: "str",
    SOURCE_ROW: "int64",
    PROVIDER_ID: "str",
    UNIT_RATE: "decimal128(18, 6)[pyarrow]",
    PROVIDER_NAME: "str",
}


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c): str(t) for c, t in frame.dtypes.items()}


@pytest.mark.parametrize("with_rows", [True, False])
def test_frames_have_the_design_dtypes_with_rows_or_without(
    tmp_path: Path, with_rows: bool
) -> None:
    result = loaded(
        tmp_path,
        services=[SERVICE] if with_rows else (),
        claims=[CLAIM] if with_rows else (),
        rates=[RATE] if with_rows else (),
    )
    assert dtypes(result.services) == SERVICE_DTYPES
    assert dtypes(result.claims) == CLAIM_DTYPES
    assert dtypes(result.rates) == RATE_DTYPES
    assert dtypes(result.authorizations) == AUTHORIZATION_DTYPES
    assert dtypes(result.rejected) == dict(REJECTED_DTYPES)
    assert len(result.services) == (1 if with_rows else 0)


def test_models_name_the_columns_of_columns_py() -> None:
    provenance = [SOURCE_FILE, SOURCE_ROW]
    assert list(ClaimsModel.to_schema().columns) == [*provenance, *CLAIMS_COLUMNS]
    assert list(RatesModel.to_schema().columns) == [*provenance, *RATES_COLUMNS]
    assert list(AuthorizationsModel.to_schema().columns) == [
        *provenance,
        *AUTHORIZATIONS_COLUMNS,
    ]
    clock = [START_TIME, END_TIME, START_MINUTE, END_MINUTE]
    assert list(ServicesModel.to_schema().columns) == [*provenance, *SERVICES_COLUMNS, *clock]


def test_file_report_accounts_for_the_file(tmp_path: Path) -> None:
    result = loaded(tmp_path, services=[SERVICE, {**SERVICE, MINUTES: "x"}])
    (report,) = result.files
    path = tmp_path / "services.csv"
    assert report.path == str(path)
    assert report.kind == "services"
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (2, 1, 1)
    assert (report.encoding, report.delimiter, report.header_row) == ("utf-8", ",", 1)
    assert report.rejected_whole is None


def test_a_named_file_that_does_not_exist_stops_the_run(tmp_path: Path) -> None:
    missing = tmp_path / "claims.csv"
    with pytest.raises(InputError, match=f"^the claims file {missing} does not exist$"):
        loaded_inputs(Inputs((), (missing,)), default_config())


def test_an_unreadable_file_is_one_record_and_the_run_goes_on(tmp_path: Path) -> None:
    broken = tmp_path / "services_broken.csv"
    broken.write_text("who,what\n1,2\n")
    good = csv_file(tmp_path, "services_good.csv", [SERVICE])
    result = loaded_inputs(Inputs((broken, good), ()), default_config())
    reason = (
        "the file has no columns 'service_id', 'provider_id', 'client_id', 'staff_id', "
        "'service_date', 'activity', 'minutes', 'client_specific', 'note' "
        "(columns found: who, what)"
    )
    assert result.rejected[SOURCE_FILE].tolist() == [str(broken)]
    assert records(result.rejected) == [(pd.NA, "", "", reason)]
    assert result.files[0].rejected_whole == reason
    assert result.any_file_rejected
    assert len(result.services) == 1


# the messy fixtures: each file's exact records

MESSY: dict[str, tuple[tuple[int, int, int], list[tuple[Any, ...]]]] = {
    "services_tabs.csv": (
        (6, 2, 4),
        [
            (4, MINUTES, "1441", f"{MINUTES_RULE}; '1441' is not"),
            (5, STAFF_ID, " ", "staff_id is blank"),
            (5, MINUTES, "abc", f"{MINUTES_RULE}; 'abc' is not"),
            (6, SERVICE_DATE, "2026-02-30", f"service_date '2026-02-30' is not a date {DATE_HELP}"),
            (7, MINUTES, "-5", f"{MINUTES_RULE}; '-5' is not"),
            (7, CLIENT_SPECIFIC, "", "client_specific is blank; use yes or no"),
        ],
    ),
    "services_ragged.csv": (
        (3, 2, 1),
        [(2, "", " then dad", "the row has 11 cells, more than the 10 columns of the header")],
    ),
    "services_titled.csv": ((2, 1, 1), [(5, MINUTES, "0", f"{MINUTES_RULE}; '0' is not")]),
    "services_header_only.csv": ((0, 0, 0), []),
    "services_empty.csv": (
        (0, 0, 0),
        [(pd.NA, "", "", "the file could not be read: it is empty (0 bytes)")],
    ),
    "services_notes.txt": (
        (0, 0, 0),
        [(pd.NA, "", "", "the file could not be read: its name does not end in .csv or .xlsx")],
    ),
    "services_corrupt.xlsx": (
        (0, 0, 0),
        [
            (
                pd.NA,
                "",
                "",
                "the file could not be read: it is not a readable Excel workbook "
                "(Cannot detect file format)",
            )
        ],
    ),
    "services_password.xlsx": (
        (0, 0, 0),
        [
            (
                pd.NA,
                "",
                "",
                "the file could not be read: it is password-protected; "
                "save it without a password and send it again",
            )
        ],
    ),
    "services_missing_minutes.csv": (
        (0, 0, 0),
        [
            (
                pd.NA,
                "",
                "",
                "the file has no column 'minutes' (columns found: service_id, provider_id, "
                "client_id, staff_id, service_date, activity, client_specific, note)",
            )
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(MESSY))
def test_messy_services_files(name: str) -> None:
    counts, expected = MESSY[name]
    result = loaded_inputs(Inputs((FIXTURES / name,), ()), default_config())
    (report,) = result.files
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == counts
    assert records(result.rejected) == expected
    assert set(result.rejected[SOURCE_FILE]) <= {str(FIXTURES / name)}


def test_messy_claims_with_bom_and_semicolons() -> None:
    result = loaded_inputs(Inputs((), (FIXTURES / "claims_bom_semicolon.csv",)), default_config())
    (report,) = result.files
    assert (report.encoding, report.delimiter) == ("utf-8-sig", ";")
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (7, 3, 4)
    assert records(result.rejected) == [
        (3, UNITS_CLAIMED, "0", f"{UNITS_RULE}; '0' is not"),
        (5, UNITS_CLAIMED, "24.25", f"{UNITS_RULE}; '24.25' is not"),
        (6, UNITS_CLAIMED, "0.3", f"{UNITS_RULE}; '0.3' is not"),
        (7, UNITS_CLAIMED, "1,5", f"{UNITS_RULE}; '1,5' is not"),
    ]
    claims = result.claims
    assert claims[CLAIM_ID].tolist()[:2] == ["K1", "K3"]
    assert claims[CLAIM_ID].isna().tolist() == [False, False, True]
    assert claims[UNITS_CLAIMED].tolist() == [0.25, 24.0, 1.0]
    assert claims[SERVICE_DATE].tolist() == [
        DAY,
        pd.Timestamp("2026-10-06"),
        pd.Timestamp("2026-10-09"),
    ]


def test_messy_rates_with_pipes_and_a_repeated_provider() -> None:
    path = FIXTURES / "rates_pipes.csv"
    result = loaded_inputs(Inputs((), (), (path,)), default_config())
    (report,) = result.files
    assert (report.delimiter, report.extra_columns) == ("|", ("Contract",))
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (7, 3, 4)
    assert records(result.rejected) == [
        (3, UNIT_RATE, "0", f"{RATE_RULE}; '0' is not"),
        (4, PROVIDER_ID, "P1", f"provider P1 already has a rate in row 2 of {path}"),
        (5, UNIT_RATE, "12.1234567", f"{RATE_RULE}; '12.1234567' is not"),
        (8, PROVIDER_ID, "", "provider_id is blank"),
    ]
    assert result.rates[[PROVIDER_ID, UNIT_RATE]].values.tolist() == [
        ["P1", Decimal("60")],
        ["P4", Decimal("58.123456")],
        ["P3", Decimal("70")],
    ]


def test_the_example_config_reads_both_provider_systems() -> None:
    config = load_config(EXAMPLE_CONFIG)
    casetrack = FIXTURES / "services_casetrack_oct.csv"
    carelog = FIXTURES / "services_carelog_oct.xlsx"
    result = loaded_inputs(Inputs((casetrack, carelog), ()), config)
    ct, cl = result.files
    assert (ct.column_map, ct.encoding, ct.extra_columns) == ("CaseTrack", "cp1252", ("Program",))
    assert (ct.rows_read, ct.rows_accepted, ct.rows_rejected) == (5, 3, 2)
    assert (cl.column_map, cl.sheet, cl.header_row) == ("CareLog", "Visits", 3)
    assert (cl.rows_read, cl.rows_accepted, cl.rows_rejected) == (6, 3, 3)
    assert records(result.rejected) == [
        (5, MINUTES, "45.5", f"{MINUTES_RULE}; '45.5' is not"),
        (6, SERVICE_DATE, "10/32/2026", f"service_date '10/32/2026' is not a date {DATE_HELP}"),
        (6, ACTIVITY, "Lunch", f"{ACTIVITY_RULE}; 'Lunch' is not"),
        (6, MINUTES, "0", f"{MINUTES_RULE}; '0' is not"),
        (6, CLIENT_SPECIFIC, "maybe", f"{YES_NO_RULE}; 'maybe' is not"),
        (6, EXTERNAL_PARTICIPANTS, "-1", f"{PARTICIPANTS_RULE}; '-1' is not"),
        (6, END_TIME, "13:30", "end_time '13:30' is not after start_time '14:00'"),
        (7, START_TIME, "25:00", f"start_time '25:00' is not a time {TIME_HELP}"),
        (
            8,
            EXTERNAL_PARTICIPANTS,
            "=1+1",
            "the cell is a formula with no saved value; open and save the file in Excel",
        ),
    ]
    services = result.services
    assert services[SERVICE_ID].tolist() == ["CT-1", "CT-2", "CT-5", "V-1", "V-2", "V-6"]
    assert services[SOURCE_ROW].tolist() == [2, 3, 7, 4, 5, 11]
    assert services[CLIENT_ID].tolist() == ["007", "008", "011", "12345", "007", "C6"]
    assert services[ACTIVITY].tolist() == [
        "face_to_face",
        "phone",
        "case_staffing",
        "face_to_face",
        "phone",
        "case_staffing",
    ]
    assert services[MINUTES].tolist() == [45, 90, 60, 45, 35, 60]
    assert services[SERVICE_DATE].dt.day.tolist() == [5, 6, 8, 5, 7, 12]
    assert services[CLIENT_SPECIFIC].tolist() == [True, True, False, True, True, True]
    assert services[EXTERNAL_PARTICIPANTS].tolist() == [0, 0, 2, 0, 0, 3]
    assert services[NOTE].tolist()[:2] == [
        "Visited José at home; reviewed the café job offer",
        "Called the school.\r\nLeft a note for the counsellor.",
    ]


# properties: random cells never raise, and every row is accepted or rejected exactly once

CELL = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=12,
)
PLAIN_CELL = st.text(alphabet="aZ09 .,;:-/\"'\n\t|=éß–", max_size=10)


def partition_holds(result: Loaded, expected_rows: set[int] | None = None) -> None:
    (report,) = result.files
    accepted = set(result.services[SOURCE_ROW])
    rejected = set(result.rejected[SOURCE_ROW].dropna())
    assert not accepted & rejected
    assert report.rows_read == report.rows_accepted + report.rows_rejected
    assert (len(accepted), len(rejected)) == (report.rows_accepted, report.rows_rejected)
    if expected_rows is not None:
        assert accepted | rejected == expected_rows


def services_csv(folder: Path, rows: list[list[str]]) -> Path:
    """A services CSV with the canonical header and these rows, as csv.writer quotes them."""
    path = folder / "services.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(SERVICES_COLUMNS)
        writer.writerows(rows)
    return path


@pytest.mark.slow
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(PLAIN_CELL, min_size=10, max_size=10), max_size=8))
def test_random_csv_cells_partition_into_accepted_and_rejected(
    tmp_path: Path, rows: list[list[str]]
) -> None:
    result = loaded_inputs(Inputs((services_csv(tmp_path, rows),), ()), default_config())
    data_rows = {i + 2 for i, row in enumerate(rows) if any(c.strip() for c in row)}
    partition_holds(result, data_rows)


@pytest.mark.slow
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=12), max_size=6))
def test_any_csv_text_never_raises(tmp_path: Path, rows: list[list[str]]) -> None:
    partition_holds(loaded_inputs(Inputs((services_csv(tmp_path, rows),), ()), default_config()))


XLSX_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.times(),
    PLAIN_CELL,
)


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(XLSX_CELL, min_size=10, max_size=10), max_size=6))
def test_random_xlsx_cells_partition_into_accepted_and_rejected(
    tmp_path: Path, rows: list[list[object]]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(SERVICES_COLUMNS))
    for row in rows:
        sheet.append(row)
    path = tmp_path / "services.xlsx"
    book.save(path)
    data_rows = {
        i + 2 for i, row in enumerate(rows) if any(c is not None and str(c).strip() for c in row)
    }
    partition_holds(loaded_inputs(Inputs((path,), ()), default_config()), data_rows)


@pytest.mark.slow
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx"]))
@example(data=b"\n\n\n", suffix=".csv")
@example(data=b'"', suffix=".csv")
@example(data=b"\xff\xfe\x00", suffix=".csv")
@example(data=b"PK\x03\x04", suffix=".xlsx")
def test_random_bytes_never_raise(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"services{suffix}"
    path.write_bytes(data)
    result = loaded_inputs(Inputs((path,), ()), default_config())  # no error, readable or not
    (report,) = result.files
    assert report.rows_read == report.rows_accepted + report.rows_rejected


# clock times beside minutes (v2 §1) -----------------------------------------------------------


def test_clock_times_beside_minutes_may_be_blank_but_must_read_and_run_forward(
    tmp_path: Path,
) -> None:
    rows = [
        {**SERVICE, SERVICE_ID: "S1", START_TIME: "9:00", END_TIME: "9:45"},
        {**SERVICE, SERVICE_ID: "S2", START_TIME: "", END_TIME: ""},
        {**SERVICE, SERVICE_ID: "S3", START_TIME: "2:30 PM", END_TIME: ""},
        {**SERVICE, SERVICE_ID: "S4", START_TIME: "10:00", END_TIME: "9:00"},
        {**SERVICE, SERVICE_ID: "S5", START_TIME: "noon", END_TIME: "13:00"},
    ]
    result = loaded(tmp_path, services=rows)
    services = result.services
    assert list(services[START_TIME]) == ["9:00", "", "2:30 PM"]
    assert list(services[START_MINUTE].astype(object)) == [540, pd.NA, 870]
    assert list(services[END_MINUTE].astype(object)) == [585, pd.NA, pd.NA]
    assert list(services[MINUTES]) == [30, 30, 30]  # the minutes column stands
    assert records(result.rejected) == [
        (5, END_TIME, "9:00", "end_time '9:00' is not after start_time '10:00'"),
        (6, START_TIME, "noon", f"start_time 'noon' is not a time {TIME_HELP}"),
    ]


# authorizations (v2 §9) -------------------------------------------------------------------

AUTHORIZATION = {
    AUTHORIZATION_ID: "A1",
    PROVIDER_ID: "P1",
    CLIENT_ID: "C1",
    START_DATE: "2026-10-01",
    END_DATE: "2026-10-31",
    MAX_UNITS_PER_MONTH: "",
}


def authorizations_of(tmp_path: Path, *rows: Mapping[str, str]) -> Loaded:
    return loaded(tmp_path, authorizations=[{**AUTHORIZATION, **row} for row in rows])


def test_an_authorization_reads_its_period_and_cap(tmp_path: Path) -> None:
    result = authorizations_of(
        tmp_path,
        {},
        {CLIENT_ID: "C2", START_DATE: "10/1/2026", END_DATE: "", MAX_UNITS_PER_MONTH: "7.25"},
    )
    frame = result.authorizations
    assert list(frame[START_DATE]) == [pd.Timestamp("2026-10-01")] * 2
    assert frame[END_DATE].iloc[0] == pd.Timestamp("2026-10-31") and pd.isna(
        frame[END_DATE].iloc[1]
    )
    assert frame[MAX_UNITS_PER_MONTH].iloc[1] == 7.25 and pd.isna(
        frame[MAX_UNITS_PER_MONTH].iloc[0]
    )
    assert result.authorizations_apply and result.rejected.empty


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            {END_DATE: "2026-09-30"},
            (END_DATE, "2026-09-30", "end_date '2026-09-30' is before start_date '2026-10-01'"),
        ),
        (
            {END_DATE: "soon"},
            (
                END_DATE,
                "soon",
                "end_date 'soon' is not a date (or blank, for no end) (use 2026-10-05 or "
                "10/5/2026)",
            ),
        ),
        (
            {MAX_UNITS_PER_MONTH: "1.3"},
            (
                MAX_UNITS_PER_MONTH,
                "1.3",
                "max_units_per_month must be blank (no cap) or more than 0, in steps of 0.25; "
                "'1.3' is not",
            ),
        ),
        (
            {MAX_UNITS_PER_MONTH: "0"},
            (
                MAX_UNITS_PER_MONTH,
                "0",
                "max_units_per_month must be blank (no cap) or more than 0, in steps of 0.25; "
                "'0' is not",
            ),
        ),
        (
            {START_DATE: ""},
            (START_DATE, "", "start_date is blank; use a date such as 2026-10-05 or 10/5/2026"),
        ),
    ],
)
def test_authorization_values_at_their_boundaries(
    tmp_path: Path, row: Mapping[str, str], expected: tuple[str, str, str]
) -> None:
    result = authorizations_of(tmp_path, row)
    assert records(result.rejected) == [(2, *expected)]
    assert result.authorizations.empty


def test_an_overlapping_period_is_rejected_naming_the_row_it_overlaps(tmp_path: Path) -> None:
    result = authorizations_of(
        tmp_path,
        {START_DATE: "2026-10-01", END_DATE: "2026-10-15"},
        {START_DATE: "10/15/2026", END_DATE: "2026-10-31"},  # shares the 15th
        {START_DATE: "2026-10-16", END_DATE: ""},  # back to back: kept
        {START_DATE: "2026-11-20", END_DATE: "2026-11-30"},  # inside the open-ended one
        {CLIENT_ID: "C2"},  # another client
        {PROVIDER_ID: "P2"},  # another provider
    )
    where = tmp_path / "authorizations.csv"
    assert records(result.rejected) == [
        (
            3,
            START_DATE,
            "10/15/2026",
            f"the period 2026-10-15 to 2026-10-31 overlaps row 2 of {where} "
            "(2026-10-01 to 2026-10-15) for the same provider and client",
        ),
        (
            5,
            START_DATE,
            "2026-11-20",
            f"the period 2026-11-20 to 2026-11-30 overlaps row 4 of {where} "
            "(2026-10-16 to open-ended) for the same provider and client",
        ),
    ]
    assert list(result.authorizations[SOURCE_ROW]) == [2, 4, 6, 7]
    (report,) = result.files
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (6, 4, 2)


def test_only_an_accepted_row_can_make_a_later_one_overlap(tmp_path: Path) -> None:
    result = authorizations_of(
        tmp_path,
        {START_DATE: "2026-10-01", END_DATE: "2026-10-20"},
        {START_DATE: "2026-10-10", END_DATE: "2026-10-25"},  # rejected: overlaps row 2
        {START_DATE: "2026-10-21", END_DATE: "2026-10-31"},  # overlaps only rejected row 3
    )
    assert list(result.authorizations[SOURCE_ROW]) == [2, 4]
    assert [r[0] for r in records(result.rejected)] == [3]


def test_an_authorization_overlapping_one_in_an_earlier_file(tmp_path: Path) -> None:
    first = csv_file(tmp_path, "authorizations_a.csv", [AUTHORIZATION])
    second = csv_file(
        tmp_path, "authorizations_b.csv", [{**AUTHORIZATION, START_DATE: "2026-10-31"}]
    )
    result = loaded_inputs(Inputs((), (), (), (first, second)), default_config())
    assert [(r[SOURCE_FILE], r[SOURCE_ROW]) for r in result.rejected.to_dict("records")] == [
        (str(second), 2)
    ]
    assert [f.rows_rejected for f in result.files] == [0, 1]


def test_a_rejected_row_names_its_provider_cell_and_claimed_units(tmp_path: Path) -> None:
    result = loaded(
        tmp_path,
        claims=[
            {**CLAIM, PROVIDER_ID: " P7 ", UNITS_CLAIMED: "0.3"},
            {**CLAIM, SERVICE_DATE: "never", UNITS_CLAIMED: "1.5"},
            {**CLAIM, SERVICE_DATE: "never", UNITS_CLAIMED: "lots"},
        ],
    )
    frame = result.rejected
    # One record per failing cell: the third row fails twice, and says so twice.
    assert list(frame[SOURCE_ROW]) == [2, 3, 4, 4]
    assert list(frame[PROVIDER_ID]) == ["P7", "P1", "P1", "P1"]
    assert list(frame[UNITS_CLAIMED].fillna(-1)) == [0.3, 1.5, -1, -1]


def test_rates_may_name_the_provider(tmp_path: Path) -> None:
    result = loaded(tmp_path, rates=[{**RATE, PROVIDER_NAME: " Harbor Family Services "}])
    assert list(result.rates[PROVIDER_NAME]) == ["Harbor Family Services"]
    (tmp_path / "plain").mkdir()
    unnamed = loaded(tmp_path / "plain", rates=[RATE])
    assert unnamed.rates[PROVIDER_NAME].isna().all()
