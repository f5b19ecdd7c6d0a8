"""Writes a report model as an .xlsx workbook (SpreadsheetML in a zip), a column at a time.

A Sheet's tables get word headers (the model's labels), a frozen and filterable main table
whose totals stay outside the filter, readable widths (long text capped and wrapped), real
number formats, input columns with drop-downs, and native bar charts. A Page is laid out as
one printed page of wrapped paragraphs and small tables. Every worksheet prints legibly:
landscape (a Page portrait), fit to one page wide only where the text stays at 8 pt or more,
the header row on every page, a footer with whose data, the sheet and "Page N of M".
Text is always a shared string, never a formula.
"""

import re
import shutil
import tempfile
import textwrap
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.report.model import (
    Chart,
    Format,
    Input,
    Page,
    Report,
    Sheet,
    Table,
    Text,
    TextStyle,
    label,
)
from pipeline.report.xlsx_parts import (
    Anchor,
    ChartPart,
    Series,
    app_xml,
    chart_xml,
    content_types_xml,
    core_xml,
    drawing_rels_xml,
    drawing_xml,
    root_rels_xml,
    sheet_rels_xml,
    theme_xml,
    workbook_rels_xml,
    workbook_xml,
)
from pipeline.report.xlsx_xml import (
    EXCEL_MAX_TEXT,
    LINE_POINTS,
    MAIN_NS,
    REL_NS,
    XML_DECLARATION,
    SharedStrings,
    Styles,
    column_letter,
    column_xml,
    footer_xml,
    merge_cells_xml,
    page_setup_xml,
    protection_xml,
    row_height_attributes,
    row_numbers,
    rows_xml,
    styles_xml,
    text_xml,
    validations_xml,
)

__all__ = ["EXCEL_MAX_TEXT", "write_workbook"]

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header and titles included; tests shrink it
BATCH_ROWS = 50_000  # rows turned into XML at a time, bounding the memory of a long sheet
MIN_WIDTH = 6
MAX_WIDTH = 50  # characters; longer text wraps within it
FILTER_BUTTON = 3  # characters the header's filter button covers
HEADER_LINES = 2  # a header's words wrap onto at most this many lines
# Digits and separators beyond the integer part that each format adds to a number's width.
EXTRA_CHARS = {Format.INTEGER: 1, Format.UNITS: 4, Format.MONEY: 5, Format.RATE: 9}
DATE_WIDTH = 10
TEXT_WIDTH_FACTOR = 1.15  # proportional fonts: letters run wider than the digit a width counts
# Text in a wrapped cell: pixels per character by kind (Calibri 11), the cell's indent and
# padding, and the share of a line that wrapping at word ends fills at least.
CHAR_PIXELS, WIDE_EXTRA_PIXELS, SPACE_SAVING_PIXELS = 6.0, 1.5, 3.0
INDENT_PIXELS = 14
WRAPPED_LINE_SHARE = 0.9
DIGIT_PIXELS, CELL_PADDING_PIXELS = 7, 5  # Calibri 11, as Excel stores a column width
DEFAULT_COLUMN_PIXELS = 64  # a column without a <col> width
ROW_PIXELS = 20  # a row of 11-point text, 15 points at 96 pixels to the inch
# A printed page, US Letter within pageMargins (0.5 in left and right, 0.75 in top and bottom),
# in pixels at 96 to the inch: (landscape, portrait) as (width, height).
PAGE_PIXELS = {True: (960, 672), False: (720, 912)}
# Fitting a sheet to the page scales its 11-point text; never below 8 points.
MIN_SCALE = 8 / 11
# A chart: as wide as a portrait page; two rows per category, within these bounds.
CHART_PIXELS = 640
CHART_ROWS = (15, 40)
AXIS_FORMATS = {
    Format.MONEY: '"$"#,##0',
    Format.RATE: '"$"#,##0.00',
    Format.UNITS: "#,##0.##",
    Format.INTEGER: "#,##0",
}
# A Page's text: points per line by style, and the space after a paragraph.
TEXT_LINE_POINTS = {TextStyle.TITLE: 19.0, TextStyle.HEADING: 16.0, TextStyle.BODY: 15.0}
FONT_POINTS = {TextStyle.TITLE: 14, TextStyle.HEADING: 11, TextStyle.BODY: 11}
PARAGRAPH_GAP_POINTS = 6.0
TEXT_STYLES = {
    TextStyle.TITLE: Styles.PAGE_TITLE,
    TextStyle.HEADING: Styles.PAGE_HEADING,
    TextStyle.BODY: Styles.PAGE_BODY,
}
# A sheet's XML at most: a cell's markup with the longest reference, style and value (a
# number's 24 characters, a shared string's index), a row's tags and height.
CELL_XML_BYTES, ROW_XML_BYTES = 100, 64
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
    """One worksheet's share of a Sheet: its name, main-table rows (the last `totals` of them
    totals), and the tables and charts after them."""

    name: str
    frame: pd.DataFrame
    bold_rows: frozenset[int]
    below: tuple[Table, ...]
    totals: int = 0
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Block:
    """A table placed on a worksheet: its header's row (from 0) and its rows under it, the
    last `totals` of them totals; `inputs` are empty columns after the frame's; `wraps` says
    which columns wrap their text."""

    top: int
    frame: pd.DataFrame
    formats: list[Format]
    wraps: list[bool]
    bold_rows: frozenset[int]
    caption: str = ""
    totals: int = 0
    inputs: tuple[Input, ...] = ()
    widths: tuple[float, ...] = ()  # of the worksheet's columns, from A

    @property
    def columns(self) -> int:
        return len(self.frame.columns) + len(self.inputs)

    @property
    def header_row(self) -> int:
        """The header's Excel row number (from 1)."""
        return self.top + 1

    @property
    def last_row(self) -> int:
        """The Excel row number of the last row (the header's when there are none)."""
        return self.top + 1 + len(self.frame)

    @property
    def last_data_row(self) -> int:
        """The Excel row number of the last row before the totals."""
        return self.last_row - self.totals


