"""The sample month's report folder, written once per test session as `reconcile run` writes
it, for the tests that read its workbooks (the validator, the trace of every disallowed
dollar, the leak scan)."""

import sys
from pathlib import Path

import pytest

from pipeline.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
_WRITTEN: dict[str, Path] = {}


def written_sample(factory: pytest.TempPathFactory) -> Path:
    """The sample month's output folder, written on first use."""
    if "out" not in _WRITTEN:
        out = factory.mktemp("sample") / "out"
        argv = ["reconcile", "run", "--month", "2026-10", "--data", str(SAMPLE), "--out", str(out)]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "argv", [*argv, "--quiet"])
            with pytest.raises(SystemExit) as done:
                main()
        assert done.value.code in (0, None)
        _WRITTEN["out"] = out
    return _WRITTEN["out"]
