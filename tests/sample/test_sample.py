"""The bundled sample month: deterministic, the promised size and shape, and every case present:
every code of the rules table where the planted rows put it, and nowhere else they would not."""

import datetime
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.errors import UsageError
from pipeline.sample import month as sample
from pipeline.sample.month import sample_frames, write_sample

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "sample"
MONTH = "2026-10"
PLANTED_ROWS = 81  # PRV-A 41 rows + 1 re-exported copy, PRV-B 17, PRV-C 22
WRITTEN = [
    "services_provider-a.csv",
    "services_provider-b.xlsx",
    "services_provider-c.csv",
    "claims.csv",
    "rates.csv",
    "authorizations.csv",
]
# Each services file's headers for service_date, activity, minutes, provider_id, client_id,
# staff_id, note, service_id, start_time and end_time (None: the file has no clock times).
HEADERS = {
    "services_provider-a": (
        "service_date", "activity", "minutes", "provider_id", "client_id", "staff_id", "note",
        "service_id", "start_time", "end_time",
    ),
    "services_provider-b": (
        "Service Date", "Activity", "Minutes", "Provider ID", "Client ID", "Staff ID", "Note",
        "Service ID", None, None,
    ),
    "services_provider-c": (
        "SERVICE DATE", "ACTIVITY", "MINUTES", "PROVIDER ID", "CLIENT ID", "STAFF ID", "NOTE",
        "SERVICE ID", "START TIME", "END TIME",
    ),
}
NAMES = (
    "date", "activity", "minutes", "provider", "client", "staff", "note", "service", "start", "end",
)
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
TWENTY_FOUR_HOUR = r"(?:[01]?\d|2[0-3]):[0-5]\d"
TWELVE_HOUR = r"(?:[1-9]|1[0-2]):[0-5]\d [AP]M"

# The planted lines that no authorization covers (v2 §9), and nothing else: a window that ended
# on the 15th, one that starts on the 12th, and a client with none.
NOT_AUTHORIZED = {
    ("PRV-A", "C00150", "2026-10-20"),
    ("PRV-C", "C00150", "2026-10-08"),
    ("PRV-B", "00133", "2026-10-09"),
    ("PRV-B", "00133", "2026-10-21"),
}

