"""Issue 11: hostile and careless inputs never stop the month.

Each case is a small file generated here (bench/hostile.py builds the same kinds, larger, for
`make bench`): it becomes a rejected row or a rejected file with one plain sentence, the run goes
on, and nothing gives exit 3 or a traceback. The limits are set small where a case needs size.
"""

import contextlib
import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from unittest import mock

import openpyxl
import pandas as pd
import pytest

from bench.hostile import (
    SERVICES_HEADER,
    blank_lines_csv,
    column_letters,
    corner_cell_xlsx,
    csv_text,
    empty_rows_xlsx,
    long_cell_xlsx,
    long_field_csv,
    repeated,
    services_rows,
    services_table,
    sheet_row,
    stray_column_xlsx,
    text_cell,
    xlsx_package,
)
from pipeline.cli import main
from pipeline.config import Config, Limits, load_config
from pipeline.ingest import parse
from pipeline.ingest.validate import loaded_inputs
from pipeline.ingest.xlsx_grid import UNSAVED_FORMULA
from pipeline.result import Inputs, Loaded
from schemas.columns import (
    COLUMN,
    END_TIME,
    ERROR,
    EXTERNAL_PARTICIPANTS,
    MINUTES,
    NOTE,
    SERVICE_DATE,
    SOURCE_ROW,
    START_TIME,
    UNIT_RATE,
    UNITS_CLAIMED,
    VALUE,
)

MONTH = "2026-10"
CLAIMS_HEADER = ("provider_id", "client_id", "service_date", "units_claimed")
CLAIMS = csv_text([CLAIMS_HEADER, ("P1", "C1", "2026-10-05", "0.5")])
RATES_HEADER = ("provider_id", "unit_rate")


def loaded(
    tmp_path: Path,
    services: Mapping[str, bytes],
    claims: bytes = CLAIMS,
    rates: bytes | None = None,
    config: Config | None = None,
) -> Loaded:
    paths = []
    for name, body in services.items():
        (tmp_path / name).write_bytes(body)
        paths.append(tmp_path / name)
    (tmp_path / "claims.csv").write_bytes(claims)
    rate_paths: tuple[Path, ...] = ()
    if rates is not None:
        (tmp_path / "rates.csv").write_bytes(rates)
        rate_paths = (tmp_path / "rates.csv",)
    inputs = Inputs(tuple(paths), (tmp_path / "claims.csv",), rate_paths)
    return loaded_inputs(inputs, config or load_config())


def limited(**limits: int) -> Config:
    """The default settings with these limits changed."""
    base = load_config()
    return replace(base, limits=replace(base.limits, **limits))


def whole_file_reason(result: Loaded, name: str) -> str | None:
    return next(f.rejected_whole for f in result.files if f.path.endswith(name))


def records(result: Loaded) -> list[tuple[object, str, str]]:
    frame = result.rejected
    return list(zip(frame[SOURCE_ROW], frame[COLUMN], frame[ERROR], strict=True))


def balanced(result: Loaded) -> bool:
    return all(f.rows_read == f.rows_accepted + f.rows_rejected for f in result.files)


@contextlib.contextmanager
def argv(*args: str) -> Iterator[None]:
    with mock.patch.object(sys, "argv", ["reconcile", *args]):
        yield


def reconcile(data: Path, out: Path, *extra: str) -> tuple[int, str]:
    """`reconcile run` on the folder, in this process: exit code and what it printed to stderr."""
    err = io.StringIO()
    with argv("run", "--month", MONTH, "--data", str(data), "--out", str(out), "--quiet",
              *extra), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as done:
        main()
    return int(done.value.code or 0), err.getvalue()


# 1. Long text in a column gathered from several files


