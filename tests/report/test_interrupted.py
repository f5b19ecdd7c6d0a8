"""A run killed (SIGKILL, workers and all) while writing leaves the previous report whole."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.report.outputs import PROVIDERS_DIR, STAGING_PREFIX
from pipeline.sample.month import write_sample

MONTH = "2026-10"
LINES = 30_000  # enough that writing the workbooks takes a while to interrupt
WAIT_S = 60


def run_command(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", "--month", MONTH, "--data", str(data),
            "--out", str(out), "--quiet"]


def contents(folder: Path) -> dict[str, bytes]:
    """Every file of a report folder by relative path, staging folders left out."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).parts[0].startswith(STAGING_PREFIX)
    }


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.glob(f"{STAGING_PREFIX}*"))


@pytest.mark.slow
def test_a_run_killed_mid_write_leaves_the_previous_report_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    first, second, out = tmp_path / "first", tmp_path / "second", tmp_path / "report"
    write_sample(first, lines=LINES, seed=1, month=MONTH, xlsx=False)
    write_sample(second, lines=LINES, seed=2, month=MONTH, xlsx=False)
    subprocess.run(run_command(first, out), check=True)
    before = contents(out)

    killed = subprocess.Popen(run_command(second, out), start_new_session=True)
    deadline = time.monotonic() + WAIT_S
    # Kill once the workbooks are being written into the staging folder.
    while not any((s / PROVIDERS_DIR).exists() for s in staging_folders(out)):
        assert killed.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()

    assert contents(out) == before
    assert len(staging_folders(out)) == 1  # what the killed run had written, out of the way

    subprocess.run(run_command(second, out), check=True)
    assert staging_folders(out) == []
    after = contents(out)
    assert after.keys() == before.keys()
    assert after["run.json"] != before["run.json"]
