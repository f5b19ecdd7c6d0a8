"""What one run hands from the computation to the writers: plain frames and file accounts."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipeline.config import Config
from schemas.columns import AUTHORIZATIONS_KIND, NO_RATE, PROVIDER_ID, RATE_SOURCE


@dataclass(frozen=True)
class Inputs:
    """The input files of one billing month, in reading order."""

    services: tuple[Path, ...]
    claims: tuple[Path, ...]
    rates: tuple[Path, ...] = ()
    authorizations: tuple[Path, ...] = ()  # v2 §9: without any, §9 does not apply


@dataclass(frozen=True)
class FileReport:
    """The account of one input file (SPEC §2): rows read = rows accepted + rows rejected."""

    path: str
    kind: str  # one of INPUT_KINDS: "services", "claims", "rates" or "authorizations"
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
    authorizations: pd.DataFrame
    rejected: pd.DataFrame  # REJECTED_COLUMNS, and the provider_id cell of the row as read
    files: tuple[FileReport, ...]

    @property
    def any_file_rejected(self) -> bool:
        return any(f.rejected_whole for f in self.files)

    @property
    def authorizations_apply(self) -> bool:
        """SPEC §9 applies when at least one authorizations file could be read.

        A run whose every authorizations file was rejected whole does not disallow the month
        for want of authorizations; Run Info says so (README, choices)."""
        return any(f.kind == AUTHORIZATIONS_KIND and not f.rejected_whole for f in self.files)


@dataclass(frozen=True)
class RunResult:
    """Everything the report writers need for one month."""

    month: str  # "YYYY-MM"
    config: Config
    loaded: Loaded
    lines: pd.DataFrame  # service lines after every rule (SERVICE_LINES_COLUMNS)
    days: pd.DataFrame  # client-days (CLIENT_DAYS_COLUMNS)
    claims: pd.DataFrame  # accepted claims rows, each with its share of its day (§4.3)
    review: pd.DataFrame  # every warning and review flag (REVIEW_COLUMNS)
    providers: pd.DataFrame  # every provider of the month: name, rate, rate source
    version: str
    run_at: datetime  # when the run began: Run Info, and the providers' response date

    @property
    def providers_without_rate(self) -> tuple[str, ...]:
        """The providers whose amounts are empty: neither rates nor config gave a rate."""
        rateless = self.providers[RATE_SOURCE] == NO_RATE
        return tuple(self.providers.loc[rateless, PROVIDER_ID])
