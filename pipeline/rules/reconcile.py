"""The rules in order for whole providers: line rules → client-day rules → reconcile.

Every rule but one looks within a provider, so this runs on a whole month or on any set of
whole providers (a Dask partition). The one that crosses providers, CROSS_PROVIDER_SAME_DAY,
is decided afterwards from the client-days alone (rules.review.cross_provider_warnings).
"""

from dataclasses import dataclass

import pandas as pd

from pipeline.config import Config
from pipeline.result import Loaded
from pipeline.rules.claims import claim_rows
from pipeline.rules.days import client_days, final_lines, provider_table
from pipeline.rules.lines import duplicate_mask, service_lines
from pipeline.rules.review import flag_masks, line_flags, review_rows


@dataclass(frozen=True)
class Reconciled:
    """The rules' results for a set of whole providers."""

    lines: pd.DataFrame  # SERVICE_LINES_COLUMNS, in reading order
    days: pd.DataFrame  # CLIENT_DAYS_COLUMNS, by provider, client, date
    claims: pd.DataFrame  # CLAIM_ROWS_COLUMNS, in reading order
    review: pd.DataFrame  # REVIEW_COLUMNS rows decided within a provider (not yet ordered)
    providers: pd.DataFrame  # PROVIDERS_COLUMNS


def reconciled_providers(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    authorizations: pd.DataFrame | None,
    month: str,
    config: Config,
) -> Reconciled:
    """Every rule that looks within one provider, applied to the accepted rows of whole
    providers (in reading order). `authorizations` is None when SPEC §9 does not apply."""
    flagged = line_flags(services, duplicate_mask(services), config)
    lines = service_lines(
        services, month, config, authorizations, flag_masks(flagged, len(services))
    )
    providers = provider_table(lines, claims, rates, config)
    days = client_days(lines, claims, authorizations, providers, config, month)
    return Reconciled(
        lines=final_lines(lines, days, config),
        days=days,
        claims=claim_rows(claims, days),
        review=review_rows(lines, flagged, claims, config),
        providers=providers,
    )


def applied_authorizations(loaded: Loaded) -> pd.DataFrame | None:
    """The authorizations when SPEC §9 applies to the run, else None."""
    return loaded.authorizations if loaded.authorizations_apply else None
