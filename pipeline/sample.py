"""The bundled sample month: three providers' service logs, their claims and their unit rates.

Seeded and vectorized (numpy draws, pyarrow text), so it doubles as the benchmark generator.

Providers, each exporting the way its own system does:
- PRV-A Harbor Family Services: `services_provider-a.csv`, SPEC headers, ISO dates, SPEC
  activity codes, true/false, client ids like `C04512`; unit rate 62.00.
- PRV-B Northside Youth Partners: `services_provider-b.xlsx` (sheet "Service Log"), headers
  like "Service Date", real Excel date cells, numeric-looking ids (`00123` a text cell, `12345`
  a number cell), activities like "Face to face", Yes/No; unit rate 58.50.
- PRV-C Lakeview Community Care: `services_provider-c.csv`, upper-case headers in another order
  plus an extra PROGRAM column, US dates (`10/5/2026`), "face-to-face", Y/N. Left out of
  `rates.csv` on purpose, so the configured default rate applies.
Extra providers (providers > 3) reuse these styles as PRV-D, PRV-E, ... in CSV files.

`claims.csv` holds every provider's claims; `rates.csv` carries an extra provider_name column.
For most client-days the random bulk claims what the documentation allows (floor(countable / 15)
/ 4); otherwise it rounds up, bills every documented minute (voicemails, scheduling, flyers),
claims a quarter unit less, does not claim, or splits the claim over two rows; a few claims have
no documentation at all. On top of the bulk, the fixed rows of PLANTED_SERVICES and
PLANTED_CLAIMS make every line code, warning and status occur and add the few invalid rows a
real export has (Quirk); they use their own clients, so the bulk never changes their days.
"""

import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.config import default_config
from pipeline.errors import UsageError
from schemas.columns import (
    ACTIVITIES,
    ACTIVITY,
    CASE_STAFFING,
    CLAIM_ID,
    CLAIMS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    EXTERNAL_PARTICIPANTS,
    FACE_TO_FACE,
    MAILING,
    MAX_MINUTES,
    MAX_UNITS_CLAIMED,
    MINUTES,
    MINUTES_PER_INCREMENT,
    NOTE,
    PHONE,
    PROVIDER_ID,
    RESEARCH,
    SCHEDULING,
    SERVICE_DATE,
    SERVICE_ID,
    SERVICES_COLUMNS,
    STAFF_ID,
    UNIT_RATE,
    UNIT_STEP,
    UNITS_CLAIMED,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
)

SERVICES, CLAIMS, RATES = "services", "claims", "rates"
XLSX_MAX_LINES = 100_000  # above this write_sample writes CSV only: xlsx is too slow to write
EXCEL_SHEET = "Service Log"
PROVIDER_NAME = "provider_name"

# Activity draws for the first line of a client-day and for later ones (rarely a second visit),
# and plausible minutes (low, high, step).
ACTIVITY_SHARES = {
    FACE_TO_FACE: 0.38, PHONE: 0.28, VOICEMAIL_LEFT: 0.05, VOICEMAIL_LISTENED: 0.03,
    MAILING: 0.06, RESEARCH: 0.05, CASE_STAFFING: 0.07, SCHEDULING: 0.08,
}
LATER_ACTIVITY_SHARES = {
    FACE_TO_FACE: 0.04, PHONE: 0.40, VOICEMAIL_LEFT: 0.12, VOICEMAIL_LISTENED: 0.06,
    MAILING: 0.10, RESEARCH: 0.06, CASE_STAFFING: 0.08, SCHEDULING: 0.14,
}
MINUTE_RANGES = {
    FACE_TO_FACE: (30, 120, 5), PHONE: (5, 30, 1), VOICEMAIL_LEFT: (1, 5, 1),
    VOICEMAIL_LISTENED: (1, 5, 1), MAILING: (15, 30, 1), RESEARCH: (20, 60, 5),
    CASE_STAFFING: (30, 90, 5), SCHEDULING: (3, 10, 1),
}
# Lines that are not client-specific (flyers, research for everyone), by activity.
NOT_SPECIFIC_SHARES = {MAILING: 0.12, RESEARCH: 0.10}
NOT_SPECIFIC_OTHER = 0.01
BLANK_NOTE_SHARE = 0.008
COVERAGE_SHARE = 0.08  # lines documented by a colleague covering for the client's own worker
FOLLOWUP_SHARE = 0.8  # client-specific research that gets its letter
FOLLOWUP_WITHIN_WEEKDAYS = 6
REEXPORT_SHARE = 0.002  # rows an export repeats (DUPLICATE_SERVICE)
NO_DOC_CLAIM_SHARE = 0.008
NO_DOC_MAX_QUARTERS = 6
LINES_PER_DAY = (1, 2, 3, 4)
LINES_PER_DAY_SHARES = (0.5, 0.3, 0.15, 0.05)
LINES_PER_CLIENT = (7.0, 11.0)  # a month's lines per client, drawn per provider
MIN_CLIENTS = 60
MIN_STAFF = 3
CLIENTS_PER_WORKER = 12
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.06, 0.03)  # Monday .. Sunday
EXTERNAL_COUNTS = (0, 1, 2, 3, 4)
EXTERNAL_SHARES = (0.3, 0.3, 0.2, 0.12, 0.08)
ID_DIGITS, STAFF_DIGITS, SERVICE_DIGITS = 5, 3, 6


class Habit(IntEnum):
    """How a provider claims one client-day (drawn per client-day, or planted)."""

    MATCH = 0  # what the documentation allows
    ROUND_UP = 1  # a last partial 15 minutes counted whole, even below the minimum
    ALL_MINUTES = 2  # every documented minute, ineligible lines too
    UNDER = 3  # a quarter unit less than allowed
    NONE = 4  # not claimed
    SPLIT = 5  # what is allowed, over two claims rows


