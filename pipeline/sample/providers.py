"""The sample providers (PRV-A, PRV-B, PRV-C, then generic ones) and the style in which each
one's system writes its service log."""

from dataclasses import dataclass

from pipeline.errors import UsageError
from schemas.columns import (
    ACTIVITIES,
    END_TIME,
    FACE_TO_FACE,
    SERVICE_DATE,
    SERVICES_COLUMNS,
    START_TIME,
)

SERVICES, CLAIMS, RATES, AUTHORIZATIONS = "services", "claims", "rates", "authorizations"


@dataclass(frozen=True)
class Clock:
    """How a provider's system records clock times (v2 §1): on a share of the lines of some
    activities, as 24-hour `9:05` or 12-hour `2:30 PM` text."""

    twelve_hour: bool
    share: float
    activities: tuple[str, ...]


def timed_columns(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The SPEC columns with start_time and end_time after service_date, where a system that
    records times puts them."""
    at = columns.index(SERVICE_DATE) + 1
    return (*columns[:at], START_TIME, END_TIME, *columns[at:])


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
    clock: Clock | None = None  # None: the system records no clock times


STYLES = (
    Style(
        headers=tuple((c, c) for c in timed_columns(SERVICES_COLUMNS)),
        us_dates=False,
        yes_no=("false", "true"),
        activities=ACTIVITIES,
        external_for_staffing_only=False,
        client_prefix="C",
        staff_prefix="HFS-",
        staff_first=1,
        service_prefix="SVC-",
        service_first=100_001,
        clock=Clock(twelve_hour=False, share=0.65, activities=ACTIVITIES),
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
            for c in timed_columns(
                (SERVICE_DATE, *(c for c in SERVICES_COLUMNS if c != SERVICE_DATE))
            )
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
        clock=Clock(twelve_hour=True, share=0.9, activities=(FACE_TO_FACE,)),
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
