"""A file's cells as a spreadsheet shows them: rows and columns of text, before any header is known.

Both readers (grid_csv, grid_xlsx) hand one on; `load` finds the header in it.
"""

from dataclasses import dataclass, field

import pandas as pd

from pipeline.errors import PipelineError

ROW = "row"  # 0-based row position in the grid (spreadsheet row number - 1)
COL = "col"  # 0-based column position in the grid
FORMULA = "formula"
FORMULA_CELL_COLUMNS = (ROW, COL, FORMULA)


class UnreadableFileError(PipelineError):
    """The file exists but cannot be read as a table; `str(err)` is the sentence for a clerk."""

    exit_code = 1


def cannot_read(reason: str) -> UnreadableFileError:
    """The error for a file that is not a readable table at all, saying why."""
    return UnreadableFileError(f"the file could not be read: {reason}")


def no_formula_cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            ROW: pd.Series(dtype="int64"),
            COL: pd.Series(dtype="int64"),
            FORMULA: pd.Series(dtype="str"),
        }
    )


@dataclass(frozen=True)
class Grid:
    """Row i of `cells` is spreadsheet row i + 1; columns are 0, 1, 2, ... (str dtype).

    A cell is "" when empty and NA only where a CSV record has fewer fields than the widest one.
    """

    cells: pd.DataFrame
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    # Formula cells whose value was never saved (they read as empty): ROW, COL, FORMULA.
    unsaved_formulas: pd.DataFrame = field(default_factory=no_formula_cells)