HABIT_SHARES = {
    Habit.MATCH: 0.78, Habit.ROUND_UP: 0.06, Habit.ALL_MINUTES: 0.05, Habit.UNDER: 0.04,
    Habit.NONE: 0.05, Habit.SPLIT: 0.02,
}


class Quirk(IntEnum):
    """An export defect planted on one row; all but REEXPORTED get the row rejected (SPEC §2)."""

    NONE = 0
    REEXPORTED = 1  # the row appears twice in its file
    BAD_MINUTES = 2
    BLANK_CLIENT_SPECIFIC = 3
    UNKNOWN_ACTIVITY = 4
    BAD_DATE = 5
    BAD_UNITS = 6


INVALID = (Quirk.BAD_MINUTES, Quirk.BLANK_CLIENT_SPECIFIC, Quirk.UNKNOWN_ACTIVITY, Quirk.BAD_DATE)
QUIRK_TEXT = {
    Quirk.BAD_MINUTES: (MINUTES, "45.5"),
    Quirk.BLANK_CLIENT_SPECIFIC: (CLIENT_SPECIFIC, ""),
    Quirk.UNKNOWN_ACTIVITY: (ACTIVITY, "Transport"),
    Quirk.BAD_UNITS: (UNITS_CLAIMED, "0.3"),
}

# Short case-note sentences by kind; the first eight kinds are the ACTIVITIES, in that order.
MAILING_GROUP, RESEARCH_GROUP, STAFFING_INTERNAL, FOLLOWUP_LETTER = (
    "mailing_group", "research_group", "staffing_internal", "followup_letter"
)
NOTES: dict[str, tuple[str, ...]] = {
    FACE_TO_FACE: (
        "Home visit with client and parent; reviewed progress on service plan goals.",
        "Met client at school with the counselor to review the attendance plan.",
        "Office visit: updated the needs assessment with client and guardian.",
        "Accompanied client to the health clinic intake appointment.",
        "Home visit; went over the housing application and next steps with the family.",
        "Met client to review the household budget and utility assistance options.",
        "Visited client at the youth center; checked in on the mentoring match.",
    ),
    PHONE: (
        "Called parent to follow up on the referral to counseling.",
        "Phone call with the school social worker about attendance.",
        "Spoke with client about the court date and transportation.",
        "Called the food pantry to confirm the family's enrollment.",
        "Phone check-in with guardian; reviewed the medication refill plan.",
        "Call with the probation officer to coordinate the client's plan.",
    ),
    VOICEMAIL_LEFT: (
        "Left voicemail for parent asking for a call back.",
        "Left message for the school counselor about a meeting time.",
        "Left voicemail for the landlord about the lease.",
    ),
    VOICEMAIL_LISTENED: (
        "Listened to voicemail from parent about a missed appointment.",
        "Listened to message from the client's teacher.",
    ),
    MAILING: (
        "Wrote and mailed the family a letter with the forms they asked for.",
        "Mailed client a letter summarizing the plan agreed at the last visit.",
    ),
    RESEARCH: (
        "Researched after-school tutoring programs near the client's home.",
        "Looked up housing assistance programs that fit the family's income.",
        "Researched dental clinics that accept the client's insurance.",
    ),
    CASE_STAFFING: (
        "Case staffing with the school team and the client's therapist; plan updated.",
        "Staffing with the DCF caseworker and family; agreed on next steps.",
        "Staffing with the probation officer and the mental health provider.",
    ),
    SCHEDULING: (
        "Confirmed the home visit with parent.",
        "Rescheduled the appointment at the family's request.",
        "Confirmed pickup time for the clinic appointment.",
    ),
    MAILING_GROUP: (
        "Mailed the monthly activities calendar to all families.",
        "Sent the holiday food drive flyer to the caseload.",
    ),
    RESEARCH_GROUP: (
        "Compiled community resources for the program newsletter.",
        "Researched summer camp options to share with all families.",
    ),
    STAFFING_INTERNAL: (
        "Internal team staffing; reviewed caseload priorities with the supervisor.",
        "Weekly internal case review with program staff.",
    ),
    FOLLOWUP_LETTER: (
        "Mailed the family a letter listing the programs found and how to enroll.",
        "Letter to client with the contacts researched and the next steps.",
        "Sent a letter explaining the options found for the client's needs.",
    ),
}
ACTIVITY_CODE = {activity: code for code, activity in enumerate(ACTIVITIES)}
NOTE_KIND = {kind: code for code, kind in enumerate(NOTES)}


@dataclass(frozen=True)
class Style:
    """How one provider's system writes its service log."""

    headers: tuple[tuple[str, str], ...]  # (SPEC column, header written), in file order
    us_dates: bool
    yes_no: tuple[str, str]
    activities: tuple[str, ...]  # ACTIVITIES as written
    external_for_staffing_only: bool  # blank external_participants on other activities
    client_prefix: str  # "" for numeric-looking ids
    staff_prefix: str  # "" for numeric employee numbers
    staff_first: int
    service_prefix: str  # "" for numeric ids
    service_first: int
    extra: tuple[tuple[str, str], ...] = ()  # a column the SPEC does not know, and its value


