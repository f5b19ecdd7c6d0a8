"""Typer's own parsing errors are one plain line too, and the terminal never shows file data."""

import sys
from pathlib import Path

import pytest

from pipeline.cli import main, plural

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def reconcile(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["reconcile", *args])
    with pytest.raises(SystemExit) as done:
        main()
    return int(done.value.code or 0)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("run", "--bogus"), "error: No such option: --bogus"),
        (("run",), "error: Missing option '--month'. (see reconcile run --help)"),
        (("sample", "--lines", "0"), "error: Invalid value for '--lines': "),
        (("frobnicate",), "error: No such command 'frobnicate'. (see reconcile --help)"),
    ],
)
def test_a_parsing_error_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    line: str,
) -> None:
    assert reconcile(monkeypatch, *args) == 2
    shown = capsys.readouterr()
    assert shown.out == ""
    (only,) = shown.err.splitlines()
    assert only.startswith(line)


def test_help_exits_0_and_no_arguments_show_the_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reconcile(monkeypatch, "run", "--help") == 0
    assert "--month" in capsys.readouterr().out
    assert reconcile(monkeypatch) == 2
    shown = capsys.readouterr()
    assert "run" in shown.out and "validate" in shown.out and shown.err == ""


def test_counts_read_as_english() -> None:
    assert [plural(n, "file") for n in (0, 1, 2, 1200)] == [
        "0 files", "1 file", "2 files", "1,200 files"
    ]


def test_validate_writes_its_own_folder_not_a_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert reconcile(monkeypatch, "validate", "--month", "2026-10", "--data", str(SAMPLE)) == 0
    assert (tmp_path / "reports" / "2026-10-validation" / "rejected_rows.parquet").exists()
    assert not (tmp_path / "reports" / "2026-10").exists()
    assert "reports/2026-10-validation/" in capsys.readouterr().out
