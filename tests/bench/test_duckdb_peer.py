"""The DuckDB peer of `make bench` does the same job as the pipeline (issue 12).

The sample month (CSV only) goes through both; client_days.parquet must agree row for row on
every column the pipeline writes. Columns the pipeline does not write yet (SPEC v2) are compared
from the day its parquet has them. Until then two v1 columns are read the v1 way: `reasons`
without the codes the pipeline's rules table does not know yet, and `disallowed_amount` as v1's
money(max(variance, 0)) instead of v2's claimed - payable. A tiny hand-computed month checks the
v2 rules the pipeline cannot be compared on yet.
"""

import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.rules.table import BY_CODE
from pipeline.sample.month import write_sample

pytest.importorskip(
    "duckdb", reason="the DuckDB peer needs the bench extra: pip install -e '.[bench]'"
)

from bench import duckdb_peer  # noqa: E402  (after the skip: it is only useful with duckdb)

pytestmark = pytest.mark.slow

MONTH = "2026-10"
KEY = ["provider_id", "client_id", "service_date"]
V1_COLUMNS = (
    "provider_id", "client_id", "service_date", "documented_minutes", "countable_minutes",
    "claimed_units", "allowable_units", "variance_units", "status", "reasons", "unit_rate",
    "claimed_amount", "allowable_amount", "disallowed_amount",
)
# A v2 code the pipeline may not know yet, and the v1 code it replaces (SPEC §8.4).
REPLACED = {"RESEARCH_FOLLOWUP_PENDING": "RESEARCH_NO_FOLLOWUP"}
CENT = Decimal("0.01")


def client_days(folder: Path) -> pd.DataFrame:
    frame = pq.read_table(folder / "client_days.parquet").to_pandas()
    return frame.sort_values(KEY, ignore_index=True)


def known_reasons(reasons: str) -> str:
    """The codes the pipeline's rules table knows, in the same order (replaced ones mapped)."""
    kept: list[str] = []
    for code in filter(None, reasons.split(";")):
        known = code if code in BY_CODE else REPLACED.get(code, "")
        if known in BY_CODE and known not in kept:
            kept.append(known)
    return ";".join(kept)


def v1_disallowed(days: pd.DataFrame) -> pd.Series:
    """SPEC v1: money(max(claimed - allowable, 0)), cents half up."""
    return pd.Series(
        [
            (Decimal(str(max(v, 0.0))) * rate).quantize(CENT, rounding=ROUND_HALF_UP)
            for v, rate in zip(days["variance_units"], days["unit_rate"], strict=True)
        ],
        index=days.index,
    )


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample month's client-days from the pipeline and from the peer."""
    root = tmp_path_factory.mktemp("peer")
    data = root / "data"
    write_sample(data, month=MONTH, xlsx=False)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--month", MONTH, "--data", str(data),
         "--out", str(root / "pipeline"), "--formats", "parquet", "--quiet"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    duckdb_peer.run(data, MONTH, root / "duckdb", threads=2)
    return client_days(root / "pipeline"), client_days(root / "duckdb")


