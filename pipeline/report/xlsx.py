"""Writes a report model as an .xlsx workbook (SpreadsheetML in a zip), a column at a time.

Every sheet gets a bold, frozen, filterable header, readable widths and real number formats;
text is always an inline string cell, never a formula.
"""

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.report.workbooks import Format, Report, Sheet, Table
from pipeline.report.xlsx_xml import (
    EXCEL_MAX_TEXT,
    MAIN_NS,
    REL_NS,
    XML_DECLARATION,
    Styles,
    column_letter,
    column_xml,
    content_types_xml,
    core_xml,
    root_rels_xml,
    row_numbers,
    rows_xml,
    styles_xml,
    text_xml,
    workbook_rels_xml,
    workbook_xml,
)

__all__ = ["EXCEL_MAX_TEXT", "write_workbook"]

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header and titles included; tests shrink it
BATCH_ROWS = 50_000  # rows turned into XML at a time, bounding the memory of a long sheet
MIN_WIDTH = 6
MAX_WIDTH = 60
FILTER_BUTTON = 3  # characters the header's filter button covers
# Digits and separators beyond the integer part that each format adds to a number's width.
EXTRA_CHARS = {Format.INTEGER: 1, Format.UNITS: 4, Format.MONEY: 5, Format.RATE: 9}
DATE_WIDTH = 10
TEXT_WIDTH_FACTOR = 1.15  # proportional fonts: letters run wider than the digit a width counts
DIGIT_PIXELS, CELL_PADDING_PIXELS = 7, 5  # Calibri 11, as Excel stores a column width
# A sheet's XML at most: a cell's markup with the longest reference, style, xml:space and
# value (a number's 24 characters, a date written as text), a row's tags; text bytes grow at
# most sevenfold when escaped (a control character becomes _x0001_).
CELL_XML_BYTES, ROW_XML_BYTES, ESCAPE_GROWTH = 100, 32, 7
# zipfile gives an entry zip64 sizes when told it may pass this (its limit less a 5 % margin)
# and fails at the end of one that passes the limit untold. Excel is strict about zip64, so
# it is used only where needed: a sheet whose bound passes this is first written to a
# temporary file, whose size then decides.
ZIP64_BYTES = int(zipfile.ZIP64_LIMIT / 1.05)
ZIP_EPOCH, ZIP_LAST = datetime(1980, 1, 1), datetime(2107, 12, 31)  # dates a zip can hold
LAST_CELL = "XFD1048576"
DEFAULT_CREATED = datetime(2000, 1, 1)
EXCEL_MAX_SHEET_NAME = 31  # UTF-16 units
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Part:
    """One worksheet's share of a Sheet: its name, main-table rows and the tables below them."""

    name: str
    frame: pd.DataFrame
    bold_rows: frozenset[int]
    below: tuple[Table, ...]


@dataclass(frozen=True)
class Block:
    """A table placed on a worksheet: its header's row (from 0) and its rows under it."""

    top: int
    frame: pd.DataFrame
    formats: list[Format]
    bold_rows: frozenset[int]
    caption: str = ""


def column_formats(frame: pd.DataFrame, table: Sheet | Table) -> list[Format]:
    return [table.formats.get(c, Format.TEXT) for c in frame.columns]


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
    # Only the digits count here, so an integer past 2**53 may round on its way to a float;
    # a number Excel cannot hold (inf, NaN) is left to the cells' writer to refuse or skip.
    numbers = pc.cast(arrow, pa.float64(), safe=False)
    numbers = pc.if_else(pc.is_finite(numbers), numbers, pa.scalar(None, pa.float64()))
    widest = int(pc.max(pc.abs(numbers)).as_py() or 0)
    negative = int(pc.any(pc.less(numbers, 0)).as_py() or 0)
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


def stored_width(width: float) -> float:
    """A width in characters as Excel stores it: whole pixels plus the cell padding."""
    pixels = int(width * DIGIT_PIXELS + 0.5) + CELL_PADDING_PIXELS
    return int(pixels / DIGIT_PIXELS * 256) / 256


def width_runs(widths: list[float]) -> list[tuple[int, int, float]]:
    """Neighbouring columns of one width as (first, last, width): one <col> element each."""
    runs: list[tuple[int, int, float]] = []
    for c, width in enumerate(widths):
        if runs and runs[-1][2] == width:
            runs[-1] = (runs[-1][0], c, width)
        else:
            runs.append((c, c, width))
    return runs


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


def part_blocks(sheet: Sheet, part: Part) -> list[Block]:
    """The part's tables where they go: the main one under the titles, each further one
    after a blank row (and its caption)."""
    header = len(sheet.title_rows)
    blocks = [Block(header, part.frame, column_formats(part.frame, sheet), part.bold_rows)]
    row = header + len(part.frame) + 2
    for table in part.below:
        top = row + bool(table.title)
        formats = column_formats(table.frame, table)
        blocks.append(Block(top, table.frame, formats, table.bold_rows, table.title))
        row = top + len(table.frame) + 2
    return blocks