# Planted client-days, worked out by hand: (provider, client, date) -> (reasons, review,
# allowable units, status).
PLANTED_DAYS: dict[tuple[str, str, str], tuple[str, str, float, str]] = {
    # Research follow-up (§3, v2 §8.4): PRV-A's data reach Nov 1 (a planted letter), PRV-B's
    # Oct 31; a window is research date + 30 days.
    ("PRV-A", "C00119", "2026-10-01"): ("RESEARCH_NO_FOLLOWUP", "", 0.0, "over_claimed"),
    ("PRV-A", "C00120", "2026-10-02"): ("RESEARCH_NO_FOLLOWUP", "", 0.0, "over_claimed"),
    ("PRV-B", "00129", "2026-10-02"): ("RESEARCH_FOLLOWUP_PENDING", "", 0.0, "over_claimed"),
    ("PRV-A", "C00105", "2026-10-07"): ("RESEARCH_FOLLOWUP_PENDING", "", 0.0, "over_claimed"),
    # Note screening (v2 §8.1): flags, units unchanged.
    ("PRV-A", "C00121", "2026-10-05"): ("", "NOTE_SUGGESTS_VOICEMAIL", 0.25, "match"),
    ("PRV-A", "C00122", "2026-10-07"): ("", "NOTE_SUGGESTS_VOICEMAIL", 0.25, "match"),
    ("PRV-B", "00130", "2026-10-05"): ("", "NOTE_SUGGESTS_VOICEMAIL", 0.25, "match"),
    ("PRV-C", "C00212", "2026-10-05"): ("", "NOTE_SUGGESTS_VOICEMAIL", 0.25, "match"),
    ("PRV-A", "C00123", "2026-10-08"): ("", "NOTE_SUGGESTS_SCHEDULING", 0.25, "match"),
    ("PRV-B", "00131", "2026-10-07"): ("", "NOTE_SUGGESTS_SCHEDULING", 0.25, "match"),
    ("PRV-C", "C00213", "2026-10-06"): ("", "NOTE_SUGGESTS_SCHEDULING", 0.25, "match"),
    ("PRV-A", "C00124", "2026-10-09"): ("", "NOTE_SUGGESTS_GROUP", 0.25, "match"),
    ("PRV-B", "00132", "2026-10-09"): ("", "NOTE_SUGGESTS_GROUP", 0.25, "match"),
    ("PRV-C", "C00214", "2026-10-08"): ("", "NOTE_SUGGESTS_GROUP", 0.25, "match"),
    ("PRV-C", "C00215", "2026-10-14"): ("", "", 1.0, "match"),  # "LVMC" is not "lvm"
    # Clock times (v2 §8.3).
    ("PRV-A", "C00125", "2026-10-06"): ("", "STAFF_TIME_OVERLAP", 1.0, "match"),
    ("PRV-A", "C00126", "2026-10-06"): ("", "STAFF_TIME_OVERLAP", 0.5, "match"),
    ("PRV-A", "C00127", "2026-10-08"): ("", "", 0.75, "match"),  # 13:00-13:45, then
    ("PRV-A", "C00128", "2026-10-08"): ("", "", 0.25, "match"),  # 13:45-14:00: no overlap
    ("PRV-A", "C00129", "2026-10-13"): ("", "STAFF_TIME_OVERLAP", 1.5, "match"),
    ("PRV-A", "C00130", "2026-10-13"): ("", "STAFF_TIME_OVERLAP", 0.25, "match"),
    ("PRV-A", "C00131", "2026-10-16"): ("", "MINUTES_EXCEED_INTERVAL", 1.5, "match"),
    ("PRV-C", "C00217", "2026-10-07"): ("", "MINUTES_EXCEED_INTERVAL", 1.25, "match"),
    ("PRV-C", "C00218", "2026-10-12"): ("", "STAFF_TIME_OVERLAP", 1.0, "match"),
    ("PRV-C", "C00219", "2026-10-12"): ("", "STAFF_TIME_OVERLAP", 0.5, "match"),
    # The client moving from PRV-A to PRV-C (v2 §8.2, §9).
    ("PRV-A", "C00150", "2026-10-14"): ("", "", 0.5, "match"),
    ("PRV-C", "C00150", "2026-10-14"): ("", "", 1.0, "match"),
    ("PRV-A", "C00150", "2026-10-15"): ("", "", 0.25, "match"),  # the authorization's last day
    ("PRV-A", "C00150", "2026-10-20"): ("NOT_AUTHORIZED", "", 0.0, "over_claimed"),
    ("PRV-C", "C00150", "2026-10-08"): ("NOT_AUTHORIZED", "", 0.0, "over_claimed"),
    ("PRV-B", "00133", "2026-10-09"): ("NOT_AUTHORIZED", "", 0.0, "over_claimed"),
    ("PRV-B", "00133", "2026-10-21"): ("NOT_AUTHORIZED", "", 0.0, "over_claimed"),
    # Caps (v2 §9): 2.5 units passed on the 13th (1.00 + 1.25 + 1.00: 0.25 kept), 2 units
    # reached exactly on the 9th (kept whole).
    ("PRV-B", "00134", "2026-10-08"): ("", "", 1.25, "match"),
    ("PRV-B", "00134", "2026-10-13"): ("AUTHORIZATION_CAP", "", 0.25, "over_claimed"),
    ("PRV-B", "00134", "2026-10-19"): ("AUTHORIZATION_CAP", "", 0.0, "over_claimed"),
    ("PRV-C", "C00216", "2026-10-09"): ("", "", 1.0, "match"),
    ("PRV-C", "C00216", "2026-10-16"): ("AUTHORIZATION_CAP", "", 0.0, "over_claimed"),
    # Claims the notes do not support (v2 §4.1): 14 minutes claimed as 0.25, and a claim of a
    # day with no services row.
    ("PRV-A", "C00113", "2026-10-19"): (
        "BELOW_MINIMUM;CLAIM_EXCEEDS_DOCUMENTATION", "", 0.0, "over_claimed"
    ),
    ("PRV-C", "C00210", "2026-10-09"): ("NO_DOCUMENTATION", "", 0.0, "no_documentation"),
}

