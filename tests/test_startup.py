"""A pandas-engine run never imports dask, even where dask is installed (issue 12: pandera's
schema building imported `dask.dataframe`, 0.2-0.35 s of every run's start-up)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RUN = """
import sys
from pipeline.cli import main
sys.argv = ["reconcile", "run", "--month", "2026-10", "--data", sys.argv[1], "--out", sys.argv[2],
            "--formats", "parquet", "--quiet"]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
print(sorted(m for m in sys.modules if m == "dask" or m.startswith("dask.")))
"""


@pytest.mark.slow
def test_the_pandas_engine_leaves_dask_unimported(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe", reason="only meaningful where dask is installed")
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(ROOT / "data" / "sample"), str(tmp_path / "out")],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "out" / "client_days.parquet").is_file()


@pytest.mark.slow
def test_dask_stays_importable_after_the_schemas() -> None:
    pytest.importorskip("dask.dataframe", reason="only meaningful where dask is installed")
    code = "import schemas.services, dask.dataframe; print(dask.dataframe.__name__)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "dask.dataframe"