def label_cells(refs: list[str], styles: list[int], texts: list[str]) -> str:
    """Title, caption or header cells, escaped and cut as the columns' text is; an empty text
    is a blank cell that keeps its style."""
    xml = text_xml(pa.array(texts, pa.string()), pa.array(refs), pa.array([str(s) for s in styles]))
    return "".join(
        x or f'<c r="{r}" s="{s}"/>' for x, r, s in zip(xml.to_pylist(), refs, styles, strict=True)
    )


def header_xml(block: Block) -> str:
    """The caption row (if any) and the header row of a table."""
    row = block.top + 1
    above = row - 1
    caption = (
        f'<row r="{above}">{label_cells([f"A{above}"], [Styles.CAPTION], [block.caption])}</row>'
        if block.caption
        else ""
    )
    header = label_cells(
        [f"{column_letter(c)}{row}" for c in range(len(block.frame.columns))],
        [Styles.cell(fmt, header=True) for fmt in block.formats],
        [str(name) for name in block.frame.columns],
    )
    return f'{caption}<row r="{row}">{header}</row>'


def block_rows(block: Block) -> Iterator[tuple[bytes, int]]:
    """The table's data rows as XML, a batch at a time, with the cells each batch holds."""
    for start in range(0, len(block.frame), BATCH_ROWS):
        batch = block.frame.iloc[start : start + BATCH_ROWS]
        rows = row_numbers(block.top + 2 + start, len(batch))
        bold = pa.array(np.isin(np.arange(start, start + len(batch)), list(block.bold_rows)))
        columns = []
        for c, (column, fmt) in enumerate(zip(batch.columns, block.formats, strict=True)):
            refs = pc.binary_join_element_wise(column_letter(c), rows, "")
            styles = pc.if_else(bold, str(Styles.cell(fmt, bold=True)), str(Styles.cell(fmt)))
            values = pa.array(batch[column], from_pandas=True)
            try:
                columns.append(column_xml(values, fmt, refs, styles))
            except ValueError as err:  # Arrow's cast errors too: say which column
                raise ValueError(f"column {column!r}: {err}") from err
        yield rows_xml(rows, columns), sum(len(c) - c.null_count for c in columns)


def quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def sheet_head(sheet: Sheet, blocks: list[Block], widths: list[float], first: bool) -> str:
    """The worksheet's XML up to its rows: extent, frozen header, column widths."""
    frozen = len(sheet.title_rows) + 1
    last_row = max(b.top + len(b.frame) for b in blocks) + 1
    last_column = column_letter(max(len(b.frame.columns) for b in blocks) - 1)
    cols = "".join(
        f'<col min="{first + 1}" max="{last + 1}" width="{stored_width(w)}" customWidth="1"/>'
        for first, last, w in width_runs(widths)
    )
    selected = ' tabSelected="1"' if first else ""
    titles = "".join(
        f'<row r="{r + 1}">{label_cells([f"A{r + 1}"], [Styles.TITLE], [t])}</row>'
        for r, t in enumerate(sheet.title_rows)
    )
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{last_column}'
        f'{last_row}"/><sheetViews><sheetView{selected} workbookViewId="0"><pane ySplit='
        f'"{frozen}" topLeftCell="A{frozen + 1}" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{titles}'
    )


def filter_ref(block: Block, anchor: str = "") -> str:
    """The main table's header and rows, as the autofilter covers them; anchor "$" makes the
    reference absolute ($A$1:$O$922), as a defined name holds it."""
    last = column_letter(len(block.frame.columns) - 1)
    first_row, last_row = block.top + 1, block.top + 1 + len(block.frame)
    return f"{anchor}A{anchor}{first_row}:{anchor}{last}{anchor}{last_row}"


def sheet_tail(main: Block) -> str:
    return (
        f'</sheetData><autoFilter ref="{filter_ref(main)}"/><pageMargins left="0.7" '
        'right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup fitToHeight="0" orientation="landscape"/><ignoredErrors>'
        # IDs such as 007 are text on purpose; hide Excel's "number stored as text" markers.
        f'<ignoredError sqref="A1:{LAST_CELL}" numberStoredAsText="1"/></ignoredErrors>'
        "</worksheet>"
    )


