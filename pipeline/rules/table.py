"""The rules table: every code, its kind, a short title, its plain-English description and the
guideline paragraph (or contract) it cites.

The code, the workbook's `Rules` sheet and the README all read from `RULES`.
"""

from dataclasses import dataclass
from enum import StrEnum

CONTRACT = "provider contract"  # what §9's codes cite: the authorization, not the guideline


class Kind(StrEnum):
    LINE = "line"  # SPEC §3 (and §9): decided on one service line
    REVIEW = "review"  # SPEC §8: a flag that puts a line before an auditor; units unchanged
    DAY = "day"  # SPEC §4, §4.1, §9: decided on the client-day
    WARNING = "warning"  # SPEC §4, §8.2: reported, units unchanged


@dataclass(frozen=True)
class Rule:
    code: str
    kind: Kind
    title: str  # a few words, shown beside the code where space allows
    description: str
    cites: str


RULES: tuple[Rule, ...] = (
    Rule(
        "DUPLICATE_SERVICE",
        Kind.LINE,
        "Duplicate service row",
        "An earlier accepted row (earlier file, then earlier row) has the same provider_id and "
        "service_id; the first one stays unaffected.",
        "§1",
    ),
    Rule(
        "OUTSIDE_PERIOD",
        Kind.LINE,
        "Outside the billing month",
        "The service date is not in the billing month.",
        "",
    ),
    Rule(
        "NOT_AUTHORIZED",
        Kind.LINE,
        "No authorization for the date",
        "No authorization of this provider for this client covers the service date.",
        CONTRACT,
    ),
    Rule("UNDOCUMENTED", Kind.LINE, "Blank case note", "The case note is blank.", "§1"),
    Rule(
        "VOICEMAIL",
        Kind.LINE,
        "Voicemail",
        "Leaving or listening to voice messages is not billable.",
        "§3",
    ),
    Rule(
        "NOT_SIGNIFICANT",
        Kind.LINE,
        "Scheduling only",
        "Scheduling (confirming or rescheduling an appointment) is not a significant service.",
        "§2",
    ),
    Rule(
        "NOT_CLIENT_SPECIFIC",
        Kind.LINE,
        "Not client-specific",
        "The activity was not specific to this client (e.g. flyers, group information).",
        "§4, §5",
    ),
    Rule(
        "INTERNAL_STAFFING",
        Kind.LINE,
        "Internal case staffing",
        "A case staffing with no participant from outside the provider agency.",
        "§6",
    ),
    Rule(
        "RESEARCH_NO_FOLLOWUP",
        Kind.LINE,
        "Research without follow-up letter",
        "Research with no client-specific, documented letter mailed to the client on the research "
        "day or within the follow-up window after it.",
        "§5",
    ),
    Rule(
        "RESEARCH_FOLLOWUP_PENDING",
        Kind.LINE,
        "Research follow-up pending",
        "Research with no follow-up letter yet, whose follow-up window is still open at the end "
        "of the data: not countable until a letter arrives (re-run with the next month's "
        "services files to settle it).",
        "§5",
    ),
    Rule(
        "NOTE_SUGGESTS_VOICEMAIL",
        Kind.REVIEW,
        "Note reads like a voicemail",
        "The case note says a message was left or no one answered, but the activity is not "
        "coded as a voicemail.",
        "§3",
    ),
    Rule(
        "NOTE_SUGGESTS_SCHEDULING",
        Kind.REVIEW,
        "Note reads like scheduling",
        "The case note says an appointment was confirmed, rescheduled or reminded, but the "
        "activity is not coded as scheduling.",
        "§2",
    ),
    Rule(
        "NOTE_SUGGESTS_GROUP",
        Kind.REVIEW,
        "Note reads like a group mailing",
        "The case note mentions flyers, a newsletter or a mass mailing, but the line is marked "
        "client-specific.",
        "§4",
    ),
    Rule(
        "STAFF_TIME_OVERLAP",
        Kind.REVIEW,
        "Staff in two places at once",
        "Another line of the same staff member on the same date overlaps this line's clock "
        "times by at least one minute.",
        "§1",
    ),
    Rule(
        "MINUTES_EXCEED_INTERVAL",
        Kind.REVIEW,
        "Minutes exceed the clock times",
        "The line's minutes are more than its end time less its start time.",
        "§1",
    ),
    Rule(
        "BELOW_MINIMUM",
        Kind.DAY,
        "Under the daily minimum",
        "The client-day's eligible minutes total less than the minimum, so the day allows nothing.",
        "§2, §3",
    ),
    Rule(
        "AUTHORIZATION_CAP",
        Kind.DAY,
        "Over the authorization's monthly cap",
        "The authorization's units for the month were used up: the day keeps only what was "
        "left of the cap, or nothing.",
        CONTRACT,
    ),
    Rule(
        "NO_DOCUMENTATION",
        Kind.DAY,
        "Claimed with no documentation",
        "Units were claimed for a client-day with no documented service at all.",
        "§1",
    ),
    Rule(
        "CLAIM_EXCEEDS_DOCUMENTATION",
        Kind.DAY,
        "Claim exceeds documented time",
        "More units were claimed than all the documented minutes of the day would allow, even "
        "if every line counted.",
        "§1, §2",
    ),
    Rule(
        "STAFF_DAY_OVER_LIMIT",
        Kind.WARNING,
        "Staff day over the limit",
        "One staff member documented more minutes on one date, across all clients, than the "
        "daily limit.",
        "§1",
    ),
    Rule(
        "MULTIPLE_CLAIM_LINES",
        Kind.WARNING,
        "Several claims rows for one day",
        "The client-day has more than one accepted claims row.",
        "",
    ),
    Rule(
        "CROSS_PROVIDER_SAME_DAY",
        Kind.WARNING,
        "Client billed by several providers",
        "The client has units claimed at two or more providers on the same date.",
        "§1",
    ),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
# The flags of §8.1, decided by screening the note against phrases (config [review.phrases]).
NOTE_FLAGS: tuple[str, ...] = tuple(
    BY_CODE[c].code
    for c in ("NOTE_SUGGESTS_VOICEMAIL", "NOTE_SUGGESTS_SCHEDULING", "NOTE_SUGGESTS_GROUP")
)
# The Summary shows the dollars of the days carrying this code apart: withheld pending
# follow-up, not recouped for good (v2 §8.4).
RESEARCH_FOLLOWUP_PENDING = BY_CODE["RESEARCH_FOLLOWUP_PENDING"].code
# `reconcile explain` says how much of an authorization's cap a day kept.
AUTHORIZATION_CAP = BY_CODE["AUTHORIZATION_CAP"].code
# A line's and a day's reasons, in this order: line codes, review flags the config disallows
# (they then act as line codes), then the day codes.
REASON_ORDER: tuple[str, ...] = tuple(r.code for r in RULES if r.kind is not Kind.WARNING)


def codes(kind: Kind) -> tuple[str, ...]:
    """The codes of one kind, in table order."""
    return tuple(r.code for r in RULES if r.kind is kind)


def rules_markdown() -> str:
    """The rules table as Markdown, as the README shows it."""
    rows = ["| code | kind | what it means | guideline |", "| --- | --- | --- | --- |"]
    rows += [f"| `{r.code}` | {r.kind} | {r.description} | {r.cites or '—'} |" for r in RULES]
    return "\n".join(rows)
