"""What the report model offers a sheet builder, as the written workbook shows it: word labels,
totals outside the filter, print setup and footers, wrapped text, charts, drop-downs and
input columns, pages; and the parts Excel itself writes (theme, properties, shared strings)."""

import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from feature_report import LONG_NOTE, feature_report, notice, recoupments, summary, wide
from report_fixtures import sample_result
from test_xlsx_writer import MAIN, check_structure, defined_names, sheet_parts, xml_parts

from pipeline.report import xlsx
from pipeline.report.model import (
    COMMENT,
    LABELS,
    RESPONSE,
    RESPONSES,
    Chart,
    Format,
    Input,
    Page,
    Sheet,
    Table,
    Text,
    TextStyle,
    label,
)
from pipeline.report.workbooks import funder_report, provider_report
from pipeline.report.xlsx import write_workbook

CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
SHEET_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
FOOTER = "&LProvider PRV-A, billing month 2026-10&C&A&RPage &P of &N"


@pytest.fixture(scope="module")
def feature_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("features") / "features.xlsx"
    write_workbook(feature_report(), path)
    return path


def test_every_column_of_the_workbooks_has_a_word_label() -> None:
    result = sample_result()
    for report in (funder_report(result), provider_report(result, "P1")):
        for item in report:
            tables: tuple[Sheet | Table, ...] = (
                (item, *item.below)
                if isinstance(item, Sheet)
                else tuple(b for b in item.blocks if isinstance(b, Table))
            )
            for frame in (t.frame for t in tables):
                unlabeled = [c for c in frame.columns if c not in LABELS]
                assert not unlabeled, (item.name, unlabeled)


def test_headers_show_labels_while_frames_keep_their_names(feature_book: Path) -> None:
    assert recoupments().frame.columns[0] == "provider_id"
    ws = openpyxl.load_workbook(feature_book)["Recoupments"]
    headers = [c.value for c in ws[1]]
    assert headers == [
        "Provider", "Client", "Service date", "Disallowed ($)", "Note", "Response", "Comment"
    ]
    assert label("not_a_column") == "not_a_column"


# Totals, filters and splits


def test_totals_stay_bold_and_outside_the_filter_range(feature_book: Path) -> None:
    book = openpyxl.load_workbook(feature_book)
    ws = book["Summary"]
    assert ws.auto_filter.ref == "A2:C5"  # PRV-A..PRV-C; TOTAL in row 6 is left out
    assert ws["A6"].value == "TOTAL" and all(c.font.b for c in ws[6])
    assert not any(c.font.b for c in ws[5])
    filters = {s: f for n, s, _, f in defined_names(feature_book) if "Filter" in n}
    assert filters["Summary"] == "'Summary'!$A$2:$C$5"
    assert ws["A13"].value == "TOTAL" and ws["B13"].font.b  # the table below's total


def test_a_split_sheet_keeps_its_totals_on_the_last_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 5)  # a header and four rows per part
    frame = pd.DataFrame({"n": [*range(1, 8), 28, 100]})
    sheet = Sheet("Long", frame, {"n": Format.INTEGER}, totals=2)
    parts = xlsx.sheet_parts(sheet)
    assert [(len(p.frame), p.totals, sorted(p.bold_rows)) for p in parts] == [
        (4, 0, []), (4, 1, [3]), (1, 1, [0])
    ]
    path = tmp_path / "long.xlsx"
    write_workbook((sheet,), path)
    book = openpyxl.load_workbook(path)
    assert [book[n].auto_filter.ref for n in book.sheetnames] == ["A1:A5", "A1:A4", "A1:A1"]


# Printing


def test_fit_to_one_page_wide_only_while_text_stays_at_8_points() -> None:
    # Landscape Letter within half-inch margins is 960 pixels; 960 / (8/11) = 1320.
    assert xlsx.fits_one_page_wide(1320, landscape=True)
    assert not xlsx.fits_one_page_wide(1321, landscape=True)
    assert xlsx.fits_one_page_wide(990, landscape=False)  # portrait: 720 pixels
    assert not xlsx.fits_one_page_wide(991, landscape=False)