# Every review flag and §8.2 warning of the month, all planted (the bulk makes none):
# (code, provider, client, date) -> the evidence its detail quotes (for an overlap, the client
# of the other line, whose row it names).
PLANTED_REVIEW = {
    ("NOTE_SUGGESTS_VOICEMAIL", "PRV-A", "C00121", "2026-10-05"): '"left a message"',
    ("NOTE_SUGGESTS_VOICEMAIL", "PRV-A", "C00122", "2026-10-07"): '"lvm"',
    ("NOTE_SUGGESTS_VOICEMAIL", "PRV-B", "00130", "2026-10-05"): '"dejé un mensaje"',
    ("NOTE_SUGGESTS_VOICEMAIL", "PRV-C", "C00212", "2026-10-05"): '"kite mesaj"',
    ("NOTE_SUGGESTS_SCHEDULING", "PRV-A", "C00123", "2026-10-08"): '"appointment reminder"',
    ("NOTE_SUGGESTS_SCHEDULING", "PRV-B", "00131", "2026-10-07"): '"reprogramé"',
    ("NOTE_SUGGESTS_SCHEDULING", "PRV-C", "C00213", "2026-10-06"): '"konfime randevou"',
    ("NOTE_SUGGESTS_GROUP", "PRV-A", "C00124", "2026-10-09"): '"flyers"',
    ("NOTE_SUGGESTS_GROUP", "PRV-B", "00132", "2026-10-09"): '"volantes"',
    ("NOTE_SUGGESTS_GROUP", "PRV-C", "C00214", "2026-10-08"): '"feyè"',
    ("STAFF_TIME_OVERLAP", "PRV-A", "C00125", "2026-10-06"): "C00126",
    ("STAFF_TIME_OVERLAP", "PRV-A", "C00126", "2026-10-06"): "C00125",
    ("STAFF_TIME_OVERLAP", "PRV-A", "C00129", "2026-10-13"): "C00130",
    ("STAFF_TIME_OVERLAP", "PRV-A", "C00130", "2026-10-13"): "C00129",
    ("STAFF_TIME_OVERLAP", "PRV-C", "C00218", "2026-10-12"): "C00219",
    ("STAFF_TIME_OVERLAP", "PRV-C", "C00219", "2026-10-12"): "C00218",
    ("MINUTES_EXCEED_INTERVAL", "PRV-A", "C00131", "2026-10-16"): "90 minutes",
    ("MINUTES_EXCEED_INTERVAL", "PRV-C", "C00217", "2026-10-07"): "75 minutes",
    ("CROSS_PROVIDER_SAME_DAY", "PRV-A", "C00150", "2026-10-14"): "PRV-C",
    ("CROSS_PROVIDER_SAME_DAY", "PRV-C", "C00150", "2026-10-14"): "PRV-A",
}
OVERLAP_MINUTES = {"C00125": 1, "C00126": 1, "C00129": 20, "C00130": 20, "C00218": 15,
                   "C00219": 15}

# `reconcile explain` on a planted day of each code of the rules table: the code must be
# printed. A staff-day warning has no client, and explain shows only the client-day's own rows.
EXPLAINED = [
    ("DUPLICATE_SERVICE", "PRV-A", "C00101", "2026-10-02"),
    ("OUTSIDE_PERIOD", "PRV-A", "C00102", "2026-09-30"),
    ("UNDOCUMENTED", "PRV-A", "C00106", "2026-10-08"),
    ("VOICEMAIL", "PRV-A", "C00107", "2026-10-09"),
    ("NOT_SIGNIFICANT", "PRV-A", "C00108", "2026-10-13"),
    ("NOT_CLIENT_SPECIFIC", "PRV-A", "C00109", "2026-10-14"),
    ("INTERNAL_STAFFING", "PRV-A", "C00110", "2026-10-15"),
    ("BELOW_MINIMUM", "PRV-A", "C00112", "2026-10-16"),
    ("MULTIPLE_CLAIM_LINES", "PRV-B", "00126", "2026-10-14"),
    ("STAFF_DAY_OVER_LIMIT", "PRV-C", "C00201", "2026-10-13"),
    ("NOT_AUTHORIZED", "PRV-A", "C00150", "2026-10-20"),
    ("RESEARCH_NO_FOLLOWUP", "PRV-A", "C00119", "2026-10-01"),
    ("RESEARCH_FOLLOWUP_PENDING", "PRV-B", "00129", "2026-10-02"),
    ("NOTE_SUGGESTS_VOICEMAIL", "PRV-B", "00130", "2026-10-05"),
    ("NOTE_SUGGESTS_SCHEDULING", "PRV-C", "C00213", "2026-10-06"),
    ("NOTE_SUGGESTS_GROUP", "PRV-A", "C00124", "2026-10-09"),
    ("STAFF_TIME_OVERLAP", "PRV-A", "C00125", "2026-10-06"),
    ("MINUTES_EXCEED_INTERVAL", "PRV-C", "C00217", "2026-10-07"),
    ("AUTHORIZATION_CAP", "PRV-B", "00134", "2026-10-13"),
    ("NO_DOCUMENTATION", "PRV-C", "C00210", "2026-10-09"),
    ("CLAIM_EXCEEDS_DOCUMENTATION", "PRV-A", "C00113", "2026-10-19"),
    ("CROSS_PROVIDER_SAME_DAY", "PRV-C", "C00150", "2026-10-14"),
]


