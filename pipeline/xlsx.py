"""Writes a report model as an .xlsx workbook: the only module that imports the spreadsheet library.

Every sheet gets a bold, frozen, filterable header, readable widths and real number formats;
text is always a string cell, never a formula.
"""

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format as CellFormat
from xlsxwriter.worksheet import Worksheet

from pipeline.report import Format, Report, Sheet, Table

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header and titles included; tests shrink it
EXCEL_MAX_TEXT = 32_767  # characters in one cell
BATCH_ROWS = 50_000  # rows converted to Python values at a time
MIN_WIDTH = 6
MAX_WIDTH = 60
FILTER_BUTTON = 3  # characters the header's filter button covers
NUMBER_FORMATS = {
    Format.TEXT: "@",
    Format.INTEGER: "#,##0",
    Format.UNITS: "#,##0.00",
    Format.MONEY: '"$"#,##0.00',
    Format.RATE: '"$"#,##0.00####',
    Format.DATE: "yyyy-mm-dd",
}
# Digits and separators beyond the integer part that each format adds to a number's width.
EXTRA_CHARS = {Format.INTEGER: 1, Format.UNITS: 4, Format.MONEY: 5, Format.RATE: 9}
DATE_WIDTH = 10
EXCEL_EPOCH_OFFSET = 25_569  # Excel's serial number of 1970-01-01 (1900 date system)
# Excel counts a 1900-02-29 that never was, so only serials from 1900-03-01 on are true dates;
# an earlier date (a mistyped year) is written as ISO text instead of a wrong or negative date.
FIRST_TRUE_SERIAL = 61
OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "use_zip64": True,  # only used when a sheet passes 4 GB; detail sheets of big months can
}
HEADER_STYLE = {"bold": True, "bottom": 1, "bg_color": "#DDE5F0", "valign": "top"}
# Text sits one indent in from the left, so it never touches a right-aligned number beside it.
ALIGN: dict[Format, dict[str, Any]] = {
    Format.TEXT: {"align": "left", "indent": 1},
    Format.DATE: {"align": "center"},
}
NUMBER_ALIGN = {"align": "right"}
TEXT_WIDTH_FACTOR = 1.15  # proportional fonts: letters run wider than the digit a width counts


@dataclass(frozen=True)
class Part:
    """One worksheet's share of a Sheet: its name, main-table rows and the tables below them."""

    name: str
    frame: pd.DataFrame
    bold_rows: frozenset[int]
    below: tuple[Table, ...]


class Styles:
    """The workbook's cell formats, made once each."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.made: dict[tuple[Format, bool, bool], CellFormat] = {}
        self.title = book.add_format({"bold": True, "font_size": 12})
        self.caption = book.add_format({"bold": True, "italic": True})

    def cell(self, fmt: Format, bold: bool = False, header: bool = False) -> CellFormat:
        """A value cell's format, or (header) the bold header cell above such a column."""
        key = (fmt, bold, header)
        if key not in self.made:
            props = {**ALIGN.get(fmt, NUMBER_ALIGN), "bold": bold}
            if header:
                props.update(HEADER_STYLE)
            else:
                props["num_format"] = NUMBER_FORMATS[fmt]
            self.made[key] = self.book.add_format(props)
        return self.made[key]


def column_formats(frame: pd.DataFrame, table: Sheet | Table) -> list[Format]:
    return [table.formats.get(c, Format.TEXT) for c in frame.columns]