STYLES = (
    Style(
        headers=tuple((c, c) for c in SERVICES_COLUMNS),
        us_dates=False,
        yes_no=("false", "true"),
        activities=ACTIVITIES,
        external_for_staffing_only=False,
        client_prefix="C",
        staff_prefix="HFS-",
        staff_first=1,
        service_prefix="SVC-",
        service_first=100_001,
    ),
    Style(
        headers=tuple(
            (c, c.replace("_", " ").title().replace(" Id", " ID")) for c in SERVICES_COLUMNS
        ),
        us_dates=False,
        yes_no=("No", "Yes"),
        activities=tuple(a.replace("_", " ").capitalize() for a in ACTIVITIES),
        external_for_staffing_only=True,
        client_prefix="",
        staff_prefix="",
        staff_first=4101,
        service_prefix="",
        service_first=500_001,
    ),
    Style(
        headers=tuple(
            (c, c.replace("_", " ").upper())
            for c in (SERVICE_DATE, *(c for c in SERVICES_COLUMNS if c != SERVICE_DATE))
        ),
        us_dates=True,
        yes_no=("N", "Y"),
        activities=tuple(a.replace("_", "-") for a in ACTIVITIES),
        external_for_staffing_only=True,
        client_prefix="C",
        staff_prefix="LCC-",
        staff_first=1,
        service_prefix="LCC-S",
        service_first=1,
        extra=(("PROGRAM", "Case Management"),),
    ),
)
NAMES = ("Harbor Family Services", "Northside Youth Partners", "Lakeview Community Care")
RATES_GIVEN = ("62.00", "58.50", None)  # None: not in rates.csv, the configured default applies
EXCEL_LETTERS = ("b",)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Provider:
    """One sample provider and how its files look."""

    index: int
    letter: str
    style: Style
    name: str
    rate: str | None

    @property
    def provider_id(self) -> str:
        return f"PRV-{self.letter.upper()}"

    @property
    def stem(self) -> str:
        return f"{SERVICES}_provider-{self.letter}"


def sample_providers(count: int) -> tuple[Provider, ...]:
    """The first `count` sample providers: A, B and C as documented above, then generic ones."""
    if not 1 <= count <= len(LETTERS):
        raise UsageError(f"the sample has 1 to {len(LETTERS)} providers, not {count}")
    return tuple(
        Provider(
            index=i,
            letter=letter,
            style=STYLES[i % len(STYLES)],
            name=NAMES[i] if i < len(NAMES) else f"Provider {letter.upper()} Family Services",
            rate=RATES_GIVEN[i] if i < len(RATES_GIVEN) else f"{56 + i}.25",
        )
        for i, letter in enumerate(LETTERS[:count])
    )


PREVIOUS, NEXT = "previous", "next"


@dataclass(frozen=True)
class Planted:
    """One fixed services row. `day`: the n-th weekday of the month (-1 the last), or PREVIOUS /
    NEXT for the last day of the month before / the first day of the month after."""

    letter: str
    client: str
    day: int | str
    activity: str
    minutes: int
    note: str
    client_specific: bool = True
    external: int = 0
    habit: Habit = Habit.MATCH
    quirk: Quirk = Quirk.NONE
    staff: int = 0


@dataclass(frozen=True)
class PlantedClaim:
    """One fixed claims row, on top of those the services' habits produce."""

    letter: str
    client: str
    day: int
    quarters: int
    quirk: Quirk = Quirk.NONE


# One worker's long day across eight clients: 4×120 + 3×90 + 30 = 780 minutes.
OVER_LIMIT_VISITS = ((FACE_TO_FACE, 120),) * 4 + ((FACE_TO_FACE, 90),) * 3 + ((PHONE, 30),)
PLANTED_SERVICES: tuple[Planted, ...] = (
    Planted("a", "C00101", 2, FACE_TO_FACE, 60, quirk=Quirk.REEXPORTED,
            note="Home visit with client and mother; reviewed the school attendance plan."),
    Planted("a", "C00102", PREVIOUS, FACE_TO_FACE, 45, habit=Habit.NONE,
            note="Intake home visit; completed the family needs assessment."),
    Planted("a", "C00103", -2, RESEARCH, 40,
            note="Researched after-school tutoring programs near the client's home."),
    Planted("a", "C00103", NEXT, MAILING, 20,
            note="Mailed the family a letter listing the tutoring programs found."),
    Planted("a", "C00104", 3, RESEARCH, 30,
            note="Researched housing assistance programs that fit the family's income."),
    Planted("a", "C00104", 8, MAILING, 20,
            note="Letter to client with the housing assistance contacts and next steps."),
    Planted("a", "C00105", 5, RESEARCH, 45, habit=Habit.ALL_MINUTES,
            note="Researched summer camp scholarships for the client."),
    Planted("a", "C00106", 6, PHONE, 20, note="", habit=Habit.ALL_MINUTES),
    Planted("a", "C00107", 7, PHONE, 12, habit=Habit.ALL_MINUTES,
            note="Called parent about the missed counseling appointment."),
    Planted("a", "C00107", 7, VOICEMAIL_LEFT, 4,
            note="Left voicemail for the school counselor asking for a call back."),
    Planted("a", "C00107", 7, VOICEMAIL_LISTENED, 3,
            note="Listened to voicemail from parent confirming the new time."),
    Planted("a", "C00108", 9, SCHEDULING, 5, note="Confirmed Thursday's home visit with parent."),
    Planted("a", "C00109", 10, MAILING, 25, client_specific=False, habit=Habit.ALL_MINUTES,
            note="Mailed the monthly activities calendar to all families."),
    Planted("a", "C00110", 11, CASE_STAFFING, 60, habit=Habit.ALL_MINUTES,
            note="Internal team staffing with the supervisor on case priorities."),
    Planted("a", "C00111", 11, CASE_STAFFING, 60, external=3,
            note="Staffing with the school team, therapist and DCF caseworker; plan updated."),
    Planted("a", "C00112", 12, PHONE, 10, habit=Habit.NONE,
            note="Called client to check on the job application."),
    Planted("a", "C00113", 13, PHONE, 7, habit=Habit.ROUND_UP,
            note="Called parent about the bus schedule for the clinic visit."),
    Planted("a", "C00113", 13, PHONE, 7,
            note="Called the clinic to confirm the paperwork arrived."),
    Planted("a", "C00114", 14, PHONE, 7,
            note="Called parent to confirm the school meeting agenda."),
    Planted("a", "C00114", 14, PHONE, 8,
            note="Called the school counselor to share the parent's questions."),
    Planted("a", "C00115", 15, PHONE, 15,
            note="+1 called back; confirmed Tuesday's school meeting."),
    Planted("a", "C00116", 16, FACE_TO_FACE, 50, note="=see attached intake form"),
    Planted("a", "C00117", 4, FACE_TO_FACE, 45, quirk=Quirk.BAD_MINUTES, habit=Habit.NONE,
            note="Home visit; discussed the utility shut-off notice."),
    Planted("a", "C00118", 5, PHONE, 20, quirk=Quirk.BLANK_CLIENT_SPECIFIC, habit=Habit.NONE,
            note="Phone call with the probation officer about the client's plan."),
    Planted("b", "00123", 3, FACE_TO_FACE, 75, habit=Habit.UNDER,
            note="Home visit; reviewed service plan goals with client and grandmother."),
    Planted("b", "12345", 4, PHONE, 25,
            note="Phone check-in with guardian; reviewed the medication refill plan."),
    Planted("b", "00124", 6, FACE_TO_FACE, 50, habit=Habit.NONE,
            note="Accompanied client to the health clinic intake appointment."),
    Planted("b", "00125", 8, FACE_TO_FACE, 50, habit=Habit.ROUND_UP,
            note="Met client at school with the counselor to review the behavior plan."),
    Planted("b", "00126", 10, FACE_TO_FACE, 90, habit=Habit.SPLIT,
            note="Office visit with client and parent; completed the annual reassessment."),
    Planted("b", "00127", 12, PHONE, 20, quirk=Quirk.UNKNOWN_ACTIVITY, habit=Habit.NONE,
            note="Drove client to the food pantry appointment."),
    Planted("b", "00128", 14, VOICEMAIL_LEFT, 3,
            note="Left message for the landlord about the lease renewal."),
    *(
        Planted("c", f"C0020{i + 1}", 9, activity, minutes,
                note=NOTES[activity][i % len(NOTES[activity])])
        for i, (activity, minutes) in enumerate(OVER_LIMIT_VISITS)
    ),
    Planted("c", "C00209", 5, FACE_TO_FACE, 60, quirk=Quirk.BAD_DATE, habit=Habit.NONE,
            note="Home visit; reviewed the school enrollment documents."),
    Planted("c", "C00211", 8, PHONE, 20, habit=Habit.NONE,
            note="Called the school counselor about the IEP meeting."),
)
PLANTED_CLAIMS: tuple[PlantedClaim, ...] = (
    PlantedClaim("a", "C00117", 4, 3),  # its services row is rejected: no documentation
    PlantedClaim("c", "C00210", 7, 4),  # no services row at all
    PlantedClaim("c", "C00211", 8, 1, quirk=Quirk.BAD_UNITS),
)


