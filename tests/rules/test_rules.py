"""Every rule code at every boundary, on tiny hand-built months with hand-computed answers.

Each test runs twice: against the vectorized pipeline and against the row-by-row reference.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from conftest import (
    CLIENT,
    MONTH,
    PROVIDER,
    STAFF,
    authorizations_frame,
    claims_frame,
    rates_frame,
    run_month,
    services_frame,
)
from reference import (
    AUTHORIZATION_CAP,
    BELOW_MINIMUM,
    CLAIM_EXCEEDS_DOCUMENTATION,
    CROSS_PROVIDER_SAME_DAY,
    DUPLICATE_SERVICE,
    INTERNAL_STAFFING,
    MINUTES_EXCEED_INTERVAL,
    MULTIPLE_CLAIM_LINES,
    NO_DOCUMENTATION_CODE,
    NOT_AUTHORIZED,
    NOT_CLIENT_SPECIFIC,
    NOT_SIGNIFICANT,
    NOTE_SUGGESTS_GROUP,
    NOTE_SUGGESTS_SCHEDULING,
    NOTE_SUGGESTS_VOICEMAIL,
    OUTSIDE_PERIOD,
    RESEARCH_FOLLOWUP_PENDING,
    RESEARCH_NO_FOLLOWUP,
    SEPARATOR,
    SPEC_DAY_CODES,
    SPEC_FLAGS,
    SPEC_LINE_CODES,
    SPEC_REASON_ORDER,
    SPEC_WARNINGS,
    STAFF_DAY_OVER_LIMIT,
    STAFF_TIME_OVERLAP,
    UNDOCUMENTED,
    VOICEMAIL,
    Outcome,
    pipeline_outcome,
    reference_outcome,
    states,
)

from pipeline import money
from pipeline.config import NEAREST, Config, Review
from pipeline.report.totals import run_totals
from pipeline.rules.days import final_lines
from pipeline.rules.table import REASON_ORDER, Kind, codes
from schemas.columns import (
    ACTIVITY,
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CASE_STAFFING,
    CLAIM_ID,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    COUNTABLE_MINUTES,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    DOCUMENTATION_UNITS,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    END_DATE,
    END_TIME,
    EXTERNAL_PARTICIPANTS,
    FACE_TO_FACE,
    MAILING,
    MATCH,
    MAX_MINUTES,
    MAX_UNIT_RATE,
    MAX_UNITS_CLAIMED,
    MAX_UNITS_PER_MONTH,
    MINUTES,
    NO_DOCUMENTATION,
    NOT_CLAIMED,
    NOTE,
    NOTHING_BILLABLE,
    OVER_CLAIMED,
    PAYABLE_AMOUNT,
    PAYABLE_UNITS,
    PHONE,
    PROVIDER_ID,
    REASONS,
    RESEARCH,
    REVIEW,
    SCHEDULING,
    SERVICE_DATE,
    SERVICE_ID,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    START_DATE,
    START_TIME,
    STATUS,
    UNCLAIMED_AMOUNT,
    UNDER_CLAIMED,
    UNIT_RATE,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
)

Row = Mapping[str, Any]
Run = Callable[..., Outcome]
IMPLEMENTATIONS = {"pipeline": pipeline_outcome, "reference": reference_outcome}
OCT = dt.date(2026, 10, 5)
QUARTER = Decimal("0.25")
HALF = Decimal("0.5")


def joined(*found: str) -> str:
    return SEPARATOR.join(found)


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def run(request: pytest.FixtureRequest, config: Config) -> Run:
    """The month's outcome from one implementation; rates default to none (the default rate)."""
    implementation = IMPLEMENTATIONS[request.param]

    def outcome(
        services: Sequence[Row] = (),
        claims: Sequence[Row] = (),
        rates: Mapping[str, str] | None = None,
        month: str = MONTH,
        authorizations: Sequence[Row] | None = None,
        **settings: Any,
    ) -> Outcome:
        return implementation(
            services_frame(*services),
            claims_frame(*claims),
            rates_frame(rates or {}),
            month,
            replace(config, **settings),
            None if authorizations is None else authorizations_frame(*authorizations),
        )

    return outcome


def own_clients(*cases: Sequence[Row]) -> list[Row]:
    """Each case's rows on its own client (C00, C01, ...; a row's own client_id is appended),
    so the cases share one run but no client-day."""
    return [
        {**row, CLIENT_ID: f"C{i:02d}{row.get(CLIENT_ID, '')}"}
        for i, rows in enumerate(cases)
        for row in rows
    ]


def one_per_client(rows: Sequence[Row]) -> list[Row]:
    return own_clients(*([row] for row in rows))


def only_day(outcome: Outcome) -> dict[str, Any]:
    assert len(outcome.days) == 1
    return outcome.days[0]


def test_the_reference_spells_the_rules_tables_codes_in_its_order() -> None:
    assert SPEC_REASON_ORDER == REASON_ORDER
    assert codes(Kind.LINE) == SPEC_LINE_CODES
    assert codes(Kind.REVIEW) == SPEC_FLAGS
    assert codes(Kind.DAY) == SPEC_DAY_CODES
    assert codes(Kind.WARNING) == SPEC_WARNINGS


# --- the 15-minute minimum and units (§2, §3) ----------------------------------------------


def test_one_line_at_the_minimum(run: Run) -> None:
    out = run(one_per_client([{MINUTES: 14}, {MINUTES: 15}, {MINUTES: 16}]))
    assert out.reasons == [BELOW_MINIMUM, "", ""]
    assert out.line_reasons == ["", "", ""]
    assert out.eligible == [True, True, True]  # BELOW_MINIMUM leaves a line eligible
    assert [
        (d[DOCUMENTED_MINUTES], d[COUNTABLE_MINUTES], d[ALLOWABLE_UNITS], d[REASONS])
        for d in out.days
    ] == [(14, 14, 0, BELOW_MINIMUM), (15, 15, QUARTER, ""), (16, 16, QUARTER, "")]


def test_short_lines_combine_per_day(run: Run) -> None:
    out = run(
        [
            {MINUTES: 7, ACTIVITY: PHONE},
            {MINUTES: 7, ACTIVITY: PHONE},
            {MINUTES: 7, ACTIVITY: PHONE, CLIENT_ID: "C2"},
            {MINUTES: 8, ACTIVITY: PHONE, CLIENT_ID: "C2"},
        ]
    )
    assert out.reasons == [BELOW_MINIMUM, BELOW_MINIMUM, "", ""]
    assert [(d[COUNTABLE_MINUTES], d[ALLOWABLE_UNITS]) for d in out.days] == [
        (14, 0),
        (15, QUARTER),
    ]


def test_lines_of_other_days_and_clients_do_not_combine(run: Run) -> None:
    out = run(
        [
            {MINUTES: 10},
            {MINUTES: 10, SERVICE_DATE: "2026-10-06"},
            {MINUTES: 10, CLIENT_ID: "C2"},
        ]
    )
    assert out.reasons == [BELOW_MINIMUM] * 3
    assert [d[ALLOWABLE_UNITS] for d in out.days] == [0, 0, 0]


def test_floor_counts_whole_increments(run: Run) -> None:
    minutes = [30, 40, 44, 45, 60, 74, 75]
    out = run(one_per_client([{MINUTES: m} for m in minutes]))
    assert [d[ALLOWABLE_UNITS] for d in out.days] == [
        Decimal(u) for u in ("0.5", "0.5", "0.5", "0.75", "1", "1", "1.25")
    ]


