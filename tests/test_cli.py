"""The command line as a user meets it: exit codes, one-line errors, no tracebacks."""

import json
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.config import COLUMN_MAP_TARGETS
from schemas.columns import ACTIVITIES

HEADER = (
    "service_id,provider_id,client_id,staff_id,service_date,activity,minutes,"
    "client_specific,external_participants,note\n"
)
SERVICES = HEADER + """S1,P1,007,ST1,2026-10-05,phone,40,yes,0,Called mother about school meeting
S2,P1,007,ST1,10/6/2026,Face-to-Face,60,y,,=SUM(A1)
S3,P1,008,ST1,2026-10-06,voicemail_left,5,yes,0,Left message
S4,P1,009,ST1,2026-10-07,phone,45.5,yes,0,bad minutes
"""
CLAIMS = """claim_id,provider_id,client_id,service_date,units_claimed
K1,P1,007,2026-10-05,0.75
K2,P1,007,2026-10-06,1
K3,P1,008,2026-10-06,0.25
"""
RATES = "provider_id,unit_rate\nP1,60.00\n"


@pytest.fixture
def month_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "2026-10"
    folder.mkdir(parents=True)
    (folder / "services.csv").write_text(SERVICES, encoding="utf-8")
    (folder / "claims.csv").write_text(CLAIMS, encoding="utf-8")
    (folder / "rates.csv").write_text(RATES, encoding="utf-8")
    return folder


def reconcile(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["reconcile", *args])
    with pytest.raises(SystemExit) as done:
        main()
    return int(done.value.code or 0)


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_full_run_exits_0_and_writes_every_output(
    monkeypatch: pytest.MonkeyPatch,
    month_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    assert (
        reconcile(
            monkeypatch, "run", "--month", "2026-10", "--data", str(month_dir), "--out", str(out)
        )
        == 0
    )
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert names == {
        "reconciliation.xlsx",
        "providers/P1.xlsx",
        "client_days.parquet",
        "service_lines.parquet",
        "rejected_rows.parquet",
        "claims.parquet",
        "review.parquet",
        "run.json",
    }
    printed = capsys.readouterr().out
    assert "1 rows rejected" in printed and "007" not in printed and "SUM" not in printed


def test_formats_parquet_writes_no_workbook(
    monkeypatch: pytest.MonkeyPatch, month_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["run", "--month", "2026-10", "--data", str(month_dir), "--out", str(out)]
    assert reconcile(monkeypatch, *args, "--formats", "parquet", "--quiet") == 0
    assert not (out / "reconciliation.xlsx").exists() and (out / "run.json").exists()


def test_a_file_rejected_whole_exits_1(
    monkeypatch: pytest.MonkeyPatch, month_dir: Path, tmp_path: Path
) -> None:
    (month_dir / "services_broken.xlsx").write_bytes(b"this is not a spreadsheet")
    out = tmp_path / "out"
    code = reconcile(
        monkeypatch,
        "run",
        "--month",
        "2026-10",
        "--data",
        str(month_dir),
        "--out",
        str(out),
        "--quiet",
    )
    assert code == 1 and (out / "reconciliation.xlsx").exists()


def test_a_password_protected_workbook_is_a_record_and_the_rest_is_reconciled(
    monkeypatch: pytest.MonkeyPatch, month_dir: Path, tmp_path: Path
) -> None:
    locked = month_dir / "services_locked.xlsx"
    fixture = Path(__file__).parent / "fixtures" / "messy" / "services_password.xlsx"
    locked.write_bytes(fixture.read_bytes())
    out = tmp_path / "out"
    args = ["run", "--month", "2026-10", "--data", str(month_dir), "--out", str(out)]
    assert reconcile(monkeypatch, *args, "--formats", "parquet", "--quiet") == 1
    reason = (
        "the file could not be read: it is password-protected; "
        "save it without a password and send it again"
    )
    rejected = pd.read_parquet(out / "rejected_rows.parquet")
    whole = rejected[rejected["source_file"] == str(locked)]
    assert whole[["column", "value", "error"]].values.tolist() == [["", "", reason]]
    assert whole["source_row"].isna().all()
    # services.csv's bad-minutes row is still its own record; its other rows are reconciled.
    assert rejected.loc[rejected["source_file"] != str(locked), "source_row"].tolist() == [5]
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["files_rejected_whole"] == [{"file": str(locked), "reason": reason}]
    assert [(f["rows_read"], f["rows_accepted"]) for f in run["files"]] == [
        (4, 3),
        (0, 0),
        (3, 3),
        (1, 1),
    ]
    assert run["totals"]["client_days"] == 3
    assert len(pd.read_parquet(out / "client_days.parquet")) == 3


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "--month", "2026-13"], "YYYY-MM"),
        (["run", "--month", "2026-10", "--data", "/nonexistent/folder"], "/nonexistent/folder"),
        (["run", "--month", "2026-10", "--services", "x.csv"], "--claims"),
        (["run", "--month", "2026-10", "--formats", "pdf"], "--formats"),
        (["run", "--month", "2026-10", "--engine", "spark"], "--engine"),
        (["run", "--month", "2026-10", "--config", "/nonexistent.toml"], "/nonexistent.toml"),
        (
            [
                "explain",
                "--month",
                "2026-10",
                "--provider",
                "P1",
                "--client",
                "007",
                "--date",
                "5 Oct",
            ],
            "--date",
        ),
    ],
)
def test_user_errors_exit_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
    month_dir: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    needle: str,
) -> None:
    monkeypatch.chdir(month_dir.parent.parent)
    assert reconcile(monkeypatch, *args) == 2
    line = one_line_error(capsys.readouterr().err)
    assert line.startswith("error: ") and needle in line