def test_the_peer_has_the_pipelines_client_days_row_for_row(
    both: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    pipeline, peer = both
    assert len(pipeline) > 1000
    pd.testing.assert_frame_equal(pipeline[KEY], peer[KEY])


@pytest.mark.parametrize(
    "column", [c for c in V1_COLUMNS if c not in KEY and c not in ("reasons", "disallowed_amount")]
)
def test_every_v1_column_agrees(both: tuple[pd.DataFrame, pd.DataFrame], column: str) -> None:
    pipeline, peer = both
    pd.testing.assert_series_equal(pipeline[column], peer[column], check_dtype=False)


def test_reasons_agree_on_the_codes_the_pipeline_knows(
    both: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    pipeline, peer = both
    expected = peer["reasons"].map(known_reasons)
    differ = pipeline["reasons"] != expected
    assert not differ.any(), pipeline.loc[differ, [*KEY, "reasons"]].assign(peer=expected[differ])


def test_disallowed_amount_agrees_by_the_spec_the_pipeline_implements(
    both: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    pipeline, peer = both
    v2 = "payable_amount" in pipeline.columns  # SPEC §4.2 landed: claimed - payable
    expected = peer["disallowed_amount"] if v2 else v1_disallowed(peer)
    differ = pipeline["disallowed_amount"] != expected
    assert not differ.any(), pipeline.loc[differ, [*KEY, "disallowed_amount"]]


def test_every_v2_column_the_pipeline_writes_agrees(
    both: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    pipeline, peer = both
    for column in (c for c in peer.columns if c not in V1_COLUMNS and c in pipeline.columns):
        pd.testing.assert_series_equal(pipeline[column], peer[column], check_dtype=False)


# A month for the v2 rules the pipeline cannot be compared on yet: an authorization with a cap
# (and a second one overlapping it, rejected), times that overlap, a note that says voicemail,
# research whose window is still open, a client billed by two providers on one day.
SERVICES = """\
service_id,provider_id,client_id,staff_id,service_date,activity,minutes,client_specific,external_participants,note,start_time,end_time
S1,P1,C1,T1,2026-10-01,face_to_face,60,yes,0,Home visit,9:00,10:00
S2,P1,C1,T1,2026-10-02,face_to_face,60,yes,0,Home visit,9:30,10:30
S3,P1,C1,T1,2026-10-02,phone,30,yes,0,Called; left a voicemail,10:00,10:20
S4,P1,C2,T1,2026-10-03,face_to_face,45,yes,0,Visit,,
S5,P1,C1,T2,2026-10-30,research,20,yes,0,Researched programs,,
S6,P1,C1,T2,2026-09-10,research,20,yes,0,Researched programs,,
"""
CLAIMS = """\
claim_id,provider_id,client_id,service_date,units_claimed
K1,P1,C1,2026-10-01,1.0
K2,P1,C1,2026-10-02,1.5
K3,P2,C1,2026-10-02,1.0
K4,P1,C2,2026-10-03,0.75
"""
AUTHORIZATIONS = """\
authorization_id,provider_id,client_id,start_date,end_date,max_units_per_month
A1,P1,C1,2026-10-01,,1.5
A2,P1,C1,2026-10-15,2026-10-20,
"""


@pytest.fixture(scope="module")
def v2_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("v2")
    data = root / "data"
    data.mkdir()
    for name, text in (("services.csv", SERVICES), ("claims.csv", CLAIMS),
                       ("authorizations.csv", AUTHORIZATIONS)):
        (data / name).write_text(text, encoding="utf-8")
    duckdb_peer.run(data, MONTH, root / "out", threads=1)
    return root / "out"


def test_v2_client_days_by_hand(v2_month: Path) -> None:
    days = client_days(v2_month)
    got = {
        (row.provider_id, row.client_id, str(row.service_date)): (
            row.documented_minutes, row.allowable_units, row.documentation_units, row.status,
            row.reasons, row.payable_amount, row.disallowed_amount_documentation,
            row.disallowed_amount_rules, row.review,
        )
        for row in days.itertuples()
    }
    d = Decimal
    assert got == {
        # No letter within 30 days, and that window closed by Oct 31: decided. Not authorized
        # either (A1 starts Oct 1) and outside the month.
        ("P1", "C1", "2026-09-10"): (20, 0.0, 0.25, "nothing_billable",
                                     "OUTSIDE_PERIOD;NOT_AUTHORIZED;RESEARCH_NO_FOLLOWUP",
                                     d("0.00"), d("0.00"), d("0.00"), ""),
        ("P1", "C1", "2026-10-01"): (60, 1.0, 1.0, "match", "", d("60.00"), d("0.00"),
                                     d("0.00"), ""),
        # 90 minutes allow 1.5 units, but the cap of 1.5 leaves 0.5 after Oct 1's 1.0.
        ("P1", "C1", "2026-10-02"): (90, 0.5, 1.5, "over_claimed", "AUTHORIZATION_CAP",
                                     d("30.00"), d("0.00"), d("60.00"),
                                     "NOTE_SUGGESTS_VOICEMAIL;STAFF_TIME_OVERLAP;"
                                     "MINUTES_EXCEED_INTERVAL"),
        # Its window (to Nov 29) is still open at the month's end: pending, not decided.
        ("P1", "C1", "2026-10-30"): (20, 0.0, 0.25, "nothing_billable",
                                     "RESEARCH_FOLLOWUP_PENDING", d("0.00"), d("0.00"),
                                     d("0.00"), ""),
        ("P1", "C2", "2026-10-03"): (45, 0.0, 0.75, "over_claimed", "NOT_AUTHORIZED",
                                     d("0.00"), d("0.00"), d("45.00"), ""),
        ("P2", "C1", "2026-10-02"): (0, 0.0, 0.0, "no_documentation", "NO_DOCUMENTATION",
                                     d("0.00"), d("60.00"), d("0.00"), ""),
    }


def test_v2_review_rows_and_the_overlapping_authorization(v2_month: Path) -> None:
    review = pq.read_table(v2_month / "review.parquet").to_pandas()
    flags = sorted(zip(review["code"], review["provider_id"], review["source_row"].fillna(0),
                       strict=True))
    assert flags == [
        ("CROSS_PROVIDER_SAME_DAY", "P1", 0), ("CROSS_PROVIDER_SAME_DAY", "P2", 0),
        ("MINUTES_EXCEED_INTERVAL", "P1", 4), ("NOTE_SUGGESTS_VOICEMAIL", "P1", 4),
        ("STAFF_TIME_OVERLAP", "P1", 3), ("STAFF_TIME_OVERLAP", "P1", 4),
    ]
    voicemail = review.loc[review["code"] == "NOTE_SUGGESTS_VOICEMAIL", "detail"].item()
    assert "left a voicemail" in voicemail
    rejected = pq.read_table(v2_month / "rejected_rows.parquet").to_pandas()
    assert rejected[["source_row", "column"]].values.tolist() == [[3, "start_date"]]
