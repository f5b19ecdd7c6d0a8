"""Finding a month's input files, and reading one into rows of raw text with their row numbers.

Headers are found and named here (normalised, renamed by a column map); values stay as read.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from pipeline.config import ColumnMap, Limits
from pipeline.errors import InputError
from pipeline.ingest.csv_grid import csv_grid
from pipeline.ingest.grid import COL, ROW, Grid, UnreadableFileError, cannot_read, empty_frame
from pipeline.ingest.parse import blank
from pipeline.ingest.xlsx_grid import xlsx_grid
from pipeline.result import Inputs
from schemas.columns import (
    AUTHORIZATIONS_COLUMNS,
    AUTHORIZATIONS_KIND,
    AUTHORIZATIONS_REQUIRED,
    CLAIMS_COLUMNS,
    CLAIMS_KIND,
    CLAIMS_REQUIRED,
    COLUMN,
    END_TIME,
    ERROR,
    INPUT_KINDS,
    MINUTES,
    RATES_COLUMNS,
    RATES_KIND,
    RATES_REQUIRED,
    SERVICES_COLUMNS,
    SERVICES_KIND,
    SERVICES_REQUIRED,
    SOURCE_ROW,
    START_TIME,
    VALUE,
)
from schemas.names import code_name

CSV_SUFFIX = ".csv"
XLSX_SUFFIX = ".xlsx"
SUFFIXES = (CSV_SUFFIX, XLSX_SUFFIX)
HEADER_SEARCH_ROWS = 20  # title and blank rows above the header are skipped within these
PROBLEM_DTYPES = {SOURCE_ROW: "int64", COLUMN: "str", VALUE: "str", ERROR: "str"}


@dataclass(frozen=True)
class Layout:
    """The columns a file of one kind is read for."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    # A required column that a file may give as other columns instead (minutes as two times).
    substitutes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def unmet(self, names: pd.DataFrame) -> pd.DataFrame:
        """For rows of header names: True for each required column a row does not provide."""
        cells = names.to_numpy(dtype=object)
        present = {c: (cells == c).any(axis=1) for c in self.columns}
        unmet = {}
        for column in self.required:
            substitutes = self.substitutes.get(column, ())
            instead = np.full(len(cells), bool(substitutes))
            for substitute in substitutes:
                instead &= present[substitute]
            unmet[column] = ~(present[column] | instead)
        return pd.DataFrame(unmet, index=names.index)

    def read(self, names: Collection[str]) -> tuple[str, ...]:
        """The columns of the layout that a file with these headers has."""
        return tuple(c for c in self.columns if c in names)


LAYOUTS: Mapping[str, Layout] = {
    SERVICES_KIND: Layout(
        SERVICES_COLUMNS + (START_TIME, END_TIME),
        SERVICES_REQUIRED,
        {MINUTES: (START_TIME, END_TIME)},
    ),
    CLAIMS_KIND: Layout(CLAIMS_COLUMNS, CLAIMS_REQUIRED),
    RATES_KIND: Layout(RATES_COLUMNS, RATES_REQUIRED),
    AUTHORIZATIONS_KIND: Layout(AUTHORIZATIONS_COLUMNS, AUTHORIZATIONS_REQUIRED),
}


@dataclass(frozen=True)
class RawTable:
    """The data rows of one file as read: text, before any value rule.

    `cells`: SOURCE_ROW (int64, the spreadsheet row number) and one str column per column read
    ("" when empty); entirely blank rows are left out. `problems`: records (PROBLEM_DTYPES) for
    cells with no real value (a formula never calculated, an Excel error, cells beyond the header).
    """

    cells: pd.DataFrame
    problems: pd.DataFrame
    header_row: int
    extra_columns: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def discovered_inputs(data_dir: Path, month: str) -> Inputs:
    """The .csv and .xlsx files in `data_dir` whose names start with each kind, by name."""
    if not data_dir.is_dir():
        raise InputError(f"no folder {data_dir} for {month}")
    files = sorted(
        (p for p in data_dir.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES),
        key=lambda p: p.name,
    )
    found = {k: tuple(p for p in files if p.name.lower().startswith(k)) for k in INPUT_KINDS}
    for kind in (SERVICES_KIND, CLAIMS_KIND):
        if not found[kind]:
            raise InputError(f"no {kind} files for {month} in {data_dir}")
    return Inputs(
        found[SERVICES_KIND], found[CLAIMS_KIND], found[RATES_KIND], found[AUTHORIZATIONS_KIND]
    )


def run_names(headers: pd.Series, column_map: ColumnMap | None) -> pd.Series:
    """Header texts as the run's column names: normalised, then renamed by the column map."""
    names = code_name(headers.fillna("").astype("str"))
    if column_map is None:
        return names
    renames = code_name(pd.Series(list(column_map.columns.values()), dtype="str"))
    keys = code_name(pd.Series(list(column_map.columns), dtype="str"))
    return names.replace(dict(zip(keys, renames, strict=True)))


def _grid(
    path: Path, data: bytes, layout: Layout, column_map: ColumnMap | None, limits: Limits
) -> Grid:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise cannot_read("its name does not end in .csv or .xlsx")
    if not data:
        raise cannot_read("it is empty (0 bytes)")
    if suffix == CSV_SUFFIX:

        def recognised(texts: pd.Series) -> pd.Series:
            return run_names(texts, column_map).isin(layout.columns)

        return csv_grid(data, recognised, limits)
    return xlsx_grid(data, column_map.sheet if column_map else None, limits)


