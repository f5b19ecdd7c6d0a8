"""SpreadsheetML text for report.xlsx: cells built a column at a time, the shared strings, the
styles, charts, print settings and the package parts Excel itself writes (theme, properties).

Cell text is made with Arrow string kernels over whole columns, never a Python call per cell;
that is what lets a million-row sheet be written in seconds.
"""

from collections.abc import Iterator, Sequence
from functools import reduce
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.report.model import Format

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
INPUT_FILL = "FFFFF2CC"  # the cells a reader types in
INPUT_BORDER = "FFBFBFBF"
# Text sits one indent in from the left, so it never touches a right-aligned number beside it;
# every data cell sits at the top of its row, level with the first line of a wrapped note.
ALIGNMENT = {
    Format.TEXT: '<alignment horizontal="left" vertical="top" indent="1"{}/>',
    Format.DATE: '<alignment horizontal="center" vertical="top"{}/>',
}
NUMBER_ALIGNMENT = '<alignment horizontal="right" vertical="top"{}/>'
WRAP = ' wrapText="1"'
LINE_POINTS = 15  # a line of 11-point text
MAX_ROW_LINES = 27  # Excel's tallest row is 409 points
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
# A header or footer holds at most 255 characters, its & codes included.
FOOTER_MAX = 255


class Styles:
    """The fixed table of cell formats (xl/styles.xml's cellXfs), at indexes the cell writers
    compute rather than look up: default, title, caption, then per Format five (header, plain,
    bold, wrapped, wrapped bold), then an input cell and a page's title, heading and body."""

    DEFAULT, TITLE, CAPTION = 0, 1, 2
    PER_FORMAT = 5
    INPUT = 3 + PER_FORMAT * len(Format)
    PAGE_TITLE, PAGE_HEADING, PAGE_BODY = INPUT + 1, INPUT + 2, INPUT + 3

    @staticmethod
    def cell(fmt: Format, bold: bool = False, header: bool = False, wrap: bool = False) -> int:
        offset = 0 if header else 1 + bold + 2 * wrap
        return 3 + Styles.PER_FORMAT * list(Format).index(fmt) + offset


def styles_xml() -> str:
    """xl/styles.xml: number formats, fonts (plain, title, caption, bold, page title), fills,
    borders and the cell formats of Styles, in its order."""
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
        font.format("<b/>", 14),
    ]
    xf = '<xf numFmtId="{}" fontId="{}" fillId="{}" borderId="{}" xfId="0"{}>{}</xf>'
    applied = ' applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"'
    aligned = applied + ' applyAlignment="1"'
    page = '<alignment horizontal="left" vertical="top" wrapText="1"/>'
    xfs = [
        xf.format(0, 0, 0, 0, "", ""),
        xf.format(0, 1, 0, 0, applied, ""),
        xf.format(0, 2, 0, 0, applied, ""),
    ]
    for f in formats:
        align = ALIGNMENT.get(f, NUMBER_ALIGNMENT)
        xfs.append(xf.format(0, 3, 2, 1, aligned, align.format(WRAP)))  # header: may wrap
        xfs.append(xf.format(ids[f], 0, 0, 0, aligned, align.format("")))
        xfs.append(xf.format(ids[f], 3, 0, 0, aligned, align.format("")))
        xfs.append(xf.format(ids[f], 0, 0, 0, aligned, align.format(WRAP)))
        xfs.append(xf.format(ids[f], 3, 0, 0, aligned, align.format(WRAP)))
    unlocked = '<protection locked="0"/>'
    xfs.append(
        xf.format(
            ids[Format.TEXT],
            0,
            3,
            2,
            aligned + ' applyProtection="1"',
            ALIGNMENT[Format.TEXT].format(WRAP) + unlocked,
        )
    )
    xfs += [xf.format(0, f, 0, 0, aligned, page) for f in (4, 3, 0)]
    return (
        f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
        f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>'
        f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        '<fills count="4"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        f'<fill><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL}"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
        f'<fill><patternFill patternType="solid"><fgColor rgb="{INPUT_FILL}"/>'
        '<bgColor indexed="64"/></patternFill></fill></fills>'
        '<borders count="3"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom>'
        "<diagonal/></border><border>"
        + "".join(
            f'<{side} style="thin"><color rgb="{INPUT_BORDER}"/></{side}>'
            for side in ("left", "right", "top", "bottom")
        )
        + "<diagonal/></border></borders>"
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