def test_nearest_counts_a_last_partial_of_8_minutes(run: Run) -> None:
    minutes = [14, 22, 23, 67, 68]
    out = run(one_per_client([{MINUTES: m} for m in minutes]), rounding=NEAREST)
    assert [d[ALLOWABLE_UNITS] for d in out.days] == [
        Decimal(u) for u in ("0", "0.25", "0.5", "1", "1.25")
    ]
    assert out.reasons == [BELOW_MINIMUM, "", "", "", ""]


def test_a_configured_minimum(run: Run) -> None:
    out = run([{MINUTES: 29}, {MINUTES: 30, CLIENT_ID: "C2"}], min_minutes=30)
    assert out.reasons == [BELOW_MINIMUM, ""]
    assert [d[ALLOWABLE_UNITS] for d in out.days] == [0, Decimal("0.5")]


def test_ineligible_minutes_are_documented_but_not_countable(run: Run) -> None:
    out = run([{MINUTES: 10}, {MINUTES: 20, ACTIVITY: VOICEMAIL_LEFT}])
    assert out.reasons == [BELOW_MINIMUM, VOICEMAIL]  # only eligible lines are below minimum
    day = only_day(out)
    assert (day[DOCUMENTED_MINUTES], day[COUNTABLE_MINUTES]) == (30, 10)
    assert day[REASONS] == joined(VOICEMAIL, BELOW_MINIMUM)


# --- one code per line rule (§3) -----------------------------------------------------------


LINE_CASES: list[tuple[Row, str]] = [
    ({ACTIVITY: VOICEMAIL_LEFT}, VOICEMAIL),
    ({ACTIVITY: VOICEMAIL_LISTENED}, VOICEMAIL),
    ({ACTIVITY: SCHEDULING}, NOT_SIGNIFICANT),
    ({CLIENT_SPECIFIC: False}, NOT_CLIENT_SPECIFIC),
    ({ACTIVITY: MAILING, CLIENT_SPECIFIC: False}, NOT_CLIENT_SPECIFIC),
    ({ACTIVITY: CASE_STAFFING, EXTERNAL_PARTICIPANTS: 0}, INTERNAL_STAFFING),
    ({ACTIVITY: CASE_STAFFING, EXTERNAL_PARTICIPANTS: 1}, ""),
    ({ACTIVITY: PHONE, EXTERNAL_PARTICIPANTS: 0}, ""),
    ({ACTIVITY: MAILING}, ""),
    ({NOTE: ""}, UNDOCUMENTED),
    ({NOTE: "   "}, UNDOCUMENTED),
    ({NOTE: "\t\n"}, UNDOCUMENTED),
    ({NOTE: " ok "}, ""),
    ({NOTE: "-"}, ""),
]


def test_each_line_code(run: Run) -> None:
    out = run(one_per_client([fields for fields, _ in LINE_CASES]))
    expected = [reasons for _, reasons in LINE_CASES]
    assert out.line_reasons == expected
    assert out.eligible == [r == "" for r in expected]
    assert [d[ALLOWABLE_UNITS] for d in out.days] == [0 if r else HALF for r in expected]


@pytest.mark.parametrize(
    ("month", "dates", "outside"),
    [
        (MONTH, ["2026-10-01", "2026-10-31", "2026-11-01", "2026-09-30", "2025-10-15"], 3),
        ("2026-12", ["2026-12-01", "2026-12-31", "2027-01-01", "2026-11-30"], 2),
        ("2028-02", ["2028-02-01", "2028-02-29", "2028-03-01", "2028-01-31"], 2),
    ],
)
def test_outside_period_at_the_month_edges(
    run: Run, month: str, dates: list[str], outside: int
) -> None:
    out = run([{SERVICE_DATE: d} for d in dates], month=month)
    inside = len(dates) - outside
    assert out.line_reasons == [""] * inside + [OUTSIDE_PERIOD] * outside


def test_a_day_outside_the_month_is_still_a_client_day(run: Run) -> None:
    out = run([{SERVICE_DATE: "2026-11-01"}], claims=[{SERVICE_DATE: "2026-11-01"}])
    day = only_day(out)
    assert day[SERVICE_DATE] == dt.date(2026, 11, 1)
    assert (day[DOCUMENTED_MINUTES], day[COUNTABLE_MINUTES]) == (30, 0)
    assert (day[STATUS], day[REASONS]) == (OVER_CLAIMED, OUTSIDE_PERIOD)


def test_several_codes_on_one_line_in_rules_order(run: Run) -> None:
    out = run(
        [
            {SERVICE_ID: "A"},
            {
                SERVICE_ID: "A",
                SERVICE_DATE: "2026-11-01",
                NOTE: " ",
                ACTIVITY: VOICEMAIL_LEFT,
                CLIENT_SPECIFIC: False,
            },
            {NOTE: "", ACTIVITY: SCHEDULING, CLIENT_SPECIFIC: False},
            {ACTIVITY: RESEARCH, CLIENT_SPECIFIC: False, NOTE: ""},
            {ACTIVITY: CASE_STAFFING, CLIENT_SPECIFIC: False},
        ]
    )
    assert out.line_reasons == [
        "",
        joined(DUPLICATE_SERVICE, OUTSIDE_PERIOD, UNDOCUMENTED, VOICEMAIL, NOT_CLIENT_SPECIFIC),
        joined(UNDOCUMENTED, NOT_SIGNIFICANT, NOT_CLIENT_SPECIFIC),
        # No letter, and the window (to Nov 4) is still open after the data's reach (Nov 1).
        joined(UNDOCUMENTED, NOT_CLIENT_SPECIFIC, RESEARCH_FOLLOWUP_PENDING),
        joined(NOT_CLIENT_SPECIFIC, INTERNAL_STAFFING),
    ]


# --- research needs a follow-up letter (§5) ------------------------------------------------

RESEARCH_DAY = "2026-10-02"


def research_with(letter: Row) -> list[Row]:
    return [
        {ACTIVITY: RESEARCH, SERVICE_DATE: RESEARCH_DAY},
        {ACTIVITY: MAILING, SERVICE_DATE: RESEARCH_DAY, **letter},
    ]


def test_letter_window(run: Run) -> None:
    letter_dates = [
        "2026-10-01",  # one day before
        "2026-10-02",  # the same day
        "2026-10-31",  # 29 days after
        "2026-11-01",  # 30 days after, outside the month
        "2026-11-02",  # 31 days after
    ]
    out = run(own_clients(*(research_with({SERVICE_DATE: d}) for d in letter_dates)))
    research = out.line_reasons[::2]
    assert research == [RESEARCH_NO_FOLLOWUP, "", "", "", RESEARCH_NO_FOLLOWUP]


def test_a_letter_outside_the_month_counts_but_is_itself_outside(run: Run) -> None:
    out = run(research_with({SERVICE_DATE: "2026-11-01"}))
    assert out.line_reasons == ["", OUTSIDE_PERIOD]


def test_letters_that_do_not_count(run: Run) -> None:
    letters: list[Row] = [
        {CLIENT_SPECIFIC: False},
        {NOTE: ""},
        {NOTE: "  "},
        {CLIENT_ID: "another client"},
        {PROVIDER_ID: "P2"},
        {ACTIVITY: PHONE},
    ]
    out = run(own_clients(*(research_with(letter) for letter in letters)))
    # P1's data reach October 31, before each window (to November 1) closes: pending.
    assert out.line_reasons[::2] == [RESEARCH_FOLLOWUP_PENDING] * len(letters)
    # A P1 line on November 1 closes them: then there is no follow-up, for good.
    closed = run(
        [
            *own_clients(*(research_with(letter) for letter in letters)),
            {SERVICE_DATE: "2026-11-01", CLIENT_ID: "late"},
        ]
    )
    assert closed.line_reasons[: 2 * len(letters) : 2] == [RESEARCH_NO_FOLLOWUP] * len(letters)