def _blank(cells: pd.DataFrame) -> pd.Series:
    """True for each row whose every cell is empty or white space."""
    # Most rows fill their first cell, so later columns are looked at only where all were blank.
    candidates = cells.index
    for column in cells.columns:
        text = cells.loc[candidates, column]
        candidates = candidates[blank(text).to_numpy()]
    return pd.Series(cells.index.isin(candidates), index=cells.index)


def _header_position(unmet: pd.DataFrame, blank: pd.Series) -> int | None:
    """The first row holding every required column, else the non-blank one holding the most."""
    complete = ~unmet.any(axis=1).to_numpy()
    if complete.any():
        return int(np.argmax(complete))
    held = (~unmet).sum(axis=1).to_numpy()
    candidates = np.where(blank.iloc[: len(held)].to_numpy(), -1, held)
    return None if (candidates < 0).all() else int(np.argmax(candidates))


def _missing_columns(missing: Sequence[str], headers: pd.Series) -> str:
    found = ", ".join(headers[headers != ""]) or "none"
    names = ", ".join(f"'{c}'" for c in missing)
    noun = "column" if len(missing) == 1 else "columns"
    return f"the file has no {noun} {names} (columns found: {found})"


def _overflow(
    body: pd.DataFrame, width: int, delimiter: str, widths: pd.Series | None
) -> pd.DataFrame:
    """Records for CSV rows with more fields than the header: their values have no column.
    `widths` counts the fields of records longer than the grid (Grid.widths)."""
    beyond = body.iloc[:, width:]
    if beyond.empty:
        return empty_frame(PROBLEM_DTYPES)
    over = ~_blank(beyond)
    beyond = beyond[over].fillna("")
    joined = beyond.iloc[:, 0].str.cat(beyond.iloc[:, 1:], sep=delimiter).str.rstrip(delimiter)
    cells = body[over].notna().sum(axis=1)
    if widths is not None:
        cells = widths.reindex(cells.index).fillna(cells)
    cells = cells.astype("int64").astype("str")
    return pd.DataFrame(
        {
            SOURCE_ROW: beyond.index + 1,
            COLUMN: "",
            VALUE: joined,
            ERROR: "the row has " + cells + f" cells, more than the {width} columns of the header",
        }
    )


def _bad_cell_problems(
    bad_cells: pd.DataFrame, header: int, positions: Mapping[str, int]
) -> pd.DataFrame:
    """Records for the data cells of columns read that hold no real value."""
    by_position = pd.Series(list(positions), index=list(positions.values()), dtype="str")
    named = bad_cells[(bad_cells[ROW] > header) & bad_cells[COL].isin(by_position.index)]
    return pd.DataFrame(
        {
            SOURCE_ROW: named[ROW] + 1,
            COLUMN: by_position.reindex(named[COL]).to_numpy(),
            VALUE: named[VALUE],
            ERROR: named[ERROR],
        }
    )


def raw_table(
    path: Path,
    data: bytes,
    layout: Layout,
    column_map: ColumnMap | None,
    limits: Limits | None = None,
) -> RawTable:
    """The data rows of one file under its header; UnreadableFileError if it cannot be read."""
    grid = _grid(path, data, layout, column_map, limits or Limits())
    cells = grid.cells
    blank = _blank(cells)
    head = cells.head(HEADER_SEARCH_ROWS)
    names = run_names(cast(pd.Series, head.fillna("").stack()), column_map).unstack()
    unmet = layout.unmet(names)
    header = _header_position(unmet, blank)
    if header is None:
        raise cannot_read("it has no header row")
    header_row = int(cells.index[header])  # a grid may leave out rows holding nothing
    written = cells.iloc[header].fillna("").str.strip()
    missing = [str(c) for c in unmet.columns[unmet.iloc[header].to_numpy()]]
    if missing:
        raise UnreadableFileError(_missing_columns(missing, written))
    header_names = [str(n) for n in names.iloc[header]]
    positions = {c: header_names.index(c) for c in layout.read(header_names)}
    extra = written.drop(index=list(positions.values()))
    body = cells.iloc[header + 1 :]
    bad = _bad_cell_problems(grid.bad_cells, header_row, positions)
    keep = ~blank.iloc[header + 1 :] | body.index.isin(bad[SOURCE_ROW] - 1)
    width = int(cells.iloc[header].notna().sum())
    overflow = _overflow(body, width, grid.delimiter or ",", grid.widths)
    rows = body[keep]
    table = pd.DataFrame(
        {SOURCE_ROW: (rows.index + 1).astype("int64")}
        | {c: rows[p].fillna("").astype("str") for c, p in positions.items()}
    )
    # A row holding only cells with no real value (a formula never saved) can lie past the
    # range the reader returns: it is still a row read, and rejected, so it is counted.
    beyond = np.setdiff1d(bad[SOURCE_ROW].to_numpy(dtype=np.int64), table[SOURCE_ROW].to_numpy())
    if len(beyond):
        empty = pd.DataFrame({SOURCE_ROW: beyond} | dict.fromkeys(positions, ""))
        table = pd.concat([table, empty], ignore_index=True).sort_values(SOURCE_ROW)
        table = table.astype(dict.fromkeys(positions, "str"))
    return RawTable(
        cells=table.reset_index(drop=True),
        problems=pd.concat([bad, overflow], ignore_index=True).astype(PROBLEM_DTYPES),
        header_row=header_row + 1,
        extra_columns=tuple(extra[extra != ""]),
        encoding=grid.encoding,
        delimiter=grid.delimiter,
        sheet=grid.sheet,
    )
