"""The sample month's workbooks as finance and a provider read them (SPEC v2 §5.1): every
disallowed dollar traces from the Summary to Recoupments to Claims and Service Lines by file
and row, with a code and a guideline paragraph; totals cross-foot to the cent on every sheet
that shows them; a provider's workbook holds nothing of another provider."""

import csv
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sample_run import SAMPLE, written_sample

from pipeline.rules.table import BY_CODE

FUNDER = "reconciliation.xlsx"
PROVIDERS = ("PRV-A", "PRV-B", "PRV-C")
Row = dict[str, Any]

pytestmark = pytest.mark.slow


def cents(value: object) -> int:
    """A money cell as whole cents (an empty cell counts 0)."""
    return 0 if value is None else int(Decimal(str(value)) * 100)


def header_at(ws: Worksheet) -> int:
    """The main table's header row: the row above the frozen pane."""
    assert ws.freeze_panes is not None
    return int(str(ws.freeze_panes)[1:]) - 1


def table(ws: Worksheet, header: int) -> list[Row]:
    """The rows under a header row, by the header's words, up to the first blank row."""
    labels = [c.value for c in ws[header]]
    rows = []
    for cells in ws.iter_rows(min_row=header + 1, values_only=True):
        if all(v is None for v in cells):
            break
        rows.append(dict(zip(labels, cells, strict=False)))
    return rows


def main_table(ws: Worksheet) -> tuple[list[Row], Row | None]:
    """A sheet's main table: its rows, and its TOTAL row if it has one."""
    rows = table(ws, header_at(ws))
    if rows and next(iter(rows[-1].values())) == "TOTAL":
        return rows[:-1], rows[-1]
    return rows, None


def below(ws: Worksheet, caption: str) -> list[Row]:
    """The Summary's table whose caption starts with `caption`."""
    row = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith(caption))
    return table(ws, row + 1)


def day_key(row: Row) -> tuple[str, str, str]:
    when = row["Service date"]
    return row["Provider"], row["Client"], when.date().isoformat() if when else ""


@pytest.fixture(scope="module")
def sample_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return written_sample(tmp_path_factory)


@pytest.fixture(scope="module")
def funder(sample_month: Path) -> Iterator[openpyxl.Workbook]:
    book = openpyxl.load_workbook(sample_month / FUNDER)
    yield book
    book.close()


def test_every_disallowed_dollar_traces_from_summary_to_claims_and_service_lines(
    funder: openpyxl.Workbook,
) -> None:
    _, total = main_table(funder["Summary"])
    assert total is not None
    disallowed = cents(total["Disallowed ($)"])
    assert disallowed == 196933  # $1,969.33 (README)

    recoupments, recouped = main_table(funder["Recoupments"])
    assert recouped is not None
    assert sum(cents(r["Disallowed ($)"]) for r in recoupments) == disallowed
    assert cents(recouped["Disallowed ($)"]) == disallowed
    amounts = [cents(r["Disallowed ($)"]) for r in recoupments]
    assert amounts == sorted(amounts, reverse=True) and min(amounts) > 0

    claims, _ = main_table(funder["Claims"])
    assert sum(cents(r["Disallowed ($)"]) for r in claims) == disallowed
    by_row = {(r["Source file"], r["Source row"]): r for r in claims}

    days = {day_key(r): r for r in main_table(funder["Client Days"])[0]}
    minutes: dict[tuple[str, str, str], int] = defaultdict(int)
    for line in main_table(funder["Service Lines"])[0]:
        if line["Duplicate"] == "no":
            minutes[day_key(line)] += line["Minutes"]

    for day in recoupments:
        key = day_key(day)
        # Its claims rows are on Claims, by file and row, and carry its disallowed dollars.
        cited = [
            (file, int(row))
            for part in day["Claims rows (file: row)"].split("; ")
            for file, rows in [part.rsplit(": ", 1)]
            for row in rows.split(", ")
        ]
        assert cited and all(day_key(by_row[c]) == key for c in cited)
        assert sum(cents(by_row[c]["Disallowed ($)"]) for c in cited) == cents(
            day["Disallowed ($)"]
        )
        # A code that cites a guideline paragraph or the provider's contract.
        codes = re.findall(r"([A-Z_]+): ", day["Codes: finding (guideline)"])
        assert any(BY_CODE[c].cites for c in codes), (key, codes)
        # Its documented minutes are its lines on Service Lines.
        assert days[key]["Minutes documented"] == minutes.get(key, 0)
        assert cents(days[key]["Disallowed ($)"]) == cents(day["Disallowed ($)"])


def test_the_summary_and_recoupments_agree_on_each_cause(funder: openpyxl.Workbook) -> None:
    causes = {
        r["Cause"]: cents(r["Disallowed ($)"])
        for r in below(funder["Summary"], "Disallowed by cause")
    }
    _, recouped = main_table(funder["Recoupments"])
    assert recouped is not None
    assert causes == {
        "documentation": cents(recouped["Documentation ($)"]),
        "rules": cents(recouped["Rules ($)"]),
        "TOTAL": cents(recouped["Disallowed ($)"]),
    }
    codes = below(funder["Summary"], "Disallowed by code")
    # Each dollar disallowed for documentation lies on a day with exactly one of its codes.
    documentation = [cents(r["Disallowed ($)"]) for r in codes if r["Cause"] == "documentation"]
    assert sum(documentation) == causes["documentation"]


