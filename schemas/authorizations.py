"""The accepted authorizations row (v2 SPEC §9): one provider may serve one client for a period,
often up to a number of units a month."""

import numpy as np
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import INCREMENTS_PER_UNIT, MAX_UNITS_PER_MONTH
from schemas.sourced import SourcedModel, non_blank


class AuthorizationsModel(SourcedModel):
    """A client's authorization to receive Case Management from a provider (docs/DESIGN.md).

    `end_date` NaT is open-ended; `max_units_per_month` NaN has no cap. That end_date is not
    before start_date, and that periods of one provider and client do not overlap, are
    decided across columns and rows by the validator, which names the row in the way.
    """

    authorization_id: Series[str] = pa.Field(nullable=True)
    provider_id: Series[str] = non_blank()
    client_id: Series[str] = non_blank()
    start_date: Series[np.datetime64]
    end_date: Series[np.datetime64] = pa.Field(nullable=True)
    max_units_per_month: Series[np.float64] = pa.Field(gt=0, nullable=True)

    @pa.check(MAX_UNITS_PER_MONTH)
    def in_quarter_units(cls, units: Series[np.float64]) -> Series[bool]:
        """A cap counts in the claims' own steps: quarters of a unit."""
        increments = units * INCREMENTS_PER_UNIT
        return increments == np.floor(increments)
