"""The report model of the v2 workbooks (SPEC §5, §5.1) on the hand-built month of
report_fixtures, figures worked out by hand; the written workbook, its goldens and overflow."""

import os
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from report_fixtures import (
    BAD_FILE,
    CLAIMS,
    EVIL_CLIENT,
    FORMULA_NOTE,
    NO_RATE,
    RATES,
    SERVICES_P1,
    SERVICES_P2,
    decimals,
    sample_result,
)
from workbook_dump import dump_text, workbook_dump

from pipeline import money
from pipeline.report import xlsx
from pipeline.report.model import COMMENT, RESPONSE, RESPONSES, Page, Table, Text
from pipeline.report.scope import OTHERS_UNNAMED
from pipeline.report.workbooks import (
    CLAIMS_SHEET,
    CLIENT_DAYS,
    FOR_REVIEW,
    NOTICE,
    PROVIDER_SHEET_NAMES,
    RECOUPMENTS,
    REJECTED_ROWS,
    RULES_SHEET,
    RUN_INFO,
    SERVICE_LINES,
    SHEET_NAMES,
    SUMMARY,
    UNDER_BILLED,
    Format,
    Report,
    Sheet,
    funder_report,
    provider_report,
    report_providers,
)
from pipeline.report.xlsx import write_workbook
from pipeline.result import RunResult
from pipeline.rules.table import RULES

GOLDEN = Path(__file__).parent / "golden"
MONEY_FORMAT = '"$"#,##0.00'
D = Decimal


def sheet(report: Report, name: str) -> Sheet:
    found = next(s for s in report if s.name == name)
    assert isinstance(found, Sheet)
    return found


def below(report: Report, caption: str) -> pd.DataFrame:
    """The Summary's table whose caption starts with `caption`."""
    return next(t.frame for t in sheet(report, SUMMARY).below if t.title.startswith(caption))


def notice(report: Report) -> Page:
    first = report[0]
    assert isinstance(first, Page) and first.name == NOTICE
    return first


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


# Sheets and their order


def test_funder_and_provider_workbooks_have_the_sheets_of_spec_v2_in_order() -> None:
    result = sample_result()
    assert tuple(s.name for s in funder_report(result)) == SHEET_NAMES
    assert SHEET_NAMES == (
        "Summary", "Recoupments", "Under-billed", "For Review", "Claims", "Client Days",
        "Service Lines", "Rejected Rows", "Rules", "Run Info",
    )
    provider = provider_report(result, "P1")
    assert tuple(s.name for s in provider) == PROVIDER_SHEET_NAMES == (NOTICE, *SHEET_NAMES)
    assert isinstance(provider[0], Page)


# Summary


def test_summary_leads_with_each_providers_dollars_and_an_exact_total() -> None:
    summary = sheet(funder_report(sample_result()), SUMMARY)
    frame = summary.frame
    # P1 at 62.50: C1 10-05 claims 1.00 (62.50), 0.50 allowable (31.25); C2 10-06 0.25
    # (15.625 -> 15.63) below the minimum; C1 10-07 0.50 (31.25) with no notes; C3 1.00 match.
    assert frame["provider_named"].tolist() == [
        NO_RATE, "P1 (Harbor Family Services)", "P2", "TOTAL"
    ]
    assert amounts(frame["unit_rate"]) == [None, D("62.5"), D("60"), None]
    assert frame["rate_source"].tolist()[:3] == ["NONE", "rates file", "rates file"]
    assert frame["client_days"].tolist() == [1, 4, 3, 8]
    assert amounts(frame["claimed_amount"]) == [None, D("171.88"), D("60.00"), D("231.88")]
    assert amounts(frame["payable_amount"]) == [None, D("93.75"), D("60.00"), D("153.75")]
    assert amounts(frame["disallowed_amount"]) == [None, D("78.13"), D("0.00"), D("78.13")]
    # 78.13 / 171.88 = 45.456 %; 78.13 / 231.88 = 33.694 %.
    assert frame["disallowed_share"].tolist()[1:] == [45.46, 0.0, 33.69]
    assert pd.isna(frame["disallowed_share"].iloc[0])
    assert summary.totals == 1 and summary.formats["claimed_amount"] is Format.MONEY
    assert summary.title_rows == (
        "Case Management billing reconciliation, billing month 2026-10: all providers",
        "Claimed $231.88; payable $153.75; disallowed $78.13 (33.69% of claimed): $62.50 for "
        "documentation, $15.63 under the rules.",
        "Attention: P/3 is without a unit rate (neither the rates file nor a default gives "
        "one): its amounts are empty.",
    )


