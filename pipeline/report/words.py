"""How the workbooks put figures and codes into words: codes with their titles and guideline
paragraphs, dollars and dates in sentences, and the cause of each disallowed dollar."""

from datetime import date

import pandas as pd

from pipeline.report.totals import cents_text
from pipeline.rules.days import CLAIM_EXCEEDS_DOCUMENTATION, NO_DOCUMENTATION_CODE
from pipeline.rules.table import BY_CODE
from schemas.columns import DEFAULT_RATE, NO_RATE, RATES_FILE, REASON_SEPARATOR

# The two causes of a disallowed dollar (SPEC §4.1), and the day codes that name the first:
# every dollar disallowed for documentation lies on a day carrying exactly one of them.
DOCUMENTATION, RULES = "documentation", "rules"
DOCUMENTATION_CODES = (NO_DOCUMENTATION_CODE, CLAIM_EXCEEDS_DOCUMENTATION)
CAUSE_WORDS = {
    DOCUMENTATION: "claimed time the case notes do not document at all",
    RULES: "documented time not billable under the guideline or the authorization",
}
CAUSE_CITES = {DOCUMENTATION: "§1, §2", RULES: "§2–§6, provider contract"}
NO_CITE = "—"
# Where a provider's unit rate came from, as the Summary says it: a rate that is not the
# contract's own must stand out.
RATE_SOURCE_WORDS = {RATES_FILE: "rates file", DEFAULT_RATE: "DEFAULT", NO_RATE: "NONE"}
# What a provider's Notice says the guideline paragraphs are.
GUIDELINE_NAME = "Case Management Billing Guidelines (5/4/09)"


def cite(code: str) -> str:
    """The guideline paragraph (or "provider contract") a code cites, "—" where none."""
    return BY_CODE[code].cites or NO_CITE


def cause_of(code: str) -> str:
    """The cause whose dollars a code accounts for (SPEC §4.1)."""
    return DOCUMENTATION if code in DOCUMENTATION_CODES else RULES


def finding_words(code: str) -> str:
    """A code's title and citation: "Voicemail (§3)" (the title alone where it cites none)."""
    cites = BY_CODE[code].cites
    return f"{BY_CODE[code].title} ({cites})" if cites else BY_CODE[code].title


def finding(code: str) -> str:
    """A code with its title and citation: "VOICEMAIL: Voicemail (§3)"."""
    return f"{code}: {finding_words(code)}"


def findings(reasons: pd.Series) -> pd.Series:
    """Each `;`-joined list of codes as its findings, joined by "; ".

    Few distinct code lists occur in a month, so each distinct one is spelled once and
    mapped onto the rows."""
    distinct = pd.Series(reasons.dropna().unique(), dtype="str")
    spelled = {
        text: "; ".join(finding(c) for c in text.split(REASON_SEPARATOR) if c)
        for text in distinct
    }
    return reasons.map(spelled).astype("str")


def dollars(cents: int | None) -> str:
    """Whole cents as a sentence shows them: "$1,969.33" ("no amount" where there is none)."""
    if cents is None:
        return "no amount (no unit rate)"
    whole, part = cents_text(cents).split(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}${int(whole.lstrip('-')):,}.{part}"


def counted(number: int, thing: str) -> str:
    """A count and its noun: "1 item", "3 items", "no items"."""
    if number == 0:
        return f"no {thing}s"
    return f"{number:,} {thing}{'s' * (number != 1)}"


def long_date(day: date) -> str:
    """A date as a letter spells it: "December 3, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"


def provider_words(provider_id: str, name: object) -> str:
    """A provider as a sentence names it: "Harbor Family Services (PRV-A)", or its ID alone."""
    return f"{name} ({provider_id})" if isinstance(name, str) and name else provider_id


def providers_named(ids: pd.Series, names: pd.Series) -> pd.Series:
    """Providers as a table lists them, ID first so that they sort by it: "PRV-A (Harbor
    Family Services)", or the ID alone where the rates file gives no name."""
    named = ids.astype("str") + " (" + names.astype("str") + ")"
    return named.where(names.notna() & names.astype("str").ne(""), ids.astype("str"))
