"""A hand-written month of CSV files through the pandas engine's reconciled_month, checked cell
by cell.

Two providers: P1 has a rate of 62.50 in rates.csv, P2 none (the default 60.00 applies).
Every figure below is worked out by hand in the comments next to the rows.
"""

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from reference import (
    BELOW_MINIMUM,
    DUPLICATE_SERVICE,
    INTERNAL_STAFFING,
    MULTIPLE_CLAIM_LINES,
    NO_DOCUMENTATION_CODE,
    NOT_CLIENT_SPECIFIC,
    NOT_SIGNIFICANT,
    OUTSIDE_PERIOD,
    RESEARCH_FOLLOWUP_PENDING,
    SEPARATOR,
    UNDOCUMENTED,
    VOICEMAIL,
    plain_records,
    reference_outcome,
)

from pipeline.config import default_config
from pipeline.engines.pandas_engine import reconciled_month
from pipeline.result import Inputs, RunResult
from schemas.columns import (
    CLAIM_ID,
    CLAIMED_AMOUNT,
    CLAIMS_KIND,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    DEFAULT_RATE,
    DISALLOWED_AMOUNT,
    DISALLOWED_UNITS,
    MATCH,
    MINUTES,
    NO_DOCUMENTATION,
    NOT_CLAIMED,
    NOTHING_BILLABLE,
    OVER_CLAIMED,
    PAYABLE_AMOUNT,
    PAYABLE_UNITS,
    PROVIDER_ID,
    RATE_SOURCE,
    RATES_FILE,
    RATES_KIND,
    REASONS,
    REJECTED_COLUMNS,
    REVIEW_KIND,
    SERVICE_DATE,
    SERVICE_ID,
    SERVICES_KIND,
    STAFF_ID,
    STATUS,
    UNDER_CLAIMED,
    WARNING_CODE,
)

MONTH = "2026-10"


def joined(*found: str) -> str:
    return SEPARATOR.join(found)


# "Service Date" and "Face-to-Face" as a person types them; both read as the SPEC's names.
SERVICES_HEADER = (
    "service_id,provider_id,client_id,staff_id,Service Date,activity,minutes,"
    "client_specific,external_participants,note\n"
)
SERVICES_P1 = (
    SERVICES_HEADER
    + """\
A1,P1,C1,T1,2026-10-05,face_to_face,45,yes,,Home visit: housing plan
A2,P1,C1,T1,2026-10-05,phone,10,yes,,Called the landlord
A3,P1,C1,T1,2026-10-06,voicemail_left,5,yes,,Left a message
A4,P1,C1,T1,2026-10-06,phone,10,yes,,Short check-in
A5,P1,C2,T2,10/7/2026,research,30,yes,,Looked up food banks near the client
A6,P1,C2,T2,2026-10-20,mailing,20,yes,,Letter listing the food banks
A5,P1,C2,T2,2026-10-07,research,30,yes,,Looked up food banks near the client
A7,P1,C2,T2,2026-10-31,case_staffing,60,yes,0,Team meeting
A8,P1,C2,T2,2026-11-01,face_to_face,30,yes,,Home visit
A9,P1,C3,T1,2026-10-12,Face-to-Face,40,y,,"   "
A10,P1,C3,T1,2026-10-12,scheduling,5,yes,,Confirmed the appointment
A11,P1,C3,T1,2026-10-13,phone,45.5,yes,,Call with the school
"""
)
SERVICES_P2 = (
    SERVICES_HEADER
    + """\
B1,P2,D1,U1,2026-10-01,case_staffing,45,yes,2,Staffing with the school and a therapist
B2,P2,D1,U1,2026-10-01,mailing,15,no,,Newsletter
B3,P2,D2,U1,2026-10-15,phone,68,yes,,Crisis call
A1,P2,D2,U1,2026-10-15,phone,7,yes,,Follow-up call
B4,P2,D3,U2,2026-10-20,research,25,yes,,Looked up benefits
"""
)
CLAIMS = """\
claim_id,provider_id,client_id,service_date,units_claimed
K1,P1,C1,2026-10-05,0.75
K2,P1,C1,2026-10-06,0.25
K3,P1,C2,2026-10-07,0.25
K4,P1,C2,2026-10-07,0.25
K5,P1,C2,2026-10-31,1
K6,P2,D1,2026-10-01,0.5
K7,P2,D2,2026-10-15,1.25
K8,P2,D9,2026-10-22,1.00
"""
RATES = """\
provider_id,unit_rate
P1,62.50
"""