def test_summary_marks_a_provider_billed_at_the_default_rate() -> None:
    summary = sheet(funder_report(sample_result(default_unit_rate=D("40"))), SUMMARY)
    assert summary.frame["rate_source"].tolist()[0] == "DEFAULT"
    assert amounts(summary.frame["unit_rate"])[0] == D("40")
    assert summary.title_rows[2] == (
        "Attention: P/3 is billed at the DEFAULT unit rate of $40.00 (config "
        "default_unit_rate), since the rates file has no rate for it."
    )


def test_disallowed_splits_by_cause_and_by_provider_to_the_cent() -> None:
    report = funder_report(sample_result())
    causes = below(report, "Disallowed by cause")
    # Documentation: C1 10-05 claims 1.00 where 45 minutes document 0.75 (62.50 - 46.88 =
    # 15.62), C2's 10 minutes document nothing (15.63), 10-07 nothing at all (31.25).
    # Rules: C1 10-05's 0.75 documented, 0.50 allowable (46.88 - 31.25 = 15.63).
    assert causes["cause"].tolist() == ["documentation", "rules", "TOTAL"]
    assert amounts(causes["disallowed_amount"]) == [D("62.50"), D("15.63"), D("78.13")]
    # P/3's 0.25 units have no rate: in the units, not the dollars.
    assert causes["disallowed_units"].tolist() == [1.25, 0.25, 1.5]
    assert "§1, §2" in causes["description"].iloc[0]
    by_provider = below(report, "Disallowed by provider and cause")
    assert amounts(by_provider["documentation_dollars"]) == [None, D("62.50"), D("0.00"),
                                                             D("62.50")]
    assert amounts(by_provider["rules_dollars"]) == [None, D("15.63"), D("0.00"), D("15.63")]
    chart = sheet(report, SUMMARY).charts[0]
    assert chart.title == "Disallowed dollars by provider and cause"
    assert chart.table.startswith("Disallowed by provider and cause")
    assert chart.value_columns == ("documentation_dollars", "rules_dollars")


def test_disallowed_by_code_counts_a_day_under_each_of_its_codes() -> None:
    codes = below(funder_report(sample_result()), "Disallowed by code").set_index("code")
    assert codes.index.tolist() == [
        "DUPLICATE_SERVICE", "VOICEMAIL", "RESEARCH_FOLLOWUP_PENDING", "BELOW_MINIMUM",
        "NO_DOCUMENTATION", "CLAIM_EXCEEDS_DOCUMENTATION",
    ]
    rows = codes[["cause", "client_days", "service_lines", "recoupment_days"]].to_dict("index")
    assert rows["VOICEMAIL"] == {
        "cause": "rules", "client_days": 1, "service_lines": 1, "recoupment_days": 1
    }
    # P2's pending research day claims nothing: it carries the code but is no recoupment.
    assert rows["RESEARCH_FOLLOWUP_PENDING"] == {
        "cause": "rules", "client_days": 1, "service_lines": 2, "recoupment_days": 0
    }
    # Three days carry CLAIM_EXCEEDS_DOCUMENTATION; P/3's has no rate but disallowed units.
    assert rows["CLAIM_EXCEEDS_DOCUMENTATION"] == {
        "cause": "documentation", "client_days": 3, "service_lines": 0, "recoupment_days": 3
    }
    dollars = dict(zip(codes.index, amounts(codes["code_disallowed"]), strict=True))
    # VOICEMAIL's day: its rules dollars; the documentation codes: their documentation dollars,
    # which add up to the documentation total (each such day carries exactly one of them).
    assert dollars["VOICEMAIL"] == D("15.63") and dollars["BELOW_MINIMUM"] == D("0.00")
    assert dollars["NO_DOCUMENTATION"] + dollars["CLAIM_EXCEEDS_DOCUMENTATION"] == D("62.50")
    assert codes.loc["VOICEMAIL", "finding"] == "Voicemail (§3)"


