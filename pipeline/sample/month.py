"""The bundled sample month: three providers' service logs, their claims, their unit rates and
their clients' authorizations.

Seeded and vectorized (numpy draws, pyarrow text), so it doubles as the benchmark generator.

Providers, each exporting the way its own system does:
- PRV-A Harbor Family Services: `services_provider-a.csv`, SPEC headers, ISO dates, SPEC
  activity codes, true/false, client ids like `C04512`, 24-hour clock times (`9:05`) on about
  two lines in three; unit rate 62.00.
- PRV-B Northside Youth Partners: `services_provider-b.xlsx` (sheet "Service Log"), headers
  like "Service Date", real Excel date cells, numeric-looking ids (`00123` a text cell, `12345`
  a number cell), activities like "Face to face", Yes/No; unit rate 58.50.
- PRV-C Lakeview Community Care: `services_provider-c.csv`, upper-case headers in another order
  plus an extra PROGRAM column, US dates (`10/5/2026`), "face-to-face", Y/N, 12-hour clock times
  (`2:30 PM`) on its visits. Left out of `rates.csv` on purpose, so the configured default rate
  applies.
Extra providers (providers > 3) reuse these styles as PRV-D, PRV-E, ... in CSV files.

`claims.csv` holds every provider's claims; `rates.csv` carries an extra provider_name column;
`authorizations.csv` (the funder's registry) one authorization for every client of every
provider, covering the month with room under its cap.
For most client-days the random bulk claims what the documentation allows (floor(countable / 15)
/ 4); otherwise it rounds up, bills every documented minute (voicemails, scheduling, flyers),
claims a quarter unit less, does not claim, or splits the claim over two rows; a few claims have
no documentation at all. On top of the bulk, the fixed rows of PLANTED_SERVICES,
PLANTED_CLAIMS and PLANTED_AUTHORIZATIONS make every code of the rules table and every status
occur and add the few invalid rows a real export has (Quirk); they use their own clients (and
their clock times their own workers), so the bulk never changes their days.
"""

import datetime
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.packaging.core import DocumentProperties
from openpyxl.xml.constants import ARC_CORE
from openpyxl.xml.functions import tostring

from pipeline.errors import UsageError
from pipeline.sample.authorizations import authorization_numbers
from pipeline.sample.calendar import month_calendar
from pipeline.sample.cases import planted_count
from pipeline.sample.claims import (
    claim_quarters,
    documented_days,
    planted_claims,
    split_claims,
    undocumented_claims,
)
from pipeline.sample.draws import Quirk
from pipeline.sample.providers import (
    AUTHORIZATIONS,
    CLAIMS,
    EXCEL_LETTERS,
    RATES,
    SERVICES,
    sample_providers,
)
from pipeline.sample.services import _QUIRK, provider_rows
from pipeline.sample.text import (
    authorizations_text,
    claims_text,
    client_ids,
    rates_text,
    services_text,
)

XLSX_MAX_LINES = 100_000  # above this write_sample writes CSV only: xlsx is too slow to write
EXCEL_SHEET = "Service Log"


def sample_frames(
    lines: int = 2400, seed: int = 20261001, month: str = "2026-10", providers: int = 3
) -> dict[str, dict[str, pd.DataFrame]]:
    """The sample month's input files as text frames: {"services" | "claims" | "rates" |
    "authorizations": {file stem: frame}}. `lines` is the services rows over all files (at
    least the planted)."""
    calendar = month_calendar(month)
    chosen = sample_providers(providers)
    if lines < 0:
        raise UsageError(f"the sample needs a number of lines of at least 0, not {lines}")
    rng = np.random.default_rng(seed)
    bulk = max(lines - planted_count(chosen), 0)
    weights = 1 / (1 + 0.15 * np.arange(len(chosen)))
    shares = rng.multinomial(bulk, weights / weights.sum())
    people = [provider_rows(rng, p, int(n), calendar) for p, n in zip(chosen, shares, strict=True)]
    ids = [client_ids(rng, p, rows.clients) for p, rows in zip(chosen, people, strict=True)]
    numbers = pd.concat([p.rows for p in people], ignore_index=True)
    days = documented_days(numbers, calendar)
    claimed = split_claims(claim_quarters(days)).assign(**{_QUIRK: int(Quirk.NONE)})
    extra = undocumented_claims(rng, len(claimed), people, numbers, calendar)
    claims = pd.concat(
        [claimed, extra.assign(**{_QUIRK: int(Quirk.NONE)}),
         planted_claims(chosen, people, calendar)],
        ignore_index=True,
    )
    return {
        SERVICES: {
            p.stem: services_text(p, rows, i, calendar)
            for p, rows, i in zip(chosen, people, ids, strict=True)
        },
        CLAIMS: {CLAIMS: claims_text(claims, chosen, ids, calendar)},
        RATES: {RATES: rates_text(chosen)},
        AUTHORIZATIONS: {AUTHORIZATIONS: authorizations_text(
            authorization_numbers(rng, chosen, people, days, calendar), chosen, ids, calendar
        )},
    }


