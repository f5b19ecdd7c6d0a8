"""The output folder: file set, parquet schemas and exact values, run.json, atomic replacement."""

import hashlib
import json
import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_fixtures import CLAIMS, MONTH, NO_RATE, sample_result
from workbook_dump import dump_text, workbook_dump

from pipeline.errors import OutputError
from pipeline.report import outputs, workers
from pipeline.report.model import Report
from pipeline.report.outputs import (
    provider_file_names,
    write_outputs,
    write_validation,
)
from pipeline.result import RunResult
from schemas.columns import CLIENT_DAYS_COLUMNS, REJECTED_COLUMNS, SERVICE_LINES_COLUMNS

BOTH = frozenset({"xlsx", "parquet"})
P3_FILE = provider_file_names([NO_RATE])[NO_RATE]


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def contents(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in files_in(folder)}


def without_p2(result: RunResult) -> RunResult:
    """The same month with provider P2 gone from the lines and the client-days."""
    return replace(
        result,
        lines=result.lines.loc[result.lines["provider_id"] != "P2"].reset_index(drop=True),
        days=result.days.loc[result.days["provider_id"] != "P2"].reset_index(drop=True),
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("reports") / MONTH
    return out, write_outputs(sample_result(), out, BOTH)


def test_every_output_file_is_written_and_nothing_else(written: tuple[Path, dict]) -> None:
    out, _ = written
    assert files_in(out) == {
        "reconciliation.xlsx",
        "providers/P1.xlsx",
        "providers/P2.xlsx",
        f"providers/{P3_FILE}",
        "client_days.parquet",
        "service_lines.parquet",
        "rejected_rows.parquet",
        "claims.parquet",
        "review.parquet",
        "run.json",
    }


def test_client_days_parquet_has_the_spec_schema_and_exact_amounts(
    written: tuple[Path, dict],
) -> None:
    table = pq.read_table(written[0] / "client_days.parquet")
    assert table.column_names == list(CLIENT_DAYS_COLUMNS)
    assert table.schema.field("service_date").type == pa.date32()
    assert table.schema.field("unit_rate").type == pa.decimal128(18, 6)
    for column in ("claimed_amount", "allowable_amount", "disallowed_amount"):
        assert table.schema.field(column).type == pa.decimal128(18, 2)
    rows = table.to_pylist()
    p1_c2 = next(r for r in rows if r["client_id"] == "C2")
    assert p1_c2["claimed_amount"] == Decimal("15.63")  # 0.25 x 62.50, half up
    assert p1_c2["unit_rate"] == Decimal("62.500000")
    assert str(p1_c2["service_date"]) == "2026-10-06"
    assert rows[0]["provider_id"] == NO_RATE and rows[0]["claimed_amount"] is None


def test_service_lines_and_rejected_rows_parquet(written: tuple[Path, dict]) -> None:
    lines = pq.read_table(written[0] / "service_lines.parquet")
    assert lines.column_names[:2] == ["source_file", "source_row"]
    assert lines.column_names == list(SERVICE_LINES_COLUMNS)
    assert lines.column_names[-6:] == [
        "duplicate", "eligible", "reasons", "start_time", "end_time", "review"
    ]
    assert lines.schema.field("eligible").type == pa.bool_()
    assert lines.num_rows == 9
    assert lines.column("duplicate").to_pylist().count(True) == 1
    rejected = pq.read_table(written[0] / "rejected_rows.parquet")
    assert rejected.column_names == list(REJECTED_COLUMNS)
    assert rejected.column("source_row").to_pylist() == [9, 12, 7, None]


def test_run_json_records_month_config_files_totals_and_outputs(
    written: tuple[Path, dict],
) -> None:
    out, returned = written
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record == returned
    assert record["month"] == MONTH and record["package_version"] == "9.9.9"
    assert record["config"]["workbook_detail_rows"] == 100
    assert record["config"]["default_unit_rate"] is None
    claims = next(f for f in record["files"] if f["path"] == CLAIMS)
    assert (claims["rows_read"], claims["rows_accepted"], claims["rows_rejected"]) == (8, 7, 1)
    assert claims["sha256"] == "c" * 64 and claims["encoding"] == "utf-8"
    assert record["files_rejected_whole"] == [
        {"file": "data/2026-10/services_notes.txt", "reason": "The file is neither CSV nor XLSX."}
    ]
    totals = record["totals"]
    assert (totals["service_lines"], totals["client_days"]) == (9, 8)
    assert (totals["units_claimed"], totals["units_allowable"], totals["units_disallowed"]) == (
        4.25, 4.0, 1.5,
    )
    assert (totals["claimed_amount"], totals["allowable_amount"]) == ("231.88", "228.75")
    assert totals["disallowed_amount"] == "78.13"
    assert totals["by_status"]["over_claimed"] == 3
    assert record["providers_without_rate"] == [NO_RATE]
    assert record["outputs"]["providers"] == {
        NO_RATE: f"providers/{P3_FILE}", "P1": "providers/P1.xlsx", "P2": "providers/P2.xlsx"
    }
    assert record["outputs"]["client_days.parquet"] == {"rows": 8}
    assert "T" not in json.dumps(record["outputs"])  # no timestamps


def test_the_same_result_gives_byte_identical_files(
    written: tuple[Path, dict], tmp_path: Path
) -> None:
    write_outputs(sample_result(), tmp_path, BOTH)
    assert contents(tmp_path) == contents(written[0])


def test_a_second_run_replaces_the_first_and_drops_stale_providers(tmp_path: Path) -> None:
    write_outputs(sample_result(), tmp_path, BOTH)
    keep = tmp_path / "notes-by-the-clerk.txt"
    keep.write_text("mine")
    write_outputs(without_p2(sample_result()), tmp_path, BOTH)
    assert not (tmp_path / "providers" / "P2.xlsx").exists()
    assert (tmp_path / "providers" / "P1.xlsx").exists()
    assert keep.read_text() == "mine"
    assert pq.read_table(tmp_path / "client_days.parquet").num_rows == 5
    # Outputs of a format not chosen this time go too: the folder never mixes two runs.
    write_outputs(sample_result(), tmp_path, frozenset({"parquet"}))
    assert not (tmp_path / "reconciliation.xlsx").exists()
    assert not (tmp_path / "providers").exists()
    assert pq.read_table(tmp_path / "client_days.parquet").num_rows == 8
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failure_mid_write_leaves_the_previous_run_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_outputs(sample_result(), tmp_path, BOTH)
    before = contents(tmp_path)
    real = outputs.write_workbook

    def failing(report: Report, path: Path, created: datetime | None = None) -> int:
        # Workbooks are written in worker processes: the failure is tied to one file, not a count.
        if path.name == "P1.xlsx":
            path.write_bytes(b"half a workbook")
            raise RuntimeError("disk on fire")
        return real(report, path, created)

    monkeypatch.setattr(outputs, "write_workbook", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_outputs(without_p2(sample_result()), tmp_path, BOTH)
    assert contents(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["claims.parquet", "client_days.parquet", "providers", "reconciliation.xlsx",
         "rejected_rows.parquet", "review.parquet", "run.json", "service_lines.parquet"]
    )


def test_an_unwritable_output_folder_is_one_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(OutputError, match="cannot write the output folder"):
        write_outputs(sample_result(), blocker / MONTH, BOTH)


def test_provider_file_names_are_safe_and_distinct() -> None:
    names = provider_file_names(["P1", "p1", "A/B", "A_B", "../etc", "CON", "", "Ünïcode 7"])
    assert names["P1"] == "P1.xlsx"
    assert names["A_B"] == "A_B.xlsx"
    assert len({n.lower() for n in names.values()}) == len(names)
    for provider, name in names.items():
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        if provider not in ("P1", "A_B"):
            assert name != f"{provider}.xlsx"
    assert names["p1"].startswith("p1-") and names["A/B"].startswith("A_B-")
    assert names["CON"].startswith("_CON-") and names[""].startswith("provider-")
    assert names["../etc"].startswith("etc-")


def test_a_provider_named_like_another_ones_hashed_name_gets_its_own_file() -> None:
    # Zed~1 is sanitized to Zed_1-<its hash>; a provider literally named so must not share it.
    hashed = provider_file_names(["Zed~1"])["Zed~1"].removesuffix(".xlsx")
    assert hashed == "Zed_1-" + hashlib.sha256(b"Zed~1").hexdigest()[:8]
    for order in (["Zed~1", hashed], [hashed, "Zed~1"]):
        names = provider_file_names(order)
        assert names["Zed~1"] == f"{hashed}.xlsx"
        assert names[hashed] != f"{hashed}.xlsx" and names[hashed].startswith(f"{hashed}-")


@pytest.mark.parametrize(
    "provider",
    ["NUL.txt", "nul", "CON", "con.tar.gz", "PRN", "AUX.x", "COM1", "com9.csv", "LPT1",
     "LPT0.txt", "COM0", "CONIN$", "Con.Edison"],
)
def test_windows_device_names_are_never_a_file_name_with_or_without_extension(
    provider: str,
) -> None:
    name = provider_file_names([provider])[provider]
    assert name.split(".")[0].upper() not in outputs.RESERVED_NAMES
    assert name != f"{provider}.xlsx"


def test_nul_txt_is_written_beside_a_marker_not_as_the_device() -> None:
    assert provider_file_names(["NUL.txt"])["NUL.txt"].startswith("_NUL.txt-")


@given(st.lists(st.text(max_size=12), max_size=30))
def test_file_names_are_distinct_even_ignoring_case_and_always_safe(providers: list[str]) -> None:
    names = provider_file_names(providers)
    assert set(names) == set(providers)
    assert len({n.lower() for n in names.values()}) == len(names)
    for name in names.values():
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*\.xlsx", name)
        assert name.split(".")[0].upper() not in outputs.RESERVED_NAMES
        assert len(name) <= 255


def test_names_stay_distinct_when_the_short_hashes_meet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "SHORT_HASH", 0)  # every short hash the same: "-"
    names = provider_file_names(["a~", "a!", "a-"])
    assert len({n.lower() for n in names.values()}) == 3


def test_batched_provider_workbooks_are_the_ones_written_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = sample_result()
    monkeypatch.setattr(workers, "BATCHES_PER_WORKER", 0)  # every provider in one batch
    record = write_outputs(result, tmp_path / "batched", BOTH)
    alone = tmp_path / "alone"
    alone.mkdir()
    created = outputs.month_start(MONTH)
    cells = outputs.funder_workbook(result, alone / "funder.xlsx", created)
    for provider, relative in record["outputs"]["providers"].items():
        cells += outputs.provider_workbook(result, provider, alone / "p.xlsx", created)
        batched = workbook_dump(tmp_path / "batched" / relative)
        assert dump_text(batched) == dump_text(workbook_dump(alone / "p.xlsx")), provider
    assert record["outputs"][outputs.WORKBOOK_CELLS] == cells


def test_write_validation_writes_only_the_rejected_rows(tmp_path: Path) -> None:
    path = write_validation(sample_result().loaded, tmp_path)
    assert files_in(tmp_path) == {"rejected_rows.parquet"}
    assert pq.read_table(path).num_rows == 4