def test_a_duplicate_letter_does_not_count(run: Run) -> None:
    out = run(
        [
            {SERVICE_ID: "X", ACTIVITY: PHONE, SERVICE_DATE: "2026-09-20"},
            {ACTIVITY: RESEARCH, SERVICE_DATE: RESEARCH_DAY},
            {SERVICE_ID: "X", ACTIVITY: MAILING, SERVICE_DATE: RESEARCH_DAY},
        ]
    )
    assert out.line_reasons == [
        OUTSIDE_PERIOD,
        RESEARCH_FOLLOWUP_PENDING,
        DUPLICATE_SERVICE,
    ]


def test_one_letter_follows_up_several_research_lines(run: Run) -> None:
    out = run(
        [
            {ACTIVITY: RESEARCH, SERVICE_DATE: "2026-10-02"},
            {ACTIVITY: RESEARCH, SERVICE_DATE: "2026-10-20"},
            {ACTIVITY: RESEARCH, SERVICE_DATE: "2026-10-26"},
            {ACTIVITY: MAILING, SERVICE_DATE: "2026-10-25"},
            {ACTIVITY: MAILING, SERVICE_DATE: "2026-12-30"},
        ]
    )
    assert out.line_reasons[:3] == ["", "", RESEARCH_NO_FOLLOWUP]


def test_a_configured_follow_up_window(run: Run) -> None:
    cases = [research_with({SERVICE_DATE: d}) for d in ("2026-10-05", "2026-10-06")]
    out = run(own_clients(*cases), research_followup_days=3)
    assert out.line_reasons[::2] == ["", RESEARCH_NO_FOLLOWUP]


# --- duplicates (§1) -----------------------------------------------------------------------


def test_duplicate_within_a_file(run: Run) -> None:
    out = run([{SERVICE_ID: "A", MINUTES: 30}, {SERVICE_ID: "A", MINUTES: 45}])
    assert out.duplicate == [False, True]
    assert out.reasons == ["", DUPLICATE_SERVICE]
    day = only_day(out)
    assert (day[DOCUMENTED_MINUTES], day[COUNTABLE_MINUTES]) == (30, 30)
    assert day[REASONS] == DUPLICATE_SERVICE


def test_duplicate_in_a_second_file_leaves_the_first_unaffected(run: Run) -> None:
    out = run(
        [
            {SERVICE_ID: "A", SOURCE_FILE: "services_a.csv", NOTE: ""},
            {SERVICE_ID: "A", SOURCE_FILE: "services_b.csv"},
        ]
    )
    assert out.line_reasons == [UNDOCUMENTED, DUPLICATE_SERVICE]


def test_the_same_service_id_at_another_provider_is_no_duplicate(run: Run) -> None:
    out = run([{SERVICE_ID: "A"}, {SERVICE_ID: "A", PROVIDER_ID: "P2"}])
    assert out.duplicate == [False, False]
    assert out.reasons == ["", ""]


def test_a_day_with_only_a_duplicate_is_no_client_day_unless_claimed(run: Run) -> None:
    services = [{SERVICE_ID: "A"}, {SERVICE_ID: "A", SERVICE_DATE: "2026-10-06"}]
    assert [d[SERVICE_DATE] for d in run(services).days] == [OCT]
    out = run(services, claims=[{SERVICE_DATE: "2026-10-06", UNITS_CLAIMED: 0.5}])
    second = out.days[1]
    assert (second[DOCUMENTED_MINUTES], second[STATUS]) == (0, NO_DOCUMENTATION)
    assert second[REASONS] == joined(DUPLICATE_SERVICE, NO_DOCUMENTATION_CODE)


def test_day_reasons_are_distinct_codes_of_all_lines_in_rules_order(run: Run) -> None:
    out = run(
        [
            {SERVICE_ID: "A", ACTIVITY: SCHEDULING},
            {SERVICE_ID: "B", ACTIVITY: VOICEMAIL_LEFT},
            {SERVICE_ID: "C", MINUTES: 10},
            {SERVICE_ID: "A", ACTIVITY: SCHEDULING},
            {SERVICE_ID: "D", ACTIVITY: VOICEMAIL_LISTENED},
        ]
    )
    assert out.reasons == [
        NOT_SIGNIFICANT,
        VOICEMAIL,
        BELOW_MINIMUM,
        joined(DUPLICATE_SERVICE, NOT_SIGNIFICANT),
        VOICEMAIL,
    ]
    assert only_day(out)[REASONS] == joined(
        DUPLICATE_SERVICE, VOICEMAIL, NOT_SIGNIFICANT, BELOW_MINIMUM
    )


# --- status (§4), in the SPEC's tie-break order ---------------------------------------------


def test_every_status(run: Run) -> None:
    cases: list[tuple[list[Row], float, str]] = [
        ([], 1.0, NO_DOCUMENTATION),
        ([{ACTIVITY: VOICEMAIL_LEFT}], 0.0, NOTHING_BILLABLE),
        ([{MINUTES: 14}], 0.0, NOTHING_BILLABLE),
        ([{ACTIVITY: VOICEMAIL_LEFT}], 0.5, OVER_CLAIMED),
        ([{MINUTES: 30}], 0.5, MATCH),
        ([{MINUTES: 30}], 0.75, OVER_CLAIMED),
        ([{MINUTES: 30}], 0.0, NOT_CLAIMED),
        ([{MINUTES: 60}], 0.5, UNDER_CLAIMED),
    ]
    services = own_clients(*(rows for rows, _, _ in cases))
    claims = own_clients(*([{UNITS_CLAIMED: units}] if units else [] for _, units, _ in cases))
    out = run(services, claims=claims)
    assert [d[STATUS] for d in out.days] == [status for _, _, status in cases]
    assert [d[CLAIMED_UNITS] for d in out.days] == [Decimal(units) for _, units, _ in cases]
    assert all(d[VARIANCE_UNITS] == d[CLAIMED_UNITS] - d[ALLOWABLE_UNITS] for d in out.days)


# --- money (§4) ----------------------------------------------------------------------------


def test_amounts_are_cents_half_up(run: Run) -> None:
    cases = [
        ("12.34", 0.25, "3.09"),  # 3.085 half up
        ("0.02", 0.25, "0.01"),  # 0.005 half up
        ("10.02", 0.25, "2.51"),  # 2.505: binary floating point would give 2.50
        ("65.123457", 0.75, "48.84"),
        ("33.333333", 0.25, "8.33"),
        ("60", 24.0, "1440.00"),
    ]
    providers = [f"P{i}" for i in range(len(cases))]
    out = run(
        [
            {PROVIDER_ID: p, MINUTES: int(u * 60)}
            for p, (_, u, _) in zip(providers, cases, strict=True)
        ],
        claims=[
            {PROVIDER_ID: p, UNITS_CLAIMED: u}
            for p, (_, u, _) in zip(providers, cases, strict=True)
        ],
        rates={p: rate for p, (rate, _, _) in zip(providers, cases, strict=True)},
    )
    assert [d[UNIT_RATE] for d in out.days] == [Decimal(rate) for rate, _, _ in cases]
    assert [d[CLAIMED_AMOUNT] for d in out.days] == [Decimal(a) for _, _, a in cases]
    assert [d[ALLOWABLE_AMOUNT] for d in out.days] == [Decimal(a) for _, _, a in cases]
    assert [d[DISALLOWED_AMOUNT] for d in out.days] == [0] * len(cases)


