"""Gaps found by the acceptance audit of issues 2 and 3, pinned so that they stay closed."""

import sys
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
MONEY_FORMAT = '"$"#,##0.00'
SECRET_CLIENT = "CLIENT-SECRET-99"
SECRET_NOTE = "Secret note about the family"


def reconcile(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["reconcile", *args])
    with pytest.raises(SystemExit) as done:
        main()
    return int(done.value.code or 0)


@pytest.mark.slow
def test_workbook_money_cells_hold_the_cent_amount_exactly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Issue 2.4: money exact to the cent. A cell must hold the double that the cent amount
    # itself reads as (19320.42), not one a binary step off it (19320.420000000002).
    out = tmp_path / "out"
    args = ("run", "--month", "2026-10", "--data", str(SAMPLE), "--out", str(out), "--quiet")
    assert reconcile(monkeypatch, *args) == 0
    book = openpyxl.load_workbook(out / "reconciliation.xlsx", read_only=True)
    off = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.number_format == MONEY_FORMAT
        and isinstance(cell.value, float)
        and cell.value != float(f"{cell.value:.2f}")
    ]
    book.close()
    assert off == []


def test_validate_never_prints_the_data_of_a_file_without_a_header(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 3.6: the terminal shows counts, never note text or client IDs. A file whose first
    # row is data is rejected whole; its reason must not echo that row to the terminal.
    month = tmp_path / "2026-10"
    month.mkdir()
    (month / "services.csv").write_text(
        f"S1,P1,{SECRET_CLIENT},ST1,2026-10-05,phone,30,yes,0,{SECRET_NOTE}\n", encoding="utf-8"
    )
    (month / "claims.csv").write_text(
        "provider_id,client_id,service_date,units_claimed\n", encoding="utf-8"
    )
    args = ("validate", "--month", "2026-10", "--data", str(month), "--out", str(tmp_path / "o"))
    assert reconcile(monkeypatch, *args) == 1
    shown = capsys.readouterr()
    terminal = shown.out + shown.err
    assert SECRET_CLIENT not in terminal and SECRET_NOTE not in terminal