def test_each_sheet_prints_landscape_with_titles_and_a_footer(feature_book: Path) -> None:
    book = openpyxl.load_workbook(feature_book)
    fitted = {}
    for name in ("Summary", "Recoupments", "Wide"):
        ws = book[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 1
        # The Summary has a table below its main one: no header repeats over it.
        assert ws.print_title_rows == (None if name == "Summary" else "$1:$1")
        assert ws.oddFooter.left.text == "Provider PRV-A, billing month 2026-10"
        assert ws.oddFooter.center.text == "&A"
        assert ws.oddFooter.right.text == "Page &P of &N"
        setup = ws.sheet_properties.pageSetUpPr
        fitted[name] = bool(setup and setup.fitToPage)
        if fitted[name]:
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    # 24 columns of 14 characters: 24 * 104 = 2,496 pixels, more than 1,320.
    assert fitted == {"Summary": True, "Recoupments": True, "Wide": False}
    wide_xml = sheet_parts(feature_book)["Wide"]
    setup_element = wide_xml.find(f"{MAIN}pageSetup")
    assert setup_element is not None and setup_element.get("pageOrder") == "overThenDown"
    assert setup_element.get("fitToWidth") is None


@pytest.mark.parametrize(
    ("footer", "left"),
    [
        ("R&D, 2026-10", "&LR&&D, 2026-10"),
        ("tab\there\x01", "&Ltabhere"),
        ("", ""),
    ],
)
def test_footer_codes_are_escaped_and_fit_255_characters(footer: str, left: str) -> None:
    from pipeline.report.xlsx_xml import footer_xml

    element = ET.fromstring(footer_xml(footer))
    assert element[0].text == f"{left}&C&A&RPage &P of &N"
    # 255 less "&L", "&C&A" and "&RPage &P of &N" leaves 234: 117 ampersands, each doubled.
    long = ET.fromstring(footer_xml("&" * 300))[0].text or ""
    assert long == "&L" + "&&" * 117 + "&C&A&RPage &P of &N" and len(long) == 255


def test_long_text_wraps_in_a_capped_column_with_rows_as_tall_as_its_lines(
    feature_book: Path,
) -> None:
    ws = openpyxl.load_workbook(feature_book)["Recoupments"]
    assert ws.column_dimensions["E"].width == pytest.approx(xlsx.MAX_WIDTH, abs=1)
    assert ws["E2"].alignment.wrap_text and not ws["B2"].alignment.wrap_text
    assert ws["E2"].value == LONG_NOTE and ws["E3"].value == LONG_NOTE * 2
    # LONG_NOTE: 175 characters, 1 capital, 30 spaces: 6 * 175 + 1.5 - 3 * 30 = 961.5 pixels,
    # over lines of (355 - 14) * 0.9 = 306.9 pixels: 4 lines, 60 points; twice, 7; thrice, 10.
    assert len(LONG_NOTE) == 175 and LONG_NOTE.count(" ") == 30
    assert [ws.row_dimensions[r].height for r in (2, 3, 4)] == [60, 105, 150]
    assert ws.row_dimensions[1].height == 30  # labels on two lines at most


def test_row_lines_count_line_feeds_and_never_pass_excels_tallest_row() -> None:
    frame = pd.DataFrame({"t": pd.Series(["a\nb\nc", "x" * 10_000, None, ""], dtype="str")})
    lines = xlsx.row_lines(frame, [True], [50.0])
    assert lines.tolist() == [3, 196, 1, 1]  # 60,000 pixels over lines of 306.9
    from pipeline.report.xlsx_xml import row_height_attributes

    assert row_height_attributes(lines).to_pylist() == [
        ' ht="45" customHeight="1"', ' ht="405" customHeight="1"', "", ""
    ]


def test_trailing_text_runs_on_only_where_the_sheet_prints_one_page_wide() -> None:
    codes = pd.DataFrame({"code": ["A"], "description": ["d" * 80]})
    narrow = Sheet("S", pd.DataFrame({"n": [1]}), {}, below=(Table(codes, {}, "Codes"),))
    widths, runs_on = xlsx.column_widths(narrow)
    # Wide enough for the labels "Code" and "Description"; the description runs on past B.
    assert runs_on and widths == [9.0, 17.0]
    broad = pd.DataFrame({f"c{i}": ["x" * 30] for i in range(8)})
    wide_sheet = Sheet("S", broad, {}, below=(Table(codes, {}, "Codes"),))
    widths, runs_on = xlsx.column_widths(wide_sheet)
    assert not runs_on and widths[1] == xlsx.MAX_WIDTH  # wraps in its column instead


# Charts


def test_a_chart_draws_the_rows_of_its_table_without_the_totals(feature_book: Path) -> None:
    parts = xml_parts(feature_book)
    chart = parts["xl/charts/chart1.xml"]
    bar = chart.find(f".//{CHART}barChart")
    assert bar is not None
    assert [bar.find(f"{CHART}{t}").get("val") for t in ("barDir", "grouping", "overlap")] == [  # type: ignore[union-attr]
        "bar", "stacked", "100"
    ]
    series = bar.findall(f"{CHART}ser")
    refs = [[f.text for f in s.iter(f"{CHART}f")] for s in series]
    assert refs == [
        ["'Summary'!$B$9", "'Summary'!$A$10:$A$12", "'Summary'!$B$10:$B$12"],
        ["'Summary'!$C$9", "'Summary'!$A$10:$A$12", "'Summary'!$C$10:$C$12"],
    ]
    cached = [[v.text for v in s.iter(f"{CHART}v")] for s in series]
    assert cached == [
        ["documentation", "PRV-A", "PRV-B", "PRV-C", "300.0", "211.99", "243.43"],
        ["rules", "PRV-A", "PRV-B", "PRV-C", "335.5", "300.0", "131.57"],
    ]
    title = "".join(chart.find(f"{CHART}chart/{CHART}title").itertext())  # type: ignore[union-attr]
    assert title == "Disallowed dollars by provider and cause"
    # Anchored below the last table (TOTAL in row 13), after a blank row: from row 15.
    anchor = parts["xl/drawings/drawing1.xml"].find(f"{SHEET_DRAWING}twoCellAnchor")
    assert anchor is not None
    start = anchor.find(f"{SHEET_DRAWING}from")
    assert start is not None
    assert [start.find(f"{SHEET_DRAWING}{t}").text for t in ("col", "row")] == ["0", "14"]  # type: ignore[union-attr]
    rels = parts["xl/worksheets/_rels/sheet2.xml.rels"]
    assert [r.get("Target") for r in rels.iter(f"{REL}Relationship")] == [
        "../drawings/drawing1.xml"
    ]
    book = openpyxl.load_workbook(feature_book)
    assert len(book["Summary"]._charts) == 1 and not book["Recoupments"]._charts


@pytest.mark.parametrize(
    ("chart", "message"),
    [
        (Chart("c", "Nope", "provider_id", ("rules",)), "0 tables titled 'Nope'"),
        (Chart("c", "Disallowed by cause", "provider_id", ("cost",)), r"no column \['cost'\]"),
        (Chart("c", "Disallowed by cause", "provider_id", ()), "no column"),
    ],
)
def test_a_chart_of_no_such_table_or_column_is_refused(
    chart: Chart, message: str, tmp_path: Path
) -> None:
    from dataclasses import replace

    with pytest.raises(ValueError, match=message):
        write_workbook((replace(summary(), charts=(chart,)),), tmp_path / "bad.xlsx")


def test_a_chart_of_a_main_table_split_over_worksheets_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 4)
    chart = Chart("c", "", "provider_id", ("claimed_amount",))
    from dataclasses import replace

    with pytest.raises(ValueError, match="must fit on one worksheet"):
        write_workbook((replace(summary(), title_rows=(), charts=(chart,)),), tmp_path / "x.xlsx")


