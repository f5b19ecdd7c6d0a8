"""Reading files as a clerk sees them: discovery, headers, encodings, delimiters, row numbers."""

import codecs
import datetime as dt
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.config import ColumnMap, default_config
from pipeline.errors import InputError
from pipeline.ingest.csv_grid import decoded
from pipeline.ingest.grid import UnreadableFileError
from pipeline.ingest.load import LAYOUTS, RawTable, discovered_inputs, raw_table, run_names
from pipeline.ingest.validate import loaded_inputs
from pipeline.ingest.xlsx_grid import bad_cells
from pipeline.result import Inputs
from schemas.columns import (
    CLAIMS_KIND,
    CLIENT_ID,
    COLUMN,
    ERROR,
    MINUTES,
    NOTE,
    PROVIDER_ID,
    SERVICE_DATE,
    SERVICE_ID,
    SERVICES_KIND,
    SOURCE_FILE,
    SOURCE_ROW,
    START_TIME,
    UNITS_CLAIMED,
    VALUE,
)

HEADER = (
    "service_id,provider_id,client_id,staff_id,service_date,activity,minutes,"
    "client_specific,external_participants,note"
)
ROW = "S1,P1,C1,T1,2026-10-05,phone,30,yes,0,Called"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "messy"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PASSWORD_PROTECTED = (
    "the file could not be read: it is password-protected; "
    "save it without a password and send it again"
)


def read(path: Path, kind: str = SERVICES_KIND, column_map: ColumnMap | None = None) -> RawTable:
    return raw_table(path, path.read_bytes(), LAYOUTS[kind], column_map)


