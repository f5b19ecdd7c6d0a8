"""A workbook's XML looked through before calamine reads it, so that no file can make it expand.

calamine unpacks a part whole and builds a sheet as one dense rectangle from A1 to its farthest
cell: a 2 KB file with one cell at XFD1048576 asks it for 512 GB, a 257 KB one unpacks to a
256 MB cell. So the parts calamine reads are unpacked here first, as a stream and only up to
[limits] (pipeline/config.py), and the sheet's cells are located. A sheet whose cells lie far
apart is handed to calamine compacted: its used rows and columns moved next to each other, with
the map back to where each one was. Nothing here reads a value; calamine still does that.
"""

import io
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from pipeline.config import Limits
from pipeline.ingest.grid import UnreadableFileError, cannot_read

CHUNK = 1 << 20
_LT = ord("<")
# A start tag of a row or a cell: its attributes read whole (a quoted value may hold ">"),
# then its r attribute when it has one. Groups: the tag up to r, "row" or "c", letters, digits.
_ROW_OR_CELL = re.compile(
    rb"(<(?:[\w.-]+:)?(row|c)(?=[\s/>])(?:\s+(?!r\s*=)[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)"
    rb"(?:\s+r\s*=\s*[\"']([A-Za-z]*)([0-9]*)[\"'])?"
)
_SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si(?=[\s/>])")
# The same tags as Excel writes them, found faster: the r attribute first, no prefix.
_CELL_REF = b'<c r="'
_REF_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_REF_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_CELL_STARTS = tuple(b"<c" + end for end in (b" ", b"\t", b"\n", b"\r", b"/", b">"))
_ROW_STARTS = tuple(b"<row" + end for end in (b" ", b"\t", b"\n", b"\r", b"/", b">"))
_PREFIXED = re.compile(rb"<[\w.-]+:(?:c|row)[\s/>]")
# What a cell with no real value needs (a formula, an error value): a sheet without any of
# these is not searched for such cells, nor held in memory whole to do it.
FORMULA_TAGS = (b"<f>", b"<f ", b":f>", b":f ")
ERROR_TYPE = b't="e"'
MARKS = (*FORMULA_TAGS, ERROR_TYPE)
_ROW = b"row"
MAX_ROWS = 1_048_576  # Excel's last cell is XFD1048576
MAX_COLUMNS = 16_384
LAST_CELL = "XFD1048576"
# XML spends at most this many bytes on one character ("&#1114111;"), so a run of text longer
# than this many times the cell limit holds more characters than a cell may, whatever it is.
BYTES_PER_CHARACTER = 10
_XML_SUFFIXES = (".xml", ".rels")
# Sheets are unpacked only when asked for, so the sheets not read are not looked through.
_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/macrosheets/", "xl/dialogsheets/")
SHARED_STRINGS = "xl/sharedStrings.xml"
_LETTERS = 26


def _column(letters: bytes) -> int:
    """Excel column letters (any case) as a 0-based index: A -> 0, XFD -> 16383."""
    index = 0
    for letter in letters.upper():
        index = index * _LETTERS + letter - ord("A") + 1
    return index - 1


def letters_of(column: int) -> str:
    """A, B, ..., XFD for a 0-based column index."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, _LETTERS)
        letters = chr(ord("A") + rest) + letters
    return letters


def too_long(limits: Limits) -> UnreadableFileError:
    return cannot_read(
        f"it holds a text longer than {limits.cell_chars:,} characters, more than a cell may "
        "hold ([limits] cell_chars)"
    )


class Unpacked:
    """The unpacked bytes of a workbook's parts, counted against [limits] xlsx_xml_mib over
    every part read, so that no part, and no number of parts, unpacks past it."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self.archive, self.limits, self.total = archive, limits, 0

    def pieces(self, name: str, again: bool = False) -> Iterator[bytes]:
        """The part's bytes in pieces of about CHUNK, as they unpack; `again` for a part
        already counted."""
        try:
            with self.archive.open(name) as part:
                while piece := part.read(CHUNK):
                    self.total += 0 if again else len(piece)
                    if self.total > self.limits.xlsx_xml_bytes:
                        raise cannot_read(
                            f"it unpacks to more than {self.limits.xlsx_xml_mib:,} MiB of XML "
                            f"(at {name}), the limit ([limits] xlsx_xml_mib)"
                        )
                    yield piece
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as err:
            raise cannot_read(f"it is not a readable Excel workbook ({err})") from None