@dataclass(frozen=True)
class Calendar:
    """The billing month's days as offsets from its first day."""

    first: pd.Timestamp
    days: int

    @property
    def offsets(self) -> np.ndarray:
        return np.arange(self.days)

    @property
    def weekdays(self) -> np.ndarray:
        """Offsets of Monday to Friday."""
        return self.offsets[(self.first.day_of_week + self.offsets) % 7 < 5]

    @property
    def weights(self) -> np.ndarray:
        """How likely a service falls on each day: weekdays far more than weekends."""
        raw = np.asarray(WEEKDAY_WEIGHTS)[(self.first.day_of_week + self.offsets) % 7]
        return raw / raw.sum()

    def offset(self, day: int | str) -> int:
        """A planted day as an offset from the first of the month."""
        if day == PREVIOUS:
            return -1
        if day == NEXT:
            return self.days
        ordinal = int(day)
        return int(self.weekdays[ordinal - 1 if ordinal > 0 else ordinal])

    def date_texts(self, us: bool) -> Any:
        """The day before the month to the day after, as text (pyarrow; index = offset + 1)."""
        dates = pd.date_range(self.first - pd.Timedelta(days=1), periods=self.days + 2)
        if us:
            parts = (dates.month.astype(str), dates.day.astype(str), dates.year.astype(str))
            return pa.array(parts[0] + "/" + parts[1] + "/" + parts[2], type=pa.string())
        return pa.array(dates.strftime("%Y-%m-%d"), type=pa.string())

    def impossible_date(self, us: bool) -> str:
        """The 32nd of the month, as a mistyped export shows it."""
        return f"{self.first.month}/32/{self.first.year}" if us else f"{self.first:%Y-%m}-32"


def month_calendar(month: str) -> Calendar:
    """The calendar of a YYYY-MM month, or a UsageError."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise UsageError(f"the sample month must be YYYY-MM (e.g. 2026-10), not {month!r}")
    period = pd.Period(month, freq="M")
    return Calendar(first=period.start_time.normalize(), days=int(period.days_in_month))


# Working columns of the numeric frames the text is rendered from.
_P, _CLIENT, _STAFF, _DAY, _ACT, _MIN, _CS, _EXT, _NOTE, _HABIT, _QUIRK, _AGAIN, _Q = (
    "p", "client", "staff", "day", "act", "min", "cs", "ext", "note", "habit", "quirk", "again",
    "q",
)
_KEY = [_P, _CLIENT, _DAY]
BLANK_NOTE = 0


def note_texts() -> list[str]:
    """Every note: blank first, then the NOTES sentences, then the planted ones."""
    return [""] + [s for sentences in NOTES.values() for s in sentences] + [
        p.note for p in PLANTED_SERVICES
    ]


def note_codes(rng: np.random.Generator, kinds: np.ndarray) -> np.ndarray:
    """A random sentence of each line's note kind, as an index into `note_texts()`."""
    count = np.array([len(s) for s in NOTES.values()])
    offset = 1 + np.concatenate([[0], np.cumsum(count)[:-1]])
    return offset[kinds] + rng.integers(0, 1 << 30, size=len(kinds)) % count[kinds]


def note_kinds(act: np.ndarray, specific: np.ndarray, external: np.ndarray) -> np.ndarray:
    """The NOTES kind of each line: its activity, or the group or internal variant."""
    kinds = act.copy()
    kinds[(act == ACTIVITY_CODE[MAILING]) & ~specific] = NOTE_KIND[MAILING_GROUP]
    kinds[(act == ACTIVITY_CODE[RESEARCH]) & ~specific] = NOTE_KIND[RESEARCH_GROUP]
    kinds[(act == ACTIVITY_CODE[CASE_STAFFING]) & (external == 0)] = NOTE_KIND[STAFFING_INTERNAL]
    return kinds


