"""`make bench`, hostile section: each hostile or careless input of issue 11 as its own run of
`reconcile run`, timed, its peak memory measured, and held to the README's resource contract.

`python -m bench.hostile [--out DIR] [--only NAME,...]`. The files are generated here (nothing
hostile is checked in); tests/test_hostile_inputs.py builds the same kinds of file, smaller.
"""

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
MONTH = "2026-10"
MIB = 1024**2
GIB = 1024**3
# The README's resource contract for one hostile input file of at most 1 MB.
CONTRACT_BYTES = 1_000_000
CONTRACT_CPU_S = 10.0
CONTRACT_RSS_BYTES = GIB
# A runaway case is stopped here rather than taking the machine with it.
SAFETY_AS_BYTES = 12 * GIB
SAFETY_WALL_S = 900

SERVICES_HEADER = (
    "service_id",
    "provider_id",
    "client_id",
    "staff_id",
    "service_date",
    "activity",
    "minutes",
    "client_specific",
    "external_participants",
    "note",
)
SERVICE_ROW = ("S{n}", "P1", "C{n}", "T1", "2026-10-05", "phone", "30", "yes", "0", "Called")
CLAIMS_CSV = "provider_id,client_id,service_date,units_claimed\nP1,C1,2026-10-05,0.5\n"

# The parts of the smallest workbook calamine and Excel open: one sheet, inline strings.
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_CLOSE = b"</sheetData></worksheet>"
_PIECE = 1 << 20


def column_letters(index: int) -> str:
    """A, B, ..., Z, AA, ... for a column index from 0."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def text_cell(ref: str, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def sheet_row(number: int, texts: Iterable[str], first_column: int = 0) -> str:
    """One <row> of inline-string cells from `first_column` on; empty texts leave no cell."""
    cells = "".join(
        text_cell(f"{column_letters(first_column + i)}{number}", t)
        for i, t in enumerate(texts)
        if t
    )
    return f'<row r="{number}">{cells}</row>'


def services_rows(count: int, first: int = 1) -> list[tuple[str, ...]]:
    """`count` valid services rows, S{n} and C{n} numbered from `first`."""
    return [tuple(v.format(n=n) for v in SERVICE_ROW) for n in range(first, first + count)]


def xlsx_package(sheet_data: Iterable[bytes]) -> bytes:
    """A one-sheet workbook whose <sheetData> holds these pieces, streamed into the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/workbook.xml", _WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_OPEN)
            for piece in sheet_data:
                sheet.write(piece)
            sheet.write(_SHEET_CLOSE)
    return buffer.getvalue()


def services_table(rows: int = 3) -> bytes:
    """The header and `rows` valid rows as sheet XML."""
    table = [SERVICES_HEADER, *services_rows(rows)]
    return "".join(sheet_row(i, r) for i, r in enumerate(table, start=1)).encode()


