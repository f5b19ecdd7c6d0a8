"""The report model and the workbook writer: hand-computed figures, formats, goldens, overflow."""

import os
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from report_fixtures import (
    CLAIMS,
    EVIL_CLIENT,
    FORMULA_NOTE,
    NO_RATE,
    RATES,
    SERVICES_P2,
    decimals,
    sample_result,
)
from workbook_dump import dump_text, workbook_dump

from pipeline import money
from pipeline.report import xlsx
from pipeline.report.workbooks import (
    CLIENT_DAYS,
    EXCEPTIONS,
    RULES_SHEET,
    RUN_INFO,
    SERVICE_LINES,
    SHEET_NAMES,
    SUMMARY,
    Format,
    Report,
    Sheet,
    funder_report,
    provider_report,
    report_providers,
)
from pipeline.report.xlsx import write_workbook
from pipeline.rules.table import RULES

GOLDEN = Path(__file__).parent / "golden"
MONEY_FORMAT = '"$"#,##0.00'


def sheet(report: Report, name: str) -> Sheet:
    found = next(s for s in report if s.name == name)
    assert isinstance(found, Sheet)
    return found


def amounts(values: pd.Series) -> list[Decimal | None]:
    return [None if pd.isna(v) else Decimal(v) for v in values.astype(object)]


def check_golden(path: Path, name: str) -> None:
    """The workbook's dump equals tests/report/golden/<name>.json (UPDATE_GOLDEN=1 rewrites it)."""
    text = dump_text(workbook_dump(path))
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with UPDATE_GOLDEN=1 and review it"
    assert text == golden.read_text(encoding="utf-8")


# The report model


def test_both_workbooks_have_the_seven_sheets_in_spec_order() -> None:
    result = sample_result()
    assert tuple(s.name for s in funder_report(result)) == SHEET_NAMES
    assert tuple(s.name for s in provider_report(result, "P1")) == SHEET_NAMES
    assert SHEET_NAMES[0] == SUMMARY and SHEET_NAMES[-1] == RUN_INFO


def test_summary_has_one_row_per_provider_and_an_exact_bold_total() -> None:
    summary = sheet(funder_report(sample_result()), SUMMARY)
    frame = summary.frame
    assert frame["provider_id"].tolist() == [NO_RATE, "P1", "P2", "TOTAL"]
    assert frame["client_days"].tolist() == [1, 4, 3, 8]
    assert frame["service_lines"].tolist() == [1, 4, 4, 9]
    assert frame["claimed_units"].tolist() == [0.5, 2.75, 1.0, 4.25]
    assert frame["allowable_units"].tolist() == [0.25, 1.5, 2.25, 4.0]
    # Disallowed units count only days claimed over allowable: P2's under-claims add nothing.
    assert frame["disallowed_units"].tolist() == [0.25, 1.25, 0.0, 1.5]
    d = Decimal
    assert amounts(frame["claimed_amount"]) == [None, d("171.88"), d("60.00"), d("231.88")]
    assert amounts(frame["allowable_amount"]) == [None, d("93.75"), d("135.00"), d("228.75")]
    assert amounts(frame["disallowed_amount"]) == [None, d("78.13"), d("0.00"), d("78.13")]
    assert summary.totals == 1
    assert summary.formats["claimed_amount"] is Format.MONEY
    assert summary.title_rows == ("Case Management billing reconciliation 2026-10: all providers",)


def test_total_sums_the_rounded_day_amounts_not_the_rounded_sum() -> None:
    result = sample_result()
    # Three days of 0.25 units at 62.50 = 15.625 each: 15.63 x 3 = 46.89, whereas rounding
    # the unrounded sum 46.875 would give 46.88.
    days = result.days.loc[result.days["provider_id"] == "P1"].head(3).copy()
    days["claimed_amount"] = decimals(["15.63"] * 3, money.AMOUNT_TYPE).to_numpy()
    total = sheet(funder_report(replace(result, days=days)), SUMMARY).frame.iloc[-1]
    assert total["claimed_amount"] == Decimal("46.89")