def drawn_minutes(rng: np.random.Generator, act: np.ndarray) -> np.ndarray:
    """Plausible minutes for each line's activity (MINUTE_RANGES)."""
    low, high, step = (np.array([MINUTE_RANGES[a][i] for a in ACTIVITIES]) for i in range(3))
    return low[act] + step[act] * rng.integers(0, (high - low)[act] // step[act] + 1)


def followup_letters(
    rng: np.random.Generator, research: pd.DataFrame, calendar: Calendar
) -> pd.DataFrame:
    """A client-specific letter for each research row, on a weekday soon after it, in the month."""
    weekdays = calendar.weekdays
    day = research[_DAY].to_numpy()
    later = np.searchsorted(weekdays, day) + rng.integers(0, FOLLOWUP_WITHIN_WEEKDAYS, len(day))
    mailing = np.full(len(day), ACTIVITY_CODE[MAILING])
    return research.assign(
        **{
            _DAY: np.maximum(weekdays[np.minimum(later, len(weekdays) - 1)], day),
            _ACT: mailing,
            _MIN: drawn_minutes(rng, mailing),
            _CS: True,
            _EXT: 0,
            _NOTE: NOTE_KIND[FOLLOWUP_LETTER],
            _HABIT: int(Habit.MATCH),
        }
    ).reset_index(drop=True)


def bulk_lines(
    rng: np.random.Generator, lines: int, clients: int, staff: int, calendar: Calendar
) -> pd.DataFrame:
    """`lines` random services rows of one provider as numbers: client-days drawn first (weekday-
    heavy, busier clients more often), then 1–4 lines on each.

    Client-specific research mostly gets its follow-up letter; to keep the count exact, each
    letter takes the place of the last non-research line drawn.
    """
    own_worker = rng.permutation(np.arange(clients) % staff)
    busy = rng.gamma(1.5, size=clients)
    day_client = rng.choice(clients, size=lines, p=busy / busy.sum())
    day_date = rng.choice(calendar.offsets, size=lines, p=calendar.weights)
    day_habit = rng.choice(list(HABIT_SHARES), size=lines, p=list(HABIT_SHARES.values()))
    per_day = rng.choice(LINES_PER_DAY, size=lines, p=LINES_PER_DAY_SHARES)
    day_of_line = np.repeat(np.arange(lines), per_day)[:lines]  # every day has a line: enough
    client = day_client[day_of_line]
    later = np.arange(lines) > np.searchsorted(day_of_line, day_of_line)
    act = np.where(
        later,
        rng.choice(len(ACTIVITIES), size=lines, p=[LATER_ACTIVITY_SHARES[a] for a in ACTIVITIES]),
        rng.choice(len(ACTIVITIES), size=lines, p=[ACTIVITY_SHARES[a] for a in ACTIVITIES]),
    )
    not_specific = np.array([NOT_SPECIFIC_SHARES.get(a, NOT_SPECIFIC_OTHER) for a in ACTIVITIES])
    specific = rng.random(lines) >= not_specific[act]
    external = np.where(
        act == ACTIVITY_CODE[CASE_STAFFING],
        rng.choice(EXTERNAL_COUNTS, size=lines, p=EXTERNAL_SHARES),
        0,
    )
    covering = rng.random(lines) < COVERAGE_SHARE
    drawn = pd.DataFrame(
        {
            _CLIENT: client,
            _STAFF: np.where(covering, rng.integers(0, staff, lines), own_worker[client]),
            _DAY: day_date[day_of_line],
            _ACT: act,
            _MIN: drawn_minutes(rng, act),
            _CS: specific,
            _EXT: external,
            _NOTE: note_kinds(act, specific, external),
            _HABIT: day_habit[day_of_line],
        }
    )
    research = (act == ACTIVITY_CODE[RESEARCH]) & specific
    letters = followup_letters(rng, drawn.loc[research & (rng.random(lines) < FOLLOWUP_SHARE)],
                               calendar)
    replaceable = np.flatnonzero(act != ACTIVITY_CODE[RESEARCH])
    keep = np.ones(lines, dtype=bool)
    keep[replaceable[len(replaceable) - min(len(letters), len(replaceable)) :]] = False
    rows = pd.concat([drawn.loc[keep], letters.iloc[: lines - keep.sum()]], ignore_index=True)
    blank = rng.random(len(rows)) < BLANK_NOTE_SHARE
    notes = np.where(blank, BLANK_NOTE, note_codes(rng, rows[_NOTE].to_numpy()))
    return rows.assign(**{_NOTE: notes}).assign(**{_QUIRK: int(Quirk.NONE)})


def planted_clients(letter: str) -> list[str]:
    """The ids of the clients only planted rows use, in first-use order."""
    used = [p.client for p in PLANTED_SERVICES if p.letter == letter]
    return list(dict.fromkeys(used + [c.client for c in PLANTED_CLAIMS if c.letter == letter]))


def planted_lines(letter: str, first_client: int, calendar: Calendar) -> pd.DataFrame:
    """The provider's PLANTED_SERVICES rows as numbers; their clients numbered from
    `first_client` in planted_clients order."""
    ids = planted_clients(letter)
    first_note = len(note_texts()) - len(PLANTED_SERVICES)
    rows = [(i, p) for i, p in enumerate(PLANTED_SERVICES) if p.letter == letter]
    frame = pd.DataFrame(
        {
            _CLIENT: [first_client + ids.index(p.client) for _, p in rows],
            _STAFF: [p.staff for _, p in rows],
            _DAY: [calendar.offset(p.day) for _, p in rows],
            _ACT: [ACTIVITY_CODE[p.activity] for _, p in rows],
            _MIN: [p.minutes for _, p in rows],
            _CS: [int(p.client_specific) for _, p in rows],
            _EXT: [p.external for _, p in rows],
            _NOTE: [first_note + i if p.note.strip() else BLANK_NOTE for i, p in rows],
            _HABIT: [int(p.habit) for _, p in rows],
            _QUIRK: [int(p.quirk) for _, p in rows],
        },
        dtype="int64",
    )
    return frame.astype({_CS: bool})


def planted_count(providers: tuple[Provider, ...]) -> int:
    """Services rows the planted cases add to the providers' files, re-exported copies included."""
    letters = {p.letter for p in providers}
    return sum(1 + (p.quirk is Quirk.REEXPORTED) for p in PLANTED_SERVICES if p.letter in letters)


@dataclass(frozen=True)
class ProviderRows:
    """One provider's services rows as numbers, in export order, and its people."""

    rows: pd.DataFrame  # _AGAIN marks the rows the export repeats at its end
    clients: int  # random clients; the planted ones are numbered after them
    staff: int


def provider_rows(
    rng: np.random.Generator, provider: Provider, lines: int, calendar: Calendar
) -> ProviderRows:
    """`lines` random rows (re-exported copies included) plus the planted ones."""
    copies = int(rng.binomial(lines, REEXPORT_SHARE))
    unique = lines - copies
    clients = max(MIN_CLIENTS, round(unique / rng.uniform(*LINES_PER_CLIENT)))
    staff = max(MIN_STAFF, -(-clients // CLIENTS_PER_WORKER))
    bulk = bulk_lines(rng, unique, clients, staff, calendar)
    again = np.zeros(unique, dtype=bool)
    again[rng.choice(unique, size=copies, replace=False)] = True
    planted = planted_lines(provider.letter, clients, calendar)
    rows = pd.concat(
        [
            bulk.assign(**{_AGAIN: again}),
            planted.assign(**{_AGAIN: planted[_QUIRK].to_numpy() == Quirk.REEXPORTED}),
        ],
        ignore_index=True,
    )
    # A service log export is in date order, then by worker and client.
    order = np.lexsort([rows[c].to_numpy() for c in (_ACT, _CLIENT, _STAFF, _DAY)])
    rows = rows.iloc[order].reset_index(drop=True).assign(**{_P: provider.index})
    return ProviderRows(rows=rows, clients=clients, staff=staff)


def followed_up(lines: pd.DataFrame, asking: pd.Series, letter: pd.Series, days: int) -> np.ndarray:
    """True for each `asking` row with a letter of the same client on its day or up to `days`
    days after."""
    letters = lines.loc[letter, _KEY].rename(columns={_DAY: "letter_day"})
    asked = lines.loc[asking, _KEY].assign(row=np.flatnonzero(asking.to_numpy()))
    nearest = pd.merge_asof(
        asked.sort_values(_DAY, kind="stable"),
        letters.assign(**{_DAY: letters["letter_day"]}).sort_values(_DAY, kind="stable"),
        on=_DAY,
        by=[_P, _CLIENT],
        direction="forward",
    )
    found = np.zeros(len(lines), dtype=bool)
    found[nearest["row"].to_numpy()] = (nearest["letter_day"] - nearest[_DAY]).le(days).to_numpy()
    return found


def claim_quarters(lines: pd.DataFrame, calendar: Calendar) -> pd.DataFrame:
    """Quarter units claimed per client-day of the month, by the day's habit (none where 0).

    Works out what the documentation allows the way SPEC §3–§4 do, on the rows a reader will
    accept (a re-exported copy is not in `lines`: it is added only when the text is written).
    """
    config = default_config()
    lines = lines.loc[~lines[_QUIRK].isin([int(q) for q in INVALID])]
    act, noted = lines[_ACT], lines[_NOTE] != BLANK_NOTE
    letter = (act == ACTIVITY_CODE[MAILING]) & lines[_CS] & noted
    research = act == ACTIVITY_CODE[RESEARCH]
    never_billable = (VOICEMAIL_LEFT, VOICEMAIL_LISTENED, SCHEDULING)
    eligible = (
        noted
        & lines[_CS]
        & ~act.isin([ACTIVITY_CODE[a] for a in never_billable])
        & ~((act == ACTIVITY_CODE[CASE_STAFFING]) & (lines[_EXT] == 0))
        & ~(research & ~followed_up(lines, research, letter, config.research_followup_days))
    )
    in_month = lines[_DAY].between(0, calendar.days - 1)
    days = (
        lines.assign(countable=lines[_MIN].where(eligible, 0))
        .loc[in_month]
        .groupby(_KEY, sort=False)
        .agg(documented=(_MIN, "sum"), countable=("countable", "sum"), habit=(_HABIT, "first"))
        .reset_index()
    )
    step, least = MINUTES_PER_INCREMENT, config.min_minutes
    countable, documented = days["countable"].to_numpy(), days["documented"].to_numpy()
    allowed = np.where(countable >= least, countable // step, 0)
    habit = days["habit"].to_numpy()
    quarters = np.select(
        [habit == Habit.ROUND_UP, habit == Habit.ALL_MINUTES, habit == Habit.UNDER,
         habit == Habit.NONE],
        [-(-countable // step), np.where(documented >= least, documented // step, 0),
         np.maximum(allowed - 1, 0), 0],
        allowed,
    )
    cap = int(MAX_UNITS_CLAIMED / UNIT_STEP)
    return days.assign(**{_Q: np.minimum(quarters, cap)}).loc[lambda d: d[_Q] > 0]


def split_claims(days: pd.DataFrame) -> pd.DataFrame:
    """Claims rows: one per client-day, two for a SPLIT day of more than a quarter unit."""
    split = (days["habit"] == Habit.SPLIT) & (days[_Q] > 1)
    second = days.loc[split].assign(**{_Q: days.loc[split, _Q] // 2})
    first = days.assign(**{_Q: days[_Q] - days[_Q].where(split, 0) // 2})
    return pd.concat([first, second], ignore_index=True)[[*_KEY, _Q]]


def undocumented_claims(
    rng: np.random.Generator, claims: int, people: list[ProviderRows], lines: pd.DataFrame,
    calendar: Calendar,
) -> pd.DataFrame:
    """A few claims of random clients on weekdays with no services rows at all."""
    count = int(rng.binomial(claims, NO_DOC_CLAIM_SHARE))
    clients = np.array([p.clients for p in people])
    provider = rng.choice(len(people), size=count, p=clients / clients.sum())
    drawn = pd.DataFrame(
        {
            _P: provider,
            _CLIENT: (rng.random(count) * clients[provider]).astype(np.int64),
            _DAY: rng.choice(calendar.weekdays, size=count),
            _Q: rng.integers(1, NO_DOC_MAX_QUARTERS + 1, size=count),
        }
    ).drop_duplicates(_KEY)
    seen = drawn.merge(lines[_KEY].drop_duplicates(), on=_KEY, how="left", indicator=True)
    return drawn.loc[(seen["_merge"] == "left_only").to_numpy()]


def planted_claims(providers: tuple[Provider, ...], people: list[ProviderRows],
                   calendar: Calendar) -> pd.DataFrame:
    """PLANTED_CLAIMS as numbers, for the providers in the sample."""
    by_letter = {p.letter: (p.index, people[p.index].clients) for p in providers}
    rows = [c for c in PLANTED_CLAIMS if c.letter in by_letter]
    return pd.DataFrame(
        {
            _P: [by_letter[c.letter][0] for c in rows],
            _CLIENT: [by_letter[c.letter][1] + planted_clients(c.letter).index(c.client)
                      for c in rows],
            _DAY: [calendar.offset(c.day) for c in rows],
            _Q: [c.quarters for c in rows],
            _QUIRK: [int(c.quirk) for c in rows],
        },
        dtype="int64",
    )


def padded(numbers: np.ndarray, prefix: str, width: int) -> Any:
    """Numbers as text zero-padded to `width` digits after `prefix` (a pyarrow string array)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "") if prefix else digits


def client_ids(rng: np.random.Generator, provider: Provider, count: int) -> Any:
    """`count` distinct random client ids in the provider's style, then the planted clients'."""
    prefix = provider.style.client_prefix
    planted = planted_clients(provider.letter)
    low = 10 ** (ID_DIGITS - 3) * (2 if prefix == "" else 10)  # "00200" / "C01000" upward
    pool = np.setdiff1d(
        np.arange(low, max(10**ID_DIGITS, low + 3 * count)),
        np.array([int(c.removeprefix(prefix)) for c in planted], dtype=np.int64),
    )
    random_ids = padded(rng.choice(pool, size=count, replace=False), prefix, ID_DIGITS)
    return pa.concat_arrays([random_ids, pa.array(planted, type=pa.string())])


def overridden(column: Any, quirk: np.ndarray, which: Quirk, text: str) -> Any:
    """The column with `text` on the rows that have the quirk."""
    hit = quirk == which
    return pc.if_else(pa.array(hit), text, column) if hit.any() else column


def services_text(provider: Provider, rows: ProviderRows, ids: Any,
                  calendar: Calendar) -> pd.DataFrame:
    """The provider's service log as its system exports it: text, its own headers and formats."""
    style, frame = provider.style, rows.rows
    n = len(frame)
    staff_id = frame[_STAFF].to_numpy() + style.staff_first
    act, ext = frame[_ACT].to_numpy(), frame[_EXT].to_numpy()
    blank_external = style.external_for_staffing_only & (act != ACTIVITY_CODE[CASE_STAFFING])
    small = pa.array([str(i) for i in range(MAX_MINUTES + 1)] + [""], type=pa.string())
    columns = {
        SERVICE_ID: padded(np.arange(n) + style.service_first, style.service_prefix,
                           SERVICE_DIGITS),
        PROVIDER_ID: pa.array([provider.provider_id]).take(np.zeros(n, dtype=np.int64)),
        CLIENT_ID: ids.take(frame[_CLIENT].to_numpy()),
        STAFF_ID: padded(staff_id, style.staff_prefix, STAFF_DIGITS if style.staff_prefix else 1),
        SERVICE_DATE: calendar.date_texts(style.us_dates).take(frame[_DAY].to_numpy() + 1),
        ACTIVITY: pa.array(style.activities, type=pa.string()).take(act),
        MINUTES: small.take(frame[_MIN].to_numpy()),
        CLIENT_SPECIFIC: pa.array(style.yes_no).take(frame[_CS].to_numpy().astype(np.int64)),
        EXTERNAL_PARTICIPANTS: small.take(np.where(blank_external, MAX_MINUTES + 1, ext)),
        NOTE: pa.array(note_texts(), type=pa.string()).take(frame[_NOTE].to_numpy()),
    }
    quirk = frame[_QUIRK].to_numpy()
    for which, (column, text) in QUIRK_TEXT.items():
        if column in columns:
            columns[column] = overridden(columns[column], quirk, which, text)
    columns[SERVICE_DATE] = overridden(
        columns[SERVICE_DATE], quirk, Quirk.BAD_DATE, calendar.impossible_date(style.us_dates)
    )
    for header, value in style.extra:
        columns[header] = pa.array([value]).take(np.zeros(n, dtype=np.int64))
    names = [*(spec for spec, _ in style.headers), *(h for h, _ in style.extra)]
    headers = [*(h for _, h in style.headers), *(h for h, _ in style.extra)]
    text = pa.table([columns[c] for c in names], names=headers).to_pandas()
    return pd.concat([text, text.loc[frame[_AGAIN].to_numpy()]], ignore_index=True)


def claims_text(claims: pd.DataFrame, providers: tuple[Provider, ...], ids: list[Any],
                calendar: Calendar) -> pd.DataFrame:
    """claims.csv: every provider's claims in provider, date, client order, SPEC headers."""
    order = np.lexsort([claims[c].to_numpy() for c in (_CLIENT, _DAY, _P)])
    claims = claims.iloc[order].reset_index(drop=True)
    offsets = np.concatenate([[0], np.cumsum([len(i) for i in ids])[:-1]])
    quarters = int(MAX_UNITS_CLAIMED / UNIT_STEP)
    units = pa.array([f"{q * UNIT_STEP:.2f}" for q in range(quarters + 1)], type=pa.string())
    p = claims[_P].to_numpy()
    columns = {
        CLAIM_ID: padded(np.arange(1, len(claims) + 1), f"CLM-{calendar.first:%y%m}-", 6),
        PROVIDER_ID: pa.array([x.provider_id for x in providers]).take(p),
        CLIENT_ID: pa.concat_arrays(ids).take(offsets[p] + claims[_CLIENT].to_numpy()),
        SERVICE_DATE: calendar.date_texts(us=False).take(claims[_DAY].to_numpy() + 1),
        UNITS_CLAIMED: overridden(
            units.take(claims[_Q].to_numpy()), claims[_QUIRK].to_numpy(), Quirk.BAD_UNITS,
            QUIRK_TEXT[Quirk.BAD_UNITS][1],
        ),
    }
    return pa.table(list(columns.values()), names=list(CLAIMS_COLUMNS)).to_pandas()


def rates_text(providers: tuple[Provider, ...]) -> pd.DataFrame:
    """rates.csv: the providers with a contract rate, and their names."""
    rated = [p for p in providers if p.rate is not None]
    return pd.DataFrame(
        {
            PROVIDER_ID: [p.provider_id for p in rated],
            PROVIDER_NAME: [p.name for p in rated],
            UNIT_RATE: [p.rate for p in rated],
        },
        dtype="str",
    )


def sample_frames(
    lines: int = 2400, seed: int = 20261001, month: str = "2026-10", providers: int = 3
) -> dict[str, dict[str, pd.DataFrame]]:
    """The sample month's input files as text frames: {"services" | "claims" | "rates":
    {file stem: frame}}. `lines` is the services rows over all files (at least the planted)."""
    calendar = month_calendar(month)
    chosen = sample_providers(providers)
    if lines < 0:
        raise UsageError(f"the sample needs a number of lines of at least 0, not {lines}")
    rng = np.random.default_rng(seed)
    bulk = max(lines - planted_count(chosen), 0)
    weights = 1 / (1 + 0.15 * np.arange(len(chosen)))
    shares = rng.multinomial(bulk, weights / weights.sum())
    people = [provider_rows(rng, p, int(n), calendar) for p, n in zip(chosen, shares, strict=True)]
    ids = [client_ids(rng, p, rows.clients) for p, rows in zip(chosen, people, strict=True)]
    numbers = pd.concat([p.rows for p in people], ignore_index=True)
    claimed = split_claims(claim_quarters(numbers, calendar)).assign(**{_QUIRK: int(Quirk.NONE)})
    extra = undocumented_claims(rng, len(claimed), people, numbers, calendar)
    claims = pd.concat(
        [claimed, extra.assign(**{_QUIRK: int(Quirk.NONE)}),
         planted_claims(chosen, people, calendar)],
        ignore_index=True,
    )
    return {
        SERVICES: {
            p.stem: services_text(p, rows, i, calendar)
            for p, rows, i in zip(chosen, people, ids, strict=True)
        },
        CLAIMS: {CLAIMS: claims_text(claims, chosen, ids, calendar)},
        RATES: {RATES: rates_text(chosen)},
    }


def excel_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The text as a spreadsheet program would type it: whole numbers without a leading zero as
    number cells, ISO dates as date cells, blanks as empty cells, the rest as text."""
    cells = {}
    for column in frame.columns:
        text = frame[column]
        number = text.str.fullmatch(r"[1-9]\d{0,14}")
        date = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        values = text.astype(object).where(text != "", None)
        whole = pd.to_numeric(text.where(number), errors="coerce").astype("Int64").astype(object)
        values = values.where(~number, whole)
        parsed = pd.to_datetime(text.where(date), format="%Y-%m-%d", errors="coerce")
        cells[column] = values.where(~date, parsed.astype(object))
    return pd.DataFrame(cells, dtype=object)


def write_sample(
    out_dir: Path,
    lines: int = 2400,
    seed: int = 20261001,
    month: str = "2026-10",
    xlsx: bool | None = None,
) -> list[Path]:
    """Write the sample month's files into `out_dir` and return their paths. PRV-B's service
    log is .xlsx unless `xlsx` is False (default: only up to XLSX_MAX_LINES lines); the other
    form of each file written (.csv for .xlsx and back) is removed from `out_dir`."""
    as_xlsx = lines <= XLSX_MAX_LINES if xlsx is None else xlsx
    frames = sample_frames(lines=lines, seed=seed, month=month)
    excel = {p.stem for p in sample_providers(len(frames[SERVICES])) if p.letter in EXCEL_LETTERS}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for kind in (SERVICES, CLAIMS, RATES):
            for stem, frame in frames[kind].items():
                spreadsheet = as_xlsx and stem in excel
                path = out_dir / f"{stem}.{'xlsx' if spreadsheet else 'csv'}"
                # The other form of the same file would be read as a second copy of it.
                path.with_suffix(".csv" if spreadsheet else ".xlsx").unlink(missing_ok=True)
                if spreadsheet:
                    with pd.ExcelWriter(
                        path, engine="openpyxl", date_format="M/D/YYYY",
                        datetime_format="M/D/YYYY",
                    ) as writer:
                        excel_cells(frame).to_excel(writer, sheet_name=EXCEL_SHEET, index=False)
                else:
                    frame.to_csv(path, index=False, lineterminator="\n")
                written.append(path)
    except OSError as err:
        raise UsageError(f"cannot write the sample into {out_dir}: {err.strerror}") from None
    return written