def test_disallowed_is_claimed_less_payable(run: Run) -> None:
    out = run(
        [{MINUTES: 30}, {MINUTES: 60, CLIENT_ID: "C2"}],
        claims=[{UNITS_CLAIMED: 1.25}, {UNITS_CLAIMED: 0.5, CLIENT_ID: "C2"}],
        rates={PROVIDER: "12.34"},
    )
    over, under = out.days
    assert (over[CLAIMED_AMOUNT], over[ALLOWABLE_AMOUNT]) == (Decimal("15.43"), Decimal("6.17"))
    # 15.43 - 6.17: the same as 0.75 × 12.34 = 9.255 rounded here, but not always (below).
    assert (over[PAYABLE_AMOUNT], over[DISALLOWED_AMOUNT]) == (Decimal("6.17"), Decimal("9.26"))
    assert (under[STATUS], under[DISALLOWED_AMOUNT]) == (UNDER_CLAIMED, 0)
    assert (under[PAYABLE_AMOUNT], under[UNCLAIMED_AMOUNT]) == (Decimal("6.17"), Decimal("6.17"))


def test_no_rate_and_no_default_leaves_amounts_empty_and_names_the_provider(run: Run) -> None:
    out = run(
        [{MINUTES: 30}, {MINUTES: 30, PROVIDER_ID: "P2"}],
        claims=[{UNITS_CLAIMED: 0.5}],
        rates={"P2": "50"},
        default_unit_rate=None,
    )
    p1, p2 = out.days
    assert [p1[c] for c in (UNIT_RATE, CLAIMED_AMOUNT, ALLOWABLE_AMOUNT, DISALLOWED_AMOUNT)] == [
        None
    ] * 4
    assert (p2[UNIT_RATE], p2[ALLOWABLE_AMOUNT]) == (Decimal(50), Decimal("25.00"))
    assert out.providers_without_rate == (PROVIDER,)


def test_the_default_rate_applies_to_a_provider_missing_from_rates(run: Run) -> None:
    out = run([{MINUTES: 45}], rates={"P2": "50"}, default_unit_rate=Decimal("48.10"))
    day = only_day(out)
    assert (day[UNIT_RATE], day[ALLOWABLE_AMOUNT]) == (Decimal("48.10"), Decimal("36.08"))
    assert out.providers_without_rate == ()


def test_the_rates_file_wins_over_the_default(run: Run) -> None:
    day = only_day(run([{MINUTES: 15}], rates={PROVIDER: "12.34"}))
    assert day[UNIT_RATE] == Decimal("12.34")


def test_amounts_are_exact_at_the_largest_rate_and_units_validation_accepts(run: Run) -> None:
    # Three claims rows of 24 units at $1,000,000.00 an hour, 1,440 minutes documented.
    day = only_day(
        run(
            [{MINUTES: MAX_MINUTES}],
            [{UNITS_CLAIMED: float(MAX_UNITS_CLAIMED)}] * 3,
            rates={PROVIDER: str(MAX_UNIT_RATE)},
        )
    )
    assert (day[CLAIMED_UNITS], day[ALLOWABLE_UNITS]) == (Decimal(72), Decimal(24))
    assert day[CLAIMED_AMOUNT] == Decimal("72000000.00")
    assert day[ALLOWABLE_AMOUNT] == Decimal("24000000.00")
    assert day[DISALLOWED_AMOUNT] == Decimal("48000000.00")


def test_half_a_cent_rounds_up_at_a_rate_near_the_largest(run: Run) -> None:
    # 24.25 × 999,999.94 = 24,249,998.545 and 0.25 × 999,999.94 = 249,999.985: both halves go
    # up (half-even would give .54 and .98).
    day = only_day(
        run(
            [{MINUTES: MAX_MINUTES}],
            [{UNITS_CLAIMED: 24.0}, {UNITS_CLAIMED: 0.25}],
            rates={PROVIDER: "999999.94"},
        )
    )
    assert day[CLAIMED_AMOUNT] == Decimal("24249998.55")
    assert day[ALLOWABLE_AMOUNT] == Decimal("23999998.56")
    assert day[DISALLOWED_AMOUNT] == Decimal("249999.99")


def test_totals_are_sums_of_rounded_amounts(config: Config) -> None:
    result = run_month(
        services_frame({MINUTES: 15}, {MINUTES: 15, CLIENT_ID: "C2"}),
        claims_frame({UNITS_CLAIMED: 0.25}, {UNITS_CLAIMED: 0.25, CLIENT_ID: "C2"}),
        rates_frame({PROVIDER: "12.34"}),
    )
    totals = run_totals(result)
    # 2 × round(3.085) = 6.18, where round(0.5 × 12.34) would be 6.17.
    assert totals[CLAIMED_AMOUNT] == totals[ALLOWABLE_AMOUNT] == totals[PAYABLE_AMOUNT] == "6.18"


# --- warnings (§4) -------------------------------------------------------------------------


def test_staff_day_limit_across_clients(run: Run) -> None:
    out = run(
        [
            {MINUTES: 400},
            {MINUTES: 320, CLIENT_ID: "C2"},
            {MINUTES: 400, PROVIDER_ID: "P2"},
            {MINUTES: 321, PROVIDER_ID: "P2", CLIENT_ID: "C2"},
        ]
    )
    key = (STAFF_DAY_OVER_LIMIT, "P2", None, STAFF, OCT, None, None)
    assert list(out.review) == [key]
    assert states(out.review[key], "721")


def test_staff_day_limit_is_per_provider_and_ignores_duplicates(run: Run) -> None:
    out = run(
        [
            {SERVICE_ID: "A", MINUTES: 700},
            {SERVICE_ID: "A", MINUTES: 30},
            {SERVICE_ID: "B", MINUTES: 400, PROVIDER_ID: "P2"},
            {SERVICE_ID: "C", MINUTES: 400, PROVIDER_ID: "P2", STAFF_ID: "T2"},
        ]
    )
    assert out.review == {}


def test_staff_day_limit_counts_ineligible_minutes(run: Run) -> None:
    out = run([{MINUTES: 700}, {MINUTES: 21, ACTIVITY: VOICEMAIL_LEFT, CLIENT_ID: "C2"}])
    assert list(out.review) == [(STAFF_DAY_OVER_LIMIT, PROVIDER, None, STAFF, OCT, None, None)]


def test_multiple_claim_lines(run: Run) -> None:
    claims = own_clients(*([{UNITS_CLAIMED: 0.25}] * rows for rows in (1, 2, 3)))
    out = run(own_clients([{MINUTES: 60}], [{MINUTES: 60}], [{MINUTES: 60}]), claims=claims)
    assert [d[CLAIMED_UNITS] for d in out.days] == [QUARTER, HALF, Decimal("0.75")]
    keys = [
        (MULTIPLE_CLAIM_LINES, PROVIDER, client, None, OCT, None, None) for client in ("C01", "C02")
    ]
    assert sorted(out.review, key=str) == keys
    assert states(out.review[keys[0]], "2")
    assert states(out.review[keys[1]], "3")


# --- shapes and dtypes of the vectorized frames --------------------------------------------


