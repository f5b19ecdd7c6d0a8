"""The rules table: every code, its kind, its plain-English description and the guideline §.

The code, the workbook's `Rules` sheet and the README all read from `RULES`.
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    LINE = "line"  # SPEC §3: decided on one service line
    DAY = "day"  # SPEC §4: decided on the client-day's total
    WARNING = "warning"  # SPEC §4 warnings: reported, units unchanged


@dataclass(frozen=True)
class Rule:
    code: str
    kind: Kind
    description: str
    cites: str


RULES: tuple[Rule, ...] = (
    Rule(
        "DUPLICATE_SERVICE",
        Kind.LINE,
        "An earlier accepted row (earlier file, then earlier row) has the same provider_id and "
        "service_id; the first one stays unaffected.",
        "§1",
    ),
    Rule("OUTSIDE_PERIOD", Kind.LINE, "The service date is not in the billing month.", ""),
    Rule("UNDOCUMENTED", Kind.LINE, "The case note is blank.", "§1"),
    Rule(
        "VOICEMAIL",
        Kind.LINE,
        "Leaving or listening to voice messages is not billable.",
        "§3",
    ),
    Rule(
        "NOT_SIGNIFICANT",
        Kind.LINE,
        "Scheduling (confirming or rescheduling an appointment) is not a significant service.",
        "§2",
    ),
    Rule(
        "NOT_CLIENT_SPECIFIC",
        Kind.LINE,
        "The activity was not specific to this client (e.g. flyers, group information).",
        "§4, §5",
    ),
    Rule(
        "INTERNAL_STAFFING",
        Kind.LINE,
        "A case staffing with no participant from outside the provider agency.",
        "§6",
    ),
    Rule(
        "RESEARCH_NO_FOLLOWUP",
        Kind.LINE,
        "Research with no client-specific, documented letter mailed to the client on the research "
        "day or within the follow-up window after it.",
        "§5",
    ),
    Rule(
        "BELOW_MINIMUM",
        Kind.DAY,
        "The client-day's eligible minutes total less than the minimum, so the day allows nothing.",
        "§2, §3",
    ),
    Rule(
        "STAFF_DAY_OVER_LIMIT",
        Kind.WARNING,
        "One staff member documented more minutes on one date, across all clients, than the "
        "daily limit.",
        "§1",
    ),
    Rule(
        "MULTIPLE_CLAIM_LINES",
        Kind.WARNING,
        "The client-day has more than one accepted claims row.",
        "",
    ),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
REASON_ORDER: tuple[str, ...] = tuple(r.code for r in RULES if r.kind is not Kind.WARNING)


def codes(kind: Kind) -> tuple[str, ...]:
    """The codes of one kind, in table order."""
    return tuple(r.code for r in RULES if r.kind is kind)


def rules_markdown() -> str:
    """The rules table as Markdown, as the README shows it."""
    rows = ["| code | kind | what it means | guideline |", "| --- | --- | --- | --- |"]
    rows += [f"| `{r.code}` | {r.kind} | {r.description} | {r.cites or '—'} |" for r in RULES]
    return "\n".join(rows)