def test_withheld_pending_follow_up_is_shown_apart() -> None:
    summary = sheet(funder_report(sample_result()), SUMMARY)
    # P2's research of 10-05 (and its duplicate) waits for its letter; the day claims nothing,
    # so nothing is withheld; P/3 has no rate.
    assert amounts(summary.frame["withheld"]) == [None, D("0.00"), D("0.00"), D("0.00")]
    assert not any("Withheld" in t for t in summary.title_rows)
    codes = below(funder_report(sample_result()), "Disallowed by code").set_index("code")
    assert codes.loc["RESEARCH_FOLLOWUP_PENDING", "client_days"] == 1


def test_the_headline_names_the_dollars_withheld_when_there_are_some() -> None:
    result = sample_result()
    days = result.days.copy()
    pending = (days["provider_id"] == "P2") & (days["client_id"] == "C9")
    first = pending & (days["service_date"] == pd.Timestamp("2026-10-05"))
    days.loc[first, "disallowed_amount_rules"] = decimals(["30.00"], money.AMOUNT_TYPE).to_numpy()
    summary = sheet(funder_report(replace(result, days=days)), SUMMARY)
    assert amounts(summary.frame["withheld"])[2:] == [D("30.00"), D("30.00")]
    assert summary.title_rows[2].startswith("Withheld pending follow-up: $30.00 of the rules")


def test_summary_says_where_the_rows_are_and_what_is_not_reconciled() -> None:
    rows = below(funder_report(sample_result()), "The rows behind").set_index("sheet_name")
    assert rows["sheet_rows"].to_dict() == {
        RECOUPMENTS: 4, UNDER_BILLED: 2, FOR_REVIEW: 2, REJECTED_ROWS: 3
    }
    assert amounts(rows["figure_amount"]) == [D("78.13"), D("75.00"), None, None]
    # The rejected claims row 12 of claims.csv claimed 0.3 units: not reconciled.
    assert rows.loc[REJECTED_ROWS, "figure_units"] == 0.3
    assert "1 file rejected whole" in str(rows.loc[REJECTED_ROWS, "description"])


def test_total_sums_the_rounded_day_amounts_not_the_rounded_sum() -> None:
    result = sample_result()
    # Three days of 0.25 units at 62.50 = 15.625 each: 15.63 x 3 = 46.89, whereas rounding
    # the unrounded sum 46.875 would give 46.88.
    days = result.days.loc[result.days["provider_id"] == "P1"].head(3).copy()
    days["claimed_amount"] = decimals(["15.63"] * 3, money.AMOUNT_TYPE).to_numpy()
    total = sheet(funder_report(replace(result, days=days)), SUMMARY).frame.iloc[-1]
    assert total["claimed_amount"] == D("46.89")


# Recoupments, Under-billed, For Review


def test_recoupments_list_every_disallowed_day_largest_first_with_causes_and_claims() -> None:
    recoupments = sheet(funder_report(sample_result()), RECOUPMENTS)
    frame = recoupments.frame
    keys = list(zip(frame["provider_id"], frame["client_id"].fillna(""),
                    frame["service_date"].dt.strftime("%m-%d").fillna(""), strict=True))
    # 31.25, 31.25 (equal units: by client and date), 15.63; then P/3's day, priced by no
    # rate, by its 0.25 disallowed units; then the TOTAL.
    assert keys == [
        ("P1", "C1", "10-05"), ("P1", "C1", "10-07"), ("P1", "C2", "10-06"),
        (NO_RATE, EVIL_CLIENT, "10-20"), ("TOTAL", "", ""),
    ]
    assert amounts(frame["disallowed_amount"]) == [
        D("31.25"), D("31.25"), D("15.63"), None, D("78.13")
    ]
    assert amounts(frame["documentation_dollars"]) == [
        D("15.62"), D("31.25"), D("15.63"), None, D("62.50")
    ]
    assert amounts(frame["rules_dollars"]) == [D("15.63"), D("0.00"), D("0.00"), None, D("15.63")]
    assert frame["findings"].iloc[0] == (
        "VOICEMAIL: Voicemail (§3); CLAIM_EXCEEDS_DOCUMENTATION: Claim exceeds documented "
        "time (§1, §2)"
    )
    assert frame["claims_at"].tolist()[:4] == [
        f"{CLAIMS}: 2, 3", f"{CLAIMS}: 5", f"{CLAIMS}: 4", f"{CLAIMS}: 8"
    ]
    assert recoupments.totals == 1 and recoupments.inputs == ()
    assert "largest first" in recoupments.title_rows[0]