def test_bad_config_value_exits_2(
    monkeypatch: pytest.MonkeyPatch,
    month_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('rounding = "up"\n', encoding="utf-8")
    code = reconcile(
        monkeypatch, "run", "--month", "2026-10", "--data", str(month_dir), "--config", str(config)
    )
    assert code == 2
    assert "rounding must be one of floor, nearest" in one_line_error(capsys.readouterr().err)


DEFAULT_RATE_RULE = (
    "default_unit_rate must be more than 0 and at most 1000000.00, with at most 6 decimal places"
)


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        ('"1000000.01"', "'1000000.01'"),
        ("2000000", "2000000"),  # a TOML number, not a string
        ('"1e7"', "'1e7'"),
        ('"0"', "'0'"),
        ('"60.1234567"', "'60.1234567'"),
    ],
)
def test_a_default_rate_out_of_bounds_exits_2_naming_file_and_key(
    monkeypatch: pytest.MonkeyPatch,
    month_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    shown: str,
) -> None:
    config = tmp_path / "funder.toml"
    config.write_text(f"default_unit_rate = {setting}\n", encoding="utf-8")
    out = tmp_path / "out"
    code = reconcile(
        monkeypatch,
        "run",
        "--month",
        "2026-10",
        "--data",
        str(month_dir),
        "--out",
        str(out),
        "--config",
        str(config),
    )
    assert code == 2
    line = one_line_error(capsys.readouterr().err)
    assert line == f"error: {config}: {DEFAULT_RATE_RULE}, not {shown}"
    assert not out.exists()