@pytest.fixture(scope="module")
def frames() -> dict[str, dict[str, pd.DataFrame]]:
    return sample_frames()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def services(frames: dict[str, dict[str, pd.DataFrame]]) -> pd.DataFrame:
    """Every services file's columns of HEADERS under NAMES (activity as a SPEC code, blank
    times where a file has none), with each row's file and the row number a person sees."""
    parts = []
    for stem, frame in frames["services"].items():
        part = pd.DataFrame(
            {name: frame[h] if h else "" for name, h in zip(NAMES, HEADERS[stem], strict=True)}
        )
        part["activity"] = part["activity"].str.lower().str.replace(r"[ \-]", "_", regex=True)
        parts.append(part.assign(file=stem, row=frame.index + 2))
    return pd.concat(parts, ignore_index=True)


def row_of(services: pd.DataFrame, provider: str, client: str) -> int:
    """The file row of a planted client's only line at a provider."""
    (row,) = services.loc[
        (services["provider"] == provider) & (services["client"] == client), "row"
    ].tolist()
    return int(row)


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
    assert clients.between(60, 130).all(), clients


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


def test_clock_times_are_in_each_systems_style_on_part_of_the_lines(
    services: pd.DataFrame,
) -> None:
    a = services.loc[services["provider"] == "PRV-A"]
    b = services.loc[services["provider"] == "PRV-B"]
    c = services.loc[services["provider"] == "PRV-C"]
    assert ((a["start"] == "") == (a["end"] == "")).all()
    assert 0.55 < (a["start"] != "").mean() < 0.75  # about two lines in three
    assert a.loc[a["start"] != "", "start"].str.fullmatch(TWENTY_FOUR_HOUR).all()
    assert a.loc[a["end"] != "", "end"].str.fullmatch(TWENTY_FOUR_HOUR).all()
    assert (b["start"] == "").all()  # PRV-B's system records no times
    timed = c.loc[c["start"] != ""]
    assert set(timed["activity"]) == {"face_to_face"}  # PRV-C times its visits only
    assert (c.loc[c["activity"] == "face_to_face", "start"] != "").mean() > 0.8
    assert timed["start"].str.fullmatch(TWELVE_HOUR).all()
    assert timed["end"].str.fullmatch(TWELVE_HOUR).all()
    assert {"11:30 AM", "12:15 PM", "2:00 PM"} <= set(timed["start"])


def minutes_after_midnight(text: pd.Series) -> pd.Series:
    """'9:05', '14:30' or '2:30 PM' as minutes after midnight (NaN for blank)."""
    parts = text.str.extract(r"^(\d+):(\d\d)(?: ([AP])M)?$")
    hour = pd.to_numeric(parts[0])
    twelve = parts[2].notna()
    hour = hour.where(~twelve, hour % 12 + 12 * (parts[2] == "P"))
    return hour * 60 + pd.to_numeric(parts[1])


