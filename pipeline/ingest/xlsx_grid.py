"""XLSX bytes as a Grid: one sheet's cells as text from Excel row 1, read with python-calamine.

Formula cells read as their saved value. Cells that calamine reads as empty but that hold no
real value (a formula saved without one, an Excel error such as #DIV/0!) are found in the XML.
"""

import io
import re
import zipfile
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from pipeline.config import Limits
from pipeline.ingest.grid import BAD_CELL_DTYPES, COL, ROW, Grid, cannot_read, no_bad_cells
from pipeline.ingest.xlsx_scan import (
    ERROR_TYPE,
    FORMULA_TAGS,
    Unpacked,
    checked_parts,
    compacted_package,
    letters_of,
    sheet_layout,
)
from schemas.columns import ERROR, VALUE

_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_P = r"(?:\w+:)?"  # some writers prefix every element with a namespace, as in <x:c>
# A cell holding only a formula, with no saved value (<v> missing or empty). A formula whose
# saved value is an empty string is marked t="str" and reads as a real empty cell.
_UNSAVED_FORMULA = re.compile(
    rf'<{_P}c\b(?![^>]*\bt="str")[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*>\s*'
    rf"<{_P}f\b(?:[^>]*/>|[^>]*>([^<]*)</{_P}f>)\s*"
    rf"(?:<{_P}v\s*/>|<{_P}v>\s*</{_P}v>)?\s*</{_P}c>".encode()
)
# A cell whose value is an Excel error (t="e"), typed in or the saved result of a formula.
_ERROR_VALUE = re.compile(
    rf'<{_P}c\b(?=[^>]*\bt="e")[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*>\s*'
    rf"(?:<{_P}f\b(?:[^>]*/>|[^>]*>[^<]*</{_P}f>)\s*)?<{_P}v>([^<]*)</{_P}v>".encode()
)
UNSAVED_FORMULA = "the cell is a formula with no saved value; open and save the file in Excel"
EXCEL_ERROR = "the cell shows an Excel error; correct it in Excel"
PASSWORD_PROTECTED = "it is password-protected; save it without a password and send it again"
BROKEN_PARTS = "its parts do not fit together"
NOT_XLSX = "it is not an .xlsx workbook (an older .xls, or another format); save it as .xlsx"
# Excel saves a workbook with a password as an OLE compound file, not a zip: the encrypted
# package sits beside an EncryptionInfo stream, whose directory name is UTF-16.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_XML_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&"}
_WHOLE_FLOAT = r"^(-?[0-9]+)\.0$"
_LETTERS = 26
_MAX_LETTERS = 3  # Excel's last column is XFD
_NO_LETTER = "@"  # pads short column names; worth 0, as "A" is worth 1
_LETTER_VALUES = {_NO_LETTER: 0} | {chr(ord("A") + i): i + 1 for i in range(_LETTERS)}


def _cell_text(column: pd.Series) -> pd.Series:
    """Cell values as text: numbers without a spurious ".0", dates as ISO, times as hh:mm:ss."""
    return column.astype("str").str.replace(_WHOLE_FLOAT, r"\1", regex=True)


def _column_index(letters: pd.Series) -> pd.Series:
    """Excel column letters as 0-based positions (A -> 0, Z -> 25, AA -> 26, XFD the last)."""
    padded = letters.str.rjust(_MAX_LETTERS, _NO_LETTER)
    places = (
        padded.str[i].map(_LETTER_VALUES).astype("int64") * _LETTERS ** (_MAX_LETTERS - 1 - i)
        for i in range(_MAX_LETTERS)
    )
    return sum(places, pd.Series(-1, index=letters.index, dtype="int64"))


def _sheet_xml_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = ElementTree.fromstring(archive.read(_WORKBOOK))
    rel_id = next(
        (s.get(_REL_ID) for s in workbook.iter(f"{_MAIN_NS}sheet") if s.get("name") == sheet), None
    )
    rels = ElementTree.fromstring(archive.read(_WORKBOOK_RELS))
    target = next(
        (r.get("Target") for r in rels.iter(f"{_RELS_NS}Relationship") if r.get("Id") == rel_id),
        None,
    )
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _found(pattern: re.Pattern[bytes], xml: bytes, error: str, prefix: str) -> pd.DataFrame:
    """The cells the pattern finds, as BAD_CELL_DTYPES rows; VALUE is `prefix` + the text."""
    found = pd.DataFrame(pattern.findall(xml), columns=["letters", "number", VALUE], dtype="str")
    text = found[VALUE].replace(_XML_ENTITIES, regex=True)
    return pd.DataFrame(
        {
            ROW: found["number"].astype("int64") - 1,
            COL: _column_index(found["letters"]),
            VALUE: (prefix + text).where(text != "", ""),
            ERROR: error,
        }
    ).astype(BAD_CELL_DTYPES)