def excel_text(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cut to what one cell holds: EXCEL_MAX_TEXT UTF-16 units, an emoji counting two."""
    if isinstance(text, pa.ChunkedArray):  # a column gathered from several files: by chunk
        return pa.chunked_array([excel_text(c) for c in text.chunks], pa.string())
    text = pc.utf8_slice_codeunits(text.cast(pa.string()), 0, EXCEL_MAX_TEXT)
    # Only text of more characters than half the limit can pass it in UTF-16 units.
    long = pc.fill_null(pc.greater(pc.utf8_length(text), EXCEL_MAX_TEXT // 2), False)
    if not pc.any(long).as_py():
        return text
    return pc.replace_with_mask(text, long, utf16_prefix(text.filter(long), EXCEL_MAX_TEXT))


def utf16_prefix(text: pa.Array | pa.ChunkedArray, limit: int) -> pa.Array:
    """Each (non-null) text's longest prefix of at most `limit` UTF-16 units, never half of a
    character: computed on the UTF-8 bytes of the whole array at once."""
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    # One array with its own buffers, offsets from zero.
    text = pa.concat_arrays([c.cast(pa.string()) for c in chunks] or [pa.array([], pa.string())])
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


class SharedStrings:
    """The workbook's shared-string table (xl/sharedStrings.xml), Excel's own form for text:
    each distinct text once, in the order first met, each text cell holding its index.

    Excel moves inline strings into such a table whenever it saves a workbook; writing it
    ourselves is what Excel writes, and repeated text (IDs, codes, file names) is stored once.
    A batch's distinct texts are found by Arrow; only they pass through Python, to the index.
    """

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.references = 0  # text cells written
        self.text_bytes = 0  # UTF-8 bytes of the distinct texts

    def ids(self, text: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Each text's index in the table (added when new), as text; null where text is null."""
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        encoded = pc.dictionary_encode(text)
        distinct = encoded.dictionary
        first_new = len(self.index)
        index = self.index
        ids = np.fromiter(
            (index.setdefault(t, len(index)) for t in distinct.to_pylist()), np.int64, len(distinct)
        )
        new = pa.array(ids >= first_new)
        self.text_bytes += int(pc.sum(pc.binary_length(distinct.filter(new))).as_py() or 0)
        found = pc.take(pa.array(ids), encoded.indices)
        self.references += len(found) - found.null_count
        return found.cast(pa.string())

    def xml_bytes_bound(self) -> int:
        """Bytes the table's XML takes at most: escaped text grows at most sevenfold."""
        return 200 + 7 * self.text_bytes + 40 * len(self.index)

    def xml(self, batch: int = 50_000) -> Iterator[bytes]:
        """xl/sharedStrings.xml, a batch of texts at a time."""
        yield (
            f'{XML_DECLARATION}<sst xmlns="{MAIN_NS}" count="{self.references}" '
            f'uniqueCount="{len(self.index)}">'
        ).encode()
        texts = list(self.index)
        for start in range(0, len(texts), batch):
            text = pa.array(texts[start : start + batch], pa.string())
            # Leading or trailing spaces survive only where the element says to keep them.
            spaced = pc.match_substring_regex(text, EDGE_SPACE)
            keep = pc.if_else(spaced, ' xml:space="preserve"', "")
            items = pc.binary_join_element_wise("<si><t", keep, ">", escaped(text), "</t></si>", "")
            yield "".join(items.to_pylist()).encode()
        yield b"</sst>"


def text_xml(text: pa.Array, refs: pa.Array, styles: pa.Array, strings: SharedStrings) -> pa.Array:
    """Shared-string cells, null where the text is null or empty (no cell)."""
    text = excel_text(text)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return pc.binary_join_element_wise(
        '<c r="', refs, '" s="', styles, '" t="s"><v>', strings.ids(text), "</v></c>", ""
    )


def number_xml(numbers: pa.Array, refs: pa.Array, styles: pa.Array) -> pa.Array:
    """Number cells, null where the value is null."""
    return pc.binary_join_element_wise(
        '<c r="', refs, '" s="', styles, '"><v>', numbers.cast(pa.string()), "</v></c>", ""
    )


def column_xml(
    values: pa.Array, fmt: Format, refs: pa.Array, styles: pa.Array, strings: SharedStrings
) -> pa.Array:
    """One column's cells as XML text (null for an empty cell), in the column's format."""
    if fmt is Format.TEXT:
        return text_xml(values, refs, styles, strings)
    if fmt is Format.DATE:
        dates = values.cast(pa.date32())
        serials = pc.add(pc.cast(pc.cast(dates, pa.int32()), pa.int64()), EXCEL_EPOCH_OFFSET)
        untrue = pc.or_(pc.less(serials, FIRST_TRUE_SERIAL), pc.greater(serials, LAST_TRUE_SERIAL))
        if not pc.any(untrue).as_py():
            return number_xml(serials, refs, styles)
        as_text = text_xml(
            pc.strftime(dates.filter(untrue), "%Y-%m-%d"),
            refs.filter(untrue),
            styles.filter(untrue),
            strings,
        )
        as_number = number_xml(serials, refs, styles)
        return pc.replace_with_mask(as_number, pc.fill_null(untrue, False), as_text)
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


def rows_xml(rows: pa.Array, cells: Sequence[pa.Array], heights: pa.Array | str = "") -> bytes:
    """`<row>` elements for the row numbers (text) and their cells, as UTF-8 bytes; a row
    without a cell is left out, as XlsxWriter left it. `heights` are each row's height
    attributes (see row_height_attributes), or "" for rows of one line."""
    filled = reduce(pc.or_, (pc.is_valid(c) for c in cells))
    joined = pc.binary_join_element_wise(
        '<row r="',
        rows,
        '"',
        heights,
        ">",
        *cells,
        "</row>",
        "",
        null_handling="replace",
        null_replacement="",
    )
    return "".join(joined.filter(filled).to_pylist()).encode()


def row_height_attributes(lines: np.ndarray) -> pa.Array:
    """A row's height for its lines of wrapped text, set (customHeight) where more than one:
    readers that do not fit rows to wrapped text (LibreOffice) would cut the text off."""
    points = pa.array(np.minimum(lines, MAX_ROW_LINES) * LINE_POINTS).cast(pa.string())
    set_height = pc.binary_join_element_wise(' ht="', points, '" customHeight="1"', "")
    return pc.if_else(pa.array(lines > 1), set_height, "")


def row_numbers(first: int, count: int) -> pa.Array:
    """Excel row numbers (from 1) as text, starting at `first`."""
    return pa.array(np.arange(first, first + count, dtype=np.int64)).cast(pa.string())


def footer_xml(footer: str) -> str:
    """<headerFooter>: `footer` at the left of every printed page's foot, the sheet's name in
    the middle and "Page N of M" at the right (Excel's & codes; a literal & is doubled, control
    characters are left out, and the text is cut to what a footer holds)."""
    centre, right = "&C&A", "&RPage &P of &N"
    room = FOOTER_MAX - len(centre) - len(right) - len("&L")
    text = "".join(c for c in footer if c >= " " and c not in CONTROL_CHARACTERS)
    while len(text.replace("&", "&&")) > room:
        text = text[:-1]
    left = f"&L{text.replace('&', '&&')}" if text else ""
    return f"<headerFooter><oddFooter>{escape(left + centre + right)}</oddFooter></headerFooter>"


def list_formula(choices: Sequence[str]) -> str:
    """A drop-down's choices as the quoted list a validation holds ("Agree,Disagree")."""
    if any("," in c or not c for c in choices):
        raise ValueError(f"drop-down choices must be non-empty and without commas: {choices}")
    formula = '"' + ",".join(c.replace('"', '""') for c in choices) + '"'
    if len(formula) > 257:  # Excel's limit: 255 characters between the quotes
        raise ValueError(f"drop-down choices pass Excel's 255 characters: {choices}")
    return formula


def validations_xml(lists: Sequence[tuple[str, Sequence[str]]]) -> str:
    """<dataValidations>: a drop-down list over each range, refusing any other value."""
    if not lists:
        return ""
    rules = "".join(
        '<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
        f'sqref="{ref}"><formula1>{escape(list_formula(choices))}</formula1></dataValidation>'
        for ref, choices in lists
    )
    return f'<dataValidations count="{len(lists)}">{rules}</dataValidations>'


def merge_cells_xml(refs: Sequence[str]) -> str:
    if not refs:
        return ""
    cells = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
    return f'<mergeCells count="{len(refs)}">{cells}</mergeCells>'


def page_setup_xml(landscape: bool, fit_width: bool, fit_height: bool) -> str:
    """<pageMargins> and <pageSetup>: US Letter; fit to one page wide (and tall) only as told.
    A sheet wider than its pages prints a band of rows across, then the next band."""
    orientation = "landscape" if landscape else "portrait"
    fit = f' fitToWidth="{int(fit_width)}" fitToHeight="{int(fit_height)}"'
    return (
        '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/>'
        f'<pageSetup paperSize="1"{fit if fit_width or fit_height else ""} '
        f'pageOrder="overThenDown" orientation="{orientation}"/>'
    )


def protection_xml() -> str:
    """<sheetProtection> without a password: cells stay as written, but the reader may still
    sort, filter, resize and type into the unlocked cells."""
    return (
        '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0" '
        'sort="0" autoFilter="0"/>'
    )