def test_client_days_are_sorted_and_typed_as_designed() -> None:
    services = services_frame(
        {PROVIDER_ID: "P2"},
        {PROVIDER_ID: "P10", SERVICE_DATE: "2026-10-06"},
        {PROVIDER_ID: "P10"},
        {CLIENT_ID: "C0", PROVIDER_ID: "P10", SERVICE_DATE: "2026-10-07"},
        {CLIENT_ID: "C9", PROVIDER_ID: "P2", SERVICE_DATE: "2026-10-07"},
    )
    before = services.copy()
    result = run_month(services, claims_frame(), rates_frame({}))
    days, lines = result.days, result.lines
    pd.testing.assert_frame_equal(services, before)
    assert list(days.columns) == list(CLIENT_DAYS_COLUMNS)
    keys = list(zip(days[PROVIDER_ID], days[CLIENT_ID], days[SERVICE_DATE].dt.day, strict=True))
    # By provider, then client, then date: text order, so P10 before P2 (issue 11's pin).
    assert keys == [
        ("P10", "C0", 7),
        ("P10", "C1", 5),
        ("P10", "C1", 6),
        ("P2", "C1", 5),
        ("P2", "C9", 7),
    ]
    assert {c: str(days[c].dtype) for c in (DOCUMENTED_MINUTES, COUNTABLE_MINUTES)} == {
        DOCUMENTED_MINUTES: "int64",
        COUNTABLE_MINUTES: "int64",
    }
    units = (
        CLAIMED_UNITS,
        ALLOWABLE_UNITS,
        VARIANCE_UNITS,
        DOCUMENTATION_UNITS,
        DISALLOWED_UNITS_DOCUMENTATION,
        DISALLOWED_UNITS_RULES,
    )
    assert all(days[c].dtype == "float64" for c in units)
    assert days[SERVICE_DATE].dtype == "datetime64[s]"
    assert days[UNIT_RATE].dtype == money.RATE_DTYPE
    amounts = (
        CLAIMED_AMOUNT,
        ALLOWABLE_AMOUNT,
        DISALLOWED_AMOUNT,
        PAYABLE_AMOUNT,
        DISALLOWED_AMOUNT_DOCUMENTATION,
        DISALLOWED_AMOUNT_RULES,
        UNCLAIMED_AMOUNT,
    )
    assert all(days[c].dtype == money.AMOUNT_DTYPE for c in amounts)
    assert lines[DUPLICATE].dtype == lines[ELIGIBLE].dtype == "bool"
    assert days[STATUS].dtype == days[REASONS].dtype == lines[REASONS].dtype == "str"
    assert days[REVIEW].dtype == lines[REVIEW].dtype == "str"


def test_final_lines_do_not_change_the_lines_they_are_given() -> None:
    result = run_month(services_frame({MINUTES: 10}), claims_frame(), rates_frame({}))
    lines = result.lines.assign(**{REASONS: ""})
    before = lines.copy()
    final = final_lines(lines, result.days, result.config)
    pd.testing.assert_frame_equal(lines, before)
    assert final[REASONS].tolist() == [BELOW_MINIMUM]
    assert final[ELIGIBLE].tolist() == [True]


def test_an_empty_month(run: Run) -> None:
    out = run()
    assert (out.reasons, out.days, out.claims, out.review) == ([], [], [], {})


def test_claims_without_any_services(run: Run) -> None:
    out = run(claims=[{UNITS_CLAIMED: 2.0}, {UNITS_CLAIMED: 0.25, CLIENT_ID: "C2"}])
    assert [(d[CLIENT_ID], d[STATUS], d[DISALLOWED_AMOUNT]) for d in out.days] == [
        (CLIENT, NO_DOCUMENTATION, Decimal("120.00")),
        ("C2", NO_DOCUMENTATION, Decimal("15.00")),
    ]


# --- every disallowed unit has a cause and a code (v2 §4.1, §4.2) --------------------------


def test_a_claim_beyond_the_notes_is_disallowed_for_documentation(run: Run) -> None:
    # Issue 11's pin: 15 minutes documented, 0.50 claimed, rate 12.34.
    day = only_day(run([{MINUTES: 15}], claims=[{UNITS_CLAIMED: 0.5}], rates={PROVIDER: "12.34"}))
    assert (day[DOCUMENTATION_UNITS], day[ALLOWABLE_UNITS]) == (QUARTER, QUARTER)
    assert (day[DISALLOWED_UNITS_DOCUMENTATION], day[DISALLOWED_UNITS_RULES]) == (QUARTER, 0)
    # claimed 0.5 × 12.34 = 6.17; payable 0.25 × 12.34 = 3.085 → 3.09; 6.17 - 3.09 = 3.08.
    assert day[CLAIMED_AMOUNT] == Decimal("6.17")
    assert day[PAYABLE_AMOUNT] == Decimal("3.09")
    assert day[DISALLOWED_AMOUNT] == Decimal("3.08")
    assert day[DISALLOWED_AMOUNT_DOCUMENTATION] == Decimal("3.08")
    assert day[DISALLOWED_AMOUNT_RULES] == 0
    assert day[REASONS] == CLAIM_EXCEEDS_DOCUMENTATION


def test_documented_time_that_is_not_billable_is_disallowed_for_the_rules(run: Run) -> None:
    day = only_day(
        run(
            [{MINUTES: 30, ACTIVITY: VOICEMAIL_LEFT}],
            claims=[{UNITS_CLAIMED: 0.5}],
            rates={PROVIDER: "12.34"},
        )
    )
    assert (day[DOCUMENTATION_UNITS], day[ALLOWABLE_UNITS]) == (HALF, 0)
    assert (day[DISALLOWED_UNITS_DOCUMENTATION], day[DISALLOWED_UNITS_RULES]) == (0, HALF)
    assert day[DISALLOWED_AMOUNT] == day[DISALLOWED_AMOUNT_RULES] == Decimal("6.17")
    assert day[REASONS] == VOICEMAIL


def test_both_causes_split_one_days_disallowed_units_exactly(run: Run) -> None:
    # 60 minutes documented, 30 of them voicemail; 1.25 claimed: d = 1.00, a = 0.50.
    day = only_day(
        run(
            [{MINUTES: 30}, {MINUTES: 30, ACTIVITY: VOICEMAIL_LEFT}],
            claims=[{UNITS_CLAIMED: 1.25}],
            rates={PROVIDER: "10.02"},
        )
    )
    assert (day[DOCUMENTATION_UNITS], day[ALLOWABLE_UNITS]) == (Decimal(1), HALF)
    assert day[DISALLOWED_UNITS_DOCUMENTATION] == QUARTER
    assert day[DISALLOWED_UNITS_RULES] == HALF
    # 1.25 × 10.02 = 12.525 → 12.53; 1 × 10.02 = 10.02; 0.5 × 10.02 = 5.01.
    assert day[CLAIMED_AMOUNT] == Decimal("12.53")
    assert day[PAYABLE_AMOUNT] == Decimal("5.01")
    assert day[DISALLOWED_AMOUNT] == Decimal("7.52")
    assert day[DISALLOWED_AMOUNT_DOCUMENTATION] == Decimal("2.51")
    assert day[DISALLOWED_AMOUNT_RULES] == Decimal("5.01")
    assert day[REASONS] == joined(VOICEMAIL, CLAIM_EXCEEDS_DOCUMENTATION)


def test_a_claim_with_no_documentation_at_all(run: Run) -> None:
    day = only_day(run(claims=[{UNITS_CLAIMED: 0.75}], rates={PROVIDER: "12.34"}))
    assert (day[DOCUMENTATION_UNITS], day[DISALLOWED_UNITS_DOCUMENTATION]) == (0, Decimal("0.75"))
    assert day[DISALLOWED_AMOUNT] == day[DISALLOWED_AMOUNT_DOCUMENTATION] == Decimal("9.26")
    assert day[REASONS] == NO_DOCUMENTATION_CODE  # not CLAIM_EXCEEDS_DOCUMENTATION too


