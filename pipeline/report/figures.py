"""A workbook's figures, computed once from its rows: per provider, per provider and code, and
the rejected rows by input kind.

A few rows a provider, whatever the month's size: the Summary and the Notice are built from
these alone, so an engine could hand them over in place of the rows. Amount columns hold
exact whole cents (Int64, NA where the provider has no rate); totals are sums of the rounded
per-day amounts (SPEC §4.2).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline import money
from pipeline.report.model import (
    CLAIMS_COUNT,
    CLIENT_DAYS_COUNT,
    CODE,
    FILES_REJECTED,
    KIND,
    RECOUPMENT_DAYS,
    REVIEW_ROWS,
    ROWS_REJECTED,
    SERVICE_LINES_COUNT,
    UNITS_NOT_RECONCILED,
    WITHHELD,
)
from pipeline.report.scope import Scope
from pipeline.rules.table import REASON_ORDER, RESEARCH_FOLLOWUP_PENDING
from schemas.columns import (
    AMOUNT_COLUMNS,
    CLAIMED_AMOUNT,
    CLAIMED_UNITS,
    DISALLOWED_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES,
    DISALLOWED_UNITS,
    DISALLOWED_UNITS_DOCUMENTATION,
    DISALLOWED_UNITS_RULES,
    INPUT_KINDS,
    NOT_CLAIMED,
    PROVIDER_ID,
    PROVIDERS_COLUMNS,
    REASON_SEPARATOR,
    REASONS,
    SOURCE_FILE,
    SOURCE_ROW,
    STATUS,
    UNDER_CLAIMED,
    UNITS_CLAIMED,
    VARIANCE_UNITS,
)

# Per provider: counts, units, then cents.
UNDER_BILLED_DAYS = "under_billed_days"
UNDER_BILLED_STATUSES = (NOT_CLAIMED, UNDER_CLAIMED)
COUNTS = (
    CLIENT_DAYS_COUNT, SERVICE_LINES_COUNT, CLAIMS_COUNT, RECOUPMENT_DAYS, UNDER_BILLED_DAYS,
    REVIEW_ROWS,
)
UNIT_SUMS = (
    CLAIMED_UNITS, DISALLOWED_UNITS, DISALLOWED_UNITS_DOCUMENTATION, DISALLOWED_UNITS_RULES,
)
CENTS = (*AMOUNT_COLUMNS, WITHHELD)
CODE_CENTS = (DISALLOWED_AMOUNT_RULES, DISALLOWED_AMOUNT_DOCUMENTATION)
RANK = "_rank"


@dataclass(frozen=True)
class Figures:
    """What the Summary and the Notice show, for the providers of one workbook."""

    month: str
    authorizations: str  # whether SPEC §9 applied, in a sentence
    providers: pd.DataFrame  # PROVIDERS_COLUMNS, COUNTS, UNIT_SUMS, CENTS; sorted by provider
    codes: pd.DataFrame  # provider_id, code, client-days, recoupments, lines, CODE_CENTS
    rejected: pd.DataFrame  # per input kind read: rows rejected, files rejected whole, units

    def cents(self, column: str) -> int:
        """The total cents of an amount column over the workbook's providers (NA counts 0)."""
        return int(self.providers[column].fillna(0).sum())

    def priced(self, column: str) -> int | None:
        """The total cents of an amount column; None when no provider has a rate."""
        values = self.providers[column]
        return None if len(values) and values.isna().all() else int(values.fillna(0).sum())