# One row per service line, in reading order: its reasons after every rule.
LINE_REASONS = [
    (SERVICE_ID, REASONS),
    ("A1", ""),
    ("A2", ""),
    ("A3", VOICEMAIL),
    ("A4", BELOW_MINIMUM),  # 10 eligible minutes on the day
    ("A5", ""),  # the letter A6 follows 13 days later
    ("A6", ""),
    ("A5", DUPLICATE_SERVICE),
    ("A7", INTERNAL_STAFFING),
    ("A8", OUTSIDE_PERIOD),
    ("A9", UNDOCUMENTED),
    ("A10", NOT_SIGNIFICANT),
    # A11 is rejected: 45.5 minutes
    ("B1", ""),
    ("B2", NOT_CLIENT_SPECIFIC),
    ("B3", ""),
    ("A1", ""),  # another provider's A1: no duplicate
    # No letter yet, and its window (to Nov 19) is still open after P2's data end (Oct 31).
    ("B4", RESEARCH_FOLLOWUP_PENDING),
]

C = CLIENT_DAYS_COLUMNS
Z = D("0.00")
CLIENT_DAYS = [
    # provider, client, date, documented, countable, claimed, allowable, variance, status,
    # reasons, rate, claimed $, allowable $, disallowed $, then (v2) documentation units,
    # payable $, disallowed units for documentation and for the rules, disallowed $ for
    # documentation and for the rules, unclaimed $, review flags
    # 45 + 10 = 55 min → 3 increments → 0.75; 0.75 × 62.50 = 46.875 → 46.88
    ("P1", "C1", dt.date(2026, 10, 5), 55, 55, 0.75, 0.75, 0.0, MATCH,
     "", D("62.5"), D("46.88"), D("46.88"), Z,
     0.75, D("46.88"), 0.0, 0.0, Z, Z, Z, ""),
    # voicemail 5 + phone 10: only 10 countable, below 15; 0.25 × 62.50 = 15.625 → 15.63.
    # The 15 documented minutes would allow 0.25: documented, but not billable (rules).
    ("P1", "C1", dt.date(2026, 10, 6), 15, 10, 0.25, 0.0, 0.25, OVER_CLAIMED,
     joined(VOICEMAIL, BELOW_MINIMUM), D("62.5"), D("15.63"), Z, D("15.63"),
     0.25, Z, 0.0, 0.25, Z, D("15.63"), Z, ""),
    # the duplicate A5 is not documented twice; two claims rows of 0.25
    ("P1", "C2", dt.date(2026, 10, 7), 30, 30, 0.5, 0.5, 0.0, MATCH,
     DUPLICATE_SERVICE, D("62.5"), D("31.25"), D("31.25"), Z,
     0.5, D("31.25"), 0.0, 0.0, Z, Z, Z, ""),
    # documented and billable, not claimed: 15.63 unclaimed
    ("P1", "C2", dt.date(2026, 10, 20), 20, 20, 0.0, 0.25, -0.25, NOT_CLAIMED,
     "", D("62.5"), Z, D("15.63"), Z,
     0.25, Z, 0.0, 0.0, Z, Z, D("15.63"), ""),
    ("P1", "C2", dt.date(2026, 10, 31), 60, 0, 1.0, 0.0, 1.0, OVER_CLAIMED,
     INTERNAL_STAFFING, D("62.5"), D("62.50"), Z, D("62.50"),
     1.0, Z, 0.0, 1.0, Z, D("62.50"), Z, ""),
    # outside the month, but still a client-day with documentation (SPEC §4)
    ("P1", "C2", dt.date(2026, 11, 1), 30, 0, 0.0, 0.0, 0.0, NOTHING_BILLABLE,
     OUTSIDE_PERIOD, D("62.5"), Z, Z, Z,
     0.5, Z, 0.0, 0.0, Z, Z, Z, ""),
    ("P1", "C3", dt.date(2026, 10, 12), 45, 0, 0.0, 0.0, 0.0, NOTHING_BILLABLE,
     joined(UNDOCUMENTED, NOT_SIGNIFICANT), D("62.5"), Z, Z, Z,
     0.75, Z, 0.0, 0.0, Z, Z, Z, ""),
    # P2 has no rate: the default 60.00. 45 countable → 0.75; claimed 0.5: 15.00 unclaimed
    ("P2", "D1", dt.date(2026, 10, 1), 60, 45, 0.5, 0.75, -0.25, UNDER_CLAIMED,
     NOT_CLIENT_SPECIFIC, D("60"), D("30.00"), D("45.00"), Z,
     1.0, D("30.00"), 0.0, 0.0, Z, Z, D("15.00"), ""),
    # 68 + 7 = 75 min → 5 increments → 1.25
    ("P2", "D2", dt.date(2026, 10, 15), 75, 75, 1.25, 1.25, 0.0, MATCH,
     "", D("60"), D("75.00"), D("75.00"), Z,
     1.25, D("75.00"), 0.0, 0.0, Z, Z, Z, ""),
    ("P2", "D3", dt.date(2026, 10, 20), 25, 0, 0.0, 0.0, 0.0, NOTHING_BILLABLE,
     RESEARCH_FOLLOWUP_PENDING, D("60"), Z, Z, Z,
     0.25, Z, 0.0, 0.0, Z, Z, Z, ""),
    # claimed with nothing documented: all of it disallowed for documentation
    ("P2", "D9", dt.date(2026, 10, 22), 0, 0, 1.0, 0.0, 1.0, NO_DOCUMENTATION,
     NO_DOCUMENTATION_CODE, D("60"), D("60.00"), Z, D("60.00"),
     0.0, Z, 1.0, 0.0, D("60.00"), Z, Z, ""),
]  # fmt: skip
CLAIM_ROWS = [
    # claim, status, payable units, disallowed units, claimed $, payable $, disallowed $
    ("K1", MATCH, 0.75, 0.0, D("46.88"), D("46.88"), Z),
    ("K2", OVER_CLAIMED, 0.0, 0.25, D("15.63"), Z, D("15.63")),
    # two rows of 0.25 at 62.50: cumulative cents 15.63 then 31.25, so 15.63 and 15.62
    ("K3", MATCH, 0.25, 0.0, D("15.63"), D("15.63"), Z),
    ("K4", MATCH, 0.25, 0.0, D("15.62"), D("15.62"), Z),
    ("K5", OVER_CLAIMED, 0.0, 1.0, D("62.50"), Z, D("62.50")),
    ("K6", UNDER_CLAIMED, 0.5, 0.0, D("30.00"), D("30.00"), Z),
    ("K7", MATCH, 1.25, 0.0, D("75.00"), D("75.00"), Z),
    ("K8", NO_DOCUMENTATION, 0.0, 1.0, D("60.00"), Z, D("60.00")),
]