def test_only_planted_lines_overlap_or_exceed_their_clock_times(services: pd.DataFrame) -> None:
    timed = services.loc[services["start"] != ""].assign(
        start=lambda f: minutes_after_midnight(f["start"]),
        end=lambda f: minutes_after_midnight(f["end"]),
        minutes=lambda f: pd.to_numeric(f["minutes"], errors="coerce"),
    )
    assert (timed["end"] > timed["start"]).all()
    exceeding = timed.loc[timed["minutes"] > timed["end"] - timed["start"], "client"]
    assert sorted(exceeding) == ["C00131", "C00217"]
    # Overlaps within a provider's staff-day, by brute force on this small month; a re-exported
    # copy (DUPLICATE_SERVICE) is not a second line.
    timed = timed.drop_duplicates(["provider", "service"])
    pairs = timed.merge(timed, on=["provider", "staff", "date"], suffixes=("", "_other"))
    pairs = pairs.loc[pairs["row"] != pairs["row_other"]]
    shared = pairs[["end", "end_other"]].min(axis=1) - pairs[["start", "start_other"]].max(axis=1)
    overlapping = pairs.loc[shared >= 1]
    found = dict(zip(overlapping["client"], shared[shared >= 1], strict=True))
    assert found == OVERLAP_MINUTES


def test_authorizations_cover_every_line_but_the_planted_gaps(
    frames: dict[str, dict[str, pd.DataFrame]], services: pd.DataFrame
) -> None:
    periods = frames["authorizations"]["authorizations"]
    start = pd.to_datetime(periods["start_date"], format="%Y-%m-%d")
    end = pd.to_datetime(periods["end_date"].replace("", None), format="%Y-%m-%d")
    open_ended = end.isna()
    forever = end.where(~open_ended, start.max() + pd.DateOffset(years=9))
    valid = periods.assign(start=start, end=forever).loc[open_ended | (end >= start)]
    lines = services[["provider", "client", "date"]].assign(
        date=pd.to_datetime(services["date"], format="mixed", errors="coerce")
    )
    lines = lines.loc[lines["date"].notna()]
    both = lines.merge(
        valid, left_on=["provider", "client"], right_on=["provider_id", "client_id"], how="left"
    )
    both = both.assign(covered=both["date"].between(both["start"], both["end"]))
    covering = both.groupby(["provider", "client", "date"])["covered"].any().reset_index()
    gaps = covering.loc[~covering["covered"]]
    dates = gaps["date"].dt.strftime("%Y-%m-%d")
    assert set(zip(gaps["provider"], gaps["client"], dates, strict=True)) == NOT_AUTHORIZED


def test_authorizations_have_windows_caps_and_open_ends(
    frames: dict[str, dict[str, pd.DataFrame]],
) -> None:
    periods = frames["authorizations"]["authorizations"]
    assert list(periods.columns) == [
        "authorization_id", "provider_id", "client_id", "start_date", "end_date",
        "max_units_per_month",
    ]
    assert periods["authorization_id"].is_unique
    assert set(periods["provider_id"]) == {"PRV-A", "PRV-B", "PRV-C"}
    assert 0.1 < (periods["end_date"] == "").mean() < 0.3  # open-ended
    assert 0.2 < (periods["max_units_per_month"] == "").mean() < 0.4  # no cap
    caps = pd.to_numeric(periods["max_units_per_month"].replace("", None)).dropna()
    assert ((caps * 4) % 1 == 0).all()

    def of(provider: str, client: str) -> list[list[str]]:
        mine = (periods["provider_id"] == provider) & (periods["client_id"] == client)
        return periods.loc[mine, ["start_date", "end_date", "max_units_per_month"]].values.tolist()

    assert of("PRV-B", "00134") == [["2026-08-01", "2027-01-31", "2.5"]]
    assert of("PRV-C", "C00216") == [["2026-09-01", "2027-08-31", "2"]]
    assert of("PRV-A", "C00150") == [["2026-06-01", "2026-10-15", ""]]  # ends mid-month
    assert of("PRV-C", "C00150") == [["2026-10-12", "", ""]]  # starts mid-month, open-ended
    assert of("PRV-B", "00133") == []


