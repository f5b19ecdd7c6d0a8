"""Line rules (SPEC §3, v2 §8.4, §9): which codes apply to each accepted service line.

A line's reasons are its §3 codes (NOT_AUTHORIZED after OUTSIDE_PERIOD, RESEARCH_FOLLOWUP_PENDING
in RESEARCH_NO_FOLLOWUP's place), then the review flags the config disallows; BELOW_MINIMUM is
added by the client-day step. Its review column holds every review flag it carries.
"""

from collections.abc import Callable
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.config import Config
from pipeline.rules.authorizations import authorized
from pipeline.rules.codes import code_bits, codes_text
from pipeline.rules.period import last_day, month_bounds
from pipeline.rules.table import REASON_ORDER, Kind, codes
from schemas.columns import (
    ACTIVITY,
    CASE_STAFFING,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    DUPLICATE,
    ELIGIBLE,
    EXTERNAL_PARTICIPANTS,
    MAILING,
    NOTE,
    PROVIDER_ID,
    REASONS,
    RESEARCH,
    REVIEW,
    SCHEDULING,
    SERVICE_DATE,
    SERVICE_ID,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
)

REVIEW_FLAGS = codes(Kind.REVIEW)
_LETTER_DATE = "_letter_date"
_ROW = "_row"


def duplicate_mask(services: pd.DataFrame) -> pd.Series:
    """True for every row after the first with the same provider and service_id."""
    # One integer per (provider, service_id) pair: hashing integers is cheaper than text pairs.
    provider, _ = pd.factorize(services[PROVIDER_ID])
    service, distinct = pd.factorize(services[SERVICE_ID])
    pair = provider.astype(np.int64) * max(len(distinct), 1) + service
    return pd.Series(pair, index=services.index).duplicated(keep="first")


def documented_mask(services: pd.DataFrame) -> pd.Series:
    """True where the case note is not blank."""
    note = pa.array(services[NOTE].array, type=pa.large_string())
    blank = pc.or_kleene(pc.equal(note, ""), pc.utf8_is_space(note)).fill_null(True)
    return pd.Series(pc.invert(blank).to_numpy(zero_copy_only=False), index=services.index)


def followup_letters(services: pd.DataFrame, duplicate: pd.Series) -> pd.DataFrame:
    """The rows that count as a research follow-up letter (SPEC §3 RESEARCH_NO_FOLLOWUP)."""
    is_letter = (
        (services[ACTIVITY] == MAILING)
        & ~duplicate
        & services[CLIENT_SPECIFIC]
        & documented_mask(services)
    )
    return services.loc[is_letter, [PROVIDER_ID, CLIENT_ID, SERVICE_DATE]]


def research_followed_up(services: pd.DataFrame, duplicate: pd.Series, days: int) -> pd.Series:
    """True for a research row with a letter on its day or up to `days` days after it."""
    research = services.loc[services[ACTIVITY] == RESEARCH, [PROVIDER_ID, CLIENT_ID, SERVICE_DATE]]
    letters = followup_letters(services, duplicate).rename(columns={SERVICE_DATE: _LETTER_DATE})
    found = pd.Series(False, index=services.index)
    if research.empty or letters.empty:
        return found
    # The nearest letter on or after the research day decides: if it is too late, all are.
    nearest = pd.merge_asof(
        research.assign(**{_ROW: research.index}).sort_values(SERVICE_DATE),
        letters.assign(**{SERVICE_DATE: letters[_LETTER_DATE]}).sort_values(SERVICE_DATE),
        on=SERVICE_DATE,
        by=[PROVIDER_ID, CLIENT_ID],
        direction="forward",
    )
    within = (nearest[_LETTER_DATE] - nearest[SERVICE_DATE]) <= pd.Timedelta(days=days)
    found.loc[nearest.loc[within.fillna(False).astype(bool), _ROW].to_numpy()] = True
    return found