def test_documentation_below_the_minimum_documents_nothing(run: Run) -> None:
    day = only_day(run([{MINUTES: 10}], claims=[{UNITS_CLAIMED: 0.25}]))
    assert (day[DOCUMENTATION_UNITS], day[DISALLOWED_UNITS_DOCUMENTATION]) == (0, QUARTER)
    assert day[REASONS] == joined(BELOW_MINIMUM, CLAIM_EXCEEDS_DOCUMENTATION)


def test_unclaimed_documented_time_is_unclaimed_not_disallowed(run: Run) -> None:
    day = only_day(run([{MINUTES: 60}], claims=[{UNITS_CLAIMED: 0.5}], rates={PROVIDER: "12.34"}))
    assert (day[STATUS], day[DISALLOWED_AMOUNT]) == (UNDER_CLAIMED, 0)
    assert day[UNCLAIMED_AMOUNT] == Decimal("6.17")
    assert day[ALLOWABLE_AMOUNT] == day[PAYABLE_AMOUNT] + day[UNCLAIMED_AMOUNT]


def test_every_day_with_disallowed_dollars_names_a_code(run: Run) -> None:
    out = run(
        one_per_client(
            [
                {MINUTES: 10},
                {MINUTES: 30, NOTE: ""},
                {MINUTES: 24},
                {MINUTES: 45, ACTIVITY: SCHEDULING},
            ]
        ),
        claims=one_per_client([{UNITS_CLAIMED: 0.5}] * 5),
    )
    assert all(d[REASONS] for d in out.days if d[DISALLOWED_AMOUNT])


# --- claims rows, traceable (v2 §4.3) ------------------------------------------------------


def test_payable_units_fill_the_claims_rows_in_reading_order(run: Run) -> None:
    out = run(
        [{MINUTES: 45}],
        claims=[
            {UNITS_CLAIMED: 0.5, CLAIM_ID: "K1"},
            {UNITS_CLAIMED: 0.5, CLAIM_ID: "K2"},
            {UNITS_CLAIMED: 0.25, CLAIM_ID: "K3"},
        ],
        rates={PROVIDER: "12.34"},
    )
    day = only_day(out)
    assert (day[CLAIMED_UNITS], day[ALLOWABLE_UNITS]) == (Decimal("1.25"), Decimal("0.75"))
    rows = out.claims
    assert [r[CLAIM_ID] for r in rows] == ["K1", "K2", "K3"]
    assert [r[PAYABLE_UNITS] for r in rows] == [HALF, QUARTER, 0]
    assert [r[DISALLOWED_UNITS] for r in rows] == [0, QUARTER, QUARTER]
    # Cumulative cents: claimed 6.17, 12.34, 15.425 → 15.43; payable 6.17, 9.255 → 9.26, 9.26.
    assert [r[CLAIMED_AMOUNT] for r in rows] == [Decimal(x) for x in ("6.17", "6.17", "3.09")]
    assert [r[PAYABLE_AMOUNT] for r in rows] == [Decimal(x) for x in ("6.17", "3.09", "0")]
    assert [r[DISALLOWED_AMOUNT] for r in rows] == [Decimal(x) for x in ("0", "3.08", "3.09")]
    assert sum(r[DISALLOWED_AMOUNT] for r in rows) == day[DISALLOWED_AMOUNT] == Decimal("6.17")
    assert sum(r[CLAIMED_AMOUNT] for r in rows) == day[CLAIMED_AMOUNT]
    assert all(r[STATUS] == OVER_CLAIMED for r in rows)


def test_claims_rows_keep_their_file_and_row(run: Run) -> None:
    out = run(
        [{MINUTES: 30}],
        claims=[
            {SOURCE_FILE: "claims_a.csv", SOURCE_ROW: 7, UNITS_CLAIMED: 0.25},
            {SOURCE_FILE: "claims_b.csv", SOURCE_ROW: 2, UNITS_CLAIMED: 0.5},
        ],
    )
    assert [(r[SOURCE_FILE], r[SOURCE_ROW]) for r in out.claims] == [
        ("claims_a.csv", 7),
        ("claims_b.csv", 2),
    ]
    assert [r[PAYABLE_UNITS] for r in out.claims] == [QUARTER, QUARTER]


# --- note screening (v2 §8.1) --------------------------------------------------------------


def flags_of(out: Outcome) -> list[str]:
    return out.line_review


NOTE_CASES: list[tuple[Row, str]] = [
    ({ACTIVITY: PHONE, NOTE: "Called, left a message for mom"}, NOTE_SUGGESTS_VOICEMAIL),
    ({ACTIVITY: PHONE, NOTE: "LVM re: school meeting"}, NOTE_SUGGESTS_VOICEMAIL),
    ({ACTIVITY: PHONE, NOTE: "Llamé a la madre, DEJÉ   un MENSAJE"}, NOTE_SUGGESTS_VOICEMAIL),
    ({ACTIVITY: PHONE, NOTE: "Rele manman an, kite mesaj"}, NOTE_SUGGESTS_VOICEMAIL),
    ({ACTIVITY: PHONE, NOTE: "deje un mensaje"}, NOTE_SUGGESTS_VOICEMAIL),  # accents ignored
    ({ACTIVITY: VOICEMAIL_LEFT, NOTE: "left a message"}, ""),  # coded as what it was
    ({ACTIVITY: PHONE, NOTE: "LVMs were checked"}, ""),  # a phrase inside a longer word
    ({ACTIVITY: PHONE, NOTE: "no answers yet from the school"}, ""),
    ({ACTIVITY: PHONE, NOTE: "Confirmed appointment for Tuesday"}, NOTE_SUGGESTS_SCHEDULING),
    ({ACTIVITY: FACE_TO_FACE, NOTE: "Visit rescheduled, then held"}, NOTE_SUGGESTS_SCHEDULING),
    ({ACTIVITY: SCHEDULING, NOTE: "rescheduled"}, ""),
    ({ACTIVITY: MAILING, NOTE: "Mailed the flyers"}, NOTE_SUGGESTS_GROUP),
    ({ACTIVITY: MAILING, NOTE: "Envié volantes a la familia"}, NOTE_SUGGESTS_GROUP),
    ({ACTIVITY: MAILING, NOTE: "Voye feyè bay fanmi an"}, NOTE_SUGGESTS_GROUP),
    ({ACTIVITY: MAILING, NOTE: "Mailed the flyers", CLIENT_SPECIFIC: False}, ""),
    ({ACTIVITY: MAILING, NOTE: "flyers-and-more"}, NOTE_SUGGESTS_GROUP),  # hyphens are edges
    (
        {ACTIVITY: PHONE, NOTE: "Left message; rescheduled; sent newsletter"},
        joined(NOTE_SUGGESTS_VOICEMAIL, NOTE_SUGGESTS_SCHEDULING, NOTE_SUGGESTS_GROUP),
    ),
]


def test_note_screening_flags_what_the_note_says(run: Run) -> None:
    out = run(one_per_client([fields for fields, _ in NOTE_CASES]))
    assert flags_of(out) == [flags for _, flags in NOTE_CASES]
    # Review flags never change units by default.
    assert out.line_reasons[0] == ""
    assert [d[REVIEW] for d in out.days] == [flags for _, flags in NOTE_CASES]