def test_the_invalid_rows_a_real_export_has(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    a = frames["services"]["services_provider-a"]
    b = frames["services"]["services_provider-b"]
    claims = frames["claims"]["claims"]
    assert (a["client_specific"] == "").sum() == 1
    assert b.loc[b["Activity"] == "Transport", "Client ID"].tolist() == ["00127"]
    assert claims.loc[claims["units_claimed"] == "0.3", "client_id"].tolist() == ["C00211"]
    notes = pd.concat(
        [f[HEADERS[stem][NAMES.index("note")]] for stem, f in frames["services"].items()]
    )
    formula_like = notes[notes.str.match(r"[=+\-@]")]
    assert sorted(formula_like) == ["+1 called back; confirmed Tuesday's school meeting.",
                                    "=see attached intake form"]


def test_rates_leave_prv_c_to_the_default(frames: dict[str, dict[str, pd.DataFrame]]) -> None:
    rates = frames["rates"]["rates"]
    assert dict(zip(rates["provider_id"], rates["unit_rate"], strict=True)) == {
        "PRV-A": "62.00",
        "PRV-B": "58.50",
    }


def test_a_fourth_provider_gets_a_csv_a_rate_and_authorizations() -> None:
    frames = sample_frames(lines=800, providers=4)
    assert list(frames["services"]) == [f"services_provider-{x}" for x in "abcd"]
    assert frames["rates"]["rates"]["provider_id"].tolist() == ["PRV-A", "PRV-B", "PRV-D"]
    assert set(frames["claims"]["claims"]["provider_id"]) == {"PRV-A", "PRV-B", "PRV-C", "PRV-D"}
    d = frames["services"]["services_provider-d"]
    authorized = frames["authorizations"]["authorizations"]
    assert set(d["client_id"]) <= set(authorized.loc[authorized["provider_id"] == "PRV-D",
                                                     "client_id"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"month": "2026-13"}, "YYYY-MM"), ({"providers": 0}, "1 to 26"), ({"lines": -1}, "0")],
)
def test_bad_arguments_are_usage_errors(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        sample_frames(**arguments)


def test_write_sample_is_byte_identical(written: list[Path], tmp_path: Path) -> None:
    # The .xlsx too: its document properties and zip entries carry a fixed time, not "now".
    first, second = written, write_sample(tmp_path)
    assert [p.name for p in first] == WRITTEN
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_the_bundled_sample_is_what_the_generator_writes(written: list[Path]) -> None:
    assert sorted(p.name for p in BUNDLED.iterdir()) == sorted(WRITTEN)
    for fresh in written:
        assert (BUNDLED / fresh.name).read_bytes() == fresh.read_bytes(), fresh.name


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


@pytest.fixture(scope="module")
def reconciled() -> Any:
    """The bundled sample month, reconciled as `make reconcile` does."""
    from pipeline.config import default_config
    from pipeline.engines.pandas_engine import reconciled_month
    from pipeline.ingest.load import discovered_inputs

    return reconciled_month(discovered_inputs(BUNDLED, MONTH), MONTH, default_config())


def codes_in(column: pd.Series) -> set[str]:
    return {code for text in column for code in str(text).split(";") if code}


@pytest.mark.slow
def test_every_code_of_the_rules_table_and_every_status_occurs(reconciled: Any) -> None:
    from pipeline.rules.table import Kind, codes
    from schemas.columns import STATUSES

    result = reconciled
    assert not result.loaded.any_file_rejected
    assert len(result.loaded.rejected) == 7  # 5 services and claims rows, 2 authorizations
    assert sum(f.rows_read for f in result.loaded.files if f.kind == "services") == 2400
    assert codes_in(result.lines["reasons"]) == {*codes(Kind.LINE), "BELOW_MINIMUM"}
    assert codes_in(result.lines["review"]) == set(codes(Kind.REVIEW))
    assert set(codes(Kind.DAY)) <= codes_in(result.days["reasons"])
    assert codes_in(result.days["review"]) == set(codes(Kind.REVIEW))
    assert set(result.review["code"]) == {*codes(Kind.REVIEW), *codes(Kind.WARNING)}
    statuses = result.days["status"].value_counts()
    assert set(statuses.index) == set(STATUSES)
    claimed = result.days.loc[result.days["claimed_units"] > 0, "status"]
    assert (claimed == "match").mean() > 0.75
    ids = result.days.groupby("client_id")["status"].first()
    assert ids["12345"] == "match"  # a number cell matched to claims.csv text
    assert ids["00123"] == "under_claimed"  # a text cell keeps its leading zeros
    assert result.providers_without_rate == ()  # PRV-C takes the configured default


@pytest.mark.slow
def test_each_planted_day_comes_out_as_worked_out_by_hand(reconciled: Any) -> None:
    days = reconciled.days.assign(date=reconciled.days["service_date"].dt.strftime("%Y-%m-%d"))
    found = {
        (d.provider_id, d.client_id, d.date): (d.reasons, d.review, d.allowable_units, d.status)
        for d in days.itertuples()
        if (d.provider_id, d.client_id, d.date) in PLANTED_DAYS
    }
    assert found == PLANTED_DAYS
    lines = reconciled.lines.assign(date=reconciled.lines["service_date"].dt.strftime("%Y-%m-%d"))
    unauthorized = lines.loc[lines["reasons"].str.contains("NOT_AUTHORIZED")]
    assert set(zip(unauthorized["provider_id"], unauthorized["client_id"], unauthorized["date"],
                   strict=True)) == NOT_AUTHORIZED
    capped = days.loc[days["reasons"].str.contains("AUTHORIZATION_CAP")]
    assert len(capped) == 3  # only the planted caps: the bulk's have room


@pytest.mark.slow
def test_every_review_flag_and_cross_provider_warning_is_a_planted_one(
    reconciled: Any, services: pd.DataFrame
) -> None:
    from pipeline.rules.table import Kind, codes

    review = reconciled.review
    planted_codes = {*codes(Kind.REVIEW), "CROSS_PROVIDER_SAME_DAY"}
    rows = review.loc[review["code"].isin(planted_codes)]
    dates = rows["service_date"].dt.strftime("%Y-%m-%d")
    found = dict(zip(zip(rows["code"], rows["provider_id"], rows["client_id"], dates,
                         strict=True), rows["detail"], strict=True))
    assert set(found) == set(PLANTED_REVIEW)
    for (code, provider, client, _), evidence in PLANTED_REVIEW.items():
        detail = found[(code, provider, client, _)]
        if code == "STAFF_TIME_OVERLAP":
            minutes = OVERLAP_MINUTES[client]
            assert f"row {row_of(services, provider, evidence)} of " in detail, detail
            assert re.search(rf"\bby {minutes} minute", detail), detail
        else:
            assert evidence in detail, detail


@pytest.mark.slow
def test_the_authorizations_planted_bad_rows_are_rejected_with_plain_sentences(
    reconciled: Any, frames: dict[str, dict[str, pd.DataFrame]]
) -> None:
    periods = frames["authorizations"]["authorizations"]
    rejected = reconciled.loaded.rejected
    rejected = rejected.loc[rejected["source_file"].str.endswith("authorizations.csv")]

    def row(client: str, start: str) -> int:
        (at,) = periods.index[(periods["client_id"] == client) & (periods["start_date"] == start)]
        return int(at) + 2

    renewal, current = row("C00111", "2026-10-01"), row("C00111", "2026-04-01")
    backwards = row("00126", "2026-11-01")
    assert rejected[["source_row", "column", "value"]].values.tolist() == sorted(
        [[renewal, "start_date", "2026-10-01"], [backwards, "end_date", "2026-04-30"]]
    )
    overlap, reversed_period = rejected.sort_values("source_row")["error"].tolist()
    assert overlap.startswith("the period 2026-10-01 to 2027-09-30 overlaps row ")
    assert f"row {current} of " in overlap and "(2026-04-01 to 2027-03-31)" in overlap
    assert reversed_period == "end_date '2026-04-30' is before start_date '2026-11-01'"


@pytest.fixture(scope="module")
def reconciled_once(reconciled: Any) -> Callable[..., Any]:
    """reconciled_month for the bundled month, computed once for every explain below."""
    return lambda *args, **kwargs: reconciled


def test_explain_is_tried_on_every_code_of_the_rules_table() -> None:
    from pipeline.rules.table import RULES

    assert sorted(code for code, *_ in EXPLAINED) == sorted(rule.code for rule in RULES)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("code", "provider", "client", "date"),
    EXPLAINED,
)
def test_explain_shows_each_code_on_its_planted_day(
    code: str,
    provider: str,
    client: str,
    date: str,
    reconciled_once: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pipeline.cli import main

    # The command reconciles the month each time; the month is the same, so reuse it.
    monkeypatch.setattr("pipeline.engines.pandas_engine.reconciled_month", reconciled_once)
    args = ["explain", "--month", MONTH, "--data", str(BUNDLED), "--provider", provider,
            "--client", client, "--date", date]
    monkeypatch.setattr(sys, "argv", ["reconcile", *args])
    with pytest.raises(SystemExit) as done:
        main()
    assert (done.value.code or 0) == 0
    text = capsys.readouterr().out
    assert f"Provider {provider}, client {client}, {date}" in text
    assert code in text, text
