"""The Summary sheet (SPEC v2 §5.1), built from the workbook's Figures alone: per provider the
claimed, payable and disallowed dollars, the share disallowed, the rate and where it came from,
and a TOTAL; below, disallowed by cause, disallowed by code, the
rows behind the figures sheet by sheet (rejected rows and the units they leave unreconciled
among them), and disallowed by provider and cause with its native chart. The dollars withheld
pending follow-up (SPEC §8.4) have a column of their own and a line in the headline."""

import numpy as np
import pandas as pd

from pipeline import money
from pipeline.report.figures import UNDER_BILLED_DAYS, Figures
from pipeline.report.model import (
    AMOUNT,
    CAUSE,
    CLIENT_DAYS_COUNT,
    CODE,
    CODE_DISALLOWED,
    DESCRIPTION,
    DISALLOWED_SHARE,
    DOCUMENTATION_DOLLARS,
    FILES_REJECTED,
    FINDING,
    FOR_REVIEW,
    GUIDELINE,
    PROVIDER_NAMED,
    RECOUPMENT_DAYS,
    RECOUPMENTS,
    REJECTED_ROWS,
    REVIEW_ROWS,
    ROWS,
    ROWS_REJECTED,
    RULES_DOLLARS,
    SERVICE_LINES_COUNT,
    SHEET,
    SUMMARY,
    TITLE,
    TOTAL,
    UNDER_BILLED,
    UNITS,
    UNITS_NOT_RECONCILED,
    WITHHELD,
    Chart,
    Sheet,
    Table,
    formats_of,
)
from pipeline.report.rows import cents_total, with_total
from pipeline.report.words import (
    CAUSE_CITES,
    CAUSE_WORDS,
    DOCUMENTATION,
    RATE_SOURCE_WORDS,
    RULES,
    cause_of,
    cite,
    dollars,
    finding_words,
    providers_named,
)
from pipeline.rules.table import BY_CODE
from pipeline.rules.table import RULES as RULE_TABLE
from schemas.columns import (
    CLAIMED_AMOUNT,
    DEFAULT_RATE,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    NO_RATE,
    PAYABLE_AMOUNT,
    PROVIDER_ID,
    PROVIDER_NAME,
    RATE_SOURCE,
    UNCLAIMED_AMOUNT,
    UNIT_RATE,
)

PROVIDER_COLUMNS = (
    PROVIDER_NAMED, UNIT_RATE, RATE_SOURCE, CLIENT_DAYS_COUNT, CLAIMED_AMOUNT, PAYABLE_AMOUNT,
    DISALLOWED_AMOUNT, DISALLOWED_SHARE, WITHHELD,
)
BY_PROVIDER_CAUSE_COLUMNS = (
    PROVIDER_NAMED, DOCUMENTATION_DOLLARS, RULES_DOLLARS, DISALLOWED_AMOUNT,
)
SUMMARY_CODE_COLUMNS = (
    CODE, CAUSE, CLIENT_DAYS_COUNT, SERVICE_LINES_COUNT, RECOUPMENT_DAYS, CODE_DISALLOWED,
    FINDING,
)
# The figures' cents each column of the provider table shows.
PROVIDER_CENTS = {
    CLAIMED_AMOUNT: CLAIMED_AMOUNT,
    PAYABLE_AMOUNT: PAYABLE_AMOUNT,
    DISALLOWED_AMOUNT: DISALLOWED_AMOUNT,
    DOCUMENTATION_DOLLARS: DISALLOWED_AMOUNT_DOCUMENTATION,
    RULES_DOLLARS: DISALLOWED_AMOUNT_RULES,
    WITHHELD: WITHHELD,
}
CHART_TITLE = "Disallowed dollars by provider and cause"
BY_PROVIDER_CAUSE = "Disallowed by provider and cause, charted below"
BY_CAUSE = "Disallowed by cause"
BY_CODE_TITLE = (
    "Disallowed by code: a client-day with several codes counts under each, so the rows add up "
    "to more than the total"
)
IN_THIS_WORKBOOK = "The rows behind these figures, sheet by sheet"


def amounts(cents: pd.Series) -> pd.Series:
    """Whole cents (Int64) as exact dollar amounts."""
    return money.as_amount(cents.astype("Int64").reset_index(drop=True))


def and_total(cents: pd.Series) -> pd.Series:
    """Cents with their total appended, as a table with a TOTAL row shows them."""
    total = pd.Series([cents_total(cents)], dtype="Int64")
    return pd.concat([cents.astype("Int64"), total], ignore_index=True)


def share(disallowed: pd.Series, claimed: pd.Series) -> pd.Series:
    """Disallowed as a percentage of claimed, two decimals; empty where nothing is claimed."""
    d = disallowed.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    c = claimed.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.round(d * 100 / c, 2)
    return pd.Series(np.where(c > 0, percent, np.nan), dtype="float64")


