"""The accepted services row (SPEC §1): each value rule stated once, as a pandera check."""

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.columns import ACTIVITIES, MAX_MINUTES, MINUTES_PER_DAY
from schemas.sourced import SourcedModel, non_blank


class ServicesModel(SourcedModel):
    """One documented case-management activity, typed (docs/DESIGN.md, Loaded.services)."""

    service_id: Series[str] = non_blank()
    provider_id: Series[str] = non_blank()
    client_id: Series[str] = non_blank()
    staff_id: Series[str] = non_blank()
    service_date: Series[np.datetime64]
    activity: Series[str] = pa.Field(isin=ACTIVITIES)
    minutes: Series[np.int64] = pa.Field(ge=1, le=MAX_MINUTES)
    client_specific: Series[bool]
    external_participants: Series[np.int64] = pa.Field(ge=0)
    note: Series[str]
    # v2 §8.3: the clock times as read ("" where absent) and as minutes after midnight (NA).
    start_time: Series[str]
    end_time: Series[str]
    start_minute: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, lt=MINUTES_PER_DAY)
    end_minute: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, lt=MINUTES_PER_DAY)