def repeated(piece: bytes, total_bytes: int) -> Iterable[bytes]:
    """`piece` repeated to `total_bytes` (whole pieces), in blocks of about a MiB."""
    count = max(total_bytes // len(piece), 1)
    per = max(_PIECE // len(piece), 1)
    for start in range(0, count, per):
        yield piece * min(per, count - start)


def corner_cell_xlsx() -> bytes:
    """A normal table and one stray cell at XFD1048576, the last cell of a sheet."""
    stray = sheet_row(1_048_576, ["x"], first_column=16_383).encode()
    return xlsx_package([services_table(), stray])


def empty_rows_xlsx(total_bytes: int) -> bytes:
    """A normal table followed by `total_bytes` of empty <row/> elements."""
    return xlsx_package([services_table(), *repeated(b"<row/>", total_bytes)])


def stray_column_xlsx(rows: int) -> bytes:
    """`rows` valid rows, each with one more cell far right, in column XFD."""
    def pieces() -> Iterable[bytes]:
        yield sheet_row(1, SERVICES_HEADER).encode()
        for n, row in enumerate(services_rows(rows), start=2):
            cells = sheet_row(n, row)[: -len("</row>")] + text_cell(f"XFD{n}", "x")
            yield (cells + "</row>").encode()

    return xlsx_package(pieces())


def long_cell_xlsx(cell_bytes: int) -> bytes:
    """A normal table whose first note is `cell_bytes` characters long: a decompression bomb."""
    head = sheet_row(1, SERVICES_HEADER) + sheet_row(2, services_rows(1)[0][:-1]).removesuffix(
        "</row>"
    )
    tail = "</t></is></c></row>" + sheet_row(3, services_rows(1, first=2)[0])
    return xlsx_package(
        [head.encode(), b'<c r="J2" t="inlineStr"><is><t>', *repeated(b"a", cell_bytes),
         tail.encode()]
    )


def texts_at_limits(cell_bytes: int, total_bytes: int) -> bytes:
    """Cells of `cell_bytes` letters each, just under the run the scan refuses outright, to
    `total_bytes` of XML: the most text a workbook can make calamine unpack within the limits."""
    def pieces() -> Iterable[bytes]:
        yield services_table(1)
        cell = b"a" * cell_bytes
        for n in range(3, 3 + total_bytes // cell_bytes):
            yield b'<row r="%d"><c r="J%d" t="inlineStr"><is><t>' % (n, n) + cell
            yield b"</t></is></c></row>"

    return xlsx_package(pieces())


def cells_at_limits(cells: int) -> bytes:
    """`cells` cells and rows, ten cells a row, written without references (so they pack small
    and take the slower, tag-by-tag scan): the most cells within the limits."""
    row = b"<row>" + b'<c t="inlineStr"><is><t>1</t></is></c>' * 10 + b"</row>"
    return xlsx_package([services_table(1), *repeated(row, cells // 11 * len(row))])


def wide_at_limits(rows: int, columns: int) -> bytes:
    """`rows` rows of `columns` cells without references: a grid as wide as the limits allow."""
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * columns + b"</row>"
    return xlsx_package([services_table(1), *repeated(row, rows * len(row))])


def csv_text(rows: Iterable[Iterable[str]]) -> bytes:
    return "".join(",".join(r) + "\n" for r in rows).encode()


def long_field_csv(field_chars: int) -> bytes:
    """A ragged file (one short row) whose second row has a note of `field_chars` characters."""
    rows = services_rows(3)
    long_row = (*rows[1][:-1], "x" * field_chars)
    return csv_text([SERVICES_HEADER, rows[0], long_row, rows[2], ("S9", "P1")])


def blank_lines_csv(total_bytes: int) -> bytes:
    """The header, a row, `total_bytes` of blank lines and one more row."""
    rows = services_rows(2)
    return csv_text([SERVICES_HEADER, rows[0]]) + b"\n" * total_bytes + csv_text([rows[1]])


def long_text_csv(chars: int) -> bytes:
    """One valid row whose note is `chars` characters long, as a provider's garbage cell."""
    row = services_rows(1, first=100)[0]
    return csv_text([SERVICES_HEADER, (*row[:-1], "y" * chars)])


def foreign_digits_csv() -> bytes:
    """Rows with Arabic-Indic and full-width digits where numbers and dates belong."""
    rows = services_rows(5)
    bad = [
        (*rows[0][:6], "١٢", *rows[0][7:]),
        (*rows[1][:6], "３０", *rows[1][7:]),
        (*rows[2][:8], "٣", rows[2][9]),
        (*rows[3][:4], "٢٠٢٦-١٠-٠٥", *rows[3][5:]),
        rows[4],
    ]
    return csv_text([SERVICES_HEADER, *bad])


def many_providers(count: int) -> dict[str, bytes]:
    """`count` providers of one services row and one claims row each: a provider workbook each,
    as when a column mix-up makes every row its own provider."""
    rows = [(f"S{n}", f"P{n}", f"C{n}", "T1", "2026-10-05", "phone", "30", "yes", "0", "Called")
            for n in range(count)]
    claims = [("provider_id", "client_id", "service_date", "units_claimed"),
              *((f"P{n}", f"C{n}", "2026-10-05", "0.5") for n in range(count))]
    return {"services.csv": csv_text([SERVICES_HEADER, *rows]), "claims.csv": csv_text(claims)}


@dataclass(frozen=True)
class Case:
    """One hostile input: its files by name (the first is the hostile one); a valid claims file
    is added where the case has none."""

    name: str
    files: Callable[[], dict[str, bytes]]
    what: str


def one(name: str, build: Callable[[], bytes]) -> Callable[[], dict[str, bytes]]:
    return lambda: {name: build()}


def valid_csv() -> bytes:
    """A valid services file: the cost of a run itself, to read the others against."""
    return csv_text([SERVICES_HEADER, *services_rows(3)])


CASES = (
    Case("baseline", one("services.csv", valid_csv), "a valid three-row file, for comparison"),
    Case("corner_cell", one("services.xlsx", corner_cell_xlsx), "one cell at XFD1048576"),
    Case("empty_rows", one("services.xlsx", lambda: empty_rows_xlsx(300 * MIB)),
         "300 MiB of empty <row/> elements"),
    Case("stray_column", one("services.xlsx", lambda: stray_column_xlsx(10_000)),
         "10,000 rows, each with a stray cell in column XFD"),
    Case("bomb_cell", one("services.xlsx", lambda: long_cell_xlsx(256 * MIB)),
         "one 256 MiB cell"),
    Case("long_field", one("services.csv", lambda: long_field_csv(200_000)),
         "a ragged CSV with one 200,000-character field"),
    Case("blank_lines", one("services.csv", lambda: blank_lines_csv(50 * MIB)),
         "50 MiB of blank lines (beyond the 1 MB contract: a careless export)"),
    Case("long_text",
         lambda: {"services_b.csv": long_text_csv(20_000), "services_a.csv": valid_csv()},
         "a 20,000-character note in a second services file"),
    Case("foreign_digits", one("services.csv", foreign_digits_csv),
         "Arabic-Indic and full-width digits in numbers and dates"),
    Case("text_at_limits", one("services.xlsx", lambda: texts_at_limits(327_000, 127 * MIB)),
         "127 MiB of 327 kB texts: the most text within the default limits"),
    Case("cells_at_limits", one("services.xlsx", lambda: cells_at_limits(1_999_000)),
         "two million cells: the most within the default limits (a real month's rows)"),
    Case("wide_at_limits", one("services.xlsx", lambda: wide_at_limits(1_900, 1_023)),
         "1,900 rows of 1,023 cells: the widest sheet within the default limits"),
    Case("wide_csv", one("services.csv", lambda: csv_text([SERVICES_HEADER, ("",) * 500_000])),
         "one record of 500,000 empty fields"),
    Case("providers_100", lambda: many_providers(100), "100 one-row providers"),
    Case("providers_1000", lambda: many_providers(1000), "1,000 one-row providers"),
)


@dataclass(frozen=True)
class Measured:
    """One command in its own process: exit code, wall and CPU time (user + system, worker
    processes included), peak RSS of the main process, and what it printed to stderr."""

    exit_code: int
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int
    stderr: str


@dataclass(frozen=True)
class Outcome:
    case: str
    what: str
    file_bytes: int
    read: Measured  # `reconcile validate`: what reading the file costs, held to the contract
    run: Measured  # `reconcile run`: the whole month
    files_rejected_whole: int
    rows_balance: bool  # every file: rows read = accepted + rejected (run.json)
    within_contract: bool | None  # None: the contract does not cover the case


def _capped() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (SAFETY_AS_BYTES, SAFETY_AS_BYTES))


def measured(command: str, data: Path, out: Path) -> Measured:
    """`reconcile <command>` on the folder, in a process group of its own."""
    args = [sys.executable, "-m", "pipeline", command, "--month", MONTH, "--data", str(data),
            "--out", str(out), "--quiet"]
    with tempfile.TemporaryFile() as err:
        start = perf_counter()
        child = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                                 preexec_fn=_capped, start_new_session=True)
        # A runaway run is stopped with its workers: the whole process group.
        stop = threading.Timer(SAFETY_WALL_S, os.killpg, (child.pid, signal.SIGKILL))
        stop.start()
        _, status, usage = os.wait4(child.pid, 0)
        stop.cancel()
        wall = perf_counter() - start
        err.seek(0)
        return Measured(
            os.waitstatus_to_exitcode(status),
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss * 1024,  # Linux reports it in KiB
            err.read().decode(errors="replace"),
        )


def held(m: Measured) -> bool:
    return m.exit_code in (0, 1) and "Traceback" not in m.stderr


def outcome(case: Case, root: Path) -> Outcome:
    data, out = root / case.name / "data", root / case.name / "out"
    data.mkdir(parents=True)
    files = case.files()
    for name, body in files.items():
        (data / name).write_bytes(body)
    if "claims.csv" not in files:
        (data / "claims.csv").write_text(CLAIMS_CSV, encoding="utf-8")
    read = measured("validate", data, root / case.name / "validation")
    run = measured("run", data, out)
    size = len(next(iter(files.values())))
    record = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else {}
    accounts = record.get("files", [])
    balance = bool(accounts) and all(
        f["rows_read"] == f["rows_accepted"] + f["rows_rejected"] for f in accounts
    )
    ok = held(read) and held(run) and balance
    # Judged on CPU time: on a shared machine the wall clock measures the neighbours too.
    within = ok and read.cpu_s <= CONTRACT_CPU_S and read.peak_rss_bytes <= CONTRACT_RSS_BYTES
    covered = size <= CONTRACT_BYTES and not case.name.startswith("providers")
    return Outcome(
        case.name, case.what, size, read, run, len(record.get("files_rejected_whole", [])),
        balance, within if covered else (None if ok else False),
    )


def printed(o: Outcome) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "    "}[o.within_contract]
    whole = f"{o.files_rejected_whole} rejected whole" if o.rows_balance else "NO run.json"
    return (
        f"{verdict}  {o.case:<16}{o.file_bytes / 1e6:7.3f} MB  read: CPU {o.read.cpu_s:5.2f} s, "
        f"{o.read.peak_rss_bytes / MIB:5.0f} MiB  run: exit {o.run.exit_code}, CPU "
        f"{o.run.cpu_s:6.2f} s (wall {o.run.wall_s:6.2f} s), {o.run.peak_rss_bytes / MIB:5.0f} "
        f"MiB, {whole}  ({o.what})"
    )


def hostile_results(only: Mapping[str, Case], out: Path) -> list[Outcome]:
    with tempfile.TemporaryDirectory(dir=out, ignore_cleanup_errors=True) as root:
        results = []
        for case in only.values():
            results.append(outcome(case, Path(root)))
            print(printed(results[-1]), flush=True)  # noqa: T201
        return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or [c.name for c in CASES]
    chosen = {c.name: c for c in CASES if c.name in names}
    args.out.mkdir(parents=True, exist_ok=True)
    print(  # noqa: T201
        f"hostile inputs: reading a file under {CONTRACT_BYTES / 1e6:.0f} MB within "
        f"{CONTRACT_CPU_S:.0f} s of CPU and {CONTRACT_RSS_BYTES / GIB:.0f} GiB peak RSS "
        "(reconcile validate); every run exits 0 or 1 with no traceback and balanced rows"
    )
    results = hostile_results(chosen, args.out)
    (args.out / "hostile.json").write_text(
        json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
