"""The DuckDB peer of `reconcile run --formats parquet` (issue 12): the same month, the same rules,
as one SQL script (bench/duckdb_peer.sql), so that the pipeline has a yardstick a funder's data
team would otherwise write.

`python -m bench.duckdb_peer --data DIR --month YYYY-MM --out DIR [--threads N]`

Python only finds the files (as `reconcile run` does: by name prefix, in name order), reads each
CSV's header line to name its columns (SPEC §1 Headers), and sets the configuration from
pipeline/default.toml; DuckDB does all the reading, the rules and the parquet files. It prints the
counts of what it wrote as JSON.
"""

import argparse
import csv
import json
import os
import re
import sys
import tomllib
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_suffix(".sql")
DEFAULT_CONFIG = ROOT / "pipeline" / "default.toml"
DELIMITERS = (",", ";", "\t", "|")

# The columns each kind of file is read for (SPEC §1, §9); the script sees them as raw_<name>.
COLUMNS = {
    "services": (
        "service_id", "provider_id", "client_id", "staff_id", "service_date", "activity",
        "minutes", "client_specific", "external_participants", "note", "start_time", "end_time",
    ),
    "claims": ("claim_id", "provider_id", "client_id", "service_date", "units_claimed"),
    "rates": ("provider_id", "unit_rate"),
    "authorizations": (
        "authorization_id", "provider_id", "client_id", "start_date", "end_date",
        "max_units_per_month",
    ),
}
KINDS = tuple(COLUMNS)


def column_name(header: str) -> str:
    """A header as SPEC §1 compares it: trimmed, lower case, runs of spaces and hyphens as `_`."""
    return re.sub(r"[\s-]+", "_", header.strip().lower())


def header_names(path: Path, kind: str) -> tuple[list[str], str]:
    """The file's normalised header names and its delimiter (the one naming the most columns)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    best: tuple[int, int, list[str], str] | None = None
    for delimiter in DELIMITERS:
        names = [column_name(h) for h in next(csv.reader([first], delimiter=delimiter), [])]
        score = (sum(n in COLUMNS[kind] for n in names), len(names))
        if best is None or score > best[:2]:
            best = (*score, names, delimiter)
    assert best is not None
    return best[2], best[3]


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def file_scan(path: Path, kind: str, file_no: int) -> str:
    """One file as a SELECT of its text cells under the SPEC's names, every type explicit."""
    names, delimiter = header_names(path, kind)
    positional = {f"c{i}": "VARCHAR" for i in range(len(names))}
    types = "{" + ", ".join(f"{quoted(c)}: {quoted(t)}" for c, t in positional.items()) + "}"
    cells = []
    for column in COLUMNS[kind]:
        where = f"c{names.index(column)}" if column in names else "CAST(NULL AS VARCHAR)"
        cells.append(f"{where} AS raw_{column}")
    if kind == "services":
        cells.append(f"{'minutes' in names} AS minutes_read")
    reader = (
        f"read_csv({quoted(str(path))}, header = true, auto_detect = false, "
        f"delim = {quoted(delimiter)}, quote = '\"', escape = '\"', columns = {types})"
    )
    # The header is row 1 (SPEC §2's source_row), so the first data row is 2.
    return (
        f"SELECT {file_no} AS file_no, {quoted(str(path))} AS source_file, "
        f"CAST(ordinality + 1 AS BIGINT) AS source_row, {', '.join(cells)} "
        f"FROM {reader} WITH ORDINALITY"
    )


def kind_scan(paths: Sequence[Path], kind: str) -> str:
    """Every file of a kind in reading order, or no rows of the same shape."""
    if paths:
        return "\nUNION ALL\n".join(file_scan(p, kind, i) for i, p in enumerate(paths))
    cells = [f"CAST(NULL AS VARCHAR) AS raw_{c}" for c in COLUMNS[kind]]
    if kind == "services":
        cells.append("true AS minutes_read")
    return (
        f"SELECT 0 AS file_no, '' AS source_file, CAST(0 AS BIGINT) AS source_row, "
        f"{', '.join(cells)} WHERE false"
    )


