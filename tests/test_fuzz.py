"""Fuzzing `reconcile run` (issue 11): random bytes, random CSV shapes and random small xlsx
packages as a provider's services file. Whatever arrives, the run ends with exit 0 or 1 (never
3), prints no traceback, accounts for every row it read (run.json: read = accepted + rejected,
file by file) and writes no formula into a workbook."""

import contextlib
import io
import json
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.hostile import SERVICES_HEADER, column_letters, csv_text, services_rows, xlsx_package
from pipeline.cli import main

MONTH = "2026-10"
CLAIMS = csv_text([("provider_id", "client_id", "service_date", "units_claimed"),
                   ("P1", "C1", "2026-10-05", "0.5"), ("P2", "C2", "2026-10-06", "1")])
# Each example is a whole run; FUZZ_EXAMPLES=200 fuzzes longer than the suite can afford.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A formula cell in SpreadsheetML: an <f> element, with or without a namespace prefix.
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# Values a careless or hostile export holds.
TRICKY = [
    "", " ", "P1", "P2", "C1", "2026-10-05", "10/6/2026", "45", "45.0", "0", "-5", "1440",
    "1441", "yes", "n", "phone", "Face-to-Face", "voicemail_left", "0.25", "0.25000000000000001",
    "١٢", "３０", "=SUM(A1:A9)", "+1", "-cmd|' /C calc'!A0", "@x", "\x00", "\x1b[31m", "\u202e",
    "😀" * 3, "a\nb", 'say "hi"', "9:30", "2:30 PM", "12:15 PM", "NUL", "../../etc", "x" * 300,
    "_x0041_", "<t>", "&amp;",
]
value = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))


def outcome(files: dict[str, bytes]) -> None:
    """Run the month of these services files and the fixed claims; assert the issue's promises."""
    with tempfile.TemporaryDirectory() as folder:
        data, out = Path(folder) / "data", Path(folder) / "out"
        data.mkdir()
        for name, body in files.items():
            (data / name).write_bytes(body)
        (data / "claims.csv").write_bytes(CLAIMS)
        err = io.StringIO()
        args = ["reconcile", "run", "--month", MONTH, "--data", str(data), "--out", str(out),
                "--quiet"]
        with mock.patch.object(sys, "argv", args), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as done:
                code = int(done.code or 0)
        assert code in (0, 1), err.getvalue()
        assert err.getvalue() == ""  # no traceback, and --quiet says nothing else
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
        for account in record["files"]:
            assert account["rows_read"] == account["rows_accepted"] + account["rows_rejected"]
        assert (code == 1) == bool(record["files_rejected_whole"])
        for workbook in [out / "reconciliation.xlsx", *sorted(out.glob("providers/*.xlsx"))]:
            with zipfile.ZipFile(workbook) as package:
                for name in package.namelist():
                    if name.startswith("xl/worksheets/"):
                        assert not FORMULA.search(package.read(name)), (workbook.name, name)


@FUZZ
@given(st.binary(max_size=2_000), st.sampled_from(["services.csv", "services.xlsx"]))
def test_random_bytes_as_a_services_file(body: bytes, name: str) -> None:
    outcome({name: body, "services_ok.csv": csv_text([SERVICES_HEADER, *services_rows(2)])})


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV of random shape: some or all columns in any order, ragged rows, blank lines, any
    delimiter, line ending, quoting and encoding."""
    columns = draw(st.lists(st.sampled_from(SERVICES_HEADER), min_size=1, unique=True))
    columns += draw(st.lists(st.sampled_from(["extra", "", "NOTE", "Service Date"]), max_size=2))
    rows = draw(st.lists(st.lists(value, max_size=len(columns) + 2), max_size=8))
    rows[0:0] = draw(st.lists(st.lists(value, max_size=3), max_size=2))  # title lines
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quoting = draw(st.sampled_from([0, 1, 3]))  # csv.QUOTE_MINIMAL, _ALL, _NONE-like (none)
    lines = []
    for row in [columns, *rows]:
        if quoting == 1:
            cells = ['"' + c.replace('"', '""') + '"' for c in row]
        elif quoting == 3:
            cells = list(row)
        else:
            cells = ['"' + c.replace('"', '""') + '"' if re.search(r'[",;\t|\r\n]', c) else c
                     for c in row]
        lines.append(delimiter.join(cells))
        lines.extend([""] * draw(st.integers(0, 2)))
    text = ending.join(lines) + draw(st.sampled_from(["", ending]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@FUZZ
@given(csv_files())
def test_random_csv_shapes(body: bytes) -> None:
    outcome({"services.csv": body})


CELL_KINDS = ["text", "number", "bool", "error", "formula", "formula_saved", "empty", "norefs"]


@st.composite
def xlsx_files(draw: st.DrawFn) -> bytes:
    """A small workbook package of random cells: text, numbers, booleans, errors, formulas with
    and without a saved value, cells without references, and now and then a cell far away."""
    header = draw(st.permutations(SERVICES_HEADER))
    pieces = ["<row r=\"1\">" + "".join(
        f'<c r="{column_letters(i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(header)
    ) + "</row>"]
    rows = draw(st.integers(0, 6))
    for n in range(2, rows + 2):
        cells = []
        for i in range(draw(st.integers(0, len(header) + 1))):
            ref = f"{column_letters(i)}{n}"
            kind = draw(st.sampled_from(CELL_KINDS))
            text = draw(value).replace("&", "&amp;").replace("<", "&lt;").replace("\x00", "")
            number = draw(st.floats(allow_nan=False, allow_infinity=False, width=32))
            cells.append({
                "text": f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>',
                "number": f'<c r="{ref}"><v>{number}</v></c>',
                "bool": f'<c r="{ref}" t="b"><v>{draw(st.sampled_from("01"))}</v></c>',
                "error": f'<c r="{ref}" t="e"><v>#DIV/0!</v></c>',
                "formula": f'<c r="{ref}"><f>SUM(A1:A2)</f></c>',
                "formula_saved": f'<c r="{ref}" t="str"><f>A1</f><v>{text}</v></c>',
                "empty": f'<c r="{ref}" s="0"/>',
                "norefs": f'<c t="inlineStr"><is><t>{text}</t></is></c>',
            }[kind])
        pieces.append(f'<row r="{n}">' + "".join(cells) + "</row>")
    if draw(st.booleans()):
        far_row = draw(st.integers(rows + 2, 1_048_576))
        far = f"{column_letters(draw(st.integers(0, 16_383)))}{far_row}"
        pieces.append(f'<row r="{far_row}"><c r="{far}" t="inlineStr"><is><t>x</t></is></c></row>')
    return xlsx_package([p.encode("utf-8", errors="replace") for p in pieces])


@FUZZ
@given(xlsx_files())
def test_random_small_xlsx_packages(body: bytes) -> None:
    outcome({"services.xlsx": body})