def test_a_20000_character_note_beside_another_services_file_is_written_in_full(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    row = services_rows(1, first=100)[0]
    (data / "services_a.csv").write_bytes(csv_text([SERVICES_HEADER, *services_rows(3)]))
    (data / "services_b.csv").write_bytes(csv_text([SERVICES_HEADER, (*row[:-1], "y" * 20_000)]))
    (data / "claims.csv").write_bytes(CLAIMS)
    code, err = reconcile(data, tmp_path / "out")
    assert (code, err) == (0, "")
    lines = pd.read_parquet(tmp_path / "out" / "service_lines.parquet")
    assert lines[NOTE].str.len().max() == 20_000
    sheet = openpyxl.load_workbook(tmp_path / "out" / "reconciliation.xlsx", read_only=True)
    notes = [c for row in sheet["Service Lines"].iter_rows(values_only=True) for c in row]
    assert "y" * 20_000 in notes


# 2. Digits of other scripts

FOREIGN = {
    MINUTES: ["١٢", "３０"],
    EXTERNAL_PARTICIPANTS: ["٣"],
    SERVICE_DATE: ["٢٠٢٦-١٠-٠٥", "١٠/٥/٢٠٢٦"],
}


def test_digits_of_other_scripts_are_rejected_rows_naming_the_column(tmp_path: Path) -> None:
    column_at = {c: i for i, c in enumerate(SERVICES_HEADER)}
    rows: list[tuple[str, ...]] = []
    for column, texts in FOREIGN.items():
        for text in texts:
            row = list(services_rows(1, first=len(rows) + 1)[0])
            row[column_at[column]] = text
            rows.append(tuple(row))
    claims = csv_text([CLAIMS_HEADER, ("P1", "C1", "2026-10-05", "٢"), ("P1", "C2", "2026-10-05",
                                                                        "0.5")])
    rates = csv_text([RATES_HEADER, ("P1", "٥٠"), ("P2", "50")])
    result = loaded(tmp_path, {"services.csv": csv_text([SERVICES_HEADER, *rows])}, claims, rates)
    assert balanced(result)
    found = {(r[COLUMN], r[VALUE]) for r in result.rejected.to_dict("records")}
    expected = {(c, t) for c, texts in FOREIGN.items() for t in texts}
    assert expected | {(UNITS_CLAIMED, "٢"), (UNIT_RATE, "٥٠")} == found
    assert all(e.count("'") == 2 for e in result.rejected[ERROR])  # each quotes its value
    assert len(result.services) == 0 and len(result.claims) == 1 and len(result.rates) == 1


def test_digits_of_other_scripts_in_an_xlsx_date_text_are_a_rejected_row(tmp_path: Path) -> None:
    row = list(services_rows(1)[0])
    row[SERVICES_HEADER.index(SERVICE_DATE)] = "٢٠٢٦-١٠-٠٥"
    body = xlsx_package([sheet_row(1, SERVICES_HEADER).encode(), sheet_row(2, row).encode()])
    result = loaded(tmp_path, {"services.xlsx": body})
    assert records(result) == [
        (2, SERVICE_DATE, "service_date '٢٠٢٦-١٠-٠٥' is not a date (use 2026-10-05 or 10/5/2026)")
    ]


@pytest.mark.parametrize(
    "parser", [parse.whole_numbers, parse.counts, parse.durations, parse.quarter_units,
               parse.rates, parse.clock_minutes, parse.dates]
)
def test_no_parser_reads_digits_of_other_scripts(parser: object) -> None:
    texts = pd.Series(["١٢", "３０", "٣:٣٠", "1.٥", "٢٠٢٦-١٠-٠٥", "１０/５/２０２６"], dtype="str")
    assert callable(parser)
    assert parser(texts).isna().all()


# 3. Sparse workbooks: only the cells there are read


def test_one_cell_at_xfd1048576_is_read_as_a_row_of_its_own(tmp_path: Path) -> None:
    result = loaded(tmp_path, {"services.xlsx": corner_cell_xlsx()})
    (report, _) = result.files
    assert report.rejected_whole is None and balanced(result)
    assert len(result.services) == 3
    assert set(result.rejected[SOURCE_ROW]) == {1_048_576}  # its cell lies beyond the header


def test_a_stray_cell_in_column_xfd_on_every_row_costs_nothing(tmp_path: Path) -> None:
    result = loaded(tmp_path, {"services.xlsx": stray_column_xlsx(500)})
    assert result.rejected.empty and len(result.services) == 500
    assert result.services[SOURCE_ROW].tolist() == list(range(2, 502))


def test_empty_rows_past_the_limit_reject_the_file_in_a_sentence(tmp_path: Path) -> None:
    config = limited(sheet_cells=1_000)
    result = loaded(tmp_path, {"services.xlsx": empty_rows_xlsx(6 * 2_000)}, config=config)
    assert whole_file_reason(result, "services.xlsx") == (
        "the file could not be read: its sheet holds more than 1,000 rows and cells, the limit "
        "([limits] sheet_cells)"
    )
    assert balanced(result) and len(result.rejected) == 1


def test_cells_spread_too_far_to_compact_reject_the_file(tmp_path: Path) -> None:
    # Each row's stray cell in a column of its own: 40 rows by 50 columns is past 1,000 cells.
    rows = [sheet_row(1, SERVICES_HEADER)]
    for n, row in enumerate(services_rows(40), start=2):
        stray = text_cell(f"{column_letters(100 + n)}{n}", "x")
        rows.append(sheet_row(n, row).removesuffix("</row>") + stray + "</row>")
    body = xlsx_package([r.encode() for r in rows])
    result = loaded(tmp_path, {"services.xlsx": body}, config=limited(sheet_cells=1_000))
    reason = whole_file_reason(result, "services.xlsx")
    assert reason is not None and "spread over 41 rows and 50 columns" in reason


def test_a_compacted_sheet_keeps_row_numbers_and_its_bad_cells(tmp_path: Path) -> None:
    rows = [sheet_row(1, SERVICES_HEADER)]
    for n, row in enumerate(services_rows(3), start=2):
        rows.append(sheet_row(n, row).removesuffix("</row>") + text_cell(f"XFD{n * 1000}", "x"))
        rows[-1] += "</row>"
    formula = '<row r="900000"><c r="A900000"><f>1+1</f></c><c r="G900000"><f>2*3</f></c></row>'
    body = xlsx_package([*(r.encode() for r in rows), formula.encode()])
    result = loaded(tmp_path, {"services.xlsx": body})
    assert result.services[SOURCE_ROW].tolist() == [2, 3, 4]
    unsaved = result.rejected[result.rejected[ERROR] == UNSAVED_FORMULA]
    assert unsaved[[SOURCE_ROW, COLUMN, VALUE]].values.tolist() == [
        [900_000, "service_id", "=1+1"],
        [900_000, MINUTES, "=2*3"],
    ]


def test_cells_without_references_are_placed_as_calamine_places_them(tmp_path: Path) -> None:
    def plain(texts: tuple[str, ...]) -> str:
        return "".join(f'<c t="inlineStr"><is><t>{t}</t></is></c>' for t in texts)

    sheet = f"<row>{plain(SERVICES_HEADER)}</row><row>{plain(services_rows(1)[0])}</row>"
    far = '<row r="1048576"><c r="XFC1048576" t="inlineStr"><is><t>x</t></is></c>'
    far += '<c t="inlineStr"><is><t>y</t></is></c></row>'  # XFD1048576, the last cell
    result = loaded(tmp_path, {"services.xlsx": xlsx_package([sheet.encode(), far.encode()])})
    assert len(result.services) == 1 and set(result.rejected[SOURCE_ROW]) == {1_048_576}


def test_a_cell_past_excels_last_cell_rejects_the_file(tmp_path: Path) -> None:
    beyond = '<row r="2"><c r="XFE2" t="inlineStr"><is><t>x</t></is></c></row>'
    body = xlsx_package([services_table(1), beyond.encode()])
    result = loaded(tmp_path, {"services.xlsx": body})
    assert whole_file_reason(result, "services.xlsx") == (
        "the file could not be read: it has a cell beyond Excel's last cell, XFD1048576"
    )


# 4. Decompression bombs


def test_a_cell_over_the_cell_limit_rejects_the_workbook_naming_the_cell(tmp_path: Path) -> None:
    result = loaded(tmp_path, {"services.xlsx": long_cell_xlsx(32_768)})
    assert whole_file_reason(result, "services.xlsx") == (
        "the file could not be read: its cell J2 holds 32,768 characters, more than the 32,767 "
        "a cell may hold ([limits] cell_chars)"
    )
    assert balanced(result)


def test_a_cell_at_the_limit_is_read(tmp_path: Path) -> None:
    result = loaded(tmp_path, {"services.xlsx": long_cell_xlsx(32_767)})
    assert whole_file_reason(result, "services.xlsx") is None
    assert result.services[NOTE].str.len().max() == 32_767


def test_a_bomb_cell_is_refused_before_it_is_unpacked_whole(tmp_path: Path) -> None:
    book = mock.Mock(sheet_names=["Sheet1"])
    with mock.patch("pipeline.ingest.xlsx_grid.CalamineWorkbook") as calamine:
        calamine.from_filelike.return_value = book
        result = loaded(tmp_path, {"services.xlsx": long_cell_xlsx(4 * 1024 * 1024)})
    book.get_sheet_by_name.assert_not_called()  # calamine never unpacked the sheet
    assert whole_file_reason(result, "services.xlsx") == (
        "the file could not be read: it holds a text longer than 32,767 characters, more than a "
        "cell may hold ([limits] cell_chars)"
    )


def test_a_part_unpacking_past_the_limit_rejects_the_workbook(tmp_path: Path) -> None:
    padding = b"<row/>" * (2 * 1024 * 1024 // 6)  # 2 MiB of XML, past a 1 MiB limit
    body = xlsx_package([services_table(1), padding])
    result = loaded(tmp_path, {"services.xlsx": body}, config=limited(xlsx_xml_mib=1))
    reason = whole_file_reason(result, "services.xlsx")
    assert reason == (
        "the file could not be read: it unpacks to more than 1 MiB of XML (at "
        "xl/worksheets/sheet1.xml), the limit ([limits] xlsx_xml_mib)"
    )


def test_a_bomb_in_the_shared_strings_is_refused_when_calamine_would_open_it(
    tmp_path: Path,
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_package([services_table(1)]))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name in source.namelist():
            package.writestr(name, source.read(name))
        with package.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(b'<sst xmlns="x"><si><t>')
            for piece in repeated(b"z", 8 * 1024 * 1024):
                strings.write(piece)
            strings.write(b"</t></si></sst>")
    result = loaded(tmp_path, {"services.xlsx": buffer.getvalue()})
    reason = whole_file_reason(result, "services.xlsx")
    assert reason is not None and "a text longer than 32,767 characters" in reason


def test_a_workbook_that_is_not_a_zip_but_readable_is_refused_as_not_xlsx(tmp_path: Path) -> None:
    with mock.patch("pipeline.ingest.xlsx_grid.CalamineWorkbook"):
        result = loaded(tmp_path, {"services.xlsx": b"\xd0\xcf\x11\xe0 an old .xls"})
    reason = whole_file_reason(result, "services.xlsx")
    assert reason == (
        "the file could not be read: it is not an .xlsx workbook (an older .xls, or another "
        "format); save it as .xlsx"
    )


# 5. The tolerant CSV reader


def test_a_field_past_the_cell_limit_rejects_only_its_row(tmp_path: Path) -> None:
    result = loaded(tmp_path, {"services.csv": long_field_csv(200_000)})
    assert whole_file_reason(result, "services.csv") is None and balanced(result)
    long_note = result.rejected[result.rejected[COLUMN] == NOTE]
    assert long_note[[SOURCE_ROW, ERROR]].values.tolist() == [
        [3, "the cell holds 200,000 characters, more than the 32,767 a cell may hold "
            "([limits] cell_chars)"]
    ]
    assert long_note[VALUE].iloc[0] == "x" * 100 + "…"
    assert result.services[SOURCE_ROW].tolist() == [2, 4]


@pytest.mark.parametrize("quoted", [False, True])
def test_a_long_field_in_a_quoted_ragged_file_rejects_only_its_row(
    tmp_path: Path, quoted: bool
) -> None:
    body = long_field_csv(140_000)  # past the csv module's own 128 KiB field limit
    if quoted:
        body = body.replace(b",Called", b',"Called, twice"')
    result = loaded(tmp_path, {"services.csv": body})
    assert whole_file_reason(result, "services.csv") is None
    assert result.rejected[result.rejected[COLUMN] == NOTE][SOURCE_ROW].tolist() == [3]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("quoted", [False, True])
def test_blank_lines_are_skipped_and_the_rows_after_them_keep_their_numbers(
    tmp_path: Path, ending: bytes, quoted: bool
) -> None:
    body = blank_lines_csv(100_000).replace(b"\n", ending)
    if quoted:
        body = body.replace(b"Called", b'"Called"')
    result = loaded(tmp_path, {"services.csv": body})
    assert result.services[SOURCE_ROW].tolist() == [2, 100_003]
    assert result.rejected.empty


def test_blank_lines_inside_a_quoted_note_stay_in_the_note(tmp_path: Path) -> None:
    row = services_rows(1)[0]
    body = csv_text([SERVICES_HEADER]) + ",".join(row[:-1]).encode() + b',"a\n\n\nb"\n\n'
    body += csv_text(services_rows(1, first=2))
    result = loaded(tmp_path, {"services.csv": body})
    assert result.services[NOTE].tolist() == ["a\n\n\nb", "Called"]
    assert result.services[SOURCE_ROW].tolist() == [2, 4]


def test_fields_past_the_columns_read_make_one_cell_and_reject_their_row(tmp_path: Path) -> None:
    wide = ",".join(services_rows(1, first=2)[0]) + "," * 20_000 + "x"
    rows = [",".join(SERVICES_HEADER), ",".join(services_rows(1)[0]), wide]
    result = loaded(tmp_path, {"services.csv": ("\n".join(rows) + "\n").encode()})
    assert whole_file_reason(result, "services.csv") is None
    assert result.services[SOURCE_ROW].tolist() == [2]
    (record,) = result.rejected.to_dict("records")
    assert record[SOURCE_ROW] == 3 and record[VALUE].endswith(",x")
    assert record[ERROR] == "the row has 20010 cells, more than the 10 columns of the header"


def test_a_sheet_with_cells_in_too_many_columns_is_rejected(tmp_path: Path) -> None:
    wide = "".join(text_cell(f"{column_letters(i)}2", "x") for i in range(0, 2_000, 2))
    body = xlsx_package([services_table(0), f'<row r="2">{wide}</row>'.encode()])
    result = loaded(tmp_path, {"services.xlsx": body}, config=limited(columns=500))
    assert whole_file_reason(result, "services.xlsx") == (
        "the file could not be read: it has cells in 1,005 columns, more than the 500 read "
        "([limits] columns)"
    )


# 9. Units judged on their digits


@pytest.mark.parametrize(
    ("text", "accepted"),
    [("0.25000000000000001", False), ("0.250", True), ("1.75", True), (".5", True),
     ("0.1", False), ("24.000", True), ("24.25", False), ("0.2500000000000000000001", False)],
)
def test_units_must_be_an_exact_quarter_as_written(
    tmp_path: Path, text: str, accepted: bool
) -> None:
    claims = csv_text([CLAIMS_HEADER, ("P1", "C1", "2026-10-05", text)])
    result = loaded(tmp_path, {"services.csv": csv_text([SERVICES_HEADER])}, claims)
    assert len(result.claims) == int(accepted)
    if not accepted:
        assert records(result) == [
            (2, UNITS_CLAIMED, f"units_claimed must be more than 0 and at most 24, in steps of "
                               f"0.25; '{text}' is not")
        ]


# 10. Fixed-input pins of what only luck caught


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [("11:30 AM", "12:15 PM", 45), ("12:30 AM", "1:00 AM", 30), ("11:45 PM", "12:00 AM", None)],
)
def test_twelve_hour_times_across_noon_and_midnight(
    tmp_path: Path, start: str, end: str, minutes: int | None
) -> None:
    header = (*(c for c in SERVICES_HEADER if c != MINUTES), START_TIME, END_TIME)
    row = (*(v for c, v in zip(SERVICES_HEADER, services_rows(1)[0], strict=True)
             if c != MINUTES), start, end)
    result = loaded(tmp_path, {"services.csv": csv_text([header, row])})
    if minutes is None:  # 12:00 AM is the midnight that starts the day, before 11:45 PM
        assert [r[1] for r in records(result)] == [END_TIME]
    else:
        assert result.services[MINUTES].tolist() == [minutes]


@pytest.mark.parametrize("column", [MINUTES, SERVICE_DATE])
def test_a_formula_with_no_saved_value_is_reported_as_such_not_as_blank(
    tmp_path: Path, column: str
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    row = list(services_rows(1)[0])
    row[SERVICES_HEADER.index(column)] = "=TODAY()" if column == SERVICE_DATE else "=10*3"
    sheet.append(SERVICES_HEADER)
    sheet.append(row)
    book.save(tmp_path / "services.xlsx")
    result = loaded(tmp_path, {"services.xlsx": (tmp_path / "services.xlsx").read_bytes()})
    assert records(result) == [(2, column, UNSAVED_FORMULA)]


@pytest.mark.parametrize("number_format", ["General", "yyyy-mm-dd"])
def test_an_excel_serial_0_service_date_is_rejected(tmp_path: Path, number_format: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    row: list[object] = list(services_rows(1)[0])
    row[SERVICES_HEADER.index(SERVICE_DATE)] = 0
    sheet.append(SERVICES_HEADER)
    sheet.append(row)
    sheet.cell(2, SERVICES_HEADER.index(SERVICE_DATE) + 1).number_format = number_format
    book.save(tmp_path / "services.xlsx")
    result = loaded(tmp_path, {"services.xlsx": (tmp_path / "services.xlsx").read_bytes()})
    assert [(r[0], r[1]) for r in records(result)] == [(2, SERVICE_DATE)]
    assert result.services.empty


@pytest.mark.parametrize(
    ("written", "kept"),
    [("2.01", Decimal("2.01")), ('"2.01"', Decimal("2.01")), ("60.123456", Decimal("60.123456")),
     ("2", Decimal("2"))],
)
def test_a_default_rate_is_kept_exactly_as_written(
    tmp_path: Path, written: str, kept: Decimal
) -> None:
    path = tmp_path / "funder.toml"
    path.write_text(f"default_unit_rate = {written}\n", encoding="utf-8")
    rate = load_config(path).default_unit_rate
    assert isinstance(rate, Decimal) and rate == kept and str(rate) == str(kept)


def test_a_default_rate_written_past_six_places_is_refused_not_rounded(tmp_path: Path) -> None:
    # As a binary float, 2.0100000000000000001 is 2.01; read as written it has 19 places.
    path = tmp_path / "funder.toml"
    path.write_text("default_unit_rate = 2.0100000000000000001\n", encoding="utf-8")
    with pytest.raises(Exception, match="at most 6 decimal places"):
        load_config(path)


# The limits are settings like any other


def test_limits_are_configurable_validated_and_written_to_run_json(tmp_path: Path) -> None:
    path = tmp_path / "funder.toml"
    path.write_text("[limits]\ncell_chars = 100\n", encoding="utf-8")
    config = load_config(path)
    assert config.limits == Limits(cell_chars=100)
    assert config.as_dict()["limits"] == {
        "cell_chars": 100, "xlsx_xml_mib": 128, "sheet_cells": 2_000_000, "columns": 1_024
    }
    for bad, reason in [("cell_chars = 0", "cell_chars must be a whole number of at least 1"),
                        ("cells = 5", "unknown setting 'cells'; the limits are cell_chars")]:
        path.write_text(f"[limits]\n{bad}\n", encoding="utf-8")
        with pytest.raises(Exception, match=reason):
            load_config(path)


def test_run_json_states_the_limits_and_every_hostile_file_balances(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "services_a.xlsx").write_bytes(corner_cell_xlsx())
    (data / "services_b.xlsx").write_bytes(long_cell_xlsx(40_000))
    (data / "services_c.csv").write_bytes(long_field_csv(200_000))
    (data / "claims.csv").write_bytes(CLAIMS)
    code, err = reconcile(data, tmp_path / "out")
    assert (code, err) == (1, "")  # services_b is rejected whole; the month goes on
    record = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert record["config"]["limits"]["cell_chars"] == 32_767
    assert [Path(f["file"]).name for f in record["files_rejected_whole"]] == ["services_b.xlsx"]
    for account in record["files"]:
        assert account["rows_read"] == account["rows_accepted"] + account["rows_rejected"]


def test_the_same_hostile_bytes_give_the_same_records(tmp_path: Path) -> None:
    body = stray_column_xlsx(20)
    first = loaded(tmp_path, {"services.xlsx": body})
    second = loaded(tmp_path, {"services.xlsx": body})
    assert first.rejected.equals(second.rejected) and first.services.equals(second.services)
    assert hashlib.sha256(body).hexdigest() == first.files[0].sha256


def test_a_row_holding_only_an_unsaved_formula_past_blank_rows_is_read_and_rejected(
    tmp_path: Path,
) -> None:
    # Found by the fuzz test: row 5 holds nothing but a formula never calculated, after blank
    # rows; the reader's range ends before it. It is still a row read, and rejected.
    sheet = (
        sheet_row(1, SERVICES_HEADER).encode()
        + sheet_row(2, ["", ""]).encode()
        + b'<row r="5"><c r="A5"><f>SUM(A1:A2)</f></c></row>'
    )
    path = tmp_path / "services.xlsx"
    path.write_bytes(xlsx_package([sheet]))
    result = loaded_inputs(Inputs((path,), ()), Config())
    (report,) = result.files
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (1, 0, 1)
    records = result.rejected.to_dict("records")
    assert {r["source_row"] for r in records} == {5}
    # The formula is named as such, not as a blank service_id.
    first = records[0]
    assert (first["column"], first["error"]) == ("service_id", UNSAVED_FORMULA)