def month_files(data: Path) -> dict[str, list[Path]]:
    """The CSV files of each kind in `data`, by name (as `reconcile run` finds them)."""
    files = sorted((p for p in data.iterdir() if p.is_file()), key=lambda p: p.name)
    found = {k: [p for p in files if p.name.lower().startswith(k)] for k in KINDS}
    others = [p for k in KINDS for p in found[k] if p.suffix.lower() != ".csv"]
    if others:
        raise SystemExit(f"the DuckDB peer reads CSV only, not {', '.join(map(str, others))}")
    return found


# A phrase matches as whole words: what touches it is no letter or digit (as the pipeline has it).
EDGE = r"[^\p{L}\p{N}]"


def phrase_pattern(phrases: list[str]) -> str:
    """One RE2 pattern for a flag's phrases (accents stripped, any white space between words),
    group 1 the phrase; longest first, as the pipeline tries them."""
    spelled = {tuple(strip_accents(p).lower().split()) for p in phrases}
    words = sorted((w for w in spelled if w), key=lambda w: len(" ".join(w)), reverse=True)
    space = r"[\s\p{Z}]+"
    alternatives = "|".join(space.join(re.escape(w) for w in phrase) for phrase in words)
    return f"(?:^|{EDGE})({alternatives})(?:{EDGE}|$)"


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def settings(month: str, out: Path, has_authorizations: bool) -> dict[str, str]:
    """The script's variables as SQL literals: the month and pipeline/default.toml's values."""
    config: dict[str, Any] = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    year, number = (int(part) for part in month.split("-"))
    following = f"{year + number // 12:04d}-{number % 12 + 1:02d}-01"
    aliases = {column_name(k): v for k, v in config.get("activity_aliases", {}).items()}
    alias_map = "MAP {" + ", ".join(f"{quoted(k)}: {quoted(v)}" for k, v in aliases.items()) + "}"
    rate = str(config.get("default_unit_rate") or "").strip()
    return {
        "month_start": f"DATE '{year:04d}-{number:02d}-01'",
        "next_month": f"DATE '{following}'",
        "min_minutes": str(int(config["min_minutes"])),
        "nearest": str(config["rounding"] == "nearest").lower(),
        "followup_days": str(int(config["research_followup_days"])),
        "staff_day_limit": str(int(config["staff_day_limit_minutes"])),
        "default_rate": f"CAST({quoted(rate) if rate else 'NULL'} AS DECIMAL(18, 6))",
        "has_authorizations": str(has_authorizations).lower(),
        "activity_aliases": alias_map if aliases else "CAST(MAP {} AS MAP(VARCHAR, VARCHAR))",
        "out_dir": quoted(str(out)),
        **{
            name: quoted(phrase_pattern(config["review"]["phrases"][flag]))
            for name, flag in (
                ("voicemail_words", "NOTE_SUGGESTS_VOICEMAIL"),
                ("scheduling_words", "NOTE_SUGGESTS_SCHEDULING"),
                ("group_words", "NOTE_SUGGESTS_GROUP"),
            )
        },
    }


def run(data: Path, month: str, out: Path, threads: int) -> dict[str, int]:
    """The whole month through the SQL script; the counts of the rows written."""
    import duckdb

    files = month_files(data)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    # Every output that has an order says so (ORDER BY); the rest may run in any order.
    con.execute("SET preserve_insertion_order = false")
    for name, literal in settings(month, out, bool(files["authorizations"])).items():
        con.execute(f"SET VARIABLE {name} = {literal}")
    for kind in KINDS:
        con.execute(f"CREATE VIEW {kind}_scan AS {kind_scan(files[kind], kind)}")
    con.execute(SCRIPT.read_text(encoding="utf-8"))
    counts = con.execute(
        "SELECT (SELECT count(*) FROM days), (SELECT count(*) FROM lines WHERE accepted),"
        " (SELECT count(*) FROM lines WHERE NOT accepted)"
        " + (SELECT count(*) FROM claims WHERE NOT accepted)"
    ).fetchone()
    assert counts is not None
    return dict(zip(("client_days", "service_lines", "rejected_rows"), counts, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--month", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    json.dump(run(args.data, args.month, args.out, args.threads), sys.stdout)


if __name__ == "__main__":
    main()