# Input columns and drop-downs


def test_input_columns_are_open_shaded_cells_with_a_drop_down(feature_book: Path) -> None:
    ws = openpyxl.load_workbook(feature_book)["Recoupments"]
    validations = ws.data_validations.dataValidation
    assert [(str(v.sqref), v.type, v.formula1) for v in validations] == [
        ("F2:F31", "list", '"Agree,Disagree,Documentation attached"')
    ]
    assert ws.protection.sheet and not ws.protection.sort and not ws.protection.autoFilter
    for row in (2, 31):
        for column in "FG":
            cell = ws[f"{column}{row}"]
            assert cell.value is None and not cell.protection.locked
            assert cell.fill.fgColor.rgb == "FFFFF2CC"
    assert ws["E2"].protection.locked and ws["F32"].value is None
    assert ws.auto_filter.ref == "A1:G31"


def test_input_cells_and_drop_downs_stop_before_the_totals(tmp_path: Path) -> None:
    frame = pd.DataFrame({"provider_id": ["A", "B", "TOTAL"], "n": [1, 2, 3]})
    sheet = Sheet("R", frame, {}, totals=1, inputs=(Input(RESPONSE, RESPONSES), Input(COMMENT)))
    path = tmp_path / "r.xlsx"
    write_workbook((sheet,), path)
    ws = openpyxl.load_workbook(path)["R"]
    assert [str(v.sqref) for v in ws.data_validations.dataValidation] == ["C2:C3"]
    assert [ws.cell(r, 3).has_style for r in (2, 3, 4)] == [True, True, False]
    assert ws.auto_filter.ref == "A1:D3"