def provider_frame(figures: Figures) -> pd.DataFrame:
    """One row per provider and a TOTAL row: the rate and its source, the dollars claimed,
    payable and disallowed, and disallowed by cause."""
    p = figures.providers.reset_index(drop=True)
    rows = pd.DataFrame(
        {
            PROVIDER_NAMED: providers_named(p[PROVIDER_ID], p[PROVIDER_NAME]),
            UNIT_RATE: p[UNIT_RATE],
            RATE_SOURCE: p[RATE_SOURCE].map(RATE_SOURCE_WORDS).astype("str"),
            CLIENT_DAYS_COUNT: p[CLIENT_DAYS_COUNT],
        }
    )
    rows = with_total(rows, {CLIENT_DAYS_COUNT: p[CLIENT_DAYS_COUNT].sum()})
    cents = {column: and_total(p[source]) for column, source in PROVIDER_CENTS.items()}
    return rows.assign(
        **{c: amounts(cents[c]) for c in PROVIDER_CENTS},
        **{DISALLOWED_SHARE: share(cents[DISALLOWED_AMOUNT], cents[CLAIMED_AMOUNT])},
    )


def cause_frame(figures: Figures) -> pd.DataFrame:
    """Documentation, rules and their total: units and dollars (SPEC §4.1)."""
    p = figures.providers
    causes = (DOCUMENTATION, RULES)
    units = [p[DISALLOWED_UNITS_DOCUMENTATION].sum(), p[DISALLOWED_UNITS_RULES].sum()]
    cents = pd.Series(
        [
            cents_total(p[DISALLOWED_AMOUNT_DOCUMENTATION]),
            cents_total(p[DISALLOWED_AMOUNT_RULES]),
            cents_total(p[DISALLOWED_AMOUNT]),
        ],
        dtype="Int64",
    )
    return pd.DataFrame(
        {
            CAUSE: pd.Series([*causes, TOTAL], dtype="str"),
            DISALLOWED_UNITS: pd.Series([*units, sum(units)], dtype="float64"),
            DISALLOWED_AMOUNT: amounts(cents),
            DESCRIPTION: pd.Series(
                [*(f"{CAUSE_WORDS[c]} ({CAUSE_CITES[c]})" for c in causes), ""], dtype="str"
            ),
        }
    )


def code_frame(figures: Figures) -> pd.DataFrame:
    """Per reason code occurring: its title, citation, cause, client-days, lines, and the
    dollars of its cause on the days carrying it."""
    codes = figures.codes
    cause = codes[CODE].map(cause_of).astype("str")
    cents = codes[DISALLOWED_AMOUNT_RULES].where(
        cause.ne(DOCUMENTATION), codes[DISALLOWED_AMOUNT_DOCUMENTATION]
    )
    counts = [CLIENT_DAYS_COUNT, SERVICE_LINES_COUNT, RECOUPMENT_DAYS]
    keyed = (
        codes[[CODE, *counts]].assign(**{CODE_DISALLOWED: cents.astype("Int64")}).groupby(
            CODE, sort=False
        )
    )
    summed = pd.concat(
        [
            keyed[counts].sum(),
            keyed[CODE_DISALLOWED].sum(min_count=1),
        ],
        axis=1,
    )
    order = [r.code for r in RULE_TABLE if r.code in summed.index]
    summed = summed.reindex(order)
    return pd.DataFrame(
        {
            CODE: pd.Series(order, dtype="str"),
            CAUSE: pd.Series([cause_of(c) for c in order], dtype="str"),
            CLIENT_DAYS_COUNT: summed[CLIENT_DAYS_COUNT].to_numpy(dtype="int64"),
            SERVICE_LINES_COUNT: summed[SERVICE_LINES_COUNT].to_numpy(dtype="int64"),
            RECOUPMENT_DAYS: summed[RECOUPMENT_DAYS].to_numpy(dtype="int64"),
            CODE_DISALLOWED: amounts(summed[CODE_DISALLOWED]),
            TITLE: pd.Series([BY_CODE[c].title for c in order], dtype="str"),
            GUIDELINE: pd.Series([cite(c) for c in order], dtype="str"),
            FINDING: pd.Series([finding_words(c) for c in order], dtype="str"),
        }
    )