def data_reach(services: pd.DataFrame, month: str) -> pd.Series:
    """Per line, the last date the month's inputs cover for its provider (v2 §8.4): the later
    of the month's last day and the provider's latest accepted service_date."""
    latest = services.groupby(PROVIDER_ID, sort=False)[SERVICE_DATE].transform("max")
    return latest.where(latest > last_day(month), last_day(month))


class Lines:
    """What the line rules look at: the accepted services and the month's settings.

    `authorizations` is None when SPEC §9 does not apply (no authorizations file was read).
    """

    def __init__(
        self,
        services: pd.DataFrame,
        month: str,
        config: Config,
        authorizations: pd.DataFrame | None,
    ) -> None:
        self.services = services
        self.month = month
        self.config = config
        self.authorizations = authorizations

    @cached_property
    def duplicate(self) -> pd.Series:
        return duplicate_mask(self.services)

    @cached_property
    def research_unfollowed(self) -> pd.Series:
        """Research with no follow-up letter (yet)."""
        s = self.services
        followed = research_followed_up(s, self.duplicate, self.config.research_followup_days)
        return (s[ACTIVITY] == RESEARCH) & ~followed

    @cached_property
    def window_open(self) -> pd.Series:
        """True where the line's follow-up window ends after the data's reach (v2 §8.4)."""
        window = pd.Timedelta(days=self.config.research_followup_days)
        return (self.services[SERVICE_DATE] + window) > data_reach(self.services, self.month)

    def not_authorized(self) -> pd.Series:
        if self.authorizations is None:
            return pd.Series(False, index=self.services.index)
        return ~authorized(self.services, self.authorizations)


LineRule = Callable[[Lines], pd.Series]

# One mask per line code; tests check these keys against the rules table in both directions.
LINE_RULES: dict[str, LineRule] = {
    "DUPLICATE_SERVICE": lambda x: x.duplicate,
    "OUTSIDE_PERIOD": lambda x: (
        ~x.services[SERVICE_DATE].between(*month_bounds(x.month), inclusive="left")
    ),
    "NOT_AUTHORIZED": Lines.not_authorized,
    "UNDOCUMENTED": lambda x: ~documented_mask(x.services),
    "VOICEMAIL": lambda x: x.services[ACTIVITY].isin((VOICEMAIL_LEFT, VOICEMAIL_LISTENED)),
    "NOT_SIGNIFICANT": lambda x: x.services[ACTIVITY] == SCHEDULING,
    "NOT_CLIENT_SPECIFIC": lambda x: ~x.services[CLIENT_SPECIFIC].astype(bool),
    "INTERNAL_STAFFING": lambda x: (
        (x.services[ACTIVITY] == CASE_STAFFING) & (x.services[EXTERNAL_PARTICIPANTS] == 0)
    ),
    "RESEARCH_NO_FOLLOWUP": lambda x: x.research_unfollowed & ~x.window_open,
    "RESEARCH_FOLLOWUP_PENDING": lambda x: x.research_unfollowed & x.window_open,
}


def service_lines(
    services: pd.DataFrame,
    month: str,
    config: Config,
    authorizations: pd.DataFrame | None,
    flags: dict[str, np.ndarray],
) -> pd.DataFrame:
    """The services with `duplicate`, `eligible`, `reasons` and `review`.

    `flags` are the review flags of each line (v2 §8, rules.review.line_flags): every one is in
    the line's review column; those the config disallows are line codes too.
    """
    x = Lines(services, month, config, authorizations)
    masks: dict[str, pd.Series | np.ndarray] = {code: rule(x) for code, rule in LINE_RULES.items()}
    masks |= {code: flags[code] for code in config.review.disallow if code in flags}
    bits = code_bits(masks, REASON_ORDER, len(services))
    flag_bits = code_bits(flags, REVIEW_FLAGS, len(services))
    return services.assign(
        **{
            DUPLICATE: x.duplicate.to_numpy(dtype=bool),
            ELIGIBLE: bits == 0,
            REASONS: codes_text(bits, REASON_ORDER),
            REVIEW: codes_text(flag_bits, REVIEW_FLAGS),
        }
    )