class _Runs:
    """The longest run of bytes without a "<" across the pieces of one part: the longest text
    (or tag) in it. A run past the cell limit's worth of bytes rejects the file at once."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.most = limits.cell_chars * BYTES_PER_CHARACTER
        self.run = 0

    def add(self, piece: bytes) -> None:
        starts = np.flatnonzero(np.frombuffer(piece, np.uint8) == _LT)
        if len(starts) == 0:
            longest = self.run = self.run + len(piece)
        else:
            longest = max(self.run + int(starts[0]), int(np.diff(starts).max(initial=0)))
            self.run = len(piece) - int(starts[-1])
        if longest > self.most:
            raise too_long(self.limits)


def whole_tags(pieces: Iterator[bytes], runs: _Runs) -> Iterator[bytes]:
    """The pieces re-cut at their last "<", so that no tag is split between two."""
    rest = b""
    for piece in pieces:
        runs.add(piece)
        text = rest + piece
        cut = text.rfind(b"<")
        if cut <= 0:  # no tag starts here: a text still running (its length is held by runs)
            rest = text
            continue
        rest = text[cut:]
        yield text[:cut]
    if rest:
        yield rest


def checked_parts(unpacked: Unpacked, sheet_cells: int) -> None:
    """Every XML part calamine may read when it opens the workbook (all but the sheets) unpacked
    within the limits; the shared strings counted and their longest text measured."""
    for name in unpacked.archive.namelist():
        lower = name.lower()
        if not lower.endswith(_XML_SUFFIXES) or lower.startswith(_SHEET_FOLDERS):
            continue
        if lower != SHARED_STRINGS.lower():
            for _ in unpacked.pieces(name):
                pass
            continue
        count = 0
        for piece in whole_tags(unpacked.pieces(name), _Runs(unpacked.limits)):
            count += len(_SHARED_STRING.findall(piece))
            if count > sheet_cells:
                raise cannot_read(
                    f"it holds more than {sheet_cells:,} shared texts, the limit "
                    "([limits] sheet_cells)"
                )


class _Places:
    """Each row and cell tag's place, in document order, as calamine reads them: a tag without
    an r attribute follows the one before it (a row the last row, a cell the last cell)."""

    def __init__(self) -> None:
        self.row, self.column = -1, -1
        self.columns: dict[bytes, int] = {}

    def place(self, kind: bytes, letters: bytes, digits: bytes) -> tuple[int, int]:
        """The tag's (row, column), 0-based; column -1 for a row tag."""
        if kind == _ROW:
            if letters or (digits and not 0 < int(digits) <= MAX_ROWS):
                raise cannot_read(f"it has a row beyond Excel's last row, {MAX_ROWS:,}")
            self.row = int(digits) - 1 if digits else self.row + 1
            self.column = -1
            return self.row, -1
        if digits or letters:
            column = self.columns.get(letters)
            if column is None:
                column = self.columns[letters] = _column(letters) if letters else -1
            if not (0 <= column < MAX_COLUMNS and digits and 0 < int(digits) <= MAX_ROWS):
                raise cannot_read(f"it has a cell beyond Excel's last cell, {LAST_CELL}")
            self.row, self.column = int(digits) - 1, column
        else:
            self.column += 1
            if self.column >= MAX_COLUMNS or self.row < 0:
                raise cannot_read(f"it has a cell beyond Excel's last cell, {LAST_CELL}")
        return self.row, self.column


@dataclass(frozen=True)
class SheetLayout:
    """Where a sheet's cells are. `rows` and `columns` (sorted, 0-based) are those in use when
    the sheet must be read compacted; None when calamine may read it as it is."""

    cells: int
    height: int  # the rows and columns calamine's dense rectangle from A1 would span
    width: int
    marked: bool  # it holds a formula or an error value somewhere (MARKS)
    rows: np.ndarray | None = None
    columns: np.ndarray | None = None

    @property
    def compacted(self) -> bool:
        return self.rows is not None


def _sheet_texts(unpacked: Unpacked, path: str, again: bool = False) -> Iterator[bytes]:
    return whole_tags(unpacked.pieces(path, again), _Runs(unpacked.limits))


def _over_budget(budget: int) -> UnreadableFileError:
    return cannot_read(
        f"its sheet holds more than {budget:,} rows and cells, the limit ([limits] sheet_cells)"
    )


def _marked(text: bytes) -> bool:
    return any(mark in text for mark in MARKS)


