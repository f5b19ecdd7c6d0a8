"""Whose rows a workbook shows: the whole month (the funder's workbook) or one provider's
(SPEC v2 §5.1: a provider's workbook holds only that provider's data)."""

from dataclasses import dataclass

import pandas as pd

from pipeline.config import Config
from pipeline.report.totals import authorizations_state
from pipeline.report.words import provider_words
from pipeline.result import FileReport, RunResult
from pipeline.rules.review import CROSS_PROVIDER_SAME_DAY
from schemas.columns import DETAIL, PROVIDER_ID, PROVIDER_NAME, SOURCE_FILE, WARNING_CODE

# What a provider's workbook says of the other providers of a CROSS_PROVIDER_SAME_DAY warning,
# whose detail names them: they are other agencies' business.
OTHERS_UNNAMED = "also claimed at one or more other providers on this date"


@dataclass(frozen=True)
class Scope:
    """The rows of one workbook, and what it says about whose they are."""

    month: str
    config: Config
    provider: str | None  # None: every provider (the funder's workbook)
    who: str  # "all providers", or "Harbor Family Services (PRV-A)"
    days: pd.DataFrame
    lines: pd.DataFrame
    claims: pd.DataFrame
    review: pd.DataFrame
    rejected: pd.DataFrame
    providers: pd.DataFrame
    authorizations: pd.DataFrame
    rates: pd.DataFrame
    files: tuple[FileReport, ...]
    authorizations_state: str  # whether SPEC §9 applied to the run, in a sentence

    @property
    def footer(self) -> str:
        """What every printed page says at its foot: whose data and which month."""
        whose = "All providers" if self.provider is None else f"Provider {self.who}"
        return f"{whose}, billing month {self.month}"


def funder_scope(result: RunResult) -> Scope:
    """Every row of the month, as the run holds them."""
    return Scope(
        month=result.month,
        config=result.config,
        provider=None,
        who="all providers",
        days=result.days,
        lines=result.lines,
        claims=result.claims,
        review=result.review,
        rejected=result.loaded.rejected,
        providers=result.providers,
        authorizations=result.loaded.authorizations,
        rates=result.loaded.rates,
        files=result.loaded.files,
        authorizations_state=authorizations_state(result.loaded),
    )


def provider_scope(result: RunResult, provider_id: str) -> Scope:
    """One provider's rows only: its days, lines, claims, authorizations and review rows, the
    rejected rows whose provider_id cell reads exactly as its ID, and the files holding any of
    them. A CROSS_PROVIDER_SAME_DAY warning is shown without the other providers' names."""

    def mine(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[(frame[PROVIDER_ID] == provider_id).fillna(False).to_numpy(dtype=bool)]

    review = mine(result.review)
    crossed = (review[WARNING_CODE] == CROSS_PROVIDER_SAME_DAY).to_numpy(dtype=bool)
    review = review.assign(**{DETAIL: review[DETAIL].mask(crossed, OTHERS_UNNAMED)})
    providers = mine(result.providers)
    rejected = mine(result.loaded.rejected)
    lines, claims = mine(result.lines), mine(result.claims)
    authorizations = mine(result.loaded.authorizations)
    rates = mine(result.loaded.rates)
    held = set(
        pd.concat(
            [f[SOURCE_FILE] for f in (lines, claims, authorizations, rates, rejected)]
        ).unique()
    )
    name = providers[PROVIDER_NAME].iloc[0] if len(providers) else None
    return Scope(
        month=result.month,
        config=result.config,
        provider=provider_id,
        who=provider_words(provider_id, name),
        days=mine(result.days),
        lines=lines,
        claims=claims,
        review=review,
        rejected=rejected,
        providers=providers,
        authorizations=authorizations,
        rates=rates,
        files=tuple(f for f in result.loaded.files if f.path in held),
        authorizations_state=authorizations_state(result.loaded),
    )
