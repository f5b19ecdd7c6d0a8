"""What one run hands from the computation to the writers: plain frames and file accounts."""

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config import Config


@dataclass(frozen=True)
class Inputs:
    """The input files of one billing month, in reading order."""

    services: tuple[Path, ...]
    claims: tuple[Path, ...]
    rates: tuple[Path, ...] = ()


@dataclass(frozen=True)
class FileReport:
    """The account of one input file (SPEC §2): rows read = rows accepted + rows rejected."""

    path: str
    kind: str  # "services", "claims" or "rates"
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    sha256: str
    rejected_whole: str | None = None  # the reason, when the file could not be read at all
    encoding: str | None = None  # CSV only: the text encoding detected
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # XLSX only: the sheet read
    header_row: int | None = None  # the spreadsheet row number of the header
    extra_columns: tuple[str, ...] = ()  # present in the file, ignored by the run
    column_map: str | None = None  # the name of the config column map applied


@dataclass(frozen=True)
class Loaded:
    """Accepted rows of each kind (typed, see docs/DESIGN.md) and every rejected-row record."""

    services: pd.DataFrame
    claims: pd.DataFrame
    rates: pd.DataFrame
    rejected: pd.DataFrame
    files: tuple[FileReport, ...]

    @property
    def any_file_rejected(self) -> bool:
        return any(f.rejected_whole for f in self.files)


@dataclass(frozen=True)
class RunResult:
    """Everything the report writers need for one month."""

    month: str  # "YYYY-MM"
    config: Config
    loaded: Loaded
    lines: pd.DataFrame  # service lines after every rule (SPEC §5 service_lines)
    days: pd.DataFrame  # client-days (SPEC §5 client_days, CLIENT_DAYS_COLUMNS)
    warnings: pd.DataFrame  # WARNING_COLUMNS
    version: str
    providers_without_rate: tuple[str, ...] = field(default=())