@pytest.mark.parametrize(
    ("choices", "message"),
    [(("Yes, fully", "No"), "without commas"), (("x" * 256,), "255"), (("",), "non-empty")],
)
def test_drop_down_choices_excel_cannot_hold_are_refused(
    choices: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    sheet = Sheet("R", pd.DataFrame({"n": [1]}), {}, inputs=(Input(RESPONSE, choices),))
    with pytest.raises(ValueError, match=message):
        write_workbook((sheet,), tmp_path / "bad.xlsx")


def test_an_input_named_as_a_frame_column_is_refused(tmp_path: Path) -> None:
    sheet = Sheet("R", pd.DataFrame({RESPONSE: ["x"]}), {}, inputs=(Input(RESPONSE),))
    with pytest.raises(ValueError, match="is a frame column"):
        write_workbook((sheet,), tmp_path / "bad.xlsx")


# Pages


def test_a_page_prints_portrait_on_one_page_with_merged_wrapped_paragraphs(
    feature_book: Path,
) -> None:
    ws = openpyxl.load_workbook(feature_book)["Notice"]
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    assert ws.freeze_panes is None and ws.auto_filter.ref is None and ws.print_title_rows is None
    assert not ws.sheet_view.showGridLines
    assert ws.oddFooter.left.text == "Provider PRV-A, billing month 2026-10"
    last = openpyxl.utils.get_column_letter(ws.max_column)
    texts = [t for t in notice().blocks if isinstance(t, Text)]
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    assert len(merged) == len(texts) and all(m.endswith(last + m.split(":")[0][1:]) for m in merged)
    assert ws["A1"].value == texts[0].text and ws["A1"].font.sz == 14
    assert ws["A2"].alignment.wrap_text and ws["A2"].value == texts[1].text
    # Title, paragraph, heading, then the first table: its header in row 4, Total in row 7.
    assert ws.cell(4, 1).value == label("cause") and ws.cell(7, 1).value == "Total"
    assert ws.cell(7, 1).font.b


def test_a_paragraphs_height_is_its_wrapped_lines(tmp_path: Path) -> None:
    words = " ".join(["abcd"] * 50)  # 249 characters
    page = Page("P", (Text("T", TextStyle.TITLE), Text(words)))
    # One column across the portrait page: (720 - 5) / 7 - 0.5 = 101.64 characters, 716
    # pixels, (716 - 5) / 7 / 1.15 = 88.3 characters a line: 17 words a line, 3 lines.
    assert len(textwrap.wrap(words, 88)) == 3
    path = tmp_path / "p.xlsx"
    write_workbook((page,), path)
    ws = openpyxl.load_workbook(path)["P"]
    assert ws.column_dimensions["A"].width == pytest.approx(716 / 7, abs=0.01)
    assert [ws.row_dimensions[r].height for r in (1, 2)] == [1 * 19 + 6, 3 * 15 + 6]
    assert not ws.merged_cells.ranges  # one column: nothing to merge


def test_a_page_too_long_for_one_page_at_8_points_runs_on_to_a_second() -> None:
    long = Page("P", tuple(Text(" ".join(["word"] * 200)) for _ in range(12)))
    short = Page("P", (Text("One paragraph."),))
    assert (xlsx.page_layout(short).fit_width, xlsx.page_layout(short).fit_height) == (True, True)
    assert (xlsx.page_layout(long).fit_width, xlsx.page_layout(long).fit_height) == (True, False)


def test_text_that_looks_like_a_formula_stays_text_everywhere(tmp_path: Path) -> None:
    frame = pd.DataFrame({"provider_id": ["=1+1", "@x"], "n": [1.0, 2.0]})
    sheet = Sheet(
        "S", frame, {"n": Format.MONEY},
        charts=(Chart("=chart", "", "provider_id", ("n",)),),
        footer="=HYPERLINK()",
    )
    page = Page("P", (Text("=SUM(A1)"), Table(frame, {"n": Format.MONEY})))
    path = tmp_path / "f.xlsx"
    write_workbook((sheet, page), path)
    check_structure(path)
    for worksheet in sheet_parts(path).values():
        assert worksheet.find(f".//{MAIN}f") is None
    book = openpyxl.load_workbook(path)
    assert book["S"]["A2"].value == "=1+1" and book["S"]["A2"].data_type == "s"
    assert book["P"]["A1"].value == "=SUM(A1)" and book["P"]["A1"].data_type == "s"
    categories = xml_parts(path)["xl/charts/chart1.xml"].find(f".//{CHART}cat//{CHART}strCache")
    assert categories is not None and "=1+1" in "".join(categories.itertext())


# The package


def test_the_package_holds_the_parts_excel_writes(feature_book: Path) -> None:
    check_structure(feature_book)
    parts = xml_parts(feature_book)
    with zipfile.ZipFile(feature_book) as book:
        names = book.namelist()
    for part in ("xl/theme/theme1.xml", "docProps/app.xml", "xl/sharedStrings.xml"):
        assert part in names
    rels = parts["xl/_rels/workbook.xml.rels"]
    types = {r.get("Type", "").rsplit("/", 1)[-1] for r in rels.iter(f"{REL}Relationship")}
    assert {"theme", "styles", "sharedStrings", "worksheet"} == types
    app = parts["docProps/app.xml"]
    vt = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
    titles = [t.text for t in app.iter(f"{vt}lpstr")]
    assert titles == [
        "Worksheets", "Named Ranges",
        "Notice", "Summary", "Recoupments", "Wide",
        "'Recoupments'!Print_Titles", "'Wide'!Print_Titles",
    ]
    counts = [int(i.text or "") for i in app.iter(f"{vt}i4")]
    assert counts == [4, 2]
    shared = parts["xl/sharedStrings.xml"]
    texts = ["".join(si.itertext()) for si in shared.iter(f"{MAIN}si")]
    assert len(texts) == len(set(texts)) and texts.count("PRV-A") == 1


def test_a_report_with_every_feature_gives_the_same_bytes_twice(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(feature_report(), first)
    write_workbook((notice(), summary(), recoupments(), wide()), second)
    assert first.read_bytes() != second.read_bytes()  # the footers differ
    write_workbook(feature_report(), second)
    assert first.read_bytes() == second.read_bytes()