def test_counts_by_status_reason_and_warning() -> None:
    below = {t.title: t.frame for t in sheet(funder_report(sample_result()), SUMMARY).below}
    status = below["Client-days by status"].set_index("status")
    assert status["client_days"].to_dict() == {
        "no_documentation": 1, "nothing_billable": 1, "match": 1, "over_claimed": 3,
        "not_claimed": 1, "under_claimed": 1,
    }
    assert status.loc["over_claimed", "disallowed_amount"] == Decimal("46.88")  # 31.25 + 15.63
    reasons = below["Service lines by reason code"].set_index("code")
    assert reasons.index.tolist() == [r.code for r in RULES if r.kind != "warning"]
    counts = reasons[["service_lines", "minutes"]].to_dict("index")
    # The research of 10-05 has no letter, and its window is still open at month end.
    assert counts["RESEARCH_FOLLOWUP_PENDING"] == {"service_lines": 2, "minutes": 60}
    assert counts["DUPLICATE_SERVICE"] == {"service_lines": 1, "minutes": 30}
    assert counts["UNDOCUMENTED"] == {"service_lines": 0, "minutes": 0}
    warnings = below["Warnings (units unchanged)"].set_index("code")["warnings"].to_dict()
    assert warnings == {
        "STAFF_DAY_OVER_LIMIT": 1, "MULTIPLE_CLAIM_LINES": 1, "CROSS_PROVIDER_SAME_DAY": 0
    }


def test_exceptions_most_money_first_then_unpriced_days_then_warnings() -> None:
    frame = sheet(funder_report(sample_result()), EXCEPTIONS).frame
    keys = list(zip(frame["provider_id"], frame["client_id"].fillna(""), frame["status"],
                    strict=True))
    assert keys == [
        ("P2", "C9", "not_claimed"),  # 45.00 at stake
        ("P1", "C1", "over_claimed"),  # 31.25, 0.50 units, 10-05 before 10-07
        ("P1", "C1", "no_documentation"),  # 31.25, 0.50 units
        ("P2", "C8", "under_claimed"),  # 30.00
        ("P1", "C2", "over_claimed"),  # 15.63
        (NO_RATE, EVIL_CLIENT, "over_claimed"),  # no rate: 0.25 units at stake
        ("P2", "", "STAFF_DAY_OVER_LIMIT"),
        ("P1", "C1", "MULTIPLE_CLAIM_LINES"),
    ]
    assert amounts(frame["amount_at_stake"])[:6] == [
        Decimal("45.00"), Decimal("31.25"), Decimal("31.25"), Decimal("30.00"),
        Decimal("15.63"), None,
    ]
    assert frame["staff_id"].tolist()[6] == "T7"
    assert frame["detail"].iloc[7] == "2 claims rows for this client-day"
    assert "match" not in set(frame["status"]) and "nothing_billable" not in set(frame["status"])


def test_provider_report_holds_only_that_providers_rows() -> None:
    report = provider_report(sample_result(), "P2")
    assert sheet(report, SUMMARY).frame["provider_id"].tolist() == ["P2", "TOTAL"]
    assert set(sheet(report, EXCEPTIONS).frame["provider_id"]) == {"P2"}
    assert set(sheet(report, CLIENT_DAYS).frame["provider_id"]) == {"P2"}
    assert sheet(report, SERVICE_LINES).frame["service_id"].tolist() == ["S5", "S5", "S6", "S7"]
    rejected = sheet(report, "Rejected Rows")
    # Only the rejected row whose provider_id cell reads P2; not P1's rows of shared files.
    assert rejected.frame["source_file"].tolist() == [SERVICES_P2]
    assert "reads P2" in rejected.title_rows[0]
    files = sheet(report, RUN_INFO).below[0].frame["file"].tolist()
    assert files == [SERVICES_P2, CLAIMS, RATES]


def test_providers_without_rate_are_named_in_their_run_info_only() -> None:
    result = sample_result()
    assert report_providers(result) == (NO_RATE, "P1", "P2")
    rateless = sheet(provider_report(result, NO_RATE), RUN_INFO).below[1].frame
    assert rateless["provider_id"].tolist() == [NO_RATE]
    assert sheet(provider_report(result, "P1"), RUN_INFO).below[1].frame.empty


def test_funder_detail_sheets_become_a_pointer_above_workbook_detail_rows() -> None:
    # Nine service lines: at most nine keeps the rows, eight does not.
    kept = funder_report(sample_result(workbook_detail_rows=9))
    assert len(sheet(kept, SERVICE_LINES).frame) == 9
    assert len(sheet(kept, CLIENT_DAYS).frame) == 8
    cut = funder_report(sample_result(workbook_detail_rows=8))
    for name, parquet in ((CLIENT_DAYS, "client_days.parquet"),
                          (SERVICE_LINES, "service_lines.parquet")):
        frame = sheet(cut, name).frame
        assert frame.shape == (1, 1)
        pointer = frame.iloc[0, 0]
        assert isinstance(pointer, str)
        assert parquet in pointer and "providers/<provider_id>.xlsx" in pointer
    provider = provider_report(sample_result(workbook_detail_rows=0), "P1")
    assert len(sheet(provider, SERVICE_LINES).frame) == 4