def crossfoot(row: Row, whole: str, *parts: str) -> None:
    """One amount of a row equals the sum of others, to the cent."""
    assert cents(row[whole]) == sum(cents(row[p]) for p in parts), (row, whole, parts)


def workbook_paths(out: Path) -> list[Path]:
    return [out / FUNDER, *(out / "providers" / f"{p}.xlsx" for p in PROVIDERS)]


def test_totals_cross_foot_to_the_cent_on_every_sheet_that_shows_them(
    sample_month: Path,
) -> None:
    for path in workbook_paths(sample_month):
        book = openpyxl.load_workbook(path)
        summary = book["Summary"]
        for row in table(summary, header_at(summary)):
            crossfoot(row, "Claimed ($)", "Payable ($)", "Disallowed ($)")
        for row in below(summary, "Disallowed by provider and cause"):
            crossfoot(row, "Disallowed ($)", "Documentation ($)", "Rules ($)")
        cause = below(summary, "Disallowed by cause")
        assert cents(cause[-1]["Disallowed ($)"]) == sum(
            cents(r["Disallowed ($)"]) for r in cause[:-1]
        )
        for name, checks in (
            ("Recoupments", [("Claimed ($)", "Payable ($)", "Disallowed ($)"),
                             ("Disallowed ($)", "Documentation ($)", "Rules ($)")]),
            ("Claims", [("Claimed ($)", "Payable ($)", "Disallowed ($)")]),
            ("Under-billed", [("Allowable ($)", "Payable ($)", "Unclaimed ($)")]),
            ("Client Days", [
                ("Claimed ($)", "Payable ($)", "Disallowed ($)"),
                ("Disallowed ($)", "Disallowed for documentation ($)",
                 "Disallowed under the rules ($)"),
                ("Allowable ($)", "Payable ($)", "Unclaimed ($)"),
            ]),
        ):
            rows, total = main_table(book[name])
            assert total is not None, (path.name, name)
            for row in [*rows, total]:
                for whole, *parts in checks:
                    crossfoot(row, whole, *parts)
            for column in checks[0]:
                assert cents(total[column]) == sum(cents(r[column]) for r in rows)
        if "Notice" in book.sheetnames:
            # Title, addressee, outcome and heading; the totals' header in row 5 (its first
            # column's header is blank), their five rows under it.
            figures = {
                str(name).strip().split(" (")[0]: cents(amount)
                for name, _, amount in book["Notice"].iter_rows(
                    min_row=6, max_row=10, max_col=3, values_only=True
                )
            }
            assert figures["Claimed"] == figures["Payable"] + figures["Disallowed"]
            assert figures["Disallowed"] == (
                figures["for documentation"] + figures["under the rules"]
            )
            _, total = main_table(summary)
            assert total is not None and figures["Disallowed"] == cents(total["Disallowed ($)"])
        book.close()


def part_text(path: Path) -> str:
    """Every part of a workbook as text: cells, shared strings, charts' cached labels, names."""
    with zipfile.ZipFile(path) as book:
        return "\n".join(book.read(n).decode("utf-8") for n in book.namelist())


def test_a_providers_workbook_holds_nothing_of_another_provider(sample_month: Path) -> None:
    days = pd.read_parquet(sample_month / "client_days.parquet")
    served = days.groupby("provider_id")["client_id"].agg(set).to_dict()
    with (SAMPLE / "rates.csv").open(encoding="utf-8") as rates:
        names = {r["provider_id"]: r["provider_name"] for r in csv.DictReader(rates)}
    shared = set.intersection(*served.values()) | (served["PRV-A"] & served["PRV-C"])
    assert shared == {"C00150"}  # the planted client of two providers (SPEC §8.2)
    for provider in PROVIDERS:
        others = [p for p in PROVIDERS if p != provider]
        foreign = {
            *others,
            *(names[p] for p in others if p in names),
            *(set().union(*(served[p] for p in others)) - served[provider]),
        }
        text = part_text(sample_month / "providers" / f"{provider}.xlsx")
        found = sorted(
            t for t in foreign
            if re.search(rf"(?<![\w.-]){re.escape(t)}(?![\w-])", text)
        )
        assert found == [], (provider, found[:10])
        assert provider in text
    # The funder's workbook names them all, the shared client's other provider included.
    funder = part_text(sample_month / FUNDER)
    assert "also claimed at PRV-C on this date" in funder
    assert all(p in funder for p in PROVIDERS)


def test_the_provider_notice_and_answers(sample_month: Path) -> None:
    book = openpyxl.load_workbook(sample_month / "providers" / "PRV-A.xlsx")
    assert book.sheetnames[:2] == ["Notice", "Summary"]
    notice = book["Notice"]
    assert notice["A1"].value == "Findings notice: Case Management billing, October 2026"
    assert notice.page_setup.fitToHeight == 1 and notice.page_setup.orientation == "portrait"
    recoupments = book["Recoupments"]
    header = [c.value for c in recoupments[header_at(recoupments)]]
    assert header[-2:] == ["Response", "Comment"]
    (validation,) = recoupments.data_validations.dataValidation
    assert validation.formula1 == '"Agree,Disagree,Documentation attached"'
    settings = {r["Setting"]: r["Value"] for r in table(book["Run Info"], 1)}
    ran = datetime.fromisoformat(str(settings["Run date and time"]))
    due = ran.date() + timedelta(days=int(settings["response_days"]))
    assert f"How to respond, by {due:%B} {due.day}, {due.year}" in [c.value for c in notice["A"]]
    book.close()