def cents_frame(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The frame's amount columns as whole cents (Int64)."""
    return pd.DataFrame({c: money.cents_of(frame[c]) for c in columns}, index=frame.index)


def recouped(days: pd.DataFrame) -> np.ndarray:
    """Which days are recoupments: disallowed dollars, or, where no rate prices them,
    disallowed units."""
    cents = money.cents_of(days[DISALLOWED_AMOUNT])
    owed = days[VARIANCE_UNITS].to_numpy(dtype="float64") > 0
    return np.where(cents.isna().to_numpy(dtype=bool), owed, cents.fillna(0).to_numpy() > 0)


def code_figures(scope: Scope) -> pd.DataFrame:
    """Per provider and reason code: the client-days and service lines carrying it, those of
    its days that are recoupments, and each cause's disallowed cents on its days. A day with
    several codes counts under each."""
    days = pd.concat(
        [
            scope.days[[PROVIDER_ID, REASONS]].assign(**{RECOUPMENT_DAYS: recouped(scope.days)}),
            cents_frame(scope.days, CODE_CENTS),
        ],
        axis=1,
    )
    # Few distinct code lists per provider: split those, not every row.
    keyed = days.groupby([PROVIDER_ID, REASONS], sort=False, observed=True)
    per_text = pd.concat(
        [
            keyed.size().rename(CLIENT_DAYS_COUNT),
            keyed[[RECOUPMENT_DAYS]].sum(),
            keyed[list(CODE_CENTS)].sum(min_count=1),
        ],
        axis=1,
    )
    line_texts = (
        scope.lines.groupby([PROVIDER_ID, REASONS], sort=False, observed=True)
        .size()
        .rename(SERVICE_LINES_COUNT)
    )
    table = pd.concat([per_text, line_texts], axis=1).reset_index()
    table = table.assign(**{CODE: table[REASONS].str.split(REASON_SEPARATOR)}).explode(CODE)
    table = table.loc[table[CODE].isin(REASON_ORDER)]
    summed = table.groupby([PROVIDER_ID, CODE], sort=False, observed=True)
    out = pd.concat(
        [
            summed[[CLIENT_DAYS_COUNT, RECOUPMENT_DAYS, SERVICE_LINES_COUNT]].sum(),
            summed[list(CODE_CENTS)].sum(min_count=1),
        ],
        axis=1,
    ).reset_index()
    out = out.assign(**{RANK: out[CODE].map({c: i for i, c in enumerate(REASON_ORDER)})})
    out = out.sort_values([PROVIDER_ID, RANK], kind="stable").drop(columns=[RANK])
    return out.astype(
        {
            PROVIDER_ID: "str",
            CODE: "str",
            CLIENT_DAYS_COUNT: "int64",
            RECOUPMENT_DAYS: "int64",
            SERVICE_LINES_COUNT: "int64",
            **dict.fromkeys(CODE_CENTS, "Int64"),
        }
    ).reset_index(drop=True)


def rejected_figures(scope: Scope) -> pd.DataFrame:
    """Per input kind read: rows rejected (each row once, however many of its cells failed),
    files rejected whole, and the claimed units of rejected claims rows that could be read."""
    kinds = {f.path: f.kind for f in scope.files}
    rejected = scope.rejected
    rows = rejected.drop_duplicates([SOURCE_FILE, SOURCE_ROW])
    kind = rows[SOURCE_FILE].map(kinds)
    whole = rows[SOURCE_ROW].isna().to_numpy(dtype=bool)
    counted = pd.DataFrame(
        {
            KIND: kind.astype("str"),
            ROWS_REJECTED: (~whole).astype("int64"),
            FILES_REJECTED: whole.astype("int64"),
            UNITS_NOT_RECONCILED: rows[UNITS_CLAIMED].fillna(0.0).to_numpy(dtype="float64"),
        }
    )
    present = [k for k in INPUT_KINDS if k in set(kinds.values())]
    sums = counted.groupby(KIND, sort=False).sum().reindex(present)
    return pd.DataFrame(
        {
            KIND: pd.Series(present, dtype="str"),
            ROWS_REJECTED: sums[ROWS_REJECTED].fillna(0).astype("int64").to_numpy(),
            FILES_REJECTED: sums[FILES_REJECTED].fillna(0).astype("int64").to_numpy(),
            UNITS_NOT_RECONCILED: sums[UNITS_NOT_RECONCILED].fillna(0.0).to_numpy(),
        }
    )


def provider_figures(scope: Scope, codes: pd.DataFrame) -> pd.DataFrame:
    """Per provider of the scope: its name, rate and rate source, counts, units and cents."""
    days = scope.days
    frame = pd.concat(
        [
            days[[PROVIDER_ID, CLAIMED_UNITS]],
            cents_frame(days, AMOUNT_COLUMNS),
            pd.DataFrame(
                {
                    DISALLOWED_UNITS: days[VARIANCE_UNITS].clip(lower=0),
                    DISALLOWED_UNITS_DOCUMENTATION: days[DISALLOWED_UNITS_DOCUMENTATION],
                    DISALLOWED_UNITS_RULES: days[DISALLOWED_UNITS_RULES],
                    RECOUPMENT_DAYS: recouped(days),
                    UNDER_BILLED_DAYS: days[STATUS].isin(UNDER_BILLED_STATUSES),
                },
                index=days.index,
            ),
        ],
        axis=1,
    )
    keyed = frame.groupby(PROVIDER_ID, sort=False, observed=True)
    pending = codes.loc[codes[CODE] == RESEARCH_FOLLOWUP_PENDING].set_index(PROVIDER_ID)
    sums = pd.concat(
        [
            keyed.size().rename(CLIENT_DAYS_COUNT),
            scope.lines.groupby(PROVIDER_ID, observed=True).size().rename(SERVICE_LINES_COUNT),
            scope.claims.groupby(PROVIDER_ID, observed=True).size().rename(CLAIMS_COUNT),
            keyed[[RECOUPMENT_DAYS, UNDER_BILLED_DAYS]].sum(),
            scope.review.groupby(PROVIDER_ID, observed=True).size().rename(REVIEW_ROWS),
            keyed[list(UNIT_SUMS)].sum(),
            keyed[list(AMOUNT_COLUMNS)].sum(min_count=1),
            pending[DISALLOWED_AMOUNT_RULES].rename(WITHHELD),
        ],
        axis=1,
    )
    providers = scope.providers[list(PROVIDERS_COLUMNS)].sort_values(PROVIDER_ID, kind="stable")
    sums = sums.reindex(providers[PROVIDER_ID].to_numpy())
    # Nothing pending withholds no dollars, where the provider's days are priced.
    withheld = sums[WITHHELD].astype("Int64")
    withheld = withheld.mask(sums[CLAIMED_AMOUNT].notna() & withheld.isna(), 0)
    return providers.reset_index(drop=True).assign(
        **{c: sums[c].fillna(0).astype("int64").to_numpy() for c in COUNTS},
        **{c: sums[c].fillna(0.0).astype("float64").to_numpy() for c in UNIT_SUMS},
        **{c: sums[c].astype("Int64").to_numpy() for c in AMOUNT_COLUMNS},
        **{WITHHELD: withheld.to_numpy()},
    )


def figures_of(scope: Scope) -> Figures:
    """The scope's figures (see Figures)."""
    codes = code_figures(scope)
    return Figures(
        month=scope.month,
        authorizations=scope.authorizations_state,
        providers=provider_figures(scope, codes),
        codes=codes,
        rejected=rejected_figures(scope),
    )
