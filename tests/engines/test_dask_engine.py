"""The Dask engine gives exactly the pandas engine's result, across files and partitions."""

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.config import default_config
from pipeline.engines import dask_engine as distributed
from pipeline.engines.dask_engine import (
    DASK_MISSING,
    dask_month_result,
    with_helpers,
)
from pipeline.engines.pandas_engine import reconciled_month
from pipeline.errors import InputError, UsageError
from pipeline.ingest.load import discovered_inputs
from pipeline.report.outputs import (
    CLAIMS_FILE,
    CLIENT_DAYS_FILE,
    PARTITIONED,
    REJECTED_FILE,
    REVIEW_FILE,
    SERVICE_LINES_FILE,
    write_outputs,
)
from pipeline.result import RunResult
from pipeline.sample.month import write_sample
from schemas.columns import (
    CLAIMED_AMOUNT,
    DUPLICATE,
    PROVIDER_ID,
    SERVICE_ID,
    SOURCE_FILE,
    WARNING_CODE,
)

MONTH = "2026-10"
REPEATED = 25  # service rows of PRV-A's second file also sent, earlier, in a file of their own


def split_csv(path: Path, second: Path) -> pd.DataFrame:
    """Move the second half of a CSV's rows into `second`; return the moved rows."""
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    half = len(rows) // 2
    rows.iloc[:half].to_csv(path, index=False)
    rows.iloc[half:].to_csv(second, index=False)
    return rows.iloc[half:]


@pytest.fixture(scope="module")
def month_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated month of 3,000 lines (one services file .xlsx), made harder for partitions:
    PRV-A's log split over two files with some rows sent again earlier, claims split in two,
    a second rates file repeating a provider, and a services file rejected whole."""
    folder = tmp_path_factory.mktemp("month")
    write_sample(folder, lines=3000)
    moved = split_csv(folder / "services_provider-a.csv", folder / "services_provider-a2.csv")
    # Sorted first by name, so these copies are read first and the later rows are duplicates.
    moved.iloc[:REPEATED].to_csv(folder / "services_0_sent_again.csv", index=False)
    split_csv(folder / "claims.csv", folder / "claims_2.csv")
    (folder / "rates_2.csv").write_text("provider_id,unit_rate\nPRV-A,99.00\n", encoding="utf-8")
    (folder / "services_zz_broken.csv").write_text("service_id,note\nX1,hello\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pandas_result(month_dir: Path) -> RunResult:
    return reconciled_month(discovered_inputs(month_dir, MONTH), MONTH, default_config())


@pytest.fixture(scope="module")
def threaded_cluster() -> Iterator[str]:
    """An in-process cluster of 2 workers x 2 threads: 4 partitions for 3 providers."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def assert_same_result(got: RunResult, want: RunResult) -> None:
    for name in ("lines", "days", "claims", "review", "providers"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name), check_exact=True)
    for name in ("services", "claims", "rates", "authorizations", "rejected"):
        pd.testing.assert_frame_equal(
            getattr(got.loaded, name), getattr(want.loaded, name), check_exact=True
        )
    assert got.loaded.files == want.loaded.files
    assert got.providers_without_rate == want.providers_without_rate


def test_the_month_is_hard_enough(pandas_result: RunResult) -> None:
    lines = pandas_result.lines
    again = lines[SOURCE_FILE].str.endswith("services_0_sent_again.csv")
    later = lines[SOURCE_FILE].str.endswith("services_provider-a2.csv")
    repeated = lines.loc[again, SERVICE_ID]
    assert again.sum() == REPEATED and not lines.loc[again, DUPLICATE].any()
    assert lines.loc[later & lines[SERVICE_ID].isin(repeated), DUPLICATE].sum() == REPEATED
    assert lines[PROVIDER_ID].nunique() == 3
    assert {"STAFF_DAY_OVER_LIMIT", "MULTIPLE_CLAIM_LINES", "CROSS_PROVIDER_SAME_DAY"} <= set(
        pandas_result.review[WARNING_CODE]
    )
    errors = pandas_result.loaded.rejected["error"]
    assert errors.str.contains("PRV-A already has a rate in row 2 of").sum() == 1
    assert sum(1 for f in pandas_result.loaded.files if f.rejected_whole) == 1


@pytest.mark.slow
def test_local_process_cluster_equals_pandas_engine(
    month_dir: Path, pandas_result: RunResult
) -> None:
    got = dask_month_result(discovered_inputs(month_dir, MONTH), MONTH, default_config(), None)
    assert_same_result(got, pandas_result)