@dataclass(frozen=True)
class TextRow:
    """A Page's paragraph: its row (from 0), merged across the page's columns."""

    row: int
    text: Text
    points: float


@dataclass(frozen=True)
class Layout:
    """One worksheet as it is written: name, column widths, where its tables and paragraphs
    go, what it prints and the charts it draws."""

    name: str
    widths: list[float]
    blocks: list[Block]
    title_rows: tuple[str, ...] = ()
    text_rows: tuple[TextRow, ...] = ()
    charts: tuple[ChartPart, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    filtered: bool = True  # a frozen, filterable main table whose header prints on every page
    landscape: bool = True
    fit_width: bool = False
    fit_height: bool = False
    footer: str = ""
    protected: bool = False


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


def header_width(text: str) -> int:
    """Characters a header needs beside its filter button, its words on at most two lines."""
    if not text:
        return 0
    width = max(len(word) for word in text.split() or [text])
    while len(textwrap.wrap(text, width)) > HEADER_LINES:
        width += 1
    return round(width * TEXT_WIDTH_FACTOR) + FILTER_BUTTON


def input_width(column: Input) -> int:
    choices = [round(len(c) * TEXT_WIDTH_FACTOR) + FILTER_BUTTON for c in column.choices]
    return column.width or max([header_width(label(column.column)), *choices])


def column_widths(sheet: Sheet) -> tuple[list[float], bool]:
    """Per column position: wide enough for the header and the values of every table, capped
    at MAX_WIDTH (longer text wraps); and whether trailing text runs on.

    A trailing text column of a table below the main one is left out where its text can run
    on into the empty cells to its right rather than widen a column of the main table: where
    the sheet, that text included, prints on one page wide. Printed over pages across, text
    running on would be cut at a page's edge; it wraps in its column instead.
    """
    tables: tuple[Sheet | Table, ...] = (sheet, *sheet.below)
    widths = table_widths(tables, runs_on=True, inputs=sheet.inputs)
    reach = [
        sum(map(column_pixels, widths[: len(t.frame.columns) - 1]))
        + INDENT_PIXELS
        + int(
            max(
                text_pixels(pa.array(t.frame.iloc[:, -1], from_pandas=True).cast(pa.string())),
                default=0,
            )
        )
        for t in sheet.below
        if column_formats(t.frame, t)[-1:] == [Format.TEXT]
    ]
    if fits_one_page_wide(max([sum(map(column_pixels, widths)), *reach]), landscape=True):
        return widths, True
    return table_widths(tables, runs_on=False, inputs=sheet.inputs), False


def table_widths(
    tables: Sequence[Sheet | Table], runs_on: bool, inputs: tuple[Input, ...] = ()
) -> list[float]:
    """Column widths for these tables, one under another (the first one takes `inputs`)."""
    widths = [0] * max(
        len(t.frame.columns) + (len(inputs) if i == 0 else 0) for i, t in enumerate(tables)
    )
    for n, table in enumerate(tables):
        formats = column_formats(table.frame, table)
        for i, (column, fmt) in enumerate(zip(table.frame.columns, formats, strict=True)):
            runs = runs_on and n > 0 and i == len(formats) - 1 and fmt is Format.TEXT
            values = 0 if runs else min(MAX_WIDTH, value_width(table.frame[column], fmt))
            widths[i] = max(widths[i], header_width(label(str(column))), values)
    first = len(tables[0].frame.columns)
    for i, answer in enumerate(inputs):
        widths[first + i] = max(widths[first + i], input_width(answer))
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, w + 1))) for w in widths]


