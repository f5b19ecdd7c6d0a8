"""A provider's findings notice (SPEC v2 §5.1): one printed page, built from its Figures, with
the month, what was claimed, paid and disallowed, by cause and by code with the guideline
paragraph, and how to respond and by when."""

from datetime import date, datetime, timedelta

import pandas as pd

from pipeline import money
from pipeline.report.figures import UNDER_BILLED_DAYS, Figures
from pipeline.report.model import (
    AMOUNT,
    CODE,
    CODE_DISALLOWED,
    FIGURE,
    FINDING,
    NOTICE,
    RECOUPMENT_DAYS,
    RECOUPMENTS,
    RESPONSES,
    REVIEW_ROWS,
    UNITS,
    WITHHELD,
    Page,
    Table,
    Text,
    TextStyle,
    formats_of,
)
from pipeline.report.summary_sheet import code_frame, share
from pipeline.report.words import (
    CAUSE_CITES,
    CAUSE_WORDS,
    DOCUMENTATION,
    GUIDELINE_NAME,
    RULES,
    counted,
    dollars,
    long_date,
)
from pipeline.rules.table import BY_CODE
from schemas.columns import (
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    PAYABLE_AMOUNT,
    UNCLAIMED_AMOUNT,
)

_RANK = "_rank"


def response_due(run_at: datetime, response_days: int) -> date:
    """The day a provider's answer is due: response_days after the run date."""
    return (run_at + timedelta(days=response_days)).date()


def month_words(month: str) -> str:
    """"2026-10" as "October 2026"."""
    return f"{datetime.strptime(month, '%Y-%m'):%B %Y}"


def totals_table(figures: Figures) -> Table:
    """Claimed, payable, disallowed and its two causes: units and dollars."""
    p = figures.providers
    claimed, disallowed = float(p[CLAIMED_UNITS].sum()), float(p[DISALLOWED_UNITS].sum())
    rows = [
        ("Claimed", claimed, CLAIMED_AMOUNT),
        ("Payable", claimed - disallowed, PAYABLE_AMOUNT),
        ("Disallowed", disallowed, DISALLOWED_AMOUNT),
        (
            f"   for documentation ({CAUSE_CITES[DOCUMENTATION]})",
            float(p[DISALLOWED_UNITS_DOCUMENTATION].sum()),
            DISALLOWED_AMOUNT_DOCUMENTATION,
        ),
        (
            f"   under the rules ({CAUSE_CITES[RULES]})",
            float(p[DISALLOWED_UNITS_RULES].sum()),
            DISALLOWED_AMOUNT_RULES,
        ),
    ]
    frame = pd.DataFrame(
        {
            FIGURE: pd.Series([r[0] for r in rows], dtype="str"),
            UNITS: pd.Series([r[1] for r in rows], dtype="float64"),
            AMOUNT: money.as_amount(
                pd.Series([figures.priced(r[2]) for r in rows], dtype="Int64")
            ),
        }
    )
    return Table(frame, formats_of(frame), bold_rows=frozenset({2}))


def codes_table(figures: Figures) -> Table:
    """The codes that disallowed dollars, most dollars first: title and guideline paragraph,
    the client-days disallowed that carry it and the dollars of its cause on them."""
    codes = code_frame(figures)
    cents = money.cents_of(codes[CODE_DISALLOWED])
    shown = codes.loc[cents.isna() | (cents > 0)].assign(**{_RANK: cents})
    shown = shown.sort_values(_RANK, ascending=False, kind="stable", na_position="last")
    frame = shown[[CODE, FINDING, RECOUPMENT_DAYS, CODE_DISALLOWED]].reset_index(drop=True)
    return Table(frame, formats_of(frame))