def bad_cells(data: bytes, sheet: str) -> pd.DataFrame:
    """The sheet's cells that hold no real value: formulas never calculated, Excel errors.

    Only for a sheet already looked through (xlsx_scan), which unpacks within the limits.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _sheet_xml_path(archive, sheet)
            xml = archive.read(path) if path else b""
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        # calamine read the workbook, so a layout this scan does not know only loses the check
        return no_bad_cells()
    found = [no_bad_cells()]
    if any(tag in xml for tag in FORMULA_TAGS):
        found.append(_found(_UNSAVED_FORMULA, xml, UNSAVED_FORMULA, "="))
    if ERROR_TYPE in xml:
        found.append(_found(_ERROR_VALUE, xml, EXCEL_ERROR, ""))
    return pd.concat(found, ignore_index=True).sort_values([ROW, COL], ignore_index=True)


def _encrypted(data: bytes) -> bool:
    """True for an Office file saved with a password to open it."""
    return data.startswith(_OLE_SIGNATURE) and _ENCRYPTION_INFO in data


def _package(data: bytes) -> zipfile.ZipFile:
    """The workbook as a zip package; a file that is not one is unreadable, in calamine's words
    where calamine cannot read it either, as it alone would also read an older .xls."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError):
        pass
    try:
        CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as err:
        raise cannot_read(f"it is not a readable Excel workbook ({err})") from None
    raise cannot_read(NOT_XLSX)


def _too_long_cell(cells: pd.DataFrame, columns: np.ndarray, limits: Limits) -> None:
    """Rejects the workbook when a cell holds more than [limits] cell_chars characters;
    `columns` are the sheet's column indexes of the grid's columns."""
    for position, column in enumerate(cells.columns):
        lengths = cells[column].str.len().to_numpy()
        if len(lengths) and lengths.max() > limits.cell_chars:
            row = int(cells.index[int(lengths.argmax())]) + 1
            raise cannot_read(
                f"its cell {letters_of(int(columns[position]))}{row} holds "
                f"{int(lengths.max()):,} characters, more than the {limits.cell_chars:,} a cell "
                "may hold ([limits] cell_chars)"
            )


def xlsx_grid(data: bytes, sheet: str | None, limits: Limits | None = None) -> Grid:
    """The grid of the named sheet, or of the first sheet, read within `limits`."""
    limits = limits or Limits()
    # Told by its own marks, so the sentence does not hang on which encryptions calamine knows.
    if _encrypted(data):
        raise cannot_read(PASSWORD_PROTECTED)
    with _package(data) as archive:
        unpacked = Unpacked(archive, limits)
        checked_parts(unpacked, limits.sheet_cells)
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            names = book.sheet_names
            if sheet is not None and sheet not in names:
                raise cannot_read(
                    f"it has no sheet {sheet!r} (sheets: {', '.join(names) or 'none'})"
                )
            if not names:
                raise cannot_read("it has no sheets")
            name = sheet if sheet is not None else names[0]
            path = _sheet_xml_path(archive, name)
            if path is None or path not in archive.namelist():
                raise cannot_read(f"its sheet {name!r} is missing from the workbook")
            layout = sheet_layout(unpacked, path)
            if layout.compacted:
                book = CalamineWorkbook.from_filelike(
                    io.BytesIO(compacted_package(unpacked, path, layout))
                )
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except PasswordError:
            raise cannot_read(PASSWORD_PROTECTED) from None
        except CalamineError as err:
            raise cannot_read(f"it is not a readable Excel workbook ({err})") from None
        except (KeyError, ElementTree.ParseError):
            raise cannot_read(f"it is not a readable Excel workbook ({BROKEN_PARTS})") from None
    bad = bad_cells(data, name) if layout.marked else no_bad_cells()
    frame = pd.DataFrame(rows, dtype=object)
    cells = pd.DataFrame({c: _cell_text(frame[c]) for c in frame.columns}, index=frame.index)
    if layout.compacted:
        assert layout.rows is not None and layout.columns is not None
        cells.index = pd.Index(layout.rows[: len(cells)])
        bad = bad.assign(**{COL: np.searchsorted(layout.columns, bad[COL].to_numpy())})
    columns = layout.columns if layout.columns is not None else np.arange(len(cells.columns))
    _too_long_cell(cells, columns, limits)
    return Grid(cells, sheet=name, bad_cells=bad)