def test_a_providers_recoupments_take_its_answers() -> None:
    recoupments = sheet(provider_report(sample_result(), "P1"), RECOUPMENTS)
    assert [(i.column, i.choices) for i in recoupments.inputs] == [
        (RESPONSE, RESPONSES), (COMMENT, ())
    ]
    assert RESPONSES == ("Agree", "Disagree", "Documentation attached")
    assert not recoupments.protected  # sortable and filterable: see the README's choices
    # Run on 2026-11-03, 30 response days.
    assert recoupments.title_rows[-1].endswith("return this workbook by December 3, 2026.")
    assert set(recoupments.frame["provider_id"]) == {"P1", "TOTAL"}


def test_under_billed_lists_the_days_the_notes_support_more_than_claimed() -> None:
    frame = sheet(funder_report(sample_result()), UNDER_BILLED).frame
    assert frame["client_id"].tolist()[:2] == ["C9", "C8"]
    assert frame["status"].tolist()[:2] == ["not_claimed", "under_claimed"]
    # C9 10-12: 50 minutes, 0.75 units at 60.00 unclaimed; C8 10-13: 1.50 allowable, 1.00 claimed.
    assert amounts(frame["unclaimed_amount"]) == [D("45.00"), D("30.00"), D("75.00")]
    assert frame["lines_at"].tolist()[:2] == [f"{SERVICES_P2}: 4", f"{SERVICES_P2}: 5"]
    assert frame["provider_id"].iloc[-1] == "TOTAL"


def test_for_review_lists_each_flag_with_its_title_and_evidence() -> None:
    frame = sheet(funder_report(sample_result()), FOR_REVIEW).frame
    assert frame["code"].tolist() == ["STAFF_DAY_OVER_LIMIT", "MULTIPLE_CLAIM_LINES"]
    assert frame["title"].tolist() == [
        "Staff day over the limit", "Several claims rows for one day"
    ]
    assert frame["staff_id"].iloc[0] == "T7" and pd.isna(frame["client_id"].iloc[0])
    assert frame["detail"].iloc[1] == "2 claims rows for this client-day"


def test_a_providers_workbook_names_no_other_provider_of_a_shared_client() -> None:
    result = sample_result(shared_client=True)
    funder = sheet(funder_report(result), FOR_REVIEW).frame
    crossed = funder.loc[funder["code"] == "CROSS_PROVIDER_SAME_DAY"]
    assert crossed["detail"].tolist() == [
        "also claimed at P2 on this date", "also claimed at P1 on this date"
    ]
    for provider, other in (("P1", "P2"), ("P2", "P1")):
        mine = sheet(provider_report(result, provider), FOR_REVIEW).frame
        shown = mine.loc[mine["code"] == "CROSS_PROVIDER_SAME_DAY", "detail"].tolist()
        assert shown == [OTHERS_UNNAMED]
        assert other not in " ".join(mine["detail"].astype("str"))


def test_a_providers_workbook_holds_only_its_rows() -> None:
    result = sample_result()
    report = provider_report(result, "P2")
    assert sheet(report, SUMMARY).frame["provider_named"].tolist() == ["P2", "TOTAL"]
    for name in (RECOUPMENTS, UNDER_BILLED, FOR_REVIEW, CLAIMS_SHEET, CLIENT_DAYS):
        assert set(sheet(report, name).frame["provider_id"].dropna()) <= {"P2", "TOTAL"}
    assert sheet(report, SERVICE_LINES).frame["service_id"].tolist() == ["S5", "S5", "S6", "S7"]
    rejected = sheet(report, REJECTED_ROWS)
    # Only the rejected row whose provider_id cell reads P2; not P1's rows of shared files.
    assert rejected.frame["source_file"].tolist() == [SERVICES_P2]
    assert "reads P2" in rejected.title_rows[0]
    files = sheet(report, RUN_INFO).below[0].frame
    assert files["file"].tolist() == [SERVICES_P2, CLAIMS, RATES]
    # Its own rows of each file: services_p2.xlsx holds P/3's S8 too, claims.csv P1's rows.
    assert files["rows_accepted"].tolist() == [4, 1, 1]
    assert files["rows_rejected"].tolist() == [1, 0, 0]
    assert "rows_read" not in files.columns


# Claims and the detail sheets