@pytest.mark.slow
def test_cli_on_a_scheduler_writes_what_the_pandas_engine_writes(
    month_dir: Path, threaded_cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    common = ["reconcile", "run", "--month", MONTH, "--data", str(month_dir), "--quiet",
              "--formats", "parquet"]
    for engine, extra in (("pandas", []), ("dask", ["--scheduler", threaded_cluster])):
        monkeypatch.setattr(
            sys, "argv", [*common, "--out", str(tmp_path / engine), "--engine", engine, *extra]
        )
        with pytest.raises(SystemExit) as done:
            main()
        assert done.value.code == 1  # one file is rejected whole
    for name in (CLIENT_DAYS_FILE, SERVICE_LINES_FILE, REJECTED_FILE, CLAIMS_FILE, REVIEW_FILE):
        dask_table, pandas_table = (pq.read_table(tmp_path / e / name) for e in ("dask", "pandas"))
        assert dask_table.equals(pandas_table)
    dask_run, pandas_run = (json.loads((tmp_path / e / "run.json").read_text())
                            for e in ("dask", "pandas"))
    # The dask engine adds the detail tables partitioned by provider; all else is the same
    # but the time each run began.
    partitioned = dask_run["outputs"].pop(PARTITIONED)
    assert dask_run.pop("run_at") >= pandas_run.pop("run_at")
    assert dask_run == pandas_run
    assert partitioned["service_lines"]["rows"] == pq.read_table(
        tmp_path / "dask" / "service_lines"
    ).num_rows == pandas_run["totals"]["service_lines"]


def test_partition_is_a_function_of_the_provider_alone() -> None:
    a = pd.DataFrame({PROVIDER_ID: ["P1", "P2", "P3", "P1"]}, dtype="str")
    b = pd.DataFrame({PROVIDER_ID: ["P3", "P1"]}, dtype="str")
    left, right = with_helpers(a, 0, 4), with_helpers(b, 1, 4)
    assert left["_part"].iloc[0] == left["_part"].iloc[3] == right["_part"].iloc[1]
    assert left["_part"].iloc[2] == right["_part"].iloc[0]
    assert left["_part"].between(0, 3).all()
    assert list(left["_order"]) == [0, 1, 2, 3]
    assert list(right["_order"]) == [2**40, 2**40 + 1]


def test_without_dask_installed_it_says_which_extra(
    month_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    inputs = discovered_inputs(month_dir, MONTH)
    with pytest.raises(UsageError) as err:
        dask_month_result(inputs, MONTH, default_config(), None)
    assert str(err.value) == DASK_MISSING == (
        "--engine dask needs the dask extra: pip install .[dask]"
    )


def test_an_unreachable_scheduler_is_a_usage_error(
    month_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(distributed, "SCHEDULER_TIMEOUT", "1s")
    inputs = discovered_inputs(month_dir, MONTH)
    with pytest.raises(UsageError, match=r"^cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        dask_month_result(inputs, MONTH, default_config(), "tcp://127.0.0.1:9")


def test_a_scheduler_address_without_a_port_is_a_usage_error(month_dir: Path) -> None:
    inputs = discovered_inputs(month_dir, MONTH)
    with pytest.raises(UsageError, match=r"^cannot reach the Dask scheduler at foo: missing port"):
        dask_month_result(inputs, MONTH, default_config(), "foo")


def test_a_missing_file_is_an_input_error_from_the_cluster(
    month_dir: Path, threaded_cluster: str
) -> None:
    inputs = discovered_inputs(month_dir, MONTH)
    gone = replace(inputs, services=(*inputs.services, month_dir / "services_gone.csv"))
    with pytest.raises(InputError, match=r"^the services file .*services_gone\.csv does not exist"):
        dask_month_result(gone, MONTH, default_config(), threaded_cluster)


def test_partitioned_parquet_holds_each_provider_in_its_folder(
    pandas_result: RunResult, tmp_path: Path
) -> None:
    record = write_outputs(pandas_result, tmp_path, frozenset({"parquet"}), partitioned=True)
    written = record["outputs"][PARTITIONED]
    assert written["client_days"] == {"rows": len(pandas_result.days), "providers": 3}
    folders = sorted(p.name for p in (tmp_path / "service_lines").iterdir())
    assert folders == ["provider_id=PRV-A", "provider_id=PRV-B", "provider_id=PRV-C"]
    one = pq.read_table(tmp_path / "client_days" / "provider_id=PRV-B").to_pandas()
    days = pandas_result.days
    assert len(one) == (days[PROVIDER_ID] == "PRV-B").sum()
    b_amounts = days.loc[days[PROVIDER_ID] == "PRV-B", CLAIMED_AMOUNT]
    assert one[CLAIMED_AMOUNT].sum() == b_amounts.sum() > 0
    lines = pq.read_table(tmp_path / "service_lines").to_pandas()
    assert len(lines) == len(pandas_result.lines)
    assert lines[DUPLICATE].sum() == pandas_result.lines[DUPLICATE].sum()
    # A later run without them removes them: the folder never mixes two runs.
    write_outputs(pandas_result, tmp_path, frozenset({"parquet"}))
    assert not (tmp_path / "client_days").exists() and not (tmp_path / "service_lines").exists()