def test_the_for_review_row_quotes_the_phrase_as_configured(run: Run) -> None:
    out = run([{ACTIVITY: PHONE, NOTE: "Llamé, DEJÉ   un mensaje"}])
    key = (NOTE_SUGGESTS_VOICEMAIL, PROVIDER, CLIENT, STAFF, OCT, "services.csv", 2)
    assert list(out.review) == [key]
    assert states(out.review[key], "dejé un mensaje")


def test_a_duplicate_line_is_not_screened(run: Run) -> None:
    out = run(
        [
            {SERVICE_ID: "A", NOTE: "Met the client"},
            {SERVICE_ID: "A", ACTIVITY: PHONE, NOTE: "left a message"},
        ]
    )
    assert flags_of(out) == ["", ""]


def test_configured_phrases_replace_the_flags_list(run: Run, config: Config) -> None:
    phrases = {**config.review.phrases, NOTE_SUGGESTS_VOICEMAIL: ("rang out",)}
    out = run(
        one_per_client(
            [{ACTIVITY: PHONE, NOTE: "left a message"}, {ACTIVITY: PHONE, NOTE: "Phone rang out"}]
        ),
        review=Review(phrases=phrases),
    )
    assert flags_of(out) == ["", NOTE_SUGGESTS_VOICEMAIL]


def test_a_disallowed_flag_acts_as_a_line_code(run: Run, config: Config) -> None:
    review = replace(config.review, disallow=(NOTE_SUGGESTS_VOICEMAIL,))
    out = run(
        [{ACTIVITY: PHONE, NOTE: "left a message", MINUTES: 30}, {NOTE: "", CLIENT_ID: "C2"}],
        claims=[{UNITS_CLAIMED: 0.5}],
        review=review,
    )
    assert out.line_reasons == [NOTE_SUGGESTS_VOICEMAIL, UNDOCUMENTED]
    assert out.eligible == [False, False]
    assert out.line_review == [NOTE_SUGGESTS_VOICEMAIL, ""]
    day = out.days[0]
    assert (day[ALLOWABLE_UNITS], day[REASONS]) == (0, NOTE_SUGGESTS_VOICEMAIL)
    assert day[DISALLOWED_UNITS_RULES] == HALF


# --- clock times (v2 §8.3) ------------------------------------------------------------------


def timed(start: str, end: str, **fields: Any) -> Row:
    return {START_TIME: start, END_TIME: end, **fields}


def test_overlap_of_one_minute_flags_both_lines(run: Run) -> None:
    out = run(
        [
            timed("9:00", "9:31", **{MINUTES: 31}),
            timed("9:30", "10:00", **{MINUTES: 30, CLIENT_ID: "C2"}),
        ]
    )
    assert flags_of(out) == [STAFF_TIME_OVERLAP, STAFF_TIME_OVERLAP]
    first = (STAFF_TIME_OVERLAP, PROVIDER, CLIENT, STAFF, OCT, "services.csv", 2)
    second = (STAFF_TIME_OVERLAP, PROVIDER, "C2", STAFF, OCT, "services.csv", 3)
    assert states(out.review[first], "row 3 of services.csv|by 1 minute")
    assert states(out.review[second], "row 2 of services.csv|1")


def test_back_to_back_lines_do_not_overlap(run: Run) -> None:
    out = run([timed("9:00", "9:30", **{MINUTES: 30}), timed("9:30", "10:00", **{MINUTES: 30})])
    assert flags_of(out) == ["", ""]


def test_overlap_is_per_provider_staff_and_date(run: Run) -> None:
    out = run(
        [
            timed("9:00", "10:00", **{MINUTES: 60}),
            timed("9:30", "10:30", **{MINUTES: 60, STAFF_ID: "T2"}),
            timed("9:30", "10:30", **{MINUTES: 60, PROVIDER_ID: "P2"}),
            timed("9:30", "10:30", **{MINUTES: 60, SERVICE_DATE: "2026-10-06"}),
            {MINUTES: 60},  # no clock times: not checked
        ]
    )
    assert flags_of(out) == [""] * 5


def test_the_overlap_names_the_latest_ending_earlier_line(run: Run) -> None:
    out = run(
        [
            timed("9:00", "12:00", **{MINUTES: 180}),
            timed("9:30", "9:45", **{MINUTES: 15}),
            timed("10:00", "10:30", **{MINUTES: 30}),
        ]
    )
    assert flags_of(out) == [STAFF_TIME_OVERLAP] * 3
    keys = {key[-1]: text for key, text in out.review.items()}
    # Row 2 overlaps nothing earlier: it names the next to start, row 3, by 15 minutes.
    assert states(keys[2], "row 3 of services.csv|by 15 minutes")
    assert states(keys[3], "row 2 of services.csv|by 15 minutes")
    assert states(keys[4], "row 2 of services.csv|by 30 minutes")


def test_minutes_that_exceed_the_clock_interval(run: Run) -> None:
    out = run(
        one_per_client(
            [
                timed("9:00", "9:45", **{MINUTES: 46}),
                timed("9:00", "9:45", **{MINUTES: 45, STAFF_ID: "T2"}),
                timed("23:00", "23:59", **{MINUTES: 60, STAFF_ID: "T3"}),
            ]
        )
    )
    assert flags_of(out) == [MINUTES_EXCEED_INTERVAL, "", MINUTES_EXCEED_INTERVAL]
    key = (MINUTES_EXCEED_INTERVAL, PROVIDER, "C00", STAFF, OCT, "services.csv", 2)
    assert states(out.review[key], "46|45")


# --- the same client at several providers (v2 §8.2) ----------------------------------------


def test_a_client_claimed_at_two_providers_on_one_date(run: Run) -> None:
    out = run(
        [{PROVIDER_ID: p} for p in ("P1", "P2", "P3")],
        claims=[
            {PROVIDER_ID: "P1"},
            {PROVIDER_ID: "P2"},
            {PROVIDER_ID: "P1", CLIENT_ID: "C2"},
            {PROVIDER_ID: "P2", SERVICE_DATE: "2026-10-06"},
        ],
    )
    keys = sorted(k for k in out.review if k[0] == CROSS_PROVIDER_SAME_DAY)
    assert keys == [
        (CROSS_PROVIDER_SAME_DAY, "P1", CLIENT, None, OCT, None, None),
        (CROSS_PROVIDER_SAME_DAY, "P2", CLIENT, None, OCT, None, None),
    ]
    assert states(out.review[keys[0]], "P2")
    assert states(out.review[keys[1]], "P1")


def test_the_cross_provider_detail_names_only_the_others() -> None:
    result = run_month(
        services_frame(),
        claims_frame(*({PROVIDER_ID: p} for p in ("P1", "P2", "P10"))),
        rates_frame({}),
    )
    assert list(result.review["detail"]) == [
        "also claimed at P10, P2 on this date",
        "also claimed at P1, P2 on this date",
        "also claimed at P1, P10 on this date",
    ]


# --- research follow-up still open at month end (v2 §8.4) ----------------------------------


def test_a_research_window_still_open_is_pending(run: Run) -> None:
    out = run(
        one_per_client(
            [
                {ACTIVITY: RESEARCH, SERVICE_DATE: "2026-10-20"},  # window to Nov 19
                {ACTIVITY: RESEARCH, SERVICE_DATE: "2026-10-01"},  # window to Oct 31: closed
                {ACTIVITY: RESEARCH, SERVICE_DATE: "2026-10-02"},  # window to Nov 1
            ]
        ),
        claims=one_per_client([{SERVICE_DATE: "2026-10-20"}]),
    )
    assert out.line_reasons == [
        RESEARCH_FOLLOWUP_PENDING,
        RESEARCH_NO_FOLLOWUP,
        RESEARCH_FOLLOWUP_PENDING,
    ]