def test_claims_lists_every_accepted_claims_row_with_its_share_of_its_day() -> None:
    claims = sheet(funder_report(sample_result()), CLAIMS_SHEET)
    frame = claims.frame
    assert frame["claim_id"].tolist()[:5] == ["K1", "K2", "K3", "K4", "K5"]
    assert frame["source_row"].tolist()[:7] == [2, 3, 4, 5, 6, 7, 8]
    # C1 10-05: 0.50 payable fill K1 first, so K2's 0.50 are disallowed (31.25).
    assert frame["payable_units"].tolist()[:2] == [0.5, 0.0]
    assert amounts(frame["disallowed_amount"]) == [
        D("0.00"), D("31.25"), D("15.63"), D("31.25"), D("0.00"), D("0.00"), None, D("78.13")
    ]
    assert frame["day_reasons"].iloc[1] == "VOICEMAIL;CLAIM_EXCEEDS_DOCUMENTATION"
    total = frame.iloc[-1]
    assert total["claim_id"] == "TOTAL" and claims.totals == 1
    assert (total["units_claimed"], total["payable_units"], total["disallowed_units"]) == (
        4.25, 2.75, 1.5
    )
    assert amounts(frame["claimed_amount"])[-1] == D("231.88")


def test_client_days_and_service_lines_carry_every_row() -> None:
    report = funder_report(sample_result())
    days = sheet(report, CLIENT_DAYS)
    assert len(days.frame) == 9 and days.frame["provider_id"].iloc[-1] == "TOTAL"
    assert amounts(days.frame["unclaimed_amount"])[-1] == D("75.00")
    lines = sheet(report, SERVICE_LINES).frame
    assert len(lines) == 9
    assert {"start_time", "end_time", "review", "reasons"} <= set(lines.columns)
    assert lines["eligible"].tolist()[:2] == ["yes", "no"]


def test_the_funders_long_sheets_become_a_pointer_above_workbook_detail_rows() -> None:
    # Nine service lines: at most nine keeps the rows, eight does not.
    kept = funder_report(sample_result(workbook_detail_rows=9))
    assert len(sheet(kept, SERVICE_LINES).frame) == 9
    assert len(sheet(kept, CLAIMS_SHEET).frame) == 8
    cut = funder_report(sample_result(workbook_detail_rows=8))
    for name, parquet in ((CLIENT_DAYS, "client_days.parquet"),
                          (SERVICE_LINES, "service_lines.parquet"),
                          (CLAIMS_SHEET, "claims.parquet")):
        frame = sheet(cut, name).frame
        assert frame.shape == (1, 1)
        pointer = str(frame.iloc[0, 0])
        assert parquet in pointer and "providers/<provider_id>.xlsx" in pointer
        assert "9 service lines, more than the workbook limit of 8" in pointer
    # Recoupments (4 days) and For Review (2 rows) stay while they themselves fit.
    assert len(sheet(cut, RECOUPMENTS).frame) == 5
    tight = funder_report(sample_result(workbook_detail_rows=3))
    pointer = str(sheet(tight, RECOUPMENTS).frame.iloc[0, 0])
    assert "4 client-days with disallowed dollars" in pointer
    assert len(sheet(tight, FOR_REVIEW).frame) == 2
    tighter = funder_report(sample_result(workbook_detail_rows=1))
    assert "review.parquet" in str(sheet(tighter, FOR_REVIEW).frame.iloc[0, 0])
    # A provider's workbook is always complete.
    provider = provider_report(sample_result(workbook_detail_rows=0), "P1")
    assert len(sheet(provider, SERVICE_LINES).frame) == 4
    assert len(sheet(provider, RECOUPMENTS).frame) == 4


