"""What every accepted input row carries: the file and spreadsheet row it was read from."""

from typing import Any

import numpy as np
import pandera.pandas as pa
from pandera.typing import Series


def non_blank(unique: bool = False) -> Any:
    """A text field that holds at least one character (values arrive trimmed)."""
    return pa.Field(str_length={"min_value": 1}, unique=unique)


class SourcedModel(pa.DataFrameModel):
    """The provenance columns, first in every accepted frame (SPEC §2)."""

    source_file: Series[str]
    source_row: Series[np.int64] = pa.Field(ge=1)

    class Config:
        strict = True
        ordered = True
