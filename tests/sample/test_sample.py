"""The bundled sample month: deterministic, the promised size and shape, and every case present."""

import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.errors import UsageError
from pipeline.sample import month as sample
from pipeline.sample.month import sample_frames, write_sample

PLANTED_ROWS = 42  # PRV-A 24 rows + 1 re-exported copy, PRV-B 7, PRV-C 10
WRITTEN = [
    "services_provider-a.csv",
    "services_provider-b.xlsx",
    "services_provider-c.csv",
    "claims.csv",
    "rates.csv",
]
# Each services file's headers for service_date, activity, minutes, provider_id, client_id.
HEADERS = {
    "services_provider-a": ("service_date", "activity", "minutes", "provider_id", "client_id"),
    "services_provider-b": ("Service Date", "Activity", "Minutes", "Provider ID", "Client ID"),
    "services_provider-c": ("SERVICE DATE", "ACTIVITY", "MINUTES", "PROVIDER ID", "CLIENT ID"),
}
MINUTES_BY_ACTIVITY = {
    "face_to_face": (30, 120),
    "phone": (5, 30),
    "voicemail_left": (1, 5),
    "voicemail_listened": (1, 5),
    "mailing": (15, 30),
    "research": (20, 60),
    "case_staffing": (30, 90),
    "scheduling": (3, 10),
}


@pytest.fixture(scope="module")
def frames() -> dict[str, dict[str, pd.DataFrame]]:
    return sample_frames()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def services(frames: dict[str, dict[str, pd.DataFrame]]) -> pd.DataFrame:
    """Every services file's date, activity (as a SPEC code), minutes, provider and client."""
    parts = []
    for stem, frame in frames["services"].items():
        part = frame[list(HEADERS[stem])].set_axis(
            ["date", "activity", "minutes", "provider", "client"], axis=1
        )
        part["activity"] = part["activity"].str.lower().str.replace(r"[ \-]", "_", regex=True)
        parts.append(part.assign(file=stem))
    return pd.concat(parts, ignore_index=True)