def test_rejected_rows_rules_and_run_info() -> None:
    result = sample_result()
    report = funder_report(result)
    rejected = sheet(report, REJECTED_ROWS).frame
    assert rejected["source_file"].tolist() == [SERVICES_P1, CLAIMS, SERVICES_P2, BAD_FILE]
    assert rejected["provider_cell"].tolist()[:3] == ["P1", "P1", "P2"]
    rules = sheet(report, RULES_SHEET).frame
    assert rules["code"].tolist() == [r.code for r in RULES]
    assert rules["title"].tolist() == [r.title for r in RULES]
    assert rules["guideline"].tolist() == [r.cites or "—" for r in RULES]
    settings = dict(sheet(report, RUN_INFO).frame.itertuples(index=False, name=None))
    assert settings["Billing month"] == "2026-10"
    assert settings["Run date and time"] == "2026-11-03 14:05:00"
    assert settings["Authorizations"].startswith("no authorizations file given")
    assert settings["Package version"] == "9.9.9"
    assert settings["min_minutes"] == "15" and settings["response_days"] == "30"
    assert settings["default_unit_rate"] == ""
    assert settings["activity_aliases.f2f"] == "face_to_face"
    files = sheet(report, RUN_INFO).below[0].frame
    assert files["rows_read"].tolist() == [5, 6, 8, 2, 0]
    rateless = sheet(report, RUN_INFO).below[1].frame
    assert rateless["provider_id"].tolist() == [NO_RATE]
    assert sheet(provider_report(result, "P1"), RUN_INFO).below[1].frame.empty
    assert report_providers(result) == (NO_RATE, "P1", "P2")


# The Notice


def test_the_notice_gives_the_month_the_totals_the_codes_and_the_date_to_answer_by() -> None:
    page = notice(provider_report(sample_result(), "P1"))
    texts = [b.text for b in page.blocks if isinstance(b, Text)]
    tables = [b.frame for b in page.blocks if isinstance(b, Table)]
    assert texts[0] == "Findings notice: Case Management billing, October 2026"
    assert texts[1] == "To Harbor Family Services (P1). Reconciled on November 3, 2026."
    assert "Of the $171.88 you claimed, $93.75 is payable and $78.13 (45.46%) is disallowed, " \
           "on 3 client-days." in texts[2]
    totals = tables[0]
    assert amounts(totals["figure_amount"]) == [
        D("171.88"), D("93.75"), D("78.13"), D("62.50"), D("15.63")
    ]
    assert totals["figure_units"].tolist() == [2.75, 1.5, 1.25, 1.0, 0.25]
    codes = tables[1]
    assert codes["code"].tolist() == [
        "NO_DOCUMENTATION", "CLAIM_EXCEEDS_DOCUMENTATION", "VOICEMAIL"
    ]
    assert codes["finding"].tolist()[0] == "Claimed with no documentation (§1)"
    assert codes["recoupment_days"].tolist() == [1, 2, 1]
    assert "How to respond, by December 3, 2026" in texts
    assert any("by December 3, 2026, 30 days after the run date" in t for t in texts)
    layout = xlsx.page_layout(page)
    assert not layout.landscape and layout.fit_width and layout.fit_height


def test_a_notice_with_nothing_disallowed_says_there_is_nothing_to_answer() -> None:
    page = notice(provider_report(sample_result(), "P2"))
    texts = " ".join(b.text for b in page.blocks if isinstance(b, Text))
    assert "Nothing you claimed was disallowed: there is nothing to answer." in texts
    assert "Disallowed by code" not in texts
    assert "Under-billed lists 2 client-days where your notes support $75.00 more" in texts


def test_a_notice_to_a_provider_without_a_rate_counts_units_not_dollars() -> None:
    # P/3 claimed 0.50 units with 15 minutes documented and has no rate: the notice must
    # neither print $0.00 nor say nothing was claimed.
    page = notice(provider_report(sample_result(), NO_RATE))
    texts = " ".join(b.text for b in page.blocks if isinstance(b, Text))
    assert "Of the 0.50 units you claimed, 0.25 are disallowed, on 1 client-day" in texts
    assert "no unit rate is on file for your agency" in texts
    assert "$0.00" not in texts and "You claimed nothing" not in texts


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
    recoupments = book[RECOUPMENTS]
    assert recoupments.freeze_panes == "A5"  # three title rows, then the header
    assert recoupments.auto_filter.ref == "A4:J8"  # the TOTAL in row 9 is left out
    assert [c.value for c in recoupments[4]][:5] == [
        "Provider", "Client", "Service date", "Disallowed ($)", "Codes: finding (guideline)"
    ]
    date = recoupments["C5"]
    assert date.value == datetime(2026, 10, 5) and date.number_format == "yyyy-mm-dd"
    disallowed = recoupments["D5"]
    assert disallowed.data_type == "n" and disallowed.value == 31.25
    assert disallowed.number_format == MONEY_FORMAT
    assert recoupments["A9"].value == "TOTAL" and recoupments["A9"].font.b
    lines = book[SERVICE_LINES]
    assert lines["R2"].value == 2 and isinstance(lines["R2"].value, int)  # source row
    assert lines["G7"].value == FORMULA_NOTE and lines["G7"].data_type == "s"
    assert lines["B10"].value == EVIL_CLIENT and lines["B10"].data_type == "s"
    assert lines["G10"].value.startswith("-5 minutes") and lines["G10"].data_type == "s"
    assert book[REJECTED_ROWS]["D4"].value == "@cmd"
    # NA is an empty cell: P/3 has no rate, so no amounts.
    summary = book[SUMMARY]
    assert summary["A5"].value == NO_RATE and summary["F5"].value is None
    book.close()


