"""The accepted claims row (SPEC §1): each value rule stated once, as a pandera check."""

import numpy as np
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import INCREMENTS_PER_UNIT, MAX_UNITS_CLAIMED, UNITS_CLAIMED
from schemas.sourced import SourcedModel, non_blank


class ClaimsModel(SourcedModel):
    """Units one provider bills for one client on one day (docs/DESIGN.md, Loaded.claims)."""

    claim_id: Series[str] = pa.Field(nullable=True)
    provider_id: Series[str] = non_blank()
    client_id: Series[str] = non_blank()
    service_date: Series[np.datetime64]
    units_claimed: Series[np.float64] = pa.Field(gt=0, le=MAX_UNITS_CLAIMED)

    @pa.check(UNITS_CLAIMED)
    def in_quarter_units(cls, units: Series[np.float64]) -> Series[bool]:
        """Claims come in 15-minute sub-units: a quarter of a unit each. The text is held to
        it exactly first (parse.quarter_units): as a float, 0.25000000000000001 is 0.25."""
        increments = units * INCREMENTS_PER_UNIT
        return increments == np.floor(increments)