def written(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def workbook(
    tmp_path: Path, name: str, rows: Sequence[Sequence[object]], title: str = "Sheet"
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# discovery


def test_discovery_finds_each_kind_by_prefix_sorted_by_name(tmp_path: Path) -> None:
    for name in (
        "services_b.xlsx",
        "Services_a.CSV",
        "claims.csv",
        "rates.csv",
        "notes.txt",
        "services_c.txt",
        "~$services_d.xlsx",
    ):
        (tmp_path / name).write_text("x")
    found = discovered_inputs(tmp_path, "2026-10")
    assert [p.name for p in found.services] == ["Services_a.CSV", "services_b.xlsx"]
    assert [p.name for p in found.claims] == ["claims.csv"]
    assert [p.name for p in found.rates] == ["rates.csv"]


def test_discovery_without_rates_is_fine(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text("x")
    (tmp_path / "claims.xlsx").write_text("x")
    assert discovered_inputs(tmp_path, "2026-10").rates == ()


def test_discovery_names_the_missing_kind_and_month(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text("x")
    with pytest.raises(InputError, match=f"^no services files for 2026-10 in {tmp_path}$"):
        discovered_inputs(tmp_path, "2026-10")
    (tmp_path / "services.csv").write_text("x")
    (tmp_path / "claims.csv").unlink()
    with pytest.raises(InputError, match="^no claims files for 2026-10"):
        discovered_inputs(tmp_path, "2026-10")


def test_discovery_of_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="^no folder .*nope for 2026-10$"):
        discovered_inputs(tmp_path / "nope", "2026-10")


# headers


def test_header_names_are_trimmed_lowercased_and_joined_by_underscores() -> None:
    headers = pd.Series([" Service Date ", "CLIENT-ID", "client  -  specific", "Note"], dtype="str")
    assert run_names(headers, None).tolist() == [
        "service_date",
        "client_id",
        "client_specific",
        "note",
    ]


def test_a_column_map_renames_provider_headers_matched_the_same_way() -> None:
    column_map = ColumnMap(
        "CaseTrack", ("*",), {"Client #": "client_id", "Svc Date": "Service Date"}
    )
    headers = pd.Series(["client #", "SVC-DATE", "Note"], dtype="str")
    assert run_names(headers, column_map).tolist() == ["client_id", "service_date", "note"]


def test_extra_columns_are_listed_as_written_and_ignored(tmp_path: Path) -> None:
    path = written(tmp_path, "s.csv", f"{HEADER},Program, Funding Source \n{ROW},CM,County\n")
    table = read(path)
    assert table.extra_columns == ("Program", "Funding Source")
    assert "program" not in table.cells.columns


def test_a_repeated_column_reads_the_first_and_lists_the_second(tmp_path: Path) -> None:
    path = written(tmp_path, "s.csv", f"{HEADER},Note\n{ROW},second note\n")
    table = read(path)
    assert table.cells[NOTE].tolist() == ["Called"]
    assert table.extra_columns == ("Note",)


def test_a_missing_required_column_names_it_and_the_columns_found(tmp_path: Path) -> None:
    path = written(tmp_path, "claims.csv", "provider_id,Client ID,units\nP1,C1,1\n")
    with pytest.raises(UnreadableFileError) as err:
        read(path, CLAIMS_KIND)
    assert str(err.value) == (
        "the file has no columns 'service_date', 'units_claimed' "
        "(columns found: provider_id, Client ID, units)"
    )


def test_start_and_end_time_stand_in_for_minutes(tmp_path: Path) -> None:
    header = HEADER.replace("minutes", "start_time,end_time")
    path = written(tmp_path, "s.csv", f"{header}\n" + ROW.replace(",30,", ",9:00,9:30,") + "\n")
    table = read(path)
    assert START_TIME in table.cells.columns
    assert MINUTES not in table.cells.columns


def test_times_beside_minutes_are_read_too(tmp_path: Path) -> None:
    # v2 §1: start_time and end_time are kept on the line even where minutes are given.
    path = written(tmp_path, "s.csv", f"{HEADER},Start Time,End Time\n{ROW},9:00,9:30\n")
    table = read(path)
    assert list(table.cells[START_TIME]) == ["9:00"]
    assert table.extra_columns == ()


def test_only_one_of_the_two_times_is_not_enough(tmp_path: Path) -> None:
    header = HEADER.replace("minutes", "start_time")
    path = written(tmp_path, "s.csv", f"{header}\n{ROW}\n")
    with pytest.raises(UnreadableFileError, match="^the file has no column 'minutes' "):
        read(path)


# CSV: records, rows, encodings, delimiters


def test_source_rows_count_records_so_a_multi_line_field_is_one_row(tmp_path: Path) -> None:
    text = f'{HEADER}\r\nS1,P1,C1,T1,2026-10-05,phone,30,yes,0,"line one\r\nline two"\r\n{ROW}\r\n'
    table = read(written(tmp_path, "s.csv", text))
    assert table.cells[SOURCE_ROW].tolist() == [2, 3]
    assert table.cells[NOTE].tolist() == ["line one\r\nline two", "Called"]


def test_blank_rows_are_skipped_but_keep_their_row_numbers(tmp_path: Path) -> None:
    text = f"{HEADER}\n{ROW}\n\n , ,,,,,,,,\n{ROW.replace('S1', 'S2')}\n\n\n"
    table = read(written(tmp_path, "s.csv", text))
    assert table.cells[SOURCE_ROW].tolist() == [2, 5]
    assert table.cells[SERVICE_ID].tolist() == ["S1", "S2"]


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    text = f"Provider A service log\nOctober 2026,,\n\n{HEADER}\n{ROW}\n"
    table = read(written(tmp_path, "s.csv", text))
    assert table.header_row == 4
    assert table.cells[SOURCE_ROW].tolist() == [5]


def test_a_header_only_file_has_no_rows(tmp_path: Path) -> None:
    table = read(written(tmp_path, "s.csv", HEADER + "\n"))
    assert len(table.cells) == 0
    assert table.cells.columns.tolist()[:2] == [SOURCE_ROW, SERVICE_ID]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_the_one_that_makes_the_header(tmp_path: Path, delimiter: str) -> None:
    note = "Called mom, then dad; then school"  # other delimiters inside a value do not fool it
    row = [*ROW.split(",")[:-1], f'"{note}"']
    text = delimiter.join(HEADER.split(",")) + "\n" + delimiter.join(row) + "\n"
    table = read(written(tmp_path, "s.csv", text))
    assert table.delimiter == delimiter
    assert table.cells[NOTE].tolist() == [note]
    assert table.cells[CLIENT_ID].tolist() == ["C1"]


def test_text_ids_keep_leading_zeros(tmp_path: Path) -> None:
    table = read(written(tmp_path, "s.csv", f"{HEADER}\n{ROW.replace('C1', '007')}\n"))
    assert table.cells[CLIENT_ID].tolist() == ["007"]


@pytest.mark.parametrize(
    ("encoding", "bom", "found"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, bom: bytes, found: str) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(bom + f"{HEADER}\n{ROW.replace('Called', 'Café – “José”')}\n".encode(encoding))
    table = read(path)
    assert table.encoding == found
    assert table.cells[NOTE].tolist() == ["Café – “José”"]
    assert table.cells.columns[1] == SERVICE_ID  # the BOM is not part of the first header


def test_bytes_undefined_in_cp1252_fall_back_to_latin_1() -> None:
    assert decoded(b"a\x81b") == ("a\x81b", "latin-1")


def test_a_row_longer_than_the_header_is_a_problem_not_a_shift(tmp_path: Path) -> None:
    text = f"{HEADER}\n{ROW}, and more,x\n{ROW}\n"
    table = read(written(tmp_path, "s.csv", text))
    assert table.cells[SOURCE_ROW].tolist() == [2, 3]
    assert table.problems.to_dict("records") == [
        {
            SOURCE_ROW: 2,
            "column": "",
            "value": " and more,x",
            "error": "the row has 12 cells, more than the 10 columns of the header",
        }
    ]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("s.csv", b"", "the file could not be read: it is empty (0 bytes)"),
        ("s.txt", b"a,b\n", "the file could not be read: its name does not end in .csv or .xlsx"),
        (
            "s",
            b"a,b\n",
            "the file could not be read: its name does not end in .csv or .xlsx",
        ),
        ("s.csv", b"\n\n ,\n", "the file could not be read: it has no header row"),
        ("s.csv", b"\n\n\n", "the file could not be read: it has no header row"),
        ("s.csv", codecs.BOM_UTF8, "the file could not be read: it has no header row"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFileError) as err:
        read(path)
    assert str(err.value) == reason


# XLSX


def test_xlsx_number_cells_read_as_text_without_a_decimal_point(tmp_path: Path) -> None:
    header = HEADER.split(",")
    path = workbook(
        tmp_path,
        "s.xlsx",
        [header, ["S1", "P1", 12345, 7, dt.date(2026, 10, 5), "phone", 45.0, True, 0, "n"]],
    )
    cells = read(path).cells
    assert cells[CLIENT_ID].tolist() == ["12345"]
    assert cells["staff_id"].tolist() == ["7"]
    assert cells[SERVICE_DATE].tolist() == ["2026-10-05"]
    assert cells[MINUTES].tolist() == ["45"]
    assert cells["client_specific"].tolist() == ["True"]


def test_xlsx_title_rows_are_skipped_and_rows_keep_excel_numbers(tmp_path: Path) -> None:
    header = HEADER.split(",")
    data = ["S1", "P1", "C1", "T1", "2026-10-05", "phone", 30, "yes", 0, "Called"]
    path = workbook(tmp_path, "s.xlsx", [["Service log"], [], header, data, [], [], data])
    table = read(path)
    assert table.header_row == 3
    assert table.sheet == "Sheet"
    assert table.cells[SOURCE_ROW].tolist() == [4, 7]


def test_xlsx_reads_the_first_sheet_unless_the_map_names_one(tmp_path: Path) -> None:
    header = HEADER.split(",")
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["nothing here"])
    log = book.create_sheet("Log")
    log.append(header)
    log.append(["S1", "P1", "C1", "T1", "2026-10-05", "phone", 30, "yes", 0, "Called"])
    path = tmp_path / "s.xlsx"
    book.save(path)
    with pytest.raises(UnreadableFileError, match="no column"):
        read(path)
    table = read(path, column_map=ColumnMap("Log", ("*",), {}, sheet="Log"))
    assert table.sheet == "Log"
    assert table.cells[SERVICE_ID].tolist() == ["S1"]
    with pytest.raises(UnreadableFileError) as err:
        read(path, column_map=ColumnMap("X", ("*",), {}, sheet="Export"))
    assert (
        str(err.value)
        == "the file could not be read: it has no sheet 'Export' (sheets: Notes, Log)"
    )


def test_xlsx_formula_without_a_saved_value_is_a_problem_of_its_cell(tmp_path: Path) -> None:
    header = HEADER.split(",")
    data = ["S1", "P1", "C1", "T1", "2026-10-05", "phone", "=10*3", "yes", "=A2&A2", "Called"]
    path = workbook(tmp_path, "s.xlsx", [header, data, ["S2", "P1", "C1", "=1/0"]])
    table = read(path)
    assert table.cells[SOURCE_ROW].tolist() == [2, 3]
    assert table.problems[[SOURCE_ROW, "column", "value"]].to_dict("records") == [
        {SOURCE_ROW: 2, "column": MINUTES, "value": "=10*3"},
        {SOURCE_ROW: 2, "column": "external_participants", "value": "=A2&A2"},
        {SOURCE_ROW: 3, "column": "staff_id", "value": "=1/0"},
    ]
    assert set(table.problems["error"]) == {
        "the cell is a formula with no saved value; open and save the file in Excel"
    }


def test_xlsx_error_values_are_a_problem_of_their_cell(tmp_path: Path) -> None:
    header = HEADER.split(",")
    path = workbook(tmp_path, "s.xlsx", [header, ["S1", "P1", "C1", "T1", "2026-10-05", "phone"]])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["G2"] = "#DIV/0!"
    sheet["G2"].data_type = "e"
    book.save(path)
    assert read(path).problems.to_dict("records") == [
        {
            SOURCE_ROW: 2,
            "column": MINUTES,
            "value": "#DIV/0!",
            "error": "the cell shows an Excel error; correct it in Excel",
        }
    ]


SHEET_XML = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="2"><c r="A2"><f>B2*2</f><v>4</v></c><c r="B2"><f>C2*2</f></c>'
    '<c r="C2" t="str"><f>IF(1,"","x")</f><v></v></c>'
    '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    '<row r="3"><c r="E3" s="1" t="e"><v>#N/A</v></c><c r="F3"><f>A1&lt;B1</f><v/></c>'
    '<x:c r="AA3"><x:f t="shared" si="0"/></x:c></row>'
    "</sheetData></worksheet>"
)


def test_cells_with_no_real_value_are_found_in_the_sheet_xml(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Log" sheetId="1" r:id="rId7"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId7" Target="worksheets/log.xml" Type="worksheet"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/log.xml", SHEET_XML)
    found = bad_cells(path.read_bytes(), "Log")
    unsaved = "the cell is a formula with no saved value; open and save the file in Excel"
    error = "the cell shows an Excel error; correct it in Excel"
    assert list(found.itertuples(index=False, name=None)) == [
        (1, 1, "=C2*2", unsaved),
        (1, 3, "#DIV/0!", error),
        (2, 4, "#N/A", error),
        (2, 5, "=A1<B1", unsaved),
        (2, 26, "", unsaved),
    ]
    assert bad_cells(path.read_bytes(), "Other").empty


def test_xlsx_hidden_rows_and_merged_cells_are_read(tmp_path: Path) -> None:
    header = HEADER.split(",")
    data = ["S1", "P1", "C1", "T1", "2026-10-05", "phone", 30, "yes", 0, "Called"]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, data, data]:
        sheet.append(row)
    sheet.row_dimensions[3].hidden = True
    sheet.merge_cells("J2:J3")
    path = tmp_path / "s.xlsx"
    book.save(path)
    cells = read(path).cells
    assert cells[SOURCE_ROW].tolist() == [2, 3]
    assert cells[NOTE].tolist() == ["Called", ""]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 not really a zip", "it is not a readable Excel workbook"),
        (OLE_SIGNATURE + bytes(600), "it is not a readable Excel workbook"),
        # The marks of an encrypted package with nothing real inside: still a password.
        (
            OLE_SIGNATURE + bytes(600) + "EncryptionInfo".encode("utf-16-le") + bytes(100),
            "it is password-protected; save it without a password and send it again$",
        ),
        (b"service_id,provider_id\n", "it is not a readable Excel workbook"),
    ],
)
def test_a_corrupt_or_encrypted_workbook_is_unreadable(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "s.xlsx"
    path.write_bytes(data)
    with pytest.raises(UnreadableFileError, match=f"^the file could not be read: {reason}"):
        read(path)


def test_a_password_protected_workbook_is_one_record_for_the_whole_file() -> None:
    # services_password.xlsx: a one-row services workbook encrypted by Excel's scheme (ECMA-376
    # Agile, made with msoffcrypto-tool; the password is "secret").
    path = FIXTURES / "services_password.xlsx"
    assert path.read_bytes().startswith(OLE_SIGNATURE)
    result = loaded_inputs(Inputs((path,), ()), default_config())
    (report,) = result.files
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (0, 0, 0)
    assert report.rejected_whole == PASSWORD_PROTECTED
    (record,) = result.rejected.to_dict("records")
    assert pd.isna(record.pop(SOURCE_ROW))
    # No row, so neither the row's provider cell nor its units can be read.
    assert pd.isna(record.pop(PROVIDER_ID)) and pd.isna(record.pop(UNITS_CLAIMED))
    assert record == {SOURCE_FILE: str(path), COLUMN: "", VALUE: "", ERROR: PASSWORD_PROTECTED}
    assert result.services.empty