def test_the_largest_default_rate_is_accepted_and_priced_exactly(
    monkeypatch: pytest.MonkeyPatch, month_dir: Path, tmp_path: Path
) -> None:
    # No rates file, so every amount comes from the default rate, at MAX_UNIT_RATE.
    (month_dir / "rates.csv").unlink()
    config = tmp_path / "funder.toml"
    config.write_text('default_unit_rate = "1000000.00"\n', encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", "--month", "2026-10", "--data", str(month_dir), "--out", str(out)]
    assert reconcile(monkeypatch, *args, "--config", str(config), "--quiet") == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["config"]["default_unit_rate"] == "1000000.00"
    days = pd.read_parquet(out / "client_days.parquet")
    assert days["unit_rate"].tolist() == [Decimal("1000000")] * 3
    amounts = ["claimed_amount", "allowable_amount", "disallowed_amount"]
    # Claimed 0.75, 1 and 0.25 units; 40 and 60 minutes allow 0.5 and 1, a voicemail nothing.
    assert days[["client_id", *amounts]].values.tolist() == [
        ["007", Decimal("750000.00"), Decimal("500000.00"), Decimal("250000.00")],
        ["007", Decimal("1000000.00"), Decimal("1000000.00"), Decimal("0.00")],
        ["008", Decimal("250000.00"), Decimal("0.00"), Decimal("250000.00")],
    ]


def test_validate_prints_counts_and_exits_0(
    monkeypatch: pytest.MonkeyPatch,
    month_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    assert (
        reconcile(
            monkeypatch,
            "validate",
            "--month",
            "2026-10",
            "--data",
            str(month_dir),
            "--out",
            str(out),
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "services.csv: 4 read, 3 accepted, 1 rejected" in printed
    assert (out / "rejected_rows.parquet").exists()


def test_explain_shows_the_arithmetic(
    monkeypatch: pytest.MonkeyPatch, month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["explain", "--month", "2026-10", "--data", str(month_dir)]
    assert (
        reconcile(monkeypatch, *args, "--provider", "P1", "--client", "007", "--date", "2026-10-05")
        == 0
    )
    text = capsys.readouterr().out
    assert (
        "40 countable minutes = 2 whole 15-minute increments (+10 min): 2 ÷ 4 = 0.50 units" in text
    )
    assert "Status: over_claimed" in text
    assert "claimed $45.00 = payable $30.00 + disallowed $15.00" in text
    assert "CLAIM_EXCEEDS_DOCUMENTATION (§1, §2)" in text


def test_explain_of_an_unknown_day_exits_2(
    monkeypatch: pytest.MonkeyPatch, month_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["explain", "--month", "2026-10", "--data", str(month_dir)]
    assert (
        reconcile(monkeypatch, *args, "--provider", "P1", "--client", "999", "--date", "2026-10-05")
        == 2
    )
    assert "no client-day" in one_line_error(capsys.readouterr().err)


def test_no_arguments_shows_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reconcile(monkeypatch)
    captured = capsys.readouterr()
    assert "run" in captured.out + captured.err and "Traceback" not in captured.err


CODES = ", ".join(ACTIVITIES)
TARGETS = ", ".join(COLUMN_MAP_TARGETS)


@pytest.mark.parametrize(
    ("toml", "reason"),
    [
        (
            '[activity_aliases]\nFoo = "bogus"\n',
            f"activity_aliases: 'Foo' must be one of {CODES}, not 'bogus'",
        ),
        # Alias values are used as written, so a code spelled like a header is not one.
        (
            '[activity_aliases]\n"Home Visit" = "Face-to-Face"\n',
            f"activity_aliases: 'Home Visit' must be one of {CODES}, not 'Face-to-Face'",
        ),
        (
            '[[column_maps]]\nname = "CaseTrack"\nfiles = ["*casetrack*"]\n'
            'columns = { "Client #" = "client_id", "Svc Date" = "service_dte" }\n',
            f"column map 'CaseTrack': 'Svc Date' must map to one of {TARGETS}, not 'service_dte'",
        ),
        # Provenance columns are the run's own, never read from a file.
        (
            '[[column_maps]]\nfiles = ["*"]\ncolumns = { "Row" = "source_row" }\n',
            f"column map 1: 'Row' must map to one of {TARGETS}, not 'source_row'",
        ),
        (
            '[[column_maps]]\nfiles = ["a*"]\ncolumns = {}\n'
            '[[column_maps]]\nfiles = ["b*"]\ncolumns = { "Units" = 1 }\n',
            f"column map 2: 'Units' must map to one of {TARGETS}, not 1",
        ),
        (
            '[[column_maps]]\nname = "CareLog"\nfiles = ["*carelog*"]\nsheets = "Visits"\n'
            "columns = {}\n",
            "column map 'CareLog': unknown key 'sheets'; the keys are name, files, sheet, columns",
        ),
        (
            "min_minute = 20\n",
            "unknown setting 'min_minute'; the settings are min_minutes, rounding, "
            "research_followup_days, staff_day_limit_minutes, default_unit_rate, "
            "workbook_detail_rows, response_days, review, activity_aliases, column_maps, limits",
        ),
    ],
    ids=[
        "alias-to-no-code",
        "alias-to-code-spelled-as-header",
        "map-target-typo",
        "map-target-provenance",
        "map-target-not-text",
        "map-unknown-key",
        "unknown-setting",
    ],
)
def test_a_config_typo_exits_2_naming_file_key_and_allowed_values(
    monkeypatch: pytest.MonkeyPatch,
    month_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    toml: str,
    reason: str,
) -> None:
    config = tmp_path / "funder.toml"
    config.write_text(toml, encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", "--month", "2026-10", "--data", str(month_dir), "--out", str(out)]
    assert reconcile(monkeypatch, *args, "--config", str(config)) == 2
    assert one_line_error(capsys.readouterr().err) == f"error: {config}: {reason}"
    assert not out.exists()


def test_an_authorizations_file_given_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, month_dir: Path, tmp_path: Path
) -> None:
    # 007 is authorized through 10-05 only; 008 not at all.
    authorizations = tmp_path / "authorizations.csv"
    authorizations.write_text(
        "provider_id,client_id,start_date,end_date,max_units_per_month\n"
        "P1,007,2026-10-01,2026-10-05,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    files = [f"--{kind}={month_dir / f'{kind}.csv'}" for kind in ("services", "claims", "rates")]
    args = ["run", "--month", "2026-10", *files, f"--authorizations={authorizations}"]
    assert reconcile(monkeypatch, *args, "--out", str(out), "--quiet") == 0
    lines = pd.read_parquet(out / "service_lines.parquet")
    assert lines["reasons"].str.contains("NOT_AUTHORIZED").tolist() == [False, True, True]
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["authorizations"].startswith("1 authorizations read from 1 file(s)")
    assert any(f["kind"] == "authorizations" for f in record["files"])


def test_without_authorizations_run_json_says_they_do_not_apply(
    monkeypatch: pytest.MonkeyPatch, month_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["run", "--month", "2026-10", "--data", str(month_dir), "--out", str(out), "--quiet"]
    assert reconcile(monkeypatch, *args) == 0
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["authorizations"] == (
        "no authorizations file given: NOT_AUTHORIZED and AUTHORIZATION_CAP do not apply"
    )