def test_rules_and_run_info_come_from_the_rules_table_and_config() -> None:
    report = funder_report(sample_result())
    rules = sheet(report, RULES_SHEET).frame
    assert rules["code"].tolist() == [r.code for r in RULES]
    assert rules["guideline"].tolist() == [r.cites for r in RULES]
    settings = dict(sheet(report, RUN_INFO).frame.itertuples(index=False, name=None))
    assert settings["month"] == "2026-10"
    assert settings["package_version"] == "9.9.9"
    assert settings["min_minutes"] == "15"
    assert settings["workbook_detail_rows"] == "100"
    assert settings["default_unit_rate"] == ""
    assert settings["activity_aliases.f2f"] == "face_to_face"


# The workbook


@pytest.fixture(scope="module")
def funder_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "reconciliation.xlsx"
    write_workbook(funder_report(sample_result()), path)
    return path


def test_funder_workbook_matches_its_golden_dump(funder_book: Path) -> None:
    check_golden(funder_book, "funder")


def test_provider_workbook_matches_its_golden_dump(tmp_path: Path) -> None:
    path = tmp_path / "P1.xlsx"
    write_workbook(provider_report(sample_result(), "P1"), path)
    check_golden(path, "provider_P1")


def test_cells_are_typed_formatted_and_never_formulas(funder_book: Path) -> None:
    book = openpyxl.load_workbook(funder_book)
    assert book.sheetnames == list(SHEET_NAMES)
    exceptions = book[EXCEPTIONS]
    assert exceptions.freeze_panes == "A2"
    assert exceptions.auto_filter.ref == "A1:O9"
    assert exceptions["A1"].font.b
    date = exceptions["C2"]
    assert date.value == datetime(2026, 10, 12) and date.number_format == "yyyy-mm-dd"
    at_stake = exceptions["M2"]
    assert at_stake.data_type == "n" and at_stake.value == 45
    assert at_stake.number_format == MONEY_FORMAT
    lines = book[SERVICE_LINES]
    assert lines["B2"].value == 2 and isinstance(lines["B2"].value, int)
    formula = lines["L7"]
    assert formula.value == FORMULA_NOTE and formula.data_type == "s"
    assert lines["E10"].value == EVIL_CLIENT and lines["E10"].data_type == "s"
    assert lines["L10"].value.startswith("-5 minutes") and lines["L10"].data_type == "s"
    assert book["Rejected Rows"]["D4"].value == "@cmd"
    # NA is an empty cell: P/3 has no rate, so no amounts.
    assert book[SUMMARY]["G3"].value is None and book[SUMMARY]["F3"].value == 0.25
    book.close()


def test_total_row_is_bold_and_equals_the_exact_sum_of_provider_rows(funder_book: Path) -> None:
    book = openpyxl.load_workbook(funder_book)
    summary = book[SUMMARY]
    # TOTAL (row 6) is outside the filter range, so sorting or filtering never moves it.
    assert summary.freeze_panes == "A3" and summary.auto_filter.ref == "A2:I5"
    assert [c.value for c in summary["A"][2:6]] == [NO_RATE, "P1", "P2", "TOTAL"]
    for column in "GHI":
        providers = sum(Decimal(str(c.value or 0)) for c in summary[column][2:5])
        total = summary[f"{column}6"]
        assert Decimal(str(total.value)) == providers and total.font.b
    assert Decimal(str(summary["G6"].value)) == Decimal("231.88")
    book.close()


def test_a_long_sheet_continues_on_numbered_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 5)  # a header and four rows per sheet
    path = tmp_path / "long.xlsx"
    write_workbook(funder_report(sample_result()), path)
    book = openpyxl.load_workbook(path)
    parts = [n for n in book.sheetnames if n.startswith(SERVICE_LINES)]
    assert parts == [SERVICE_LINES, f"{SERVICE_LINES} (2)", f"{SERVICE_LINES} (3)"]
    ids = [c.value for n in parts for c in book[n]["C"][1:]]
    assert ids == ["S1", "S2", "S3", "S4", "S5", "S5", "S6", "S7", "S8"]
    for name in parts:
        assert book[name]["A1"].value == "Source file" and book[name].freeze_panes == "A2"
        assert book[name].max_row <= 5
    book.close()


