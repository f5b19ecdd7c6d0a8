"""SIGTERM is met as Ctrl-C is: workers stop quietly, one line, exit 143, the last report whole."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import TERMINATED
from pipeline.report.outputs import PROVIDERS_DIR, STAGING_PREFIX
from pipeline.sample.month import write_sample

MONTH = "2026-10"
LINES = 20_000  # enough that writing the workbooks takes a while to interrupt
WAIT_S = 60


def run_command(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", "--month", MONTH, "--data", str(data),
            "--out", str(out), "--quiet"]


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_sigterm_mid_write_stops_the_workers_quietly_and_keeps_the_last_report(
    tmp_path: Path,
) -> None:
    first, second, out = tmp_path / "first", tmp_path / "second", tmp_path / "report"
    write_sample(first, lines=LINES, seed=1, month=MONTH, xlsx=False)
    write_sample(second, lines=LINES, seed=2, month=MONTH, xlsx=False)
    subprocess.run(run_command(first, out), check=True)
    before = contents(out)

    run = subprocess.Popen(run_command(second, out), start_new_session=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + WAIT_S
    while not any((s / PROVIDERS_DIR).exists() for s in out.glob(f"{STAGING_PREFIX}*")):
        assert run.poll() is None, "the run ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    run.send_signal(signal.SIGTERM)  # to the run alone, as `kill PID` sends it
    stdout, stderr = run.communicate(timeout=WAIT_S)

    assert run.returncode == TERMINATED
    assert stderr.decode().splitlines() == ["terminated"]
    assert stdout == b""
    deadline = time.monotonic() + WAIT_S
    while group_alive(run.pid):  # the workers end with the run, none left orphaned
        assert time.monotonic() < deadline, "a worker outlived the run"
        time.sleep(0.05)
    assert contents(out) == before
    assert list(out.glob(f"{STAGING_PREFIX}*")) == []