def workbook_frame(figures: Figures) -> pd.DataFrame:
    """Where the rows behind the figures are: the sheets a reader acts on, with their rows,
    dollars or units, and the rejected rows that are in no figure ("not reconciled")."""
    p, rejected = figures.providers, figures.rejected
    whole = int(rejected[FILES_REJECTED].sum())
    return pd.DataFrame(
        {
            SHEET: pd.Series([RECOUPMENTS, UNDER_BILLED, FOR_REVIEW, REJECTED_ROWS], dtype="str"),
            ROWS: pd.Series(
                [
                    p[RECOUPMENT_DAYS].sum(),
                    p[UNDER_BILLED_DAYS].sum(),
                    p[REVIEW_ROWS].sum(),
                    rejected[ROWS_REJECTED].sum(),
                ],
                dtype="int64",
            ),
            AMOUNT: amounts(
                pd.Series(
                    [
                        figures.priced(DISALLOWED_AMOUNT),
                        figures.priced(UNCLAIMED_AMOUNT),
                        None,
                        None,
                    ],
                    dtype="Int64",
                )
            ),
            UNITS: pd.Series(
                [
                    p[DISALLOWED_UNITS].sum(),
                    None,
                    None,
                    rejected[UNITS_NOT_RECONCILED].sum(),
                ],
                dtype="float64",
            ),
            DESCRIPTION: pd.Series(
                [
                    "client-days with disallowed dollars, each with its causes, codes and "
                    "claims rows",
                    "client-days not claimed or claimed under what the notes allow: the "
                    "dollars unclaimed",
                    "warnings and review flags, with their evidence; they change no units",
                    "rows rejected, in no figure above"
                    + (f" (and {whole} file{'s' * (whole != 1)} rejected whole)" if whole else "")
                    + "; units: those claimed on rejected claims rows, not reconciled",
                ],
                dtype="str",
            ),
        }
    )


def named(providers: pd.DataFrame) -> str:
    """Providers' IDs as a sentence's subject: "PRV-C is", "PRV-C, PRV-D are"."""
    ids = providers[PROVIDER_ID].astype("str").tolist()
    return f"{', '.join(ids)} {'is' if len(ids) == 1 else 'are'}"


def headline(figures: Figures) -> tuple[str, ...]:
    """The answer in words, and any provider whose rate is not its contract's own."""
    claimed = figures.priced(CLAIMED_AMOUNT)
    lines = []
    if claimed is not None:
        disallowed = figures.cents(DISALLOWED_AMOUNT)
        percent = f" ({disallowed * 100 / claimed:.2f}% of claimed)" if claimed else ""
        lines.append(
            f"Claimed {dollars(claimed)}; payable {dollars(figures.cents(PAYABLE_AMOUNT))}; "
            f"disallowed {dollars(disallowed)}{percent}: "
            f"{dollars(figures.cents(DISALLOWED_AMOUNT_DOCUMENTATION))} for documentation, "
            f"{dollars(figures.cents(DISALLOWED_AMOUNT_RULES))} under the rules."
        )
        withheld = figures.cents(WITHHELD)
        if withheld:
            lines.append(
                f"Withheld pending follow-up: {dollars(withheld)} of the rules figure, on days "
                "with research whose follow-up letter may still come (§5); a re-run with next "
                "month's services files settles it."
            )
    p = figures.providers
    default = p.loc[p[RATE_SOURCE] == DEFAULT_RATE]
    if len(default):
        rate = f"${default[UNIT_RATE].iloc[0]:,.2f}"
        lines.append(
            f"Attention: {named(default)} billed at the DEFAULT unit rate of {rate} (config "
            "default_unit_rate), since the rates file has no rate for it."
        )
    rateless = p.loc[p[RATE_SOURCE] == NO_RATE]
    if len(rateless):
        lines.append(
            f"Attention: {named(rateless)} without a unit rate (neither the rates file nor a "
            "default gives one): its amounts are empty."
        )
    return tuple(lines)


def summary_sheet(figures: Figures, title: str) -> Sheet:
    """Providers and TOTAL first (frozen, filterable, TOTAL outside the filter), the tables
    below, and the chart of disallowed dollars by provider and cause."""
    table = provider_frame(figures)
    providers = table[list(PROVIDER_COLUMNS)]
    below = tuple(
        Table(frame, formats_of(frame), caption, totals=totals)
        for caption, frame, totals in (
            (BY_CAUSE, cause_frame(figures), 1),
            (BY_CODE_TITLE, code_frame(figures)[list(SUMMARY_CODE_COLUMNS)], 0),
            (IN_THIS_WORKBOOK, workbook_frame(figures), 0),
            (BY_PROVIDER_CAUSE, table[list(BY_PROVIDER_CAUSE_COLUMNS)], 1),
        )
    )
    return Sheet(
        SUMMARY,
        providers,
        formats_of(providers),
        title_rows=(title, *headline(figures)),
        below=below,
        totals=1,
        charts=(
            Chart(
                CHART_TITLE,
                BY_PROVIDER_CAUSE,
                PROVIDER_NAMED,
                (DOCUMENTATION_DOLLARS, RULES_DOLLARS),
            ),
        ),
    )
