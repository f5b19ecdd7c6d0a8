"""The planted cases: fixed services, claims and authorizations rows that make every code of
the rules table (line codes, review flags, day codes, warnings), every status and export
defect occur in the sample."""

from dataclasses import dataclass

from pipeline.sample.calendar import NEXT, PREVIOUS, Day, Months
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
    NEXT for the last day of the month before / the first day of the month after. `start` and
    `end`: clock times (24-hour text, rendered in the provider's style), blank for none.
    `worker` 0 is the provider's first worker; k > 0 its k-th extra worker, who has only
    planted rows, so that the bulk's clock times never meet a planted case's."""

    letter: str
    client: str
    day: Day
    activity: str
    minutes: int
    note: str
    client_specific: bool = True
    external: int = 0
    habit: Habit = Habit.MATCH
    quirk: Quirk = Quirk.NONE
    start: str = ""
    end: str = ""
    worker: int = 0


@dataclass(frozen=True)
class PlantedClaim:
    """One fixed claims row, on top of those the services' habits produce."""

    letter: str
    client: str
    day: int
    quarters: int
    quirk: Quirk = Quirk.NONE


TRANSFERRED = "C00150"  # served by PRV-A, then PRV-C: client IDs are funder-wide (v2 §8.2)
UNAUTHORIZED_CLIENT = "00133"  # PRV-B's client with no authorization at all

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
    # Research whose follow-up window closed inside the data: on the 1st (window to Oct 31), and
    # on the 2nd, whose window closes on Nov 1, the last date PRV-A's data covers (C00103's
    # letter): not after it, so decided too (v2 §8.4).
    Planted("a", "C00119", 1, RESEARCH, 40, habit=Habit.ALL_MINUTES,
            note="Researched GED evening classes near the client's home."),
    Planted("a", "C00120", 2, RESEARCH, 35, habit=Habit.ALL_MINUTES,
            note="Researched youth employment programs that take 16-year-olds."),
    # Notes that say what was really done (v2 §8.1), in English.
    Planted("a", "C00121", 3, PHONE, 15,
            note="Called mother; left a message asking her to call back about Friday's meeting."),
    Planted("a", "C00122", 5, PHONE, 15,
            note="LVM for father re: the IEP meeting; will try again tomorrow."),
    Planted("a", "C00123", 6, PHONE, 15,
            note="Appointment reminder call to father for Thursday's clinic visit."),
    Planted("a", "C00124", 7, MAILING, 20,
            note="Mailed the family the back-to-school flyers and the fall newsletter."),
    # Clock times (v2 §8.3): one minute of overlap (9:59 < 10:00) flags both lines; a
    # back-to-back pair (13:45 = 13:45) flags neither; a call during a visit; 90 minutes
    # documented between 14:00 and 15:00.
    Planted("a", "C00125", 4, FACE_TO_FACE, 60, start="9:00", end="10:00", worker=1,
            note="Home visit; reviewed the safety plan with client and mother."),
    Planted("a", "C00126", 4, PHONE, 30, start="9:59", end="10:30", worker=1,
            note="Phone call with the client's teacher about the reading plan."),
    Planted("a", "C00127", 6, FACE_TO_FACE, 45, start="13:00", end="13:45", worker=1,
            note="Met client at the library to work on the scholarship application."),
    Planted("a", "C00128", 6, PHONE, 15, start="13:45", end="14:00", worker=1,
            note="Phone call with the client's aunt about the summer job program."),
    Planted("a", "C00129", 9, FACE_TO_FACE, 90, start="10:00", end="11:30", worker=2,
            note="Home visit; helped the family complete the SNAP recertification."),
    Planted("a", "C00130", 9, PHONE, 20, start="10:40", end="11:00", worker=2,
            note="Phone call with the client about Monday's job interview."),
    Planted("a", "C00131", 12, FACE_TO_FACE, 90, start="14:00", end="15:00", worker=2,
            note="Office visit with client and father; updated the service plan goals."),
    # A client moving from PRV-A to PRV-C (v2 §8.2, §9): PRV-A's authorization ends on the
    # 15th (a line on that day is covered, a later one is not); both claim the 14th.
    Planted("a", TRANSFERRED, 3, FACE_TO_FACE, 60,
            note="Home visit; told the family about the transfer to Lakeview Community Care."),
    Planted("a", TRANSFERRED, 10, PHONE, 30,
            note="Called mother to go over the transfer paperwork for the new agency."),
    Planted("a", TRANSFERRED, 11, PHONE, 20,
            note="Phone call with the Lakeview case manager to hand over the case."),
    Planted("a", TRANSFERRED, 14, FACE_TO_FACE, 45,
            note="Closing home visit; returned the family's documents."),
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
    # Research on the 2nd with no letter: its window closes on Nov 1, after PRV-B's data ends
    # (Oct 31), so it is pending (v2 §8.4).
    Planted("b", "00129", 2, RESEARCH, 35, habit=Habit.ALL_MINUTES,
            note="Researched mentoring programs for boys near the client's school."),
    # Notes that say what was really done (v2 §8.1), in Spanish.
    Planted("b", "00130", 3, PHONE, 15,
            note="Llamé a la abuela y dejé un mensaje sobre la cita con el médico."),
    Planted("b", "00131", 5, PHONE, 20,
            note="Llamada con la madre; reprogramé la visita al hogar para el lunes."),
    Planted("b", "00132", 7, MAILING, 20,
            note="Envié a la familia los volantes de la feria de salud del condado."),
    # A new referral with no authorization entered yet (v2 §9): every line NOT_AUTHORIZED.
    Planted("b", UNAUTHORIZED_CLIENT, 7, FACE_TO_FACE, 60,
            note="First home visit for a new referral; completed the intake forms with mother."),
    Planted("b", UNAUTHORIZED_CLIENT, 15, PHONE, 20,
            note="Called the mother to go over the intake paperwork."),
    # A cap of 2.5 units a month (v2 §9): 1.00 + 1.25, then the 13th allows 1.00 but keeps the
    # 0.25 left, and the 19th keeps nothing.
    Planted("b", "00134", 3, FACE_TO_FACE, 60,
            note="Home visit; reviewed the school attendance contract with client and father."),
    Planted("b", "00134", 6, FACE_TO_FACE, 75,
            note="Accompanied client and father to the psychiatric evaluation."),
    Planted("b", "00134", 9, FACE_TO_FACE, 60,
            note="Home visit; went over the evaluation results with the family."),
    Planted("b", "00134", 13, PHONE, 30,
            note="Phone call with the father about the new medication plan."),
    *(
        Planted("c", f"C0020{i + 1}", 9, activity, minutes,
                note=NOTES[activity][i % len(NOTES[activity])])
        for i, (activity, minutes) in enumerate(OVER_LIMIT_VISITS)
    ),
    Planted("c", "C00209", 5, FACE_TO_FACE, 60, quirk=Quirk.BAD_DATE, habit=Habit.NONE,
            note="Home visit; reviewed the school enrollment documents."),
    Planted("c", "C00211", 8, PHONE, 20, habit=Habit.NONE,
            note="Called the school counselor about the IEP meeting."),
    # Notes that say what was really done (v2 §8.1), in Haitian Creole; and "LVM" inside the
    # longer word "LVMC" (a clinic), which must not match the phrase "lvm".
    Planted("c", "C00212", 3, PHONE, 15,
            note="Rele manman kliyan an, kite mesaj pou li rele biwo a."),
    Planted("c", "C00213", 4, PHONE, 15,
            note="Rele papa a pou konfime randevou klinik la jedi."),
    Planted("c", "C00214", 6, MAILING, 20,
            note="Voye feyè pwogram manje ete a bay fanmi an."),
    Planted("c", "C00215", 10, FACE_TO_FACE, 60,
            note="Accompanied client to the LVMC pediatric clinic for the follow-up visit."),
    # A cap of 2 units reached exactly on the 9th (kept whole); the 16th keeps nothing.
    Planted("c", "C00216", 2, FACE_TO_FACE, 60,
            note="Home visit; set goals for the new school year with client and grandmother."),
    Planted("c", "C00216", 7, FACE_TO_FACE, 60,
            note="Met client at school with the counselor about the tutoring plan."),
    Planted("c", "C00216", 12, PHONE, 30,
            note="Phone call with the grandmother about the tutoring progress."),
    # Clock times in PRV-C's 12-hour style: 75 minutes between 2:00 and 3:00 PM; two visits
    # overlapping by 15 minutes across noon.
    Planted("c", "C00217", 5, FACE_TO_FACE, 75, start="14:00", end="15:00", worker=1,
            note="Home visit; helped the family prepare for the housing inspection."),
    Planted("c", "C00218", 8, FACE_TO_FACE, 60, start="11:30", end="12:30", worker=1,
            note="Met client at the clinic for the dental check-up."),
    Planted("c", "C00219", 8, FACE_TO_FACE, 30, start="12:15", end="12:45", worker=1,
            note="Met the landlord with the client at the apartment about the repair request."),
    # The client moving from PRV-A: PRV-C's open-ended authorization starts on the 12th.
    Planted("c", TRANSFERRED, 6, PHONE, 20,
            note="Intake screening call with the mother before the transfer from Harbor."),
    Planted("c", TRANSFERRED, 10, FACE_TO_FACE, 60,
            note="Intake home visit after the transfer from Harbor; new service plan started."),
)
PLANTED_CLAIMS: tuple[PlantedClaim, ...] = (
    PlantedClaim("a", "C00117", 4, 3),  # its services row is rejected: no documentation
    PlantedClaim("c", "C00210", 7, 4),  # no services row at all
    PlantedClaim("c", "C00211", 8, 1, quirk=Quirk.BAD_UNITS),
)