def test_tables_below_move_to_a_sheet_of_their_own_when_no_room_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 8)
    summary = sheet(funder_report(sample_result()), SUMMARY)
    parts = xlsx.sheet_parts(summary)
    assert [p.name for p in parts] == [SUMMARY, f"{SUMMARY} (2)"]
    assert len(parts[0].frame) == 4 and parts[0].below == ()
    assert parts[1].frame.empty and parts[1].below == summary.below


def test_cell_count_long_text_and_widths(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "note": pd.Series(["x" * 40_000, None, "ok"], dtype="str"),
            "n": pd.Series([1, None, 3], dtype="Int64"),
        }
    )
    report = (Sheet("Notes", frame, {"n": Format.INTEGER}, title_rows=("A title",)),)
    path = tmp_path / "notes.xlsx"
    # 1 title + 2 headers + 2 notes + 2 numbers; NA writes nothing.
    assert write_workbook(report, path) == 7
    ws = openpyxl.load_workbook(path)["Notes"]
    assert len(ws["A3"].value) == xlsx.EXCEL_MAX_TEXT
    assert ws["A4"].value is None and ws["B4"].value is None
    assert ws.column_dimensions["A"].width == pytest.approx(xlsx.MAX_WIDTH, abs=1)
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:B5"


def test_an_empty_month_still_gives_every_sheet_and_a_zero_total(tmp_path: Path) -> None:
    full = sample_result()
    empty = replace(
        full,
        lines=full.lines.iloc[0:0],
        days=full.days.iloc[0:0],
        claims=full.claims.iloc[0:0],
        review=full.review.iloc[0:0],
        providers=full.providers.iloc[0:0],
        loaded=replace(full.loaded, rejected=full.loaded.rejected.iloc[0:0]),
    )
    report = funder_report(empty)
    total = sheet(report, SUMMARY).frame
    assert total["provider_id"].tolist() == ["TOTAL"]
    assert total["client_days"].tolist() == [0]
    assert amounts(total["claimed_amount"]) == [Decimal("0.00")]
    assert sheet(report, EXCEPTIONS).frame.empty
    path = tmp_path / "empty.xlsx"
    write_workbook(report, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(SHEET_NAMES)
    assert book[EXCEPTIONS].auto_filter.ref == "A1:O1"
    book.close()


def test_all_providers_without_a_rate_leave_the_total_amounts_empty() -> None:
    result = sample_result()
    days = result.days.loc[result.days["provider_id"] == NO_RATE]
    total = sheet(funder_report(replace(result, days=days)), SUMMARY).frame.iloc[-1]
    assert pd.isna(total["claimed_amount"]) and total["claimed_units"] == 0.5


def test_dates_excel_cannot_show_are_written_as_text(tmp_path: Path) -> None:
    when = pd.Series(["2026-10-05", "1900-03-01", "1900-02-28", "1026-10-05"], dtype="str")
    frame = pd.DataFrame({"service_date": pd.to_datetime(when).astype("datetime64[s]")})
    path = tmp_path / "dates.xlsx"
    write_workbook((Sheet("Dates", frame, {"service_date": Format.DATE}),), path)
    ws = openpyxl.load_workbook(path)["Dates"]
    assert [c.value for c in ws["A"][1:3]] == [datetime(2026, 10, 5), datetime(1900, 3, 1)]
    assert [(c.value, c.data_type) for c in ws["A"][3:]] == [
        ("1900-02-28", "s"), ("1026-10-05", "s")
    ]


def test_writing_in_small_batches_gives_the_same_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "BATCH_ROWS", 2)
    path = tmp_path / "batched.xlsx"
    write_workbook(funder_report(sample_result()), path)
    check_golden(path, "funder")


def test_text_is_escaped_for_xml_and_never_a_formula(tmp_path: Path) -> None:
    texts = ["<&>\"'", "=SUM(A1)", "+1", "-2", "@x", "\tT", " lead", "trail ", "a\nb", "é 😀"]
    # XML cannot hold these; Excel's _xHHHH_ escape carries them (and escapes a literal one,
    # whose _x005F_ openpyxl undoes in shared strings, while it leaves the others escaped).
    excel_escaped = {"a\x01b": "a_x0001_b", "\rcr": "_x000D_cr", "_x0041_": "_x0041_"}
    frame = pd.DataFrame({"note": pd.Series([*texts, *excel_escaped], dtype="str")})
    path = tmp_path / "text.xlsx"
    write_workbook((Sheet("Notes", frame, {}),), path)
    ws = openpyxl.load_workbook(path)["Notes"]
    cells = [ws.cell(row, 1) for row in range(2, 2 + len(frame))]
    assert [c.value for c in cells] == [*texts, *excel_escaped.values()]
    assert {c.data_type for c in cells} == {"s"}
