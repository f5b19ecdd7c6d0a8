"""The accepted rates row (SPEC §1): one unit rate per provider, exact to the millionth."""

from typing import Annotated

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.money import RATE_TYPE
from schemas.columns import MAX_UNIT_RATE
from schemas.sourced import SourcedModel, non_blank


class RatesModel(SourcedModel):
    """The dollars of one hour unit in a provider's contract (docs/DESIGN.md, Loaded.rates)."""

    provider_id: Series[str] = non_blank(unique=True)
    unit_rate: Series[Annotated[pd.ArrowDtype, RATE_TYPE]] = pa.Field(gt=0, le=MAX_UNIT_RATE)
    provider_name: Series[str] = pa.Field(nullable=True)  # v2: optional, shown beside the ID