def _common_extent(unpacked: Unpacked, path: str) -> SheetLayout | None:
    """The layout of a sheet written as Excel writes one (every cell's r attribute first, no
    namespace prefix), found with a few fast patterns; None for any other sheet."""
    budget = unpacked.limits.sheet_cells
    tags, cells, height, letters, marked = 0, 0, 0, set(), False
    for text in _sheet_texts(unpacked, path):
        marked = marked or _marked(text)
        found = sum(map(text.count, _CELL_STARTS))
        if found != text.count(_CELL_REF) or _PREFIXED.search(text):
            return None
        cells += found
        tags += found + sum(map(text.count, _ROW_STARTS))
        if tags > budget:
            raise _over_budget(budget)
        rows = _REF_ROW.findall(text)
        if len(rows) != found:  # a reference that is not one: let the full reading judge it
            return None
        if rows:
            height = max(height, int(np.array(rows).astype(np.int64).max()))
            letters.update(_REF_COLUMN.findall(text))
    if height > MAX_ROWS:
        raise cannot_read(f"it has a cell beyond Excel's last cell, {LAST_CELL}")
    width = max(map(_column, letters), default=-1) + 1
    if width > MAX_COLUMNS:
        raise cannot_read(f"it has a cell beyond Excel's last cell, {LAST_CELL}")
    return SheetLayout(cells, height, width, marked)


def _cell_places(unpacked: Unpacked, path: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """The 0-based row and column of each cell, tag by tag, for a sheet in any form, and
    whether it is marked."""
    budget = unpacked.limits.sheet_cells
    places = _Places()
    rows, columns = array("q"), array("q")
    tags, marked = 0, False
    for text in _sheet_texts(unpacked, path):
        marked = marked or _marked(text)
        for _, kind, letters, digits in _ROW_OR_CELL.findall(text):
            tags += 1
            if tags > budget:
                raise _over_budget(budget)
            row, column = places.place(kind, letters, digits)
            if column >= 0:
                rows.append(row)
                columns.append(column)
    return np.frombuffer(rows, np.int64), np.frombuffer(columns, np.int64), marked


def sheet_layout(unpacked: Unpacked, path: str) -> SheetLayout:
    """The sheet's cells located; the file rejected when they pass [limits] sheet_cells, as
    rows and cells or as the rectangle calamine would fill, or [limits] columns. A sheet whose
    rectangle is wider or larger than those is read compacted."""
    budget, most_columns = unpacked.limits.sheet_cells, unpacked.limits.columns
    common = _common_extent(unpacked, path)
    if common and common.height * common.width <= budget and common.width <= most_columns:
        return common
    rows, columns, marked = _cell_places(unpacked, path)
    if len(rows) == 0:
        return SheetLayout(0, 0, 0, marked)
    height, width = int(rows.max()) + 1, int(columns.max()) + 1
    if height * width <= budget and width <= most_columns:
        return SheetLayout(len(rows), height, width, marked)
    used_rows, used_columns = np.unique(rows), np.unique(columns)
    if len(used_columns) > most_columns:
        raise cannot_read(
            f"it has cells in {len(used_columns):,} columns, more than the {most_columns:,} "
            "read ([limits] columns)"
        )
    if len(used_rows) * len(used_columns) > budget:
        raise cannot_read(
            f"its {len(rows):,} cells are spread over {len(used_rows):,} rows and "
            f"{len(used_columns):,} columns, more than the {budget:,} cells ([limits] "
            "sheet_cells) it may take to read them"
        )
    return SheetLayout(len(rows), height, width, marked, used_rows, used_columns)


def _compacted_sheet(unpacked: Unpacked, path: str, layout: SheetLayout) -> Iterator[bytes]:
    """The sheet's XML with every cell's reference moved to its compacted place."""
    assert layout.rows is not None and layout.columns is not None
    row_at = {int(r): i for i, r in enumerate(layout.rows)}
    column_at = {int(c): i for i, c in enumerate(layout.columns)}
    places = _Places()

    def moved(match: re.Match[bytes]) -> bytes:
        head, kind, letters, digits = match.groups(b"")
        row, column = places.place(kind, letters, digits)
        if column < 0:  # a row: its cells say where they are, so it needs no number of its own
            return head if row not in row_at else head + b' r="%d"' % (row_at[row] + 1)
        ref = f"{letters_of(column_at[column])}{row_at[row] + 1}"
        return head + b' r="' + ref.encode() + b'"'

    for text in _sheet_texts(unpacked, path, again=True):
        yield _ROW_OR_CELL.sub(moved, text)


def compacted_package(unpacked: Unpacked, path: str, layout: SheetLayout) -> bytes:
    """The workbook's XML parts with the sheet at `path` compacted; the other sheets and the
    parts that are not XML (pictures, never read) are left behind unopened."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name in unpacked.archive.namelist():
            lower = name.lower()
            if name == path:
                with package.open(path, "w", force_zip64=True) as sheet:
                    for text in _compacted_sheet(unpacked, path, layout):
                        sheet.write(text)
            elif lower.endswith(_XML_SUFFIXES) and not lower.startswith(_SHEET_FOLDERS):
                package.writestr(name, b"".join(unpacked.pieces(name, again=True)))
    return buffer.getvalue()