def write_sheet(
    out: IO[bytes], sheet: Sheet, blocks: list[Block], widths: list[float], first: bool
) -> int:
    """One worksheet's XML into `out`; returns the cells written (those with a value)."""
    out.write(sheet_head(sheet, blocks, widths, first).encode())
    cells = sum(map(bool, sheet.title_rows))
    for block in blocks:
        out.write(header_xml(block).encode())
        cells += sum(bool(str(c)) for c in block.frame.columns) + bool(block.caption)
        for xml, count in block_rows(block):
            out.write(xml)
            cells += count
    out.write(sheet_tail(blocks[0]).encode())
    return cells


def text_bytes(values: pd.Series) -> int:
    """The UTF-8 bytes of a column's values as text."""
    arrow = pa.array(values, from_pandas=True).cast(pa.string())
    return int(pc.sum(pc.binary_length(arrow)).as_py() or 0)


def xml_bytes_bound(sheet: Sheet, blocks: list[Block], widths: list[float]) -> int:
    """Bytes the worksheet's XML takes at most (see CELL_XML_BYTES)."""
    head = sheet_head(sheet, blocks, widths, first=True) + sheet_tail(blocks[0])
    texts = [*(b.caption for b in blocks), *(str(c) for b in blocks for c in b.frame.columns)]
    text = sum(len(t.encode()) for t in texts) + sum(
        text_bytes(b.frame[c])
        for b in blocks
        for c, fmt in zip(b.frame.columns, b.formats, strict=True)
        if fmt is Format.TEXT
    )
    cells = len(texts) + sum(b.frame.size for b in blocks)
    rows = 2 * len(blocks) + sum(len(b.frame) for b in blocks)
    return len(head.encode()) + ESCAPE_GROWTH * text + CELL_XML_BYTES * cells + ROW_XML_BYTES * rows


def check_names(names: list[str]) -> None:
    """Excel's rules for sheet names, which it would otherwise meet with a repair prompt."""
    seen: set[str] = set()
    for name in names:
        if not 0 < len(name.encode("utf-16-le")) // 2 <= EXCEL_MAX_SHEET_NAME:
            raise ValueError(f"sheet name {name!r} must have 1 to 31 characters")
        if SHEET_NAME_FORBIDDEN.search(name) or name.startswith("'") or name.endswith("'"):
            raise ValueError(f"sheet name {name!r} has [ ] : * ? / \\ or an apostrophe at an end")
        if name.lower() in seen:
            raise ValueError(f"sheet name {name!r} is used twice (Excel ignores case)")
        seen.add(name.lower())


def write_workbook(report: Report, path: Path, created: datetime | None = None) -> int:
    """The report as an .xlsx file at `path`; returns the number of cells written.

    `created` fixes the file's dates, so that the same report gives the same bytes.
    """
    created = created or DEFAULT_CREATED
    empty = [s.name for s in report if s.frame.columns.empty]
    if not report or empty:
        raise ValueError(f"a workbook needs sheets, each with columns: {empty}")
    layout = [
        (sheet, widths, part, part_blocks(sheet, part))
        for sheet, widths in ((s, column_widths(s)) for s in report)
        for part in sheet_parts(sheet)
    ]
    names = [part.name for _, _, part, _ in layout]
    check_names(names)
    defined = [
        definition
        for index, (_, _, part, blocks) in enumerate(layout)
        for definition in (
            (
                "_xlnm._FilterDatabase",
                index,
                f"{quoted(part.name)}!{filter_ref(blocks[0], anchor='$')}",
                True,
            ),
            (
                "_xlnm.Print_Titles",
                index,
                f"{quoted(part.name)}!${blocks[0].top + 1}:${blocks[0].top + 1}",
                False,
            ),
        )
    ]

    def entry(name: str) -> zipfile.ZipInfo:
        stamp = min(max(created, ZIP_EPOCH), ZIP_LAST)
        info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    cells = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in (
            ("[Content_Types].xml", content_types_xml(len(names))),
            ("_rels/.rels", root_rels_xml()),
            ("docProps/core.xml", core_xml(created)),
            ("xl/workbook.xml", workbook_xml(names, defined)),
            ("xl/_rels/workbook.xml.rels", workbook_rels_xml(len(names))),
            ("xl/styles.xml", styles_xml()),
        ):
            book.writestr(entry(name), text)
        for index, (sheet, widths, _, blocks) in enumerate(layout):
            info = entry(f"xl/worksheets/sheet{index + 1}.xml")
            if xml_bytes_bound(sheet, blocks, widths) <= ZIP64_BYTES:
                with book.open(info, "w") as out:
                    cells += write_sheet(out, sheet, blocks, widths, first=index == 0)
                continue
            with tempfile.TemporaryFile(dir=path.parent) as spool:
                cells += write_sheet(spool, sheet, blocks, widths, first=index == 0)
                info.file_size = spool.tell()  # zipfile picks zip64 by this size
                spool.seek(0)
                with book.open(info, "w") as out:
                    shutil.copyfileobj(spool, out)
    return cells

