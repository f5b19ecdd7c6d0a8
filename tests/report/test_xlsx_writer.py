"""The workbook writer's SpreadsheetML against the rules Excel enforces: random frames read back
exactly, parts well-formed and in schema order, defined names, split sheets, zip64, same bytes."""

import re
import struct
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_fixtures import sample_result

from pipeline.report import xlsx
from pipeline.report.workbooks import Format, Report, Sheet, Table, funder_report
from pipeline.report.xlsx import write_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# ECMA-376 Part 1, §18.3.1.99 CT_Worksheet, §18.2.28 CT_Workbook, §18.8.39 CT_Stylesheet: the
# order of the children, which Excel holds a file to (a part out of order is "repaired").
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
)
WORKBOOK_ORDER = (
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
    "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst",
)
STYLES_ORDER = (
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
)
COUNTED = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs")
XSD_DOUBLE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
FIRST_TRUE_DATE = date(1900, 3, 1)  # earlier dates are written as ISO text
# Text that Excel, XML or a spreadsheet user treats specially.
TRICKY = (
    "=SUM(A1)", "+1", "-2", "@cmd", " lead", "trail ", "\tT", "a\r\nb", "\r", "_x0041_",
    "_x0041_x0042_", "_x0041\x01", "x_x0041\ufffe", "_x005F_", "a_x00e9_b", "_X0041_", "\x00",
    "\ufffe\uffff", "<&>\"'", "é 😀", "\u00a0nbsp\u00a0", "line\n", "",
)


def unescaped(text: str) -> str:
    """Excel's reading of _xHHHH_, which openpyxl leaves as it is: left to right, no overlap."""
    return EXCEL_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def xml_parts(path: Path) -> dict[str, ET.Element]:
    """Every part of the package, parsed (which fails on XML that is not well-formed)."""
    with zipfile.ZipFile(path) as book:
        return {name: ET.fromstring(book.read(name)) for name in book.namelist()}


def sheet_parts(path: Path) -> dict[str, ET.Element]:
    """Sheet name -> its worksheet part, through workbook.xml and its relationships."""
    parts = xml_parts(path)
    rels = parts["xl/_rels/workbook.xml.rels"]
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PACKAGE_REL}Relationship")}
    return {
        s.get("name", ""): parts[f"xl/{targets[s.get(f'{REL}id')]}"]
        for s in parts["xl/workbook.xml"].iter(f"{MAIN}sheet")
    }


def defined_names(path: Path) -> list[tuple[str, str, str | None, str]]:
    """(name, sheet name, hidden, formula) of workbook.xml's defined names, in file order."""
    workbook = xml_parts(path)["xl/workbook.xml"]
    sheets = [s.get("name", "") for s in workbook.iter(f"{MAIN}sheet")]
    return [
        (d.get("name", ""), sheets[int(d.get("localSheetId", ""))], d.get("hidden"), d.text or "")
        for d in workbook.iter(f"{MAIN}definedName")
    ]


def quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def absolute(ref: str) -> str:
    return ":".join(CELL_REF.sub(r"$\1$\2", end) for end in ref.split(":"))


