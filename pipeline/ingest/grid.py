"""A file's cells as a spreadsheet shows them: rows and columns of text, before any header is known.

Both readers (grid_csv, grid_xlsx) hand one on; `load` finds the header in it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from pipeline.errors import PipelineError
from schemas.columns import ERROR, VALUE

ROW = "row"  # 0-based row position in the grid (spreadsheet row number - 1)
COL = "col"  # 0-based column position in the grid
BAD_CELL_DTYPES = {ROW: "int64", COL: "int64", VALUE: "str", ERROR: "str"}


class UnreadableFileError(PipelineError):
    """The file exists but cannot be read as a table; `str(err)` is the sentence for a clerk."""

    exit_code = 1


def cannot_read(reason: str) -> UnreadableFileError:
    """The error for a file that is not a readable table at all, saying why."""
    return UnreadableFileError(f"the file could not be read: {reason}")


def empty_frame(dtypes: Mapping[str, str]) -> pd.DataFrame:
    """No rows, with these columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})


def no_bad_cells() -> pd.DataFrame:
    return empty_frame(BAD_CELL_DTYPES)


@dataclass(frozen=True)
class Grid:
    """The row labelled i in `cells` is spreadsheet row i + 1; columns are 0, 1, 2, ... (str
    dtype). Rows that hold nothing at all may be left out (blank CSV lines, the empty rows
    between a workbook's far-apart cells), so a row's label, not its position, is its number.

    A cell is "" when empty and NA only where a CSV record has fewer fields than the widest one.
    """

    cells: pd.DataFrame
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    # Cells that hold no usable value (BAD_CELL_DTYPES): a formula never calculated, an Excel
    # error, a CSV field too long for a cell. VALUE is what the cell shows, ERROR says why.
    # ROW is the row's label; COL its column in `cells`.
    bad_cells: pd.DataFrame = field(default_factory=no_bad_cells)
    # CSV: the fields of each record longer than the columns read, by row label (its fields past
    # them are one cell in the grid); None when no record is.
    widths: pd.Series | None = None