def cell_values(values: pd.Series, fmt: Format) -> list[Any]:
    """The values as the writer takes them: str, int or float; None (an empty cell) for NA or ""."""
    arrow = pa.array(values, from_pandas=True)
    if fmt is Format.TEXT:
        text = pc.utf8_slice_codeunits(arrow.cast(pa.string()), 0, EXCEL_MAX_TEXT)
        return pc.if_else(pc.equal(text, ""), None, text).to_pylist()
    if fmt is Format.INTEGER:
        return arrow.cast(pa.int64()).to_pylist()
    if fmt is Format.DATE:
        dates = arrow.cast(pa.date32())
        serials = pc.add(pc.cast(pc.cast(dates, pa.int32()), pa.int64()), EXCEL_EPOCH_OFFSET)
        early = pc.fill_null(pc.less(serials, FIRST_TRUE_SERIAL), False).to_numpy(False)
        cells = np.array(serials.to_pylist(), dtype=object)
        cells[early] = np.array(pc.strftime(dates.filter(early), "%Y-%m-%d").to_pylist())
        return cells.tolist()
    return arrow.cast(pa.float64()).to_pylist()


def write_date(ws: Worksheet) -> Callable[..., int]:
    """A writer for a date column: serial numbers as dates, text (dates Excel lacks) as text."""

    def write(row: int, col: int, value: float | str, cell_format: CellFormat) -> int:
        if isinstance(value, str):
            return ws.write_string(row, col, value, cell_format)
        return ws.write_number(row, col, value, cell_format)

    return write


def value_width(values: pd.Series, fmt: Format) -> int:
    """Characters the widest value needs in this format."""
    if len(values) == 0 or values.isna().all():
        return 0
    if fmt is Format.DATE:
        return DATE_WIDTH
    arrow = pa.array(values, from_pandas=True)
    if fmt is Format.TEXT:
        longest = pc.max(pc.utf8_length(arrow.cast(pa.string()))).as_py()
        return round(longest * TEXT_WIDTH_FACTOR) + 1
    numbers = pc.abs(arrow.cast(pa.float64()))
    widest = int(pc.max(numbers).as_py())
    negative = int(pc.any(pc.less(arrow.cast(pa.float64()), 0)).as_py() or 0)
    return len(f"{widest:,}") + negative + EXTRA_CHARS[fmt]


def column_widths(sheet: Sheet) -> list[float]:
    """Per column position: wide enough for the header and the values of every table, capped.

    A trailing text column of a table below the main one is left out: its text runs on into
    the empty cells to its right rather than widening a column of the main table.
    """
    tables: tuple[Sheet | Table, ...] = (sheet, *sheet.below)
    widths = [0] * max(len(t.frame.columns) for t in tables)
    for table in tables:
        formats = column_formats(table.frame, table)
        for i, (column, fmt) in enumerate(zip(table.frame.columns, formats, strict=True)):
            runs_on = table is not sheet and i == len(formats) - 1 and fmt is Format.TEXT
            values = 0 if runs_on else value_width(table.frame[column], fmt)
            header = round(len(str(column)) * TEXT_WIDTH_FACTOR) + FILTER_BUTTON
            widths[i] = max(widths[i], header, values)
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, w + 1))) for w in widths]


def below_rows(tables: tuple[Table, ...]) -> int:
    """Rows the tables below the main one take: a blank row, a caption, a header, the rows."""
    return sum(2 + bool(t.title) + len(t.frame) for t in tables)


def sheet_parts(sheet: Sheet) -> list[Part]:
    """The sheet cut into worksheets of at most EXCEL_MAX_ROWS rows: Name, Name (2), ..."""
    head = len(sheet.title_rows) + 1
    per_part = EXCEL_MAX_ROWS - head
    if per_part < 1 or head + 2 > EXCEL_MAX_ROWS:
        raise ValueError(f"EXCEL_MAX_ROWS={EXCEL_MAX_ROWS} leaves no room for {sheet.name!r}")
    starts = list(range(0, len(sheet.frame), per_part)) or [0]
    frames = [sheet.frame.iloc[s : s + per_part] for s in starts]
    if head + len(frames[-1]) + below_rows(sheet.below) > EXCEL_MAX_ROWS:
        # The tables below get a worksheet of their own, under an empty main table.
        starts.append(len(sheet.frame))
        frames.append(sheet.frame.iloc[0:0])
    last = len(frames) - 1
    return [
        Part(
            name=sheet.name if n == 0 else f"{sheet.name} ({n + 1})",
            frame=frame,
            bold_rows=frozenset(r - start for r in sheet.bold_rows if 0 <= r - start < len(frame)),
            below=sheet.below if n == last else (),
        )
        for n, (start, frame) in enumerate(zip(starts, frames, strict=True))
    ]