def excel_texts(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Each text cell of a sheet, (row, column) from 0, as Excel reads its shared string."""
    shared = [
        unescaped("".join(si.itertext()))
        for si in xml_parts(path)["xl/sharedStrings.xml"].iter(f"{MAIN}si")
    ]
    texts = {}
    for row, _, c in cells_of(sheet_parts(path)[sheet]):
        match = CELL_REF.fullmatch(c.get("r", ""))
        value = c.find(f"{MAIN}v")
        if c.get("t") == "s" and match and value is not None:
            texts[row - 1, column_number(match[1]) - 1] = shared[int(value.text or "")]
    return texts


def in_schema_order(children: list[str], order: tuple[str, ...]) -> bool:
    """Each child is one the schema lists, and they come in its order."""
    return all(c in order for c in children) and [order.index(c) for c in children] == sorted(
        order.index(c) for c in children
    )


def cells_of(worksheet: ET.Element) -> Iterator[tuple[int, ET.Element, ET.Element]]:
    """(row number, row element, cell element) for every cell of a worksheet."""
    for row in worksheet.iter(f"{MAIN}row"):
        for c in row.iter(f"{MAIN}c"):
            yield int(row.get("r", "0")), row, c


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_structure(path: Path) -> None:
    """What Excel checks before it shows a sheet: order, counts, references, lexical forms."""
    parts = xml_parts(path)
    styles = parts["xl/styles.xml"]
    assert in_schema_order([local(e.tag) for e in styles], STYLES_ORDER)
    for element in styles:
        if local(element.tag) in COUNTED:
            assert int(element.get("count", "-1")) == len(element), local(element.tag)
    xf_count = len(styles.find(f"{MAIN}cellXfs") or [])
    assert in_schema_order([local(e.tag) for e in parts["xl/workbook.xml"]], WORKBOOK_ORDER)
    overrides = {
        o.get("PartName") for o in parts["[Content_Types].xml"].iter(f"{CONTENT_TYPES}Override")
    }
    assert overrides == {f"/{n}" for n in parts if not n.endswith((".rels", "Types].xml"))}
    shared = parts["xl/sharedStrings.xml"]
    unique = len(shared.findall(f"{MAIN}si"))
    assert int(shared.get("uniqueCount", "-1")) == unique
    references = 0
    for name, worksheet in sheet_parts(path).items():
        assert in_schema_order([local(e.tag) for e in worksheet], WORKSHEET_ORDER), name
        row_numbers = [int(r.get("r", "0")) for r in worksheet.iter(f"{MAIN}row")]
        assert all(r.find(f"{MAIN}c") is not None for r in worksheet.iter(f"{MAIN}row")), name
        assert row_numbers == sorted(set(row_numbers)) and all(r >= 1 for r in row_numbers)
        last: dict[int, int] = {}
        for row_number, _, c in cells_of(worksheet):
            match = CELL_REF.fullmatch(c.get("r", ""))
            assert match and int(match[2]) == row_number, (name, c.get("r"))
            column = column_number(match[1])
            assert column > last.get(row_number, 0), (name, c.get("r"))  # left to right
            last[row_number] = column
            assert 0 <= int(c.get("s", "0")) < xf_count
            value = c.find(f"{MAIN}v")
            if c.get("t") == "s":
                assert value is not None and 0 <= int(value.text or "") < unique
                references += 1
            elif value is not None:
                assert c.get("t") is None and XSD_DOUBLE.fullmatch(value.text or ""), value.text
        dimension = worksheet.find(f"{MAIN}dimension")
        assert dimension is not None
        end = CELL_REF.fullmatch(dimension.get("ref", "").split(":")[-1])
        assert end and int(end[2]) >= max(row_numbers, default=1)
        assert column_number(end[1]) >= max(last.values(), default=1)
    assert int(shared.get("count", "-1")) == references


# Random frames read back


def texts() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(TRICKY), st.text(max_size=30))


@st.composite
def sheets(draw: st.DrawFn) -> Sheet:
    """A sheet of text, integers, quarter units and dates, any of them missing."""
    n = draw(st.integers(0, 8))

    def column(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(st.none() | values, min_size=n, max_size=n))

    days = column(st.dates())
    frame = pd.DataFrame(
        {
            "note _x0041_ <&>": pd.Series(column(texts()), dtype="str"),
            "count": pd.Series(column(st.integers(-(2**63), 2**63 - 1)), dtype="Int64"),
            "units": pd.Series(column(st.integers(-(4 * 10**12), 4 * 10**12)), dtype="Int64") / 4,
            "day": pd.Series(np.array(days, dtype="datetime64[D]").astype("datetime64[s]")),
        }
    )
    formats = {"count": Format.INTEGER, "units": Format.UNITS, "day": Format.DATE}
    titles = tuple(draw(st.lists(st.text(max_size=20), max_size=2)))
    bold = frozenset(draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=2))) if n else frozenset()
    return Sheet("Random's sheet", frame, formats, title_rows=titles, bold_rows=bold)


def expected_cell(value: Any, fmt: Format) -> tuple[Any, str] | None:
    """The value and openpyxl data type a cell should read back as; None for no cell."""
    if (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    if fmt is Format.TEXT:
        return value, "s"
    if fmt is Format.DATE:
        day = value.date()
        if day < FIRST_TRUE_DATE:
            return day.isoformat(), "s"
        return datetime(day.year, day.month, day.day), "d"
    return value, "n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_random_frames_read_back_exactly_with_their_types(sheet: Sheet) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.xlsx"
        written = write_workbook((sheet,), path)
        check_structure(path)
        with zipfile.ZipFile(path) as book:
            size = book.getinfo("xl/worksheets/sheet1.xml").file_size
        assert size <= xlsx.xml_bytes_bound(xlsx.sheet_layouts(sheet)[0])
        texts = excel_texts(path, sheet.name)
        book = openpyxl.load_workbook(path)
        ws = book[sheet.name]
        grid = [list(row) for row in ws.iter_rows(min_row=1, max_row=ws.max_row)]
        book.close()
    values = {(r, c): cell for r, row in enumerate(grid) for c, cell in enumerate(row)}

    def read(r: int, c: int) -> tuple[Any, str] | None:
        cell = values.get((r, c))
        if cell is None or cell.value is None:
            return None
        value = texts[r, c] if cell.data_type == "s" else cell.value
        return value, cell.data_type

    for r, title in enumerate(sheet.title_rows):
        assert read(r, 0) == ((title, "s") if title else None)
    header = len(sheet.title_rows)
    assert [read(header, c) for c in range(4)] == [(str(n), "s") for n in sheet.frame.columns]
    formats = [sheet.formats.get(c, Format.TEXT) for c in sheet.frame.columns]
    for r, row in enumerate(sheet.frame.astype(object).itertuples(index=False)):
        for c, (value, fmt) in enumerate(zip(row, formats, strict=True)):
            got = read(header + 1 + r, c)
            assert got == expected_cell(value, fmt), (r, c, value)
            if got is not None and fmt is Format.INTEGER:
                assert isinstance(got[0], int)
            if fmt is Format.DATE and got is not None and got[1] == "d":
                assert values[header + 1 + r, c].number_format == "yyyy-mm-dd"
    assert written == sum(cell.value is not None for cell in values.values())


# The package


def notes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "note": pd.Series(
                [" lead", "trail ", "\u00a0nbsp", "line\n", "plain", None], dtype="str"
            ),
            "n": pd.Series([1, 2, None, 4, 5, 6], dtype="Int64"),
        }
    )


def several_sheets() -> Report:
    counts = pd.DataFrame({"code": ["A", "B"], "n": [1, 2]})
    return (
        *funder_report(sample_result()),
        Sheet("O'Brien's notes", notes_frame(), {"n": Format.INTEGER}, title_rows=("Notes",)),
        Sheet(
            "Q1 & Q2 <2026>",
            notes_frame(),
            {"n": Format.INTEGER},
            below=(Table(counts, {"n": Format.INTEGER}, title="Counts"),),
        ),
    )


def test_every_part_is_well_formed_and_in_the_order_excel_checks(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_workbook(several_sheets(), path)
    check_structure(path)
    parts = xml_parts(path)
    assert set(parts) == {
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/theme/theme1.xml",
        "docProps/app.xml",
        "xl/sharedStrings.xml",
        *(f"xl/worksheets/sheet{i}.xml" for i in range(1, 13)),
        # The Summary's chart.
        "xl/worksheets/_rels/sheet1.xml.rels",
        "xl/drawings/drawing1.xml",
        "xl/drawings/_rels/drawing1.xml.rels",
        "xl/charts/chart1.xml",
    }
    # As XlsxWriter wrote them: every format custom (from id 164), built-in look-alikes too.
    formats = {
        int(f.get("numFmtId", "0")): f.get("formatCode")
        for f in parts["xl/styles.xml"].iter(f"{MAIN}numFmt")
    }
    assert formats == {
        164: "@",
        165: "#,##0",
        166: "#,##0.00",
        167: '"$"#,##0.00',
        168: '"$"#,##0.00####',
        169: "yyyy-mm-dd",
    }
    with zipfile.ZipFile(path) as book:
        infos = book.infolist()
    assert all(i.compress_type == zipfile.ZIP_DEFLATED and not i.extra for i in infos)
    assert {i.date_time for i in infos} == {(2000, 1, 1, 0, 0, 0)}


def test_defined_names_give_each_sheet_its_filter_and_print_titles(tmp_path: Path) -> None:
    report = several_sheets()
    path = tmp_path / "book.xlsx"
    write_workbook(report, path)
    worksheets = sheet_parts(path)
    assert list(worksheets) == [s.name for s in report]
    names = defined_names(path)
    # Every sheet filters its main table; one with tables below repeats no header on its
    # pages, as that header would head the tables below (Summary, Run Info, Q1 & Q2).
    below = {s.name for s in report if isinstance(s, Sheet) and s.below}
    assert below == {"Summary", "Run Info", "Q1 & Q2 <2026>"}
    assert [n for n, *_ in names] == ["_xlnm._FilterDatabase"] * 12 + ["_xlnm.Print_Titles"] * 9
    filters = {sheet: (hidden, formula) for n, sheet, hidden, formula in names if "Filter" in n}
    titles = {sheet: (hidden, formula) for n, sheet, hidden, formula in names if "Print" in n}
    assert list(filters) == sorted(filters, key=str.lower)
    book = openpyxl.load_workbook(path)
    for name, worksheet in worksheets.items():
        auto = worksheet.find(f"{MAIN}autoFilter")
        assert auto is not None
        ref = auto.get("ref", "")
        header = CELL_REF.fullmatch(ref.split(":")[0])
        assert header is not None
        assert filters[name] == ("1", f"{quoted(name)}!{absolute(ref)}")
        if name in below:
            assert name not in titles and book[name].print_title_rows is None
        else:
            assert titles[name] == (None, f"{quoted(name)}!${header[2]}:${header[2]}")
            assert book[name].print_title_rows == f"${header[2]}:${header[2]}"
        assert book[name].auto_filter.ref == ref
    assert filters["O'Brien's notes"][1] == "'O''Brien''s notes'!$A$2:$B$8"
    assert filters["Q1 & Q2 <2026>"][1] == "'Q1 & Q2 <2026>'!$A$1:$B$7"
    assert titles["Recoupments"][1] == "'Recoupments'!$4:$4"
    book.close()


def test_edge_white_space_is_kept_by_xml_space(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_workbook((Sheet("Notes", notes_frame(), {"n": Format.INTEGER}),), path)
    shared = xml_parts(path)["xl/sharedStrings.xml"]
    kept = {"".join(t.itertext()): t.get(XML_SPACE) for t in shared.iter(f"{MAIN}t")}
    assert kept == {
        "Note": None,
        "n": None,
        " lead": "preserve",
        "trail ": "preserve",
        "\u00a0nbsp": "preserve",
        "line\n": "preserve",
        "plain": None,
    }


def test_calamine_reads_every_tricky_text_as_written(tmp_path: Path) -> None:
    # calamine undoes _xHHHH_ itself, as Excel does; it leaves U+FFFE and U+FFFF escaped.
    tricky = [t for t in TRICKY if t and "\ufffe" not in t]
    frame = pd.DataFrame({"note": pd.Series(tricky, dtype="str")})
    path = tmp_path / "tricky.xlsx"
    write_workbook((Sheet("Notes", frame, {}),), path)
    back = pd.read_excel(path, sheet_name="Notes", engine="calamine", dtype=str)
    assert back["Note"].tolist() == tricky


# Text Excel cannot hold as it is


def test_text_is_cut_at_32767_utf16_units_never_inside_a_character(tmp_path: Path) -> None:
    limit = xlsx.EXCEL_MAX_TEXT
    long = ["😀" * 20_000, "a" * (limit - 1) + "😀", "é" * 40_000, "a" + "😀" * (limit // 2) + "b"]
    frame = pd.DataFrame({"note": pd.Series([*long, "short"], dtype="str")})
    path = tmp_path / "long.xlsx"
    write_workbook((Sheet("Notes", frame, {}),), path)
    ws = openpyxl.load_workbook(path)["Notes"]
    back = [ws.cell(row, 1).value for row in range(2, 7)]
    assert [utf16_units(t) for t in back] == [limit - 1, limit - 1, limit, limit, 5]
    assert all(text.startswith(cut) for text, cut in zip([*long, "short"], back, strict=True))
    assert back[0] == "😀" * (limit // 2) and back[1] == "a" * (limit - 1)


def test_underscores_that_look_like_escapes_are_escaped_so_excel_reads_them_back() -> None:
    from pipeline.report.xlsx_xml import escaped

    texts = ["_x0041_x0042_", "_x0041\x01", "_x0041z", "_x0001_x0002_x0003_", "a<_x0041_"]
    escaped_texts = escaped(pa.array(texts)).to_pylist()
    assert escaped_texts == [
        "_x005F_x0041_x005F_x0042_",
        "_x005F_x0041_x0001_",
        "_x0041z",
        "_x005F_x0001_x005F_x0002_x005F_x0003_",
        "a&lt;_x005F_x0041_",
    ]
    xml_text = [ET.fromstring(f"<t>{e}</t>").text or "" for e in escaped_texts]
    assert [unescaped(t) for t in xml_text] == texts


# Numbers and dates Excel cannot hold


def test_nan_is_an_empty_cell_and_infinity_is_refused(tmp_path: Path) -> None:
    units = pd.Series(pd.arrays.ArrowExtensionArray(pa.array([1.5, float("nan"), None])))
    frame = pd.DataFrame({"units": units})
    path = tmp_path / "nan.xlsx"
    assert write_workbook((Sheet("Units", frame, {"units": Format.UNITS}),), path) == 2
    ws = openpyxl.load_workbook(path)["Units"]
    assert [ws.cell(row, 1).value for row in range(1, 5)] == ["units", 1.5, None, None]
    infinite = pd.DataFrame({"units": [1.0, np.inf]})
    with pytest.raises(ValueError, match="column 'units': Excel cannot hold an infinite"):
        write_workbook((Sheet("Units", infinite, {"units": Format.UNITS}),), tmp_path / "inf.xlsx")


def test_dates_after_9999_are_written_as_text(tmp_path: Path) -> None:
    days = np.array(["9999-12-31", "10000-01-01"], dtype="datetime64[s]")
    frame = pd.DataFrame({"day": pd.Series(days)})
    path = tmp_path / "late.xlsx"
    write_workbook((Sheet("Days", frame, {"day": Format.DATE}),), path)
    ws = openpyxl.load_workbook(path)["Days"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 1).data_type) for r in (2, 3)] == [
        (datetime(9999, 12, 31), "d"),
        ("10000-01-01", "s"),
    ]


# Sheet names and the package's dates


@pytest.mark.parametrize(
    "names",
    [("x" * 32,), ("a/b",), ("[x]",), ("'quoted'",), ("Notes", "NOTES"), ("",), ("😀" * 16,)],
)
def test_sheet_names_excel_would_repair_are_refused(names: tuple[str, ...], tmp_path: Path) -> None:
    report = tuple(Sheet(n, notes_frame(), {}) for n in names)
    with pytest.raises(ValueError, match="sheet name"):
        write_workbook(report, tmp_path / "bad.xlsx")


def test_a_split_sheet_name_that_passes_31_characters_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 4)
    report = (Sheet("x" * 29, notes_frame(), {}),)  # "x...x (2)" has 33 characters
    with pytest.raises(ValueError, match="1 to 31 characters"):
        write_workbook(report, tmp_path / "bad.xlsx")


def test_a_sheet_without_columns_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="each with columns"):
        write_workbook((Sheet("Empty", pd.DataFrame(), {}),), tmp_path / "bad.xlsx")


@pytest.mark.parametrize(
    ("created", "stamp", "zip_date"),
    [
        (datetime(1975, 10, 1), "1975-10-01T00:00:00Z", (1980, 1, 1, 0, 0, 0)),
        (datetime(975, 10, 1), "0975-10-01T00:00:00Z", (1980, 1, 1, 0, 0, 0)),
        (datetime(2026, 10, 1), "2026-10-01T00:00:00Z", (2026, 10, 1, 0, 0, 0)),
        (datetime(9999, 12, 1), "9999-12-01T00:00:00Z", (2107, 12, 31, 0, 0, 0)),
    ],
)
def test_any_billing_month_dates_the_package(
    created: datetime, stamp: str, zip_date: tuple[int, ...], tmp_path: Path
) -> None:
    path = tmp_path / "dated.xlsx"
    write_workbook((Sheet("Notes", notes_frame(), {}),), path, created)
    core = xml_parts(path)["docProps/core.xml"]
    assert [e.text for e in core] == [stamp, stamp]
    with zipfile.ZipFile(path) as book:
        assert {i.date_time for i in book.infolist()} == {zip_date}


# Long sheets, zip64 and reproducibility


def test_a_split_sheet_numbers_each_parts_rows_from_its_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 8)  # a title, a header and six rows per part
    frame = pd.DataFrame({"n": range(14), "t": [f"r{i}" for i in range(14)]})
    counts = pd.DataFrame({"code": ["A", "B"], "n": [1, 2]})
    sheet = Sheet(
        "Long one",
        frame,
        {"n": Format.INTEGER},
        title_rows=("Title",),
        bold_rows=frozenset({7}),
        below=(Table(counts, {"n": Format.INTEGER}, title="Counts"),),
    )
    path = tmp_path / "long.xlsx"
    assert write_workbook((sheet,), path) == 4 * 3 + 14 * 2 + 1 + 2 + 2 * 2
    worksheets = sheet_parts(path)
    names = ["Long one", "Long one (2)", "Long one (3)", "Long one (4)"]
    assert list(worksheets) == names
    rows = {n: [int(r.get("r", "0")) for r in w.iter(f"{MAIN}row")] for n, w in worksheets.items()}
    assert rows == {
        "Long one": [1, 2, 3, 4, 5, 6, 7, 8],
        "Long one (2)": [1, 2, 3, 4, 5, 6, 7, 8],
        "Long one (3)": [1, 2, 3, 4],
        "Long one (4)": [1, 2, 4, 5, 6, 7],  # the tables below, after a blank row
    }
    filters = {s: f for n, s, _, f in defined_names(path) if "Filter" in n}
    assert filters == {
        "Long one": "'Long one'!$A$2:$B$8",
        "Long one (2)": "'Long one (2)'!$A$2:$B$8",
        "Long one (3)": "'Long one (3)'!$A$2:$B$4",
        "Long one (4)": "'Long one (4)'!$A$2:$B$2",
    }
    dimensions = [w.find(f"{MAIN}dimension") for w in worksheets.values()]
    assert [d.get("ref") for d in dimensions if d is not None] == [
        "A1:B8", "A1:B8", "A1:B4", "A1:B7"
    ]
    book = openpyxl.load_workbook(path)
    numbers = [c.value for n in names[:3] for c in book[n]["A"][2:]]
    assert numbers == list(range(14))
    assert [c.font.b for c in book["Long one (2)"]["A"][2:]] == [False, True, *[False] * 4]
    assert [c.value for c in book["Long one (4)"]["A"]] == [
        "Title", "n", None, "Counts", "Code", "A", "B"
    ]
    book.close()


def test_zip64_is_used_for_a_part_that_passes_the_limit_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 20_000  # the real one is 2 GiB; zipfile and the writer both read it at write time
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", limit)
    monkeypatch.setattr(xlsx, "ZIP64_BYTES", int(limit / 1.05))
    # A thousand distinct texts: the sheet's cells and the shared strings both pass the limit.
    texts = [f"{i:04d}" + "x" * 46 for i in range(1_000)]
    big = Sheet("Big", pd.DataFrame({"t": pd.Series(texts, dtype="str")}), {})
    path = tmp_path / "zip64.xlsx"
    write_workbook((big, Sheet("Small", notes_frame(), {})), path)
    large = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"}
    with zipfile.ZipFile(path) as book:
        infos = {i.filename: i for i in book.infolist()}
        raw = path.read_bytes()
        local_extra = {}
        for name, info in infos.items():
            name_length, extra_length = struct.unpack_from("<HH", raw, info.header_offset + 26)
            local_extra[name] = extra_length
        assert all(infos[name].file_size > limit for name in large)
        zip64 = {n for n, i in infos.items() if i.extra[:2] == b"\x01\x00"}
        assert zip64 == large
        assert {n for n, e in local_extra.items() if e} == large
        assert book.testzip() is None
    ws = openpyxl.load_workbook(path)["Big"]
    assert ws.max_row == 1_001 and ws["A1001"].value == texts[-1]


def test_the_same_report_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = several_sheets()
    first, second, spooled = tmp_path / "a.xlsx", tmp_path / "b" / "b.xlsx", tmp_path / "c.xlsx"
    second.parent.mkdir()
    write_workbook(report, first)
    write_workbook(report, second)
    assert first.read_bytes() == second.read_bytes()
    # A sheet measured in a temporary file first (one that may need zip64) is the same entry.
    monkeypatch.setattr(xlsx, "ZIP64_BYTES", 0)
    write_workbook(report, spooled)
    assert spooled.read_bytes() == first.read_bytes()
    other_day = tmp_path / "d.xlsx"
    write_workbook(report, other_day, datetime(2026, 10, 1))
    assert other_day.read_bytes() != first.read_bytes()


def test_exact_amounts_are_written_as_their_own_digits(tmp_path: Path) -> None:
    # Arrow's decimal-to-double cast gives 19320.420000000002 for 19320.42; the cell must hold
    # the double nearest the amount, as Excel would read the amount typed in.
    amounts = ["19320.42", "20300.42", "60.00", "-0.50", "0.00", "1000000.10"]
    money = pa.array([Decimal(a) for a in amounts], pa.decimal128(18, 2))
    frame = pd.DataFrame({"amount": pd.Series(money, dtype=pd.ArrowDtype(money.type))})
    path = tmp_path / "money.xlsx"
    write_workbook((Sheet("Money", frame, {"amount": Format.MONEY}),), path)
    ws = openpyxl.load_workbook(path)["Money"]
    assert [ws.cell(r, 1).value for r in range(2, 2 + len(amounts))] == [float(a) for a in amounts]