def test_next_months_services_settle_a_pending_research_line(run: Run) -> None:
    research = {ACTIVITY: RESEARCH, SERVICE_DATE: "2026-10-20"}
    letter = {ACTIVITY: MAILING, SERVICE_DATE: "2026-11-10"}
    unrelated = {CLIENT_ID: "C2", SERVICE_DATE: "2026-11-25"}
    assert run([research, letter]).line_reasons == ["", OUTSIDE_PERIOD]
    # Data reaching Nov 25 (another client's line): the window (to Nov 19) has closed.
    assert run([research, unrelated]).line_reasons[0] == RESEARCH_NO_FOLLOWUP
    # Another provider's data does not close this provider's window.
    other = {**unrelated, PROVIDER_ID: "P2"}
    assert run([research, other]).line_reasons[0] == RESEARCH_FOLLOWUP_PENDING


def test_the_withheld_dollars_are_totalled_apart() -> None:
    result = run_month(
        services_frame({ACTIVITY: RESEARCH, SERVICE_DATE: "2026-10-20", MINUTES: 30}),
        claims_frame({SERVICE_DATE: "2026-10-20", UNITS_CLAIMED: 0.5}),
        rates_frame({PROVIDER: "12.34"}),
    )
    totals = run_totals(result)
    assert totals["withheld_pending_followup"] == "6.17"
    assert totals[DISALLOWED_AMOUNT_RULES] == "6.17"


# --- authorizations (v2 §9) -----------------------------------------------------------------


def authorization(
    start: str, end: str | None = None, cap: float | None = None, client: str = CLIENT
) -> Row:
    return {START_DATE: start, END_DATE: end, MAX_UNITS_PER_MONTH: cap, CLIENT_ID: client}


def test_not_authorized_outside_every_authorization(run: Run) -> None:
    out = run(
        own_clients(
            [{SERVICE_DATE: "2026-10-05"}],  # ends on the service date: covered
            [{SERVICE_DATE: "2026-10-06"}],  # ended the day before
            [{SERVICE_DATE: "2026-10-05"}],  # starts the day after
            [{SERVICE_DATE: "2026-10-05"}],  # open-ended
            [{SERVICE_DATE: "2026-10-05"}],  # another client's
            [{SERVICE_DATE: "2026-10-05", PROVIDER_ID: "P2"}],  # another provider's
        ),
        authorizations=[
            authorization("2026-10-01", "2026-10-05", client="C00"),
            authorization("2026-10-01", "2026-10-05", client="C01"),
            authorization("2026-10-06", "2026-10-31", client="C02"),
            authorization("2026-09-01", client="C03"),
            authorization("2026-10-01", "2026-10-31", client="C99"),
            authorization("2026-10-01", "2026-10-31", client="C05"),
        ],
    )
    assert out.line_reasons == [
        "",
        NOT_AUTHORIZED,
        NOT_AUTHORIZED,
        "",
        NOT_AUTHORIZED,
        NOT_AUTHORIZED,
    ]


def test_without_an_authorizations_file_nothing_is_not_authorized(run: Run) -> None:
    assert run([{MINUTES: 30}]).line_reasons == [""]
    assert run([{MINUTES: 30}], authorizations=[]).line_reasons == [NOT_AUTHORIZED]


def test_not_authorized_sits_after_outside_period(run: Run) -> None:
    out = run(
        [{SERVICE_DATE: "2026-11-01", NOTE: ""}],
        authorizations=[authorization("2026-10-01", "2026-10-31")],
    )
    assert out.line_reasons == [joined(OUTSIDE_PERIOD, NOT_AUTHORIZED, UNDOCUMENTED)]


def test_the_cap_is_taken_in_date_order_and_keeps_the_remainder(run: Run) -> None:
    days = ("2026-10-03", "2026-10-05", "2026-10-07", "2026-10-09")
    out = run(
        [{SERVICE_DATE: d, MINUTES: m} for d, m in zip(days, (30, 45, 60, 30), strict=True)],
        claims=[
            {SERVICE_DATE: d, UNITS_CLAIMED: u}
            for d, u in zip(days, (0.5, 0.75, 1.0, 0.5), strict=True)
        ],
        authorizations=[authorization("2026-10-01", "2026-10-31", 1.5)],
        rates={PROVIDER: "12.34"},
    )
    # Allowable 0.50, 0.75, 1.00, 0.50 against a cap of 1.50: 0.50, 0.75, then 0.25 of 1.00.
    assert [d[ALLOWABLE_UNITS] for d in out.days] == [HALF, Decimal("0.75"), QUARTER, 0]
    assert [d[REASONS] for d in out.days] == ["", "", AUTHORIZATION_CAP, AUTHORIZATION_CAP]
    capped = out.days[2]
    assert capped[DISALLOWED_UNITS_RULES] == Decimal("0.75")
    assert capped[DOCUMENTATION_UNITS] == Decimal(1)
    assert capped[STATUS] == OVER_CLAIMED


def test_each_authorization_has_its_own_cap(run: Run) -> None:
    out = run(
        [{SERVICE_DATE: "2026-10-05", MINUTES: 60}, {SERVICE_DATE: "2026-10-20", MINUTES: 60}],
        authorizations=[
            authorization("2026-10-01", "2026-10-15", 0.5),
            authorization("2026-10-16", None, 0.75),
        ],
    )
    assert [d[ALLOWABLE_UNITS] for d in out.days] == [HALF, Decimal("0.75")]


def test_no_cap_and_days_outside_the_month_do_not_count(run: Run) -> None:
    out = run(
        [
            {SERVICE_DATE: "2026-09-30", MINUTES: 60},
            {SERVICE_DATE: "2026-10-05", MINUTES: 60},
            {SERVICE_DATE: "2026-10-05", MINUTES: 60, CLIENT_ID: "C2"},
        ],
        authorizations=[
            authorization("2026-09-01", None, 1.0),
            authorization("2026-09-01", client="C2"),
        ],
    )
    assert [d[ALLOWABLE_UNITS] for d in out.days] == [0, Decimal(1), Decimal(1)]
    assert [d[REASONS] for d in out.days] == [OUTSIDE_PERIOD, "", ""]


# --- the review table (review.parquet, For Review) -----------------------------------------


def test_review_rows_are_ordered_by_code_then_provider_client_date() -> None:
    services = services_frame(
        {MINUTES: 700, PROVIDER_ID: "P2"},
        {MINUTES: 30, PROVIDER_ID: "P2", CLIENT_ID: "C2"},
        {MINUTES: 30, ACTIVITY: PHONE, NOTE: "left a message", PROVIDER_ID: "P1"},
    )
    claims = claims_frame({PROVIDER_ID: "P2"}, {PROVIDER_ID: "P2"}, {PROVIDER_ID: "P1"})
    result = run_month(services, claims, rates_frame({}))
    codes_and_providers = list(zip(result.review["code"], result.review[PROVIDER_ID], strict=True))
    assert codes_and_providers == [
        (NOTE_SUGGESTS_VOICEMAIL, "P1"),
        (STAFF_DAY_OVER_LIMIT, "P2"),
        (MULTIPLE_CLAIM_LINES, "P2"),
        (CROSS_PROVIDER_SAME_DAY, "P1"),
        (CROSS_PROVIDER_SAME_DAY, "P2"),
    ]
    assert list(result.review["kind"]) == ["review", "warning", "warning", "warning", "warning"]