@dataclass(frozen=True)
class PlantedAuthorization:
    """One fixed authorizations row (v2 §9); `end` None is open-ended, `cap` is the units a
    month as written (blank: no cap)."""

    letter: str
    client: str
    start: Day
    end: Day | None
    cap: str = ""


# The planted clients' authorizations where they are not the default (each other planted
# client but UNAUTHORIZED_CLIENT gets one like the bulk's, covering the month, with room).
PLANTED_AUTHORIZATIONS: tuple[PlantedAuthorization, ...] = (
    PlantedAuthorization("a", TRANSFERRED, Months(-4), 11),  # to the 15th: ends mid-month
    PlantedAuthorization("c", TRANSFERRED, 8, None),  # from the 12th, open-ended
    PlantedAuthorization("b", "00134", Months(-2), Months(3, last=True), cap="2.5"),
    PlantedAuthorization("c", "C00216", Months(-1), Months(10, last=True), cap="2"),
    # A renewal entered while the current year runs: the second period overlaps the first,
    # so the second row is rejected (v2 §9).
    PlantedAuthorization("a", "C00111", Months(-6), Months(5, last=True)),
    PlantedAuthorization("a", "C00111", Months(0), Months(11, last=True)),
    # The next period typed with the wrong year: it ends before it starts, a rejected row.
    PlantedAuthorization("b", "00126", Months(-5), Months(0, last=True), cap="12"),
    PlantedAuthorization("b", "00126", Months(1), Months(-6, last=True), cap="12"),
)
UNAUTHORIZED = (("b", UNAUTHORIZED_CLIENT),)


def planted_clients(letter: str) -> list[str]:
    """The ids of the clients only planted rows use, in first-use order."""
    used = [p.client for p in PLANTED_SERVICES if p.letter == letter]
    return list(dict.fromkeys(used + [c.client for c in PLANTED_CLAIMS if c.letter == letter]))


def planted_count(providers: tuple[Provider, ...]) -> int:
    """Services rows the planted cases add to the providers' files, re-exported copies included."""
    letters = {p.letter for p in providers}
    return sum(1 + (p.quirk is Quirk.REEXPORTED) for p in PLANTED_SERVICES if p.letter in letters)