def excel_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The text as a spreadsheet program would type it: whole numbers without a leading zero as
    number cells, ISO dates as date cells, blanks as empty cells, the rest as text."""
    cells = {}
    for column in frame.columns:
        text = frame[column]
        number = text.str.fullmatch(r"[1-9]\d{0,14}")
        date = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        values = text.astype(object).where(text != "", None)
        whole = pd.to_numeric(text.where(number), errors="coerce").astype("Int64").astype(object)
        values = values.where(~number, whole)
        parsed = pd.to_datetime(text.where(date), format="%Y-%m-%d", errors="coerce")
        cells[column] = values.where(~date, parsed.astype(object))
    return pd.DataFrame(cells, dtype=object)


def workbook_bytes(frame: pd.DataFrame, saved: datetime.datetime) -> bytes:
    """A service log as an .xlsx, the same bytes for the same frame. openpyxl stamps the time
    of saving into the document properties and into every zip entry: both get `saved`."""
    written = io.BytesIO()
    with pd.ExcelWriter(
        written, engine="openpyxl", date_format="M/D/YYYY", datetime_format="M/D/YYYY"
    ) as writer:
        excel_cells(frame).to_excel(writer, sheet_name=EXCEL_SHEET, index=False)
        properties: DocumentProperties = writer.book.properties
    properties.created = properties.modified = saved
    core = tostring(properties.to_tree())
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(written) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            stamped = zipfile.ZipInfo(entry.filename, date_time=saved.timetuple()[:6])
            stamped.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stamped, core if entry.filename == ARC_CORE else source.read(entry))
    return fixed.getvalue()


def write_sample(
    out_dir: Path,
    lines: int = 2400,
    seed: int = 20261001,
    month: str = "2026-10",
    xlsx: bool | None = None,
) -> list[Path]:
    """Write the sample month's files into `out_dir` and return their paths. PRV-B's service
    log is .xlsx unless `xlsx` is False (default: only up to XLSX_MAX_LINES lines); the other
    form of each file written (.csv for .xlsx and back) is removed from `out_dir`."""
    as_xlsx = lines <= XLSX_MAX_LINES if xlsx is None else xlsx
    frames = sample_frames(lines=lines, seed=seed, month=month)
    excel = {p.stem for p in sample_providers(len(frames[SERVICES])) if p.letter in EXCEL_LETTERS}
    # The exports are saved on the morning after the month.
    calendar = month_calendar(month)
    saved = (calendar.first + pd.Timedelta(days=calendar.days, hours=9)).to_pydatetime()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for kind in (SERVICES, CLAIMS, RATES, AUTHORIZATIONS):
            for stem, frame in frames[kind].items():
                spreadsheet = as_xlsx and stem in excel
                path = out_dir / f"{stem}.{'xlsx' if spreadsheet else 'csv'}"
                # The other form of the same file would be read as a second copy of it.
                path.with_suffix(".csv" if spreadsheet else ".xlsx").unlink(missing_ok=True)
                if spreadsheet:
                    path.write_bytes(workbook_bytes(frame, saved))
                else:
                    frame.to_csv(path, index=False, lineterminator="\n")
                written.append(path)
    except OSError as err:
        raise UsageError(f"cannot write the sample into {out_dir}: {err.strerror}") from None
    return written