def wrapped_columns(frame: pd.DataFrame, formats: list[Format], runs_on: bool) -> list[bool]:
    """Which of a table's columns hold text longer than MAX_WIDTH, to be wrapped."""
    return [
        fmt is Format.TEXT
        and not (runs_on and i == len(formats) - 1)
        and value_width(frame[column], fmt) > MAX_WIDTH
        for i, (column, fmt) in enumerate(zip(frame.columns, formats, strict=True))
    ]


def stored_width(width: float) -> float:
    """A width in characters as Excel stores it: whole pixels plus the cell padding."""
    pixels = int(width * DIGIT_PIXELS + 0.5) + CELL_PADDING_PIXELS
    return int(pixels / DIGIT_PIXELS * 256) / 256


def column_pixels(width: float) -> int:
    """A column's width on screen and on paper at 100 %, in pixels."""
    return int(width * DIGIT_PIXELS + 0.5) + CELL_PADDING_PIXELS


def fits_one_page_wide(pixels: int, landscape: bool) -> bool:
    """Whether a sheet this wide, scaled to one page's width, keeps 11-point text at 8 points
    or more; a wider sheet prints at full size over pages across instead."""
    return pixels * MIN_SCALE <= PAGE_PIXELS[landscape][0]


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


def check_sheet(sheet: Sheet) -> None:
    """What the model allows but a worksheet cannot hold."""
    if not 0 <= sheet.totals <= len(sheet.frame):
        raise ValueError(f"sheet {sheet.name!r}: totals={sheet.totals} of {len(sheet.frame)} rows")
    for column in sheet.inputs:
        if column.column in sheet.frame.columns:
            raise ValueError(f"sheet {sheet.name!r}: input {column.column!r} is a frame column")
    for chart in sheet.charts:
        table = chart_table(sheet, chart)
        missing = {chart.category_column, *chart.value_columns} - set(table.frame.columns)
        if missing or not chart.value_columns:
            raise ValueError(f"chart {chart.title!r}: no column {sorted(missing)} to draw")


def chart_table(sheet: Sheet, chart: Chart) -> Sheet | Table:
    """The table a chart draws: the main one, or the table below with the chart's title."""
    if not chart.table:
        return sheet
    found = [t for t in sheet.below if t.title == chart.table]
    if len(found) != 1:
        raise ValueError(f"chart {chart.title!r}: {len(found)} tables titled {chart.table!r}")
    return found[0]


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
    if any(not c.table for c in sheet.charts) and last > 0:
        raise ValueError(f"sheet {sheet.name!r}: a chart's table must fit on one worksheet")
    first_total = len(sheet.frame) - sheet.totals
    bold = sheet.bold_rows | frozenset(range(first_total, len(sheet.frame)))
    return [
        Part(
            name=sheet.name if n == 0 else f"{sheet.name} ({n + 1})",
            frame=frame,
            bold_rows=frozenset(r - start for r in bold if 0 <= r - start < len(frame)),
            below=sheet.below if n == last else (),
            totals=max(0, start + len(frame) - max(first_total, start)),
            charts=sheet.charts if n == last else (),
        )
        for n, (start, frame) in enumerate(zip(starts, frames, strict=True))
    ]


def part_blocks(sheet: Sheet, part: Part, widths: list[float], runs_on: bool) -> list[Block]:
    """The part's tables where they go: the main one under the titles, each further one
    after a blank row (and its caption)."""
    header = len(sheet.title_rows)
    formats = column_formats(part.frame, sheet)
    blocks = [
        Block(
            header,
            part.frame,
            formats,
            wrapped_columns(part.frame, formats, False),
            part.bold_rows,
            totals=part.totals,
            inputs=sheet.inputs,
            widths=tuple(widths),
        )
    ]
    row = header + len(part.frame) + 2
    for table in part.below:
        top = row + bool(table.title)
        blocks.append(table_block(table, top, runs_on=runs_on, widths=widths))
        row = top + len(table.frame) + 2
    return blocks