def test_summary_total_row_is_bold_outside_the_filter_and_the_exact_sum(funder_book: Path) -> None:
    book = openpyxl.load_workbook(funder_book)
    summary = book[SUMMARY]
    # Three title rows; the header in row 4; TOTAL (row 8) outside the filter range.
    assert summary.freeze_panes == "A5" and summary.auto_filter.ref == "A4:I7"
    assert [c.value for c in summary["A"][4:8]] == [
        NO_RATE, "P1 (Harbor Family Services)", "P2", "TOTAL"
    ]
    for column in "EFG":
        providers = sum(D(str(c.value or 0)) for c in summary[column][4:7])
        total = summary[f"{column}8"]
        assert D(str(total.value)) == providers and total.font.b
    assert D(str(summary["E8"].value)) == D("231.88")
    assert len(summary._charts) == 1
    book.close()


def test_a_long_sheet_continues_on_numbered_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Room for the Summary's three titles and header; Service Lines has a header and 4 rows.
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 5 + 1)
    path = tmp_path / "long.xlsx"
    write_workbook(funder_report(sample_result()), path)
    book = openpyxl.load_workbook(path)
    parts = [n for n in book.sheetnames if n.startswith(SERVICE_LINES)]
    assert parts == [SERVICE_LINES, f"{SERVICE_LINES} (2)"]
    ids = [c.value for n in parts for c in book[n]["P"][1:]]
    assert ids == ["S1", "S2", "S3", "S4", "S5", "S5", "S6", "S7", "S8"]
    for name in parts:
        assert book[name]["A1"].value == "Provider" and book[name].freeze_panes == "A2"
        assert book[name].max_row <= 6
    book.close()


def test_tables_below_move_to_a_sheet_of_their_own_when_no_room_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 12)
    summary = sheet(funder_report(sample_result()), SUMMARY)
    parts = xlsx.sheet_parts(summary)
    assert [p.name for p in parts] == [SUMMARY, f"{SUMMARY} (2)"]
    assert len(parts[0].frame) == 4 and parts[0].below == ()
    assert parts[1].frame.empty and parts[1].below == summary.below


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
    assert total["provider_named"].tolist() == ["TOTAL"]
    assert total["client_days"].tolist() == [0]
    assert amounts(total["claimed_amount"]) == [D("0.00")]
    assert sheet(report, RECOUPMENTS).frame["provider_id"].tolist() == ["TOTAL"]
    path = tmp_path / "empty.xlsx"
    write_workbook(report, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(SHEET_NAMES)
    assert book[RECOUPMENTS].auto_filter.ref == "A4:J4"
    book.close()


def test_all_providers_without_a_rate_leave_the_total_amounts_empty() -> None:
    result = sample_result()
    days = result.days.loc[result.days["provider_id"] == NO_RATE]
    providers = result.providers.loc[result.providers["provider_id"] == NO_RATE]
    report = funder_report(replace(result, days=days, providers=providers))
    total = sheet(report, SUMMARY).frame.iloc[-1]
    assert pd.isna(total["claimed_amount"]) and total["client_days"] == 1
    assert len(sheet(report, SUMMARY).title_rows) == 2  # no dollars to lead with


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


def test_rows_at_lists_a_days_rows_by_file_in_reading_order() -> None:
    from pipeline.report.findings import rows_at

    result: RunResult = sample_result(shared_client=True)
    days = result.days.loc[result.days["client_id"] == "C1"]
    text = rows_at(result.claims, days).tolist()
    assert text == [f"{CLAIMS}: 2, 3", f"{CLAIMS}: 5", f"{CLAIMS}: 9"]
    assert rows_at(result.lines, days).tolist() == [f"{SERVICES_P1}: 2, 3", "", ""]
