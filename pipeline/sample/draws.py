"""What the sample's random bulk draws from: activity shares, minute ranges, claiming
habits, export quirks and case-note sentences."""

from enum import IntEnum

from schemas.columns import (
    ACTIVITIES,
    ACTIVITY,
    CASE_STAFFING,
    CLIENT_SPECIFIC,
    FACE_TO_FACE,
    MAILING,
    MINUTES,
    PHONE,
    RESEARCH,
    SCHEDULING,
    UNITS_CLAIMED,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
)

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

# Clock times (v2 §8.3), where a provider's system records them: a worker's timed lines of one
# day follow one another from the first start, with gaps of GAP_CHOICES minutes (0: back to
# back); a span is the documented minutes, now and then a few minutes longer (never shorter:
# the bulk never exceeds its interval, and never overlaps itself).
FIRST_START = (8 * 60, 9 * 60 + 30, 5)  # the day's first start: 8:00 to 9:30 (low, high, step)
GAP_CHOICES = (0, 0, 5, 10, 15, 20, 30, 45)
SLACK_CHOICES = (0, 0, 0, 5)
LAST_MINUTE = 23 * 60 + 59  # a line that would end later has no times

# Authorizations (v2 §9): one per client of every provider, from the first of a month
# AUTHORIZED_MONTHS_BEFORE before the billing month for a year (or open-ended); a monthly cap on
# most, never below what the client's documentation allows in the month (only the planted
# cases reach a cap).
AUTHORIZED_MONTHS_BEFORE = (1, 10)
AUTHORIZATION_MONTHS = 12
OPEN_ENDED_SHARE = 0.2
NO_CAP_SHARE = 0.3
CAP_UNITS = (8, 10, 12, 16, 20, 24)
CAP_HEADROOM_UNITS = 2  # a cap raised to the client's need is rounded up past it by this much


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