def table_block(table: Table, top: int, runs_on: bool, widths: list[float]) -> Block:
    formats = column_formats(table.frame, table)
    first_total = len(table.frame) - table.totals
    return Block(
        top,
        table.frame,
        formats,
        wrapped_columns(table.frame, formats, runs_on),
        table.bold_rows | frozenset(range(first_total, len(table.frame))),
        table.title,
        totals=table.totals,
        widths=tuple(widths),
    )


def text_pixels(text: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each text's width in Calibri 11, in pixels, estimated from its kinds of character:
    lower-case letters and punctuation about 6, capitals and digits about 7.5, spaces 3."""
    length = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    wide = pc.fill_null(pc.count_substring_regex(text, r"[A-Z0-9]"), 0)
    spaces = pc.fill_null(pc.count_substring(text, " "), 0)
    return (
        CHAR_PIXELS * length
        + WIDE_EXTRA_PIXELS * wide.to_numpy(zero_copy_only=False)
        - SPACE_SAVING_PIXELS * spaces.to_numpy(zero_copy_only=False)
    )


def row_lines(frame: pd.DataFrame, wraps: list[bool], widths: Sequence[float]) -> np.ndarray:
    """Lines each row takes: its wrapped cells' text over their columns' line, and line feeds.
    An estimate that errs long (a line loses a word's part to wrapping, capitals run wide), so
    that a row set to it does not cut its text off."""
    lines = np.ones(len(frame), dtype=np.int64)
    for column, wrap, width in zip(frame.columns, wraps, widths, strict=False):
        if wrap:
            text = pa.array(frame[column], from_pandas=True).cast(pa.string())
            line = (column_pixels(width) - INDENT_PIXELS) * WRAPPED_LINE_SHARE
            breaks = pc.fill_null(pc.count_substring(text, "\n"), 0).to_numpy(zero_copy_only=False)
            cells = np.ceil(text_pixels(text) / line).astype(np.int64) + breaks
            lines = np.maximum(lines, cells)
    return lines


def header_lines(block: Block) -> int:
    """Lines the header row takes: a label wraps within its column, beside its filter button."""
    labels = [label(str(c)) for c in block.frame.columns] + [label(i.column) for i in block.inputs]
    return max(
        [1]
        + [
            len(textwrap.wrap(text, max(1, round((width - 1 - FILTER_BUTTON) / TEXT_WIDTH_FACTOR))))
            for text, width in zip(labels, block.widths, strict=False)
        ]
    )


def sheet_layouts(sheet: Sheet) -> list[Layout]:
    """The worksheets a Sheet takes, laid out."""
    check_sheet(sheet)
    widths, runs_on = column_widths(sheet)
    layouts = []
    for part in sheet_parts(sheet):
        blocks = part_blocks(sheet, part, widths, runs_on)
        charts, anchors = placed_charts(sheet, part, blocks, widths)
        layouts.append(
            Layout(
                name=part.name,
                widths=widths,
                blocks=blocks,
                title_rows=sheet.title_rows,
                charts=charts,
                anchors=anchors,
                fit_width=fits_one_page_wide(sum(map(column_pixels, widths)), landscape=True),
                footer=sheet.footer,
                protected=sheet.protected,
            )
        )
    return layouts


def placed_charts(
    sheet: Sheet, part: Part, blocks: list[Block], widths: list[float]
) -> tuple[tuple[ChartPart, ...], tuple[Anchor, ...]]:
    """The part's charts with their cells resolved, one under another after its last table."""
    charts, anchors = [], []
    row = max(b.last_row for b in blocks) + 1  # a blank row, from 0
    for chart in part.charts:
        table = chart_table(sheet, chart)
        below = [i for i, t in enumerate(part.below) if t is table]
        block = blocks[1 + below[0]] if below else blocks[0]
        charts.append(chart_part(part.name, chart, block))
        rows = min(
            CHART_ROWS[1], max(CHART_ROWS[0], 4 + 2 * (block.last_data_row - block.header_row))
        )
        anchors.append(chart_anchor(widths, row, rows))
        row += rows + 1
    return tuple(charts), tuple(anchors)


def chart_part(sheet_name: str, chart: Chart, block: Block) -> ChartPart:
    """The chart's ranges on the worksheet and the values they hold now."""
    columns = list(block.frame.columns)
    data = block.frame.iloc[: len(block.frame) - block.totals]
    first, last = block.header_row + 1, block.last_data_row

    def ref(column: str, top: int, bottom: int) -> str:
        letter = column_letter(columns.index(column))
        end = f":${letter}${bottom}" if bottom != top else ""
        return f"{quoted(sheet_name)}!${letter}${top}{end}"

    fmt = block.formats[columns.index(chart.value_columns[0])]
    return ChartPart(
        title=chart.title,
        horizontal=chart.horizontal,
        stacked=chart.stacked,
        categories_ref=ref(chart.category_column, first, last),
        categories=tuple("" if pd.isna(v) else str(v) for v in data[chart.category_column]),
        series=tuple(
            Series(
                name_ref=ref(column, block.header_row, block.header_row),
                name=label(column),
                values_ref=ref(column, first, last),
                values=tuple(None if pd.isna(v) else float(v) for v in data[column]),
            )
            for column in chart.value_columns
        ),
        number_format=AXIS_FORMATS.get(fmt, "General"),
    )


def chart_anchor(widths: list[float], row: int, rows: int) -> Anchor:
    """A chart CHART_PIXELS wide from column A of `row`, `rows` rows tall."""
    left, column = CHART_PIXELS, 0
    while True:
        pixels = column_pixels(widths[column]) if column < len(widths) else DEFAULT_COLUMN_PIXELS
        if left <= pixels:
            break
        left -= pixels
        column += 1
    return Anchor(0, row, column, left, row + rows, 0)


def page_layout(page: Page) -> Layout:
    """A Page: its tables' columns (a last, empty one widening them to the page), each
    paragraph merged across them with the height its wrapped lines take, the tables between."""
    tables = [b for b in page.blocks if isinstance(b, Table)]
    page_width, page_height = PAGE_PIXELS[page.landscape]
    widths = table_widths(tables, runs_on=False) if tables else []
    room = page_width - sum(map(column_pixels, widths))
    if room > DIGIT_PIXELS + CELL_PADDING_PIXELS:
        widths.append(round((room - CELL_PADDING_PIXELS) / DIGIT_PIXELS - 0.5, 2))
    pixels = sum(map(column_pixels, widths))
    row, blocks, texts = 0, [], []
    height = 0.0  # pixels
    for item in page.blocks:
        if isinstance(item, Text):
            characters = (pixels - CELL_PADDING_PIXELS) / DIGIT_PIXELS / TEXT_WIDTH_FACTOR
            per_line = max(
                1, int(characters * FONT_POINTS[TextStyle.BODY] / FONT_POINTS[item.style])
            )
            lines = sum(max(1, len(textwrap.wrap(p, per_line))) for p in item.text.split("\n"))
            points = lines * TEXT_LINE_POINTS[item.style] + PARAGRAPH_GAP_POINTS
            texts.append(TextRow(row, item, points))
            height += points * 4 / 3
            row += 1
        else:
            top = row + bool(item.title)
            block = table_block(item, top, runs_on=False, widths=widths)
            blocks.append(block)
            lines = header_lines(block) + int(row_lines(block.frame, block.wraps, widths).sum())
            height += ROW_PIXELS * (top - row + lines + 1)
            row = block.last_row + 1  # and a blank row
    width_scale = page_width / max(pixels, 1)
    fit_height = min(width_scale, page_height / max(height, 1)) >= MIN_SCALE
    return Layout(
        name=page.name,
        widths=widths,
        blocks=blocks,
        text_rows=tuple(texts),
        filtered=False,
        landscape=page.landscape,
        fit_width=width_scale >= MIN_SCALE,
        fit_height=fit_height,
        footer=page.footer,
    )


def label_cells(
    refs: list[str], styles: list[int], texts: list[str], strings: SharedStrings
) -> str:
    """Title, caption or header cells, cut as the columns' text is; an empty text is a blank
    cell that keeps its style."""
    xml = text_xml(
        pa.array(texts, pa.string()), pa.array(refs), pa.array([str(s) for s in styles]), strings
    )
    return "".join(
        x or f'<c r="{r}" s="{s}"/>' for x, r, s in zip(xml.to_pylist(), refs, styles, strict=True)
    )


def header_xml(block: Block, strings: SharedStrings) -> str:
    """The caption row (if any) and the header row of a table, in the columns' labels."""
    row = block.header_row
    above = row - 1
    caption = (
        f'<row r="{above}">'
        f"{label_cells([f'A{above}'], [Styles.CAPTION], [block.caption], strings)}</row>"
        if block.caption
        else ""
    )
    header = label_cells(
        [f"{column_letter(c)}{row}" for c in range(block.columns)],
        [Styles.cell(fmt, header=True) for fmt in block.formats]
        + [Styles.cell(Format.TEXT, header=True)] * len(block.inputs),
        [label(str(name)) for name in block.frame.columns]
        + [label(i.column) for i in block.inputs],
        strings,
    )
    lines = header_lines(block)
    height = f' ht="{lines * LINE_POINTS}" customHeight="1"' if lines > 1 else ""
    return f'{caption}<row r="{row}"{height}>{header}</row>'


def block_rows(block: Block, strings: SharedStrings) -> Iterator[tuple[bytes, int]]:
    """The table's data rows as XML, a batch at a time, with the cells each batch holds."""
    first_total = len(block.frame) - block.totals
    for start in range(0, len(block.frame), BATCH_ROWS):
        batch = block.frame.iloc[start : start + BATCH_ROWS]
        rows = row_numbers(block.top + 2 + start, len(batch))
        positions = np.arange(start, start + len(batch))
        bold = pa.array(np.isin(positions, list(block.bold_rows)))
        columns = []
        for c, (column, fmt, wrap) in enumerate(
            zip(batch.columns, block.formats, block.wraps, strict=True)
        ):
            refs = pc.binary_join_element_wise(column_letter(c), rows, "")
            plain, strong = Styles.cell(fmt, wrap=wrap), Styles.cell(fmt, bold=True, wrap=wrap)
            styles = pc.if_else(bold, str(strong), str(plain))
            values = pa.array(batch[column], from_pandas=True)
            try:
                columns.append(column_xml(values, fmt, refs, styles, strings))
            except ValueError as err:  # Arrow's cast errors too: say which column
                raise ValueError(f"column {column!r}: {err}") from err
        cells = sum(len(c) - c.null_count for c in columns)
        # An input cell is written blank, shaded and unlocked, on every row above the totals.
        open_rows = pa.array(positions < first_total)
        for c in range(len(block.frame.columns), block.columns):
            refs = pc.binary_join_element_wise(column_letter(c), rows, "")
            blank = pc.binary_join_element_wise('<c r="', refs, f'" s="{Styles.INPUT}"/>', "")
            columns.append(pc.if_else(open_rows, blank, pa.scalar(None, pa.string())))
        heights = (
            row_height_attributes(row_lines(batch, block.wraps, block.widths))
            if any(block.wraps)
            else ""
        )
        yield rows_xml(rows, columns, heights), cells


def quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def last_column(layout: Layout) -> str:
    return column_letter(max([len(layout.widths) - 1, *(b.columns - 1 for b in layout.blocks)]))


def last_row(layout: Layout) -> int:
    rows = [len(layout.title_rows), *(b.last_row for b in layout.blocks)]
    return max(rows + [t.row + 1 for t in layout.text_rows])


def sheet_head(layout: Layout, first: bool, strings: SharedStrings) -> str:
    """The worksheet's XML up to its rows: extent, frozen header, column widths, titles."""
    cols = "".join(
        f'<col min="{first + 1}" max="{last + 1}" width="{stored_width(w)}" customWidth="1"/>'
        for first, last, w in width_runs(layout.widths)
    )
    selected = ' tabSelected="1"' if first else ""
    if layout.filtered:
        frozen = layout.blocks[0].header_row
        view = (
            f'<sheetView{selected} workbookViewId="0"><pane ySplit="{frozen}" topLeftCell='
            f'"A{frozen + 1}" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView>'
        )
    else:
        view = f'<sheetView showGridLines="0"{selected} workbookViewId="0"/>'
    titles = "".join(
        f'<row r="{r + 1}">{label_cells([f"A{r + 1}"], [Styles.TITLE], [t], strings)}</row>'
        for r, t in enumerate(layout.title_rows)
    )
    fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if layout.fit_width else ""
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{fit}'
        f'<dimension ref="A1:{last_column(layout)}{last_row(layout)}"/>'
        f"<sheetViews>{view}</sheetViews>"
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{titles}'
    )


def filter_ref(block: Block, anchor: str = "") -> str:
    """The main table's header and rows above its totals, as the autofilter covers them;
    anchor "$" makes the reference absolute ($A$1:$O$922), as a defined name holds it."""
    last = column_letter(block.columns - 1)
    first_row, last_row = block.header_row, block.last_data_row
    return f"{anchor}A{anchor}{first_row}:{anchor}{last}{anchor}{last_row}"


def sheet_tail(layout: Layout) -> str:
    """The worksheet's XML after its rows, in the schema's order: protection, filter, merged
    paragraphs, drop-downs, print setup and footer, ignored errors, drawing."""
    main = layout.blocks[0] if layout.blocks else None
    merges = (
        [f"A{t.row + 1}:{last_column(layout)}{t.row + 1}" for t in layout.text_rows]
        if len(layout.widths) > 1
        else []
    )
    lists = (
        [
            (
                f"{column_letter(len(main.frame.columns) + i)}{main.header_row + 1}:"
                f"{column_letter(len(main.frame.columns) + i)}{main.last_data_row}",
                column.choices,
            )
            for i, column in enumerate(main.inputs)
            if column.choices and main.last_data_row > main.header_row
        ]
        if main
        else []
    )
    return (
        "</sheetData>"
        + (protection_xml() if layout.protected else "")
        + (f'<autoFilter ref="{filter_ref(main)}"/>' if layout.filtered and main else "")
        + merge_cells_xml(merges)
        + validations_xml(lists)
        + page_setup_xml(layout.landscape, layout.fit_width, layout.fit_height)
        + footer_xml(layout.footer)
        # IDs such as 007 are text on purpose; hide Excel's "number stored as text" markers.
        + f'<ignoredErrors><ignoredError sqref="A1:{LAST_CELL}" numberStoredAsText="1"/>'
        "</ignoredErrors>" + ('<drawing r:id="rId1"/>' if layout.charts else "") + "</worksheet>"
    )


def text_rows_xml(layout: Layout, strings: SharedStrings) -> dict[int, str]:
    """Each paragraph's row, by its row (from 0): one cell, its height set for its lines."""
    return {
        t.row: f'<row r="{t.row + 1}" ht="{t.points:g}" customHeight="1">'
        f"{label_cells([f'A{t.row + 1}'], [TEXT_STYLES[t.text.style]], [t.text.text], strings)}"
        "</row>"
        for t in layout.text_rows
    }


def sheet_xml(
    layout: Layout, first: bool, strings: SharedStrings, cells: list[int]
) -> Iterator[bytes]:
    """One worksheet's XML as it is made, a batch of rows at a time; the cells written (those
    with a value) are added to cells[0]."""
    yield sheet_head(layout, first, strings).encode()
    cells[0] += sum(map(bool, layout.title_rows))
    texts = text_rows_xml(layout, strings)
    cells[0] += sum(bool(t.text.text) for t in layout.text_rows)
    pending = sorted(texts)
    for block in layout.blocks:
        while pending and pending[0] < block.top:
            yield texts[pending.pop(0)].encode()
        yield header_xml(block, strings).encode()
        cells[0] += sum(bool(label(str(c))) for c in block.frame.columns) + len(block.inputs)
        cells[0] += bool(block.caption)
        for xml, count in block_rows(block, strings):
            yield xml
            cells[0] += count
    for row in pending:
        yield texts[row].encode()
    yield sheet_tail(layout).encode()


def xml_bytes_bound(layout: Layout) -> int:
    """Bytes the worksheet's XML takes at most (see CELL_XML_BYTES); text is in the shared
    strings, each cell holding its index."""
    head = sheet_head(layout, True, SharedStrings()) + sheet_tail(layout)
    cells = sum(b.columns * (len(b.frame) + 2) for b in layout.blocks) + len(layout.text_rows)
    rows = sum(len(b.frame) + 2 for b in layout.blocks) + len(layout.text_rows)
    return len(head.encode()) + CELL_XML_BYTES * cells + ROW_XML_BYTES * rows


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


def defined_names(layouts: list[Layout]) -> list[tuple[str, int, str, bool]]:
    """Each filtered worksheet's filter range (hidden, as Excel keeps it), and its print titles
    where it holds one table: above the tables below the main one, its header would head
    columns that are not its own (the Summary's second page)."""
    return [
        definition
        for index, layout in enumerate(layouts)
        if layout.filtered
        for definition in (
            (
                "_xlnm._FilterDatabase",
                index,
                f"{quoted(layout.name)}!{filter_ref(layout.blocks[0], anchor='$')}",
                True,
            ),
            *(
                [
                    (
                        "_xlnm.Print_Titles",
                        index,
                        f"{quoted(layout.name)}!${layout.blocks[0].header_row}:"
                        f"${layout.blocks[0].header_row}",
                        False,
                    )
                ]
                if len(layout.blocks) == 1
                else []
            ),
        )
    ]


def streamed(
    book: zipfile.ZipFile, info: zipfile.ZipInfo, bound: int, chunks: Iterable[bytes]
) -> None:
    """A zip entry written as it is made. One whose bound passes ZIP64_BYTES is first written
    to a temporary file, whose size then decides whether the entry needs zip64."""
    if bound <= ZIP64_BYTES:
        with book.open(info, "w") as out:
            for chunk in chunks:
                out.write(chunk)
        return
    with tempfile.TemporaryFile(dir=Path(str(book.filename)).parent) as spool:
        for chunk in chunks:
            spool.write(chunk)
        info.file_size = spool.tell()  # zipfile picks zip64 by this size
        spool.seek(0)
        with book.open(info, "w") as out:
            shutil.copyfileobj(spool, out)


def chart_parts(
    layout: Layout, sheet: int, drawing: int, first_chart: int
) -> list[tuple[str, str]]:
    """The parts a worksheet's charts take: its relationship to its drawing, the drawing and
    its relationships, each chart."""
    numbers = range(first_chart, first_chart + len(layout.charts))
    return [
        (f"xl/worksheets/_rels/sheet{sheet}.xml.rels", sheet_rels_xml(drawing)),
        (f"xl/drawings/drawing{drawing}.xml", drawing_xml(layout.anchors)),
        (f"xl/drawings/_rels/drawing{drawing}.xml.rels", drawing_rels_xml(list(numbers))),
        *(
            (f"xl/charts/chart{n}.xml", chart_xml(c))
            for n, c in zip(numbers, layout.charts, strict=True)
        ),
    ]


def write_workbook(report: Report, path: Path, created: datetime | None = None) -> int:
    """The report as an .xlsx file at `path`; returns the number of cells written.

    `created` fixes the file's dates, so that the same report gives the same bytes.
    """
    created = created or DEFAULT_CREATED
    empty = [s.name for s in report if isinstance(s, Sheet) and s.frame.columns.empty]
    if not report or empty:
        raise ValueError(f"a workbook needs sheets, each with columns: {empty}")
    layouts = [
        layout
        for item in report
        for layout in (sheet_layouts(item) if isinstance(item, Sheet) else [page_layout(item)])
    ]
    names = [layout.name for layout in layouts]
    check_names(names)
    defined = defined_names(layouts)
    titled = [ref.split("!")[0] + "!Print_Titles" for name, _, ref, _ in defined if "Print" in name]
    drawn = [i for i, layout in enumerate(layouts) if layout.charts]
    charts = sum(len(layouts[i].charts) for i in drawn)

    def entry(name: str) -> zipfile.ZipInfo:
        stamp = min(max(created, ZIP_EPOCH), ZIP_LAST)
        info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    cells = [0]
    strings = SharedStrings()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in (
            ("[Content_Types].xml", content_types_xml(len(names), len(drawn), charts)),
            ("_rels/.rels", root_rels_xml()),
            ("docProps/core.xml", core_xml(created)),
            ("docProps/app.xml", app_xml(names, titled)),
            ("xl/workbook.xml", workbook_xml(names, defined)),
            ("xl/_rels/workbook.xml.rels", workbook_rels_xml(len(names))),
            ("xl/styles.xml", styles_xml()),
            ("xl/theme/theme1.xml", theme_xml()),
        ):
            book.writestr(entry(name), text)
        first_chart = 1
        for index, layout in enumerate(layouts):
            info = entry(f"xl/worksheets/sheet{index + 1}.xml")
            chunks = sheet_xml(layout, index == 0, strings, cells)
            streamed(book, info, xml_bytes_bound(layout), chunks)
            if layout.charts:
                drawing = drawn.index(index) + 1
                for name, text in chart_parts(layout, index + 1, drawing, first_chart):
                    book.writestr(entry(name), text)
                first_chart += len(layout.charts)
        # Written last: it holds the text of every worksheet.
        streamed(book, entry("xl/sharedStrings.xml"), strings.xml_bytes_bound(), strings.xml())
    return cells[0]