def write_table(
    ws: Worksheet,
    styles: Styles,
    top: int,
    frame: pd.DataFrame,
    formats: Sequence[Format],
    bold_rows: frozenset[int],
) -> int:
    """The header at row `top` and the rows under it; returns the cells written."""
    for c, (column, fmt) in enumerate(zip(frame.columns, formats, strict=True)):
        ws.write_string(top, c, str(column), styles.cell(fmt, header=True))
    plain = [styles.cell(f) for f in formats]
    bold = [styles.cell(f, bold=True) for f in formats]
    by_format = {Format.TEXT: ws.write_string, Format.DATE: write_date(ws)}
    writers: list[Callable[..., int]] = [by_format.get(f, ws.write_number) for f in formats]
    cells = len(frame.columns)
    # Batches bound the memory of the Python values of a million-row sheet.
    for start in range(0, len(frame), BATCH_ROWS):
        batch = frame.iloc[start : start + BATCH_ROWS]
        columns = [cell_values(batch[c], f) for c, f in zip(batch.columns, formats, strict=True)]
        cells += sum(len(v) - v.count(None) for v in columns)
        # One call per cell is the library's interface; values were converted column-wise.
        for r, row in enumerate(zip(*columns, strict=True), start=start):
            styled = bold if r in bold_rows else plain
            for c, value in enumerate(row):
                if value is not None:
                    writers[c](top + 1 + r, c, value, styled[c])
    return cells


def write_part(ws: Worksheet, styles: Styles, sheet: Sheet, part: Part, widths: list[float]) -> int:
    """One worksheet: titles, main table (frozen header, autofilter), then the tables below."""
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    for r, title in enumerate(sheet.title_rows):
        ws.write_string(r, 0, title, styles.title)
    header = len(sheet.title_rows)
    formats = column_formats(part.frame, sheet)
    cells = len(sheet.title_rows)
    cells += write_table(ws, styles, header, part.frame, formats, part.bold_rows)
    ws.freeze_panes(header + 1, 0)
    ws.repeat_rows(header)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.autofilter(header, 0, header + len(part.frame), len(part.frame.columns) - 1)
    row = header + len(part.frame) + 2
    for table in part.below:
        if table.title:
            ws.write_string(row, 0, table.title, styles.caption)
            row += 1
            cells += 1
        cells += write_table(
            ws, styles, row, table.frame, column_formats(table.frame, table), table.bold_rows
        )
        row += len(table.frame) + 2
    # IDs such as 007 are text on purpose; hide Excel's "number stored as text" markers.
    ws.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
    return cells


def write_workbook(report: Report, path: Path, created: datetime | None = None) -> int:
    """The report as an .xlsx file at `path`; returns the number of cells written.

    `created` fixes the file's creation date, so that the same report gives the same bytes.
    """
    book = xlsxwriter.Workbook(str(path), OPTIONS)
    book.set_properties({"created": created or datetime(2000, 1, 1)})
    styles = Styles(book)
    cells = 0
    try:
        for sheet in report:
            widths = column_widths(sheet)
            for part in sheet_parts(sheet):
                cells += write_part(book.add_worksheet(part.name), styles, sheet, part, widths)
    except BaseException:
        # Closing releases the library's temporary files; the caller discards the output.
        with contextlib.suppress(Exception):
            book.close()
        raise
    try:
        book.close()
    except FileCreateError as err:
        cause = err.args[0] if err.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(err)) from None
    return cells