def notice_page(figures: Figures, who: str, run_at: datetime, response_days: int) -> Page:
    """The one-page notice of the provider whose Figures these are."""
    month = month_words(figures.month)
    due = long_date(response_due(run_at, response_days))
    claimed = figures.priced(CLAIMED_AMOUNT)
    disallowed = figures.priced(DISALLOWED_AMOUNT)
    percent = share(
        pd.Series([disallowed], dtype="Int64"), pd.Series([claimed], dtype="Int64")
    ).iloc[0]
    recoupments = int(figures.providers[RECOUPMENT_DAYS].sum())
    answer = (
        f"On the {RECOUPMENTS} sheet each row is one client-day with disallowed dollars, largest "
        "first, with its codes and the claims rows it comes from. For each "
        f"row choose a Response ({', '.join(RESPONSES)}) and add a Comment where it helps; "
        "send any documentation with the workbook, naming the client and the date. Return "
        f"this workbook to the funder by {due}, {response_days} days after the run date."
        if recoupments
        else "Nothing you claimed was disallowed: there is nothing to answer."
    )
    p = figures.providers
    units = f"Of the {float(p[CLAIMED_UNITS].sum()):,.2f} units you claimed"
    if claimed is None:
        outcome = (
            f"{units}, {float(p[DISALLOWED_UNITS].sum()):,.2f} are disallowed, on "
            f"{counted(recoupments, 'client-day')}; no unit rate is on file for your agency, "
            "so the funder will price them once it has one."
        )
    elif claimed:
        outcome = (
            f"Of the {dollars(claimed)} you claimed, {dollars(figures.priced(PAYABLE_AMOUNT))} "
            f"is payable and {dollars(disallowed)} ({percent:.2f}%) is disallowed, on "
            f"{counted(recoupments, 'client-day')}."
        )
    else:
        outcome = "You claimed nothing for this month."
    withheld = figures.priced(WITHHELD) or 0
    blocks: list[Text | Table] = [
        Text(f"Findings notice: Case Management billing, {month}", TextStyle.TITLE),
        Text(f"To {who}. Reconciled on {long_date(run_at.date())}."),
        Text(
            f"The funder reconciled the Case Management units your agency claimed for {month} "
            f"(billing month {figures.month}) against the case notes of your service log, "
            f"under the {GUIDELINE_NAME} and your contract. {outcome}"
        ),
        Text("Claimed, payable and disallowed", TextStyle.HEADING),
        totals_table(figures),
        Text(
            f"Disallowed for documentation: {CAUSE_WORDS[DOCUMENTATION]}. Disallowed under the "
            f"rules: {CAUSE_WORDS[RULES]}."
        ),
    ]
    if withheld:
        blocks.append(
            Text(
                f"Of the dollars disallowed under the rules, {dollars(withheld)} are withheld "
                "pending follow-up: research whose follow-up letter (§5) may still come. They "
                "are settled when the month is reconciled again with next month's service logs."
            )
        )
    if recoupments:
        blocks += [
            Text("Disallowed by code", TextStyle.HEADING),
            Text(
                "A client-day counts under every code it carries, so the rows can add up to "
                "more than the total. § are paragraphs of the guidelines; \"provider "
                "contract\" is your authorization to serve the client."
            ),
            codes_table(figures),
        ]
    p = figures.providers
    under = int(p[UNDER_BILLED_DAYS].sum())
    unclaimed = figures.priced(UNCLAIMED_AMOUNT)
    review = int(p[REVIEW_ROWS].sum())
    blocks += [
        Text(f"How to respond, by {due}", TextStyle.HEADING),
        Text(answer),
        Text(
            f"Also in this workbook: Under-billed lists {counted(under, 'client-day')} where "
            "your notes support "
            + (f"{dollars(unclaimed)} more" if unclaimed is not None else "more")
            + f" than you claimed; For Review lists {counted(review, 'item')} to look at "
            "(they change no units). "
            f"The Rules sheet explains every code ({len(BY_CODE)} in all)."
        ),
    ]
    return Page(NOTICE, tuple(blocks))
