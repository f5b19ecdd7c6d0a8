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
from conftest import CLIENT, MONTH, PROVIDER, STAFF, claims_frame, rates_frame, services_frame
from reference import (
    BELOW_MINIMUM,
    DUPLICATE_SERVICE,
    INTERNAL_STAFFING,
    MULTIPLE_CLAIM_LINES,
    NOT_CLIENT_SPECIFIC,
    NOT_SIGNIFICANT,
    OUTSIDE_PERIOD,
    RESEARCH_NO_FOLLOWUP,
    SEPARATOR,
    SPEC_REASON_ORDER,
    STAFF_DAY_OVER_LIMIT,
    UNDOCUMENTED,
    VOICEMAIL,
    Outcome,
    pipeline_outcome,
    reference_outcome,
    states,
)

from pipeline import money
from pipeline.config import NEAREST, Config
from pipeline.report.totals import run_totals
from pipeline.result import Loaded, RunResult
from pipeline.rules.days import client_days, day_warnings, final_lines
from pipeline.rules.lines import service_lines
from pipeline.rules.table import REASON_ORDER, Kind, codes
from schemas.columns import (
    ACTIVITY,
    ALLOWABLE_AMOUNT,
    ALLOWABLE_UNITS,
    CASE_STAFFING,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    CLIENT_DAYS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    COUNTABLE_MINUTES,
    DISALLOWED_AMOUNT,
    DOCUMENTED_MINUTES,
    DUPLICATE,
    ELIGIBLE,
    EXTERNAL_PARTICIPANTS,
    MAILING,
    MATCH,
    MAX_MINUTES,
    MAX_UNIT_RATE,
    MAX_UNITS_CLAIMED,
    MINUTES,
    NO_DOCUMENTATION,
    NOT_CLAIMED,
    NOTE,
    NOTHING_BILLABLE,
    OVER_CLAIMED,
    PHONE,
    PROVIDER_ID,
    REASONS,
    REJECTED_COLUMNS,
    RESEARCH,
    SCHEDULING,
    SERVICE_DATE,
    SERVICE_ID,
    SOURCE_FILE,
    STAFF_ID,
    STATUS,
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
        **settings: Any,
    ) -> Outcome:
        return implementation(
            services_frame(*services),
            claims_frame(*claims),
            rates_frame(rates or {}),
            month,
            replace(config, **settings),
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
    assert codes(Kind.WARNING) == (STAFF_DAY_OVER_LIMIT, MULTIPLE_CLAIM_LINES)


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
        joined(UNDOCUMENTED, NOT_CLIENT_SPECIFIC, RESEARCH_NO_FOLLOWUP),
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
    assert out.line_reasons[::2] == [RESEARCH_NO_FOLLOWUP] * len(letters)


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
        RESEARCH_NO_FOLLOWUP,
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
    assert second[REASONS] == DUPLICATE_SERVICE


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


def test_disallowed_is_the_positive_variance_at_the_rate(run: Run) -> None:
    out = run(
        [{MINUTES: 30}, {MINUTES: 60, CLIENT_ID: "C2"}],
        claims=[{UNITS_CLAIMED: 1.25}, {UNITS_CLAIMED: 0.5, CLIENT_ID: "C2"}],
        rates={PROVIDER: "12.34"},
    )
    over, under = out.days
    assert (over[CLAIMED_AMOUNT], over[ALLOWABLE_AMOUNT]) == (Decimal("15.43"), Decimal("6.17"))
    assert over[DISALLOWED_AMOUNT] == Decimal("9.26")  # 0.75 × 12.34 = 9.255
    assert (under[STATUS], under[DISALLOWED_AMOUNT]) == (UNDER_CLAIMED, 0)


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
    services = services_frame({MINUTES: 15}, {MINUTES: 15, CLIENT_ID: "C2"})
    claims = claims_frame({UNITS_CLAIMED: 0.25}, {UNITS_CLAIMED: 0.25, CLIENT_ID: "C2"})
    rates = rates_frame({PROVIDER: "12.34"})
    lines = service_lines(services, MONTH, config)
    days = client_days(lines, claims, rates, config)
    empty = pd.DataFrame({c: pd.Series(dtype="str") for c in REJECTED_COLUMNS})
    result = RunResult(
        month=MONTH,
        config=config,
        loaded=Loaded(services, claims, rates, empty, ()),
        lines=final_lines(lines, days, config),
        days=days,
        warnings=day_warnings(lines, claims, config),
        version="test",
    )
    totals = run_totals(result)
    # 2 × round(3.085) = 6.18, where round(0.5 × 12.34) would be 6.17.
    assert totals[CLAIMED_AMOUNT] == totals[ALLOWABLE_AMOUNT] == "6.18"


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
    key = (STAFF_DAY_OVER_LIMIT, "P2", None, STAFF, OCT)
    assert list(out.warnings) == [key]
    assert states(out.warnings[key], "721")


def test_staff_day_limit_is_per_provider_and_ignores_duplicates(run: Run) -> None:
    out = run(
        [
            {SERVICE_ID: "A", MINUTES: 700},
            {SERVICE_ID: "A", MINUTES: 30},
            {SERVICE_ID: "B", MINUTES: 400, PROVIDER_ID: "P2"},
            {SERVICE_ID: "C", MINUTES: 400, PROVIDER_ID: "P2", STAFF_ID: "T2"},
        ]
    )
    assert out.warnings == {}


def test_staff_day_limit_counts_ineligible_minutes(run: Run) -> None:
    out = run([{MINUTES: 700}, {MINUTES: 21, ACTIVITY: VOICEMAIL_LEFT, CLIENT_ID: "C2"}])
    assert list(out.warnings) == [(STAFF_DAY_OVER_LIMIT, PROVIDER, None, STAFF, OCT)]


def test_multiple_claim_lines(run: Run) -> None:
    claims = own_clients(*([{UNITS_CLAIMED: 0.25}] * rows for rows in (1, 2, 3)))
    out = run(own_clients([{MINUTES: 60}], [{MINUTES: 60}], [{MINUTES: 60}]), claims=claims)
    assert [d[CLAIMED_UNITS] for d in out.days] == [QUARTER, HALF, Decimal("0.75")]
    keys = [(MULTIPLE_CLAIM_LINES, PROVIDER, client, None, OCT) for client in ("C01", "C02")]
    assert sorted(out.warnings) == keys
    assert states(out.warnings[keys[0]], "2")
    assert states(out.warnings[keys[1]], "3")


# --- shapes and dtypes of the vectorized frames --------------------------------------------


def test_client_days_are_sorted_and_typed_as_designed(config: Config) -> None:
    services = services_frame(
        {PROVIDER_ID: "P2"},
        {PROVIDER_ID: "P10", SERVICE_DATE: "2026-10-06"},
        {PROVIDER_ID: "P10"},
        {CLIENT_ID: "C0", PROVIDER_ID: "P10", SERVICE_DATE: "2026-10-07"},
    )
    before = services.copy()
    lines = service_lines(services, MONTH, config)
    days = client_days(lines, claims_frame(), rates_frame({}), config)
    pd.testing.assert_frame_equal(services, before)
    assert list(days.columns) == list(CLIENT_DAYS_COLUMNS)
    keys = list(zip(days[PROVIDER_ID], days[CLIENT_ID], days[SERVICE_DATE].dt.day, strict=True))
    assert keys == [("P10", "C0", 7), ("P10", "C1", 5), ("P10", "C1", 6), ("P2", "C1", 5)]
    assert {c: str(days[c].dtype) for c in (DOCUMENTED_MINUTES, COUNTABLE_MINUTES)} == {
        DOCUMENTED_MINUTES: "int64",
        COUNTABLE_MINUTES: "int64",
    }
    assert days[CLAIMED_UNITS].dtype == days[ALLOWABLE_UNITS].dtype == "float64"
    assert days[VARIANCE_UNITS].dtype == "float64"
    assert days[SERVICE_DATE].dtype == "datetime64[s]"
    assert days[UNIT_RATE].dtype == money.RATE_DTYPE
    assert all(days[c].dtype == money.AMOUNT_DTYPE for c in (CLAIMED_AMOUNT, ALLOWABLE_AMOUNT))
    assert days[DISALLOWED_AMOUNT].dtype == money.AMOUNT_DTYPE
    assert lines[DUPLICATE].dtype == lines[ELIGIBLE].dtype == "bool"
    assert days[STATUS].dtype == days[REASONS].dtype == lines[REASONS].dtype == "str"


def test_final_lines_do_not_change_the_lines_they_are_given(config: Config) -> None:
    services = services_frame({MINUTES: 10})
    lines = service_lines(services, MONTH, config)
    before = lines.copy()
    final = final_lines(lines, client_days(lines, claims_frame(), rates_frame({}), config), config)
    pd.testing.assert_frame_equal(lines, before)
    assert final[REASONS].tolist() == [BELOW_MINIMUM]
    assert final[ELIGIBLE].tolist() == [True]


def test_an_empty_month(run: Run) -> None:
    out = run()
    assert (out.reasons, out.days, out.warnings) == ([], [], {})


def test_claims_without_any_services(run: Run) -> None:
    out = run(claims=[{UNITS_CLAIMED: 2.0}, {UNITS_CLAIMED: 0.25, CLIENT_ID: "C2"}])
    assert [(d[CLIENT_ID], d[STATUS], d[DISALLOWED_AMOUNT]) for d in out.days] == [
        (CLIENT, NO_DOCUMENTATION, Decimal("120.00")),
        ("C2", NO_DOCUMENTATION, Decimal("15.00")),
    ]
