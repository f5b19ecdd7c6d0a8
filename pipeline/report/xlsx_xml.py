"""SpreadsheetML text for report.xlsx: cells built a column at a time, and the package parts.

Cell text is made with Arrow string kernels over whole columns, never a Python call per cell;
that is what lets a million-row sheet be written in seconds.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import reduce
from xml.sax.saxutils import quoteattr

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.report.workbooks import Format

EXCEL_MAX_TEXT = 32_767  # UTF-16 units in one cell: a character beyond U+FFFF counts two
EXCEL_EPOCH_OFFSET = 25_569  # Excel's serial number of 1970-01-01 (1900 date system)
# Excel counts a 1900-02-29 that never was, so only serials from 1900-03-01 on are true dates;
# an earlier date (a mistyped year) is written as ISO text instead of a wrong or negative date,
# and so is one after 9999-12-31, which Excel shows as ####.
FIRST_TRUE_SERIAL = 61
LAST_TRUE_SERIAL = 2_958_465
NUMBER_FORMATS = {
    Format.TEXT: "@",
    Format.INTEGER: "#,##0",
    Format.UNITS: "#,##0.00",
    Format.MONEY: '"$"#,##0.00',
    Format.RATE: '"$"#,##0.00####',
    Format.DATE: "yyyy-mm-dd",
}
FIRST_CUSTOM_FORMAT = 164  # ids below are Excel's built-in number formats
HEADER_FILL = "FFDDE5F0"
# Text sits one indent in from the left, so it never touches a right-aligned number beside it.
ALIGNMENT = {
    Format.TEXT: '<alignment horizontal="left" indent="1"{}/>',
    Format.DATE: '<alignment horizontal="center"{}/>',
}
NUMBER_ALIGNMENT = '<alignment horizontal="right"{}/>'
# XML 1.0 cannot hold these characters, and a carriage return would be read back as a line
# feed; Excel's own escape for them is _xHHHH_ (and _x005F_ escapes a literal "_xHHHH_").
CONTROL_CLASS = r"\x00-\x08\x0B-\x1F\x{FFFE}\x{FFFF}"  # RE2 spelling of CONTROL_CHARACTERS
UNSAFE_TEXT = rf"[{CONTROL_CLASS}]|_x[0-9A-Fa-f]{{4}}_"
# An underscore that a reader would take for an escape's start: "_x", four hex digits, then an
# underscore or a character that is escaped in turn ("<" marks an underscore already escaped).
LOOKALIKE = rf"_(x[0-9A-Fa-f]{{4}}[_<{CONTROL_CLASS}])"
ESCAPED_MARK = "<"  # absent from text once "<" is "&lt;"
# Leading or trailing white space that XML or Excel could drop; the wider Unicode kinds too,
# as XlsxWriter (Python's \s) marked them.
EDGE_SPACE = r"^[\s\p{Z}\x{0B}\x{1C}-\x{1F}\x{85}]|[\s\p{Z}\x{0B}\x{1C}-\x{1F}\x{85}]$"
CONTROL_CHARACTERS = [*map(chr, (*range(0x00, 0x09), *range(0x0B, 0x20))), "\ufffe", "\uffff"]
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
CORE_PROPS = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class Styles:
    """The fixed table of cell formats: default, title, caption, then per Format three
    (header, plain, bold), at indexes the cell writers compute rather than look up."""

    DEFAULT, TITLE, CAPTION = 0, 1, 2

    @staticmethod
    def cell(fmt: Format, bold: bool = False, header: bool = False) -> int:
        offset = 0 if header else 2 if bold else 1
        return 3 + 3 * list(Format).index(fmt) + offset


def styles_xml() -> str:
    """xl/styles.xml: number formats, fonts (plain, title, caption, bold) and the cell formats."""
    formats = list(Format)
    ids = {f: FIRST_CUSTOM_FORMAT + i for i, f in enumerate(formats)}
    num_fmts = "".join(
        f'<numFmt numFmtId="{ids[f]}" formatCode={quoteattr(NUMBER_FORMATS[f])}/>' for f in formats
    )
    font = '<font>{}<sz val="{}"/><name val="Calibri"/><family val="2"/></font>'
    fonts = [
        font.format("", 11),
        font.format("<b/>", 12),
        font.format("<b/><i/>", 11),
        font.format("<b/>", 11),
    ]
    xf = '<xf numFmtId="{}" fontId="{}" fillId="{}" borderId="{}" xfId="0"{}>{}</xf>'
    applied = ' applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"'
    xfs = [
        xf.format(0, 0, 0, 0, "", ""),
        xf.format(0, 1, 0, 0, applied, ""),
        xf.format(0, 2, 0, 0, applied, ""),
    ]
    for f in formats:
        align = ALIGNMENT.get(f, NUMBER_ALIGNMENT)
        aligned = applied + ' applyAlignment="1"'
        xfs.append(xf.format(0, 3, 2, 1, aligned, align.format(' vertical="top"')))
        xfs.append(xf.format(ids[f], 0, 0, 0, aligned, align.format("")))
        xfs.append(xf.format(ids[f], 3, 0, 0, aligned, align.format("")))
    return (
        f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
        f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>'
        f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        f'<fill><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL}"/>'
        '<bgColor indexed="64"/></patternFill></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom>'
        "<diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/></styleSheet>'
    )


def column_letter(index: int) -> str:
    """A, B, ..., Z, AA, ... for a column index from 0."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def escaped(text: pa.Array) -> pa.Array:
    """Text safe inside an XML element, with Excel's escapes for what XML cannot hold."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = pc.replace_substring(text, char, entity)
    if pc.any(pc.match_substring_regex(text, UNSAFE_TEXT)).as_py():
        # Matches cannot overlap, so the underscore that closes one lookalike and opens the
        # next (_x0041_x0042_) is left to a second pass; the mark keeps the first pass's apart.
        for _ in range(2):
            text = pc.replace_substring_regex(text, LOOKALIKE, ESCAPED_MARK + r"\1")
        text = pc.replace_substring(text, ESCAPED_MARK, "_x005F_")
        for char in CONTROL_CHARACTERS:
            text = pc.replace_substring(text, char, f"_x{ord(char):04X}_")
    return text


def excel_text(text: pa.Array) -> pa.Array:
    """Text cut to what one cell holds: EXCEL_MAX_TEXT UTF-16 units, an emoji counting two."""
    text = pc.utf8_slice_codeunits(text.cast(pa.string()), 0, EXCEL_MAX_TEXT)
    # Only text of more characters than half the limit can pass it in UTF-16 units.
    long = pc.fill_null(pc.greater(pc.utf8_length(text), EXCEL_MAX_TEXT // 2), False)
    if not pc.any(long).as_py():
        return text
    return pc.replace_with_mask(text, long, utf16_prefix(text.filter(long), EXCEL_MAX_TEXT))


def utf16_prefix(text: pa.Array, limit: int) -> pa.Array:
    """Each (non-null) text's longest prefix of at most `limit` UTF-16 units, never half of a
    character: computed on the UTF-8 bytes of the whole array at once."""
    text = pa.concat_arrays([text])  # its own buffers, offsets from zero
    offsets = np.frombuffer(text.buffers()[1], np.int32)[: len(text) + 1]
    data = np.frombuffer(text.buffers()[2], np.uint8)[: offsets[-1]]
    lengths = np.diff(offsets)
    # A character's lead byte counts one unit, two when it starts a four-byte character.
    units = ((data & 0xC0) != 0x80).astype(np.int32) + (data >= 0xF0)
    before = np.concatenate(([0], np.cumsum(units, dtype=np.int64)))
    within = before[1:] - np.repeat(before[offsets[:-1]], lengths)
    keep = within <= limit
    kept = np.bincount(np.repeat(np.arange(len(text)), lengths), keep, len(text)).astype(np.int32)
    new_offsets = np.concatenate(([0], np.cumsum(kept))).astype(np.int32)
    buffers = [None, pa.py_buffer(new_offsets), pa.py_buffer(data[keep].tobytes())]
    return pa.Array.from_buffers(pa.string(), len(text), buffers)


def text_xml(text: pa.Array, refs: pa.Array, styles: pa.Array) -> pa.Array:
    """Inline-string cells, null where the text is null or empty (no cell)."""
    text = excel_text(text)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    # Leading or trailing spaces survive only where the element says to keep them.
    spaced = pc.fill_null(pc.match_substring_regex(text, EDGE_SPACE), False)
    keep = pc.if_else(spaced, ' xml:space="preserve"', "")
    return pc.binary_join_element_wise(
        '<c r="',
        refs,
        '" s="',
        styles,
        '" t="inlineStr"><is><t',
        keep,
        ">",
        escaped(text),
        "</t></is></c>",
        "",
    )


def number_xml(numbers: pa.Array, refs: pa.Array, styles: pa.Array) -> pa.Array:
    """Number cells, null where the value is null."""
    return pc.binary_join_element_wise(
        '<c r="', refs, '" s="', styles, '"><v>', numbers.cast(pa.string()), "</v></c>", ""
    )


def column_xml(values: pa.Array, fmt: Format, refs: pa.Array, styles: pa.Array) -> pa.Array:
    """One column's cells as XML text (null for an empty cell), in the column's format."""
    if fmt is Format.TEXT:
        return text_xml(values, refs, styles)
    if fmt is Format.DATE:
        dates = values.cast(pa.date32())
        serials = pc.add(pc.cast(pc.cast(dates, pa.int32()), pa.int64()), EXCEL_EPOCH_OFFSET)
        untrue = pc.or_(pc.less(serials, FIRST_TRUE_SERIAL), pc.greater(serials, LAST_TRUE_SERIAL))
        as_text = text_xml(pc.strftime(dates, "%Y-%m-%d"), refs, styles)
        return pc.if_else(pc.fill_null(untrue, False), as_text, number_xml(serials, refs, styles))
    if fmt is Format.INTEGER:
        return number_xml(values.cast(pa.int64()), refs, styles)
    if pa.types.is_decimal(values.type):
        return number_xml(decimal_text(values), refs, styles)
    numbers = values.cast(pa.float64())
    if pc.any(pc.is_inf(numbers)).as_py():
        raise ValueError("Excel cannot hold an infinite number")
    # Arrow keeps NaN apart from null, but Excel has no NaN: it is an empty cell, as NA is.
    numbers = pc.if_else(pc.is_nan(numbers), pa.scalar(None, pa.float64()), numbers)
    return number_xml(numbers, refs, styles)


def decimal_text(values: pa.Array) -> pa.Array:
    """Exact decimals as the shortest text of their value: 19320.42, 60, -0.5.

    Arrow's decimal-to-double cast can land a binary step off (19320.420000000002); the digits
    themselves are exact, and Excel reads them as the double nearest the amount.
    """
    text = values.cast(pa.string())
    text = pc.replace_substring_regex(text, r"(\.\d*?)0+$", r"\1")
    return pc.replace_substring_regex(text, r"\.$", "")


def rows_xml(rows: pa.Array, cells: Sequence[pa.Array]) -> bytes:
    """`<row>` elements for the row numbers (text) and their cells, as UTF-8 bytes; a row
    without a cell is left out, as XlsxWriter left it."""
    filled = reduce(pc.or_, (pc.is_valid(c) for c in cells))
    joined = pc.binary_join_element_wise(
        '<row r="',
        rows,
        '">',
        *cells,
        "</row>",
        "",
        null_handling="replace",
        null_replacement="",
    )
    return "".join(joined.filter(filled).to_pylist()).encode()


def row_numbers(first: int, count: int) -> pa.Array:
    """Excel row numbers (from 1) as text, starting at `first`."""
    return pa.array(np.arange(first, first + count, dtype=np.int64)).cast(pa.string())


def workbook_xml(names: Sequence[str], defined: Sequence[tuple[str, int, str, bool]]) -> str:
    """xl/workbook.xml: the sheets in order and their defined names (filters, print titles)."""
    sheets = "".join(
        f'<sheet name={quoteattr(n)} sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, n in enumerate(names)
    )
    hide = {True: ' hidden="1"', False: ""}
    names_xml = "".join(
        f'<definedName name="{name}" localSheetId="{sheet}"{hide[hidden]}>'
        f"{escaped_text(ref)}</definedName>"
        for name, sheet, ref, hidden in sorted(defined, key=lambda d: defined_order(d, names))
    )
    return (
        f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" '
        f'windowHeight="9660"/></bookViews><sheets>{sheets}</sheets>'
        + (f"<definedNames>{names_xml}</definedNames>" if names_xml else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def defined_order(definition: tuple[str, int, str, bool], names: Sequence[str]) -> tuple[str, str]:
    """Excel's order of defined names (as XlsxWriter kept it): by name without the _xlnm.
    prefix, then by sheet, both ignoring case."""
    return definition[0].removeprefix("_xlnm.").lower(), names[definition[1]].lower()


def escaped_text(text: str) -> str:
    """A defined name's formula, escaped as the columns' text is."""
    return str(escaped(pa.array([text])).to_pylist()[0])


def workbook_rels_xml(sheets: int) -> str:
    worksheet = f"{REL_NS}/worksheet"
    rels = [(f"rId{i + 1}", worksheet, f"worksheets/sheet{i + 1}.xml") for i in range(sheets)]
    rels.append((f"rId{sheets + 1}", f"{REL_NS}/styles", "styles.xml"))
    return relationships_xml(rels)


def relationships_xml(rels: Sequence[tuple[str, str, str]]) -> str:
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in rels)
    return f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">{items}</Relationships>'


def root_rels_xml() -> str:
    return relationships_xml(
        [("rId1", OFFICE_DOC, "xl/workbook.xml"), ("rId2", CORE_PROPS, "docProps/core.xml")]
    )


def content_types_xml(sheets: int) -> str:
    """[Content_Types].xml: what each part of the package is."""
    base = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [
        ("/xl/workbook.xml", f"{base}.sheet.main+xml"),
        ("/xl/styles.xml", f"{base}.styles+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        *((f"/xl/worksheets/sheet{i + 1}.xml", SHEET_TYPE) for i in range(sheets)),
    ]
    items = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
    return (
        f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{items}</Types>'
    )


def core_xml(created: datetime) -> str:
    """docProps/core.xml: the fixed creation date that keeps a report's bytes reproducible."""
    # strftime's %Y drops the leading zeros of a year before 1000, which W3CDTF requires.
    stamp = f"{created.year:04d}-{created:%m-%dT%H:%M:%S}Z"
    return (
        f'{XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
        'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
