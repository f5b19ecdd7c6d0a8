"""The planted cases: fixed services and claims rows that make every line code, warning,
status and export defect occur in the sample."""

from dataclasses import dataclass

from pipeline.sample.calendar import NEXT, PREVIOUS
from pipeline.sample.draws import NOTES, Habit, Quirk
from pipeline.sample.providers import Provider
from schemas.columns import (
    CASE_STAFFING,
    FACE_TO_FACE,
    MAILING,
    PHONE,
    RESEARCH,
    SCHEDULING,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
)


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


def planted_clients(letter: str) -> list[str]:
    """The ids of the clients only planted rows use, in first-use order."""
    used = [p.client for p in PLANTED_SERVICES if p.letter == letter]
    return list(dict.fromkeys(used + [c.client for c in PLANTED_CLAIMS if c.letter == letter]))


def planted_count(providers: tuple[Provider, ...]) -> int:
    """Services rows the planted cases add to the providers' files, re-exported copies included."""
    letters = {p.letter for p in providers}
    return sum(1 + (p.quirk is Quirk.REEXPORTED) for p in PLANTED_SERVICES if p.letter in letters)