def test_same_arguments_give_the_same_frames(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    again = sample_frames()
    for kind, files in frames.items():
        assert list(again[kind]) == list(files)
        for stem, frame in files.items():
            pd.testing.assert_frame_equal(again[kind][stem], frame)
    other = sample_frames(seed=7)
    assert not other["claims"]["claims"].equals(frames["claims"]["claims"])


def test_default_month_has_2400_lines_of_three_providers(services: pd.DataFrame) -> None:
    assert len(services) == 2400
    assert services.groupby("file")["provider"].unique().map(list).to_dict() == {
        "services_provider-a": ["PRV-A"],
        "services_provider-b": ["PRV-B"],
        "services_provider-c": ["PRV-C"],
    }
    clients = services.groupby("provider")["client"].nunique()
    assert clients.between(60, 120).all(), clients


@pytest.mark.parametrize(("lines", "rows"), [(500, 500), (0, PLANTED_ROWS), (10, PLANTED_ROWS)])
def test_lines_counts_every_services_row_and_never_drops_a_planted_one(
    lines: int, rows: int
) -> None:
    services = sample_frames(lines=lines)["services"]
    assert sum(len(f) for f in services.values()) == rows


def test_dates_are_weekday_heavy_and_in_the_month_but_two(services: pd.DataFrame) -> None:
    dates = pd.to_datetime(services["date"], format="mixed", errors="coerce")
    assert services.loc[dates.isna(), "date"].tolist() == ["10/32/2026"]
    outside = dates[(dates < pd.Timestamp("2026-10-01")) | (dates > pd.Timestamp("2026-10-31"))]
    assert sorted(outside.dt.strftime("%Y-%m-%d")) == ["2026-09-30", "2026-11-01"]
    assert (dates.dt.day_of_week >= 5).mean() < 0.05


def test_minutes_are_plausible_for_each_activity(services: pd.DataFrame) -> None:
    valid = services.loc[services["activity"] != "transport"]
    minutes = pd.to_numeric(valid["minutes"])
    assert valid.loc[minutes != minutes.round(), "minutes"].tolist() == ["45.5"]
    for activity, (low, high) in MINUTES_BY_ACTIVITY.items():
        of_activity = minutes[valid["activity"] == activity]
        assert len(of_activity) > 0, activity
        assert of_activity.between(low, high).all(), activity


def test_the_invalid_rows_a_real_export_has(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    a = frames["services"]["services_provider-a"]
    b = frames["services"]["services_provider-b"]
    claims = frames["claims"]["claims"]
    assert (a["client_specific"] == "").sum() == 1
    assert b.loc[b["Activity"] == "Transport", "Client ID"].tolist() == ["00127"]
    assert claims.loc[claims["units_claimed"] == "0.3", "client_id"].tolist() == ["C00211"]
    notes = pd.concat([f.iloc[:, -1] for f in frames["services"].values()])
    formula_like = notes[notes.str.match(r"[=+\-@]")]
    assert sorted(formula_like) == ["+1 called back; confirmed Tuesday's school meeting.",
                                    "=see attached intake form"]


def test_rates_leave_prv_c_to_the_default(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    rates = frames["rates"]["rates"]
    assert dict(zip(rates["provider_id"], rates["unit_rate"], strict=True)) == {
        "PRV-A": "62.00",
        "PRV-B": "58.50",
    }


def test_a_fourth_provider_gets_a_csv_and_a_rate() -> None:
    frames = sample_frames(lines=800, providers=4)
    assert list(frames["services"]) == [f"services_provider-{x}" for x in "abcd"]
    assert frames["rates"]["rates"]["provider_id"].tolist() == ["PRV-A", "PRV-B", "PRV-D"]
    assert set(frames["claims"]["claims"]["provider_id"]) == {"PRV-A", "PRV-B", "PRV-C", "PRV-D"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"month": "2026-13"}, "YYYY-MM"), ({"providers": 0}, "1 to 26"), ({"lines": -1}, "0")],
)
def test_bad_arguments_are_usage_errors(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        sample_frames(**arguments)


def test_write_sample_is_byte_identical_for_csv_and_cell_identical_for_xlsx(
    written: list[Path], tmp_path: Path
) -> None:
    first, second = written, write_sample(tmp_path)
    assert [p.name for p in first] == WRITTEN
    for one, two in zip(first, second, strict=True):
        if one.suffix == ".csv":
            assert one.read_bytes() == two.read_bytes()
        else:
            pd.testing.assert_frame_equal(
                pd.read_excel(one, engine="calamine", dtype=object),
                pd.read_excel(two, engine="calamine", dtype=object),
            )


def test_the_bundled_sample_is_what_the_generator_writes(written: list[Path]) -> None:
    bundled = Path(__file__).resolve().parents[2] / "data" / "sample"
    assert sorted(p.name for p in bundled.iterdir()) == sorted(WRITTEN)
    for fresh in written:
        if fresh.suffix == ".csv":
            assert (bundled / fresh.name).read_bytes() == fresh.read_bytes(), fresh.name
        else:
            pd.testing.assert_frame_equal(
                pd.read_excel(bundled / fresh.name, engine="calamine", dtype=object),
                pd.read_excel(fresh, engine="calamine", dtype=object),
            )


def of_type(cells: pd.Series, kind: type) -> pd.Series:
    """True where a cell's type is exactly `kind`: a bool is no int, a Timestamp no datetime."""
    return cells.map(lambda cell: type(cell) is kind)


def test_the_xlsx_has_date_cells_numbers_and_zero_led_text_ids(written: list[Path]) -> None:
    (path,) = [p for p in written if p.suffix == ".xlsx"]
    cells = pd.read_excel(path, engine="calamine", dtype=object, sheet_name="Service Log")
    ids = cells["Client ID"]
    text_ids = ids[of_type(ids, str)]
    assert "00123" in set(text_ids) and text_ids.str.startswith("0").all()
    assert 12345 in set(ids[of_type(ids, int)])
    assert len(text_ids) < len(ids) / 2
    assert of_type(cells["Service Date"], datetime.datetime).all()
    assert of_type(cells["Minutes"], int).all()
    assert cells["Client Specific"].value_counts().index.tolist() == ["Yes", "No"]


def test_large_samples_are_csv_only_and_replace_a_stale_xlsx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert write_sample(tmp_path, lines=100)[1].name == "services_provider-b.xlsx"
    monkeypatch.setattr(sample, "XLSX_MAX_LINES", 99)
    names = [p.name for p in write_sample(tmp_path, lines=100)]
    assert names[1] == "services_provider-b.csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert write_sample(tmp_path, lines=100, xlsx=True)[1].suffix == ".xlsx"


@pytest.mark.slow
def test_every_code_and_status_occurs_in_the_reconciled_sample(written: list[Path]) -> None:
    from pipeline.config import default_config
    from pipeline.engines.pandas_engine import reconciled_month
    from pipeline.result import Inputs
    from pipeline.rules.table import RULES, Kind
    from schemas.columns import STATUSES

    def named(prefix: str) -> tuple[Path, ...]:
        return tuple(p for p in written if p.name.startswith(prefix))

    inputs = Inputs(named("services"), named("claims"), named("rates"))
    result = reconciled_month(inputs, "2026-10", default_config())

    assert not result.loaded.any_file_rejected
    assert len(result.loaded.rejected) == 5
    assert sum(f.rows_read for f in result.loaded.files if f.kind == "services") == 2400
    line_codes = {c for text in result.lines["reasons"] for c in text.split(";") if c}
    assert line_codes == {r.code for r in RULES if r.kind is not Kind.WARNING}
    assert set(result.warnings["code"]) == {r.code for r in RULES if r.kind is Kind.WARNING}
    statuses = result.days["status"].value_counts()
    assert set(statuses.index) == set(STATUSES)
    claimed = result.days.loc[result.days["claimed_units"] > 0, "status"]
    assert (claimed == "match").mean() > 0.75
    ids = result.days.set_index("client_id")["status"]
    assert ids["12345"] == "match"  # a number cell matched to claims.csv text
    assert ids["00123"] == "under_claimed"  # a text cell keeps its leading zeros
    assert result.providers_without_rate == ()  # PRV-C takes the configured default