@pytest.fixture(scope="module")
def month_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp(MONTH)
    texts = {
        "services_p1.csv": SERVICES_P1,
        "services_p2.csv": SERVICES_P2,
        "claims.csv": CLAIMS,
        "rates.csv": RATES,
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return {name: folder / name for name in texts}


@pytest.fixture(scope="module")
def result(month_files: dict[str, Path]) -> RunResult:
    inputs = Inputs(
        services=(month_files["services_p1.csv"], month_files["services_p2.csv"]),
        claims=(month_files["claims.csv"],),
        rates=(month_files["rates.csv"],),
    )
    return reconciled_month(inputs, MONTH, default_config())


def test_the_whole_client_day_table(result: RunResult) -> None:
    got = [tuple(r[c] for c in C) for r in plain_records(result.days, list(C))]
    assert got == CLIENT_DAYS


def test_every_service_line_and_its_reasons(result: RunResult) -> None:
    got = [(SERVICE_ID, REASONS)] + list(
        zip(result.lines[SERVICE_ID], result.lines[REASONS], strict=True)
    )
    assert got == LINE_REASONS


def test_the_rejected_row(result: RunResult, month_files: dict[str, Path]) -> None:
    rejected = plain_records(result.loaded.rejected, list(REJECTED_COLUMNS))
    assert [tuple(r.values()) for r in rejected] == [
        (
            str(month_files["services_p1.csv"]),
            13,
            MINUTES,
            "45.5",
            "minutes must be a whole number from 1 to 1440; '45.5' is not",
        )
    ]


def test_file_accounts(result: RunResult, month_files: dict[str, Path]) -> None:
    accounts = [
        (f.path, f.kind, f.rows_read, f.rows_accepted, f.rows_rejected, f.rejected_whole)
        for f in result.loaded.files
    ]
    assert accounts == [
        (str(month_files["services_p1.csv"]), SERVICES_KIND, 12, 11, 1, None),
        (str(month_files["services_p2.csv"]), SERVICES_KIND, 5, 5, 0, None),
        (str(month_files["claims.csv"]), CLAIMS_KIND, 8, 8, 0, None),
        (str(month_files["rates.csv"]), RATES_KIND, 1, 1, 0, None),
    ]
    assert not result.loaded.any_file_rejected


def test_every_claims_row_and_its_share(result: RunResult) -> None:
    columns = [CLAIM_ID, STATUS, PAYABLE_UNITS, DISALLOWED_UNITS]
    columns += [CLAIMED_AMOUNT, PAYABLE_AMOUNT, DISALLOWED_AMOUNT]
    got = [tuple(r.values()) for r in plain_records(result.claims, columns)]
    assert got == CLAIM_ROWS


def test_warnings_and_rates(result: RunResult) -> None:
    columns = [WARNING_CODE, REVIEW_KIND, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE]
    assert plain_records(result.review, columns) == [
        {
            WARNING_CODE: MULTIPLE_CLAIM_LINES,
            REVIEW_KIND: "warning",
            PROVIDER_ID: "P1",
            CLIENT_ID: "C2",
            STAFF_ID: None,
            SERVICE_DATE: dt.date(2026, 10, 7),
        }
    ]
    assert result.providers_without_rate == ()
    assert list(result.providers[RATE_SOURCE]) == [RATES_FILE, DEFAULT_RATE]


def test_the_reference_reaches_the_same_table(result: RunResult) -> None:
    loaded = result.loaded
    expected = reference_outcome(
        loaded.services, loaded.claims, loaded.rates, MONTH, default_config()
    )
    assert [tuple(r[c] for c in C) for r in expected.days] == CLIENT_DAYS
    assert expected.reasons == [reasons for _, reasons in LINE_REASONS[1:]]
