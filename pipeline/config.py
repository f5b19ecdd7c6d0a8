"""The run's configuration (SPEC §6): the shipped defaults, overridden by a user's TOML file."""

import fnmatch
import tomllib
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import ConfigError
from pipeline.money import RATE_DECIMALS
from pipeline.rules.table import NOTE_FLAGS, Kind, codes
from schemas.columns import (
    ACTIVITIES,
    AUTHORIZATIONS_COLUMNS,
    CLAIMS_COLUMNS,
    END_TIME,
    MAX_UNIT_RATE,
    RATES_COLUMNS,
    SERVICES_COLUMNS,
    START_TIME,
)
from schemas.names import code_name

FLOOR = "floor"
NEAREST = "nearest"
ROUNDINGS = (FLOOR, NEAREST)
# With rounding "nearest", a last partial 15-minute increment of this many minutes counts whole.
NEAREST_PARTIAL_MINUTES = 8
# A map's file patterns do not say which kind of file it reads, so any column the loader reads,
# of any kind, is a target (the clock times included).
COLUMN_MAP_TARGETS = tuple(
    dict.fromkeys(
        SERVICES_COLUMNS
        + (START_TIME, END_TIME)
        + CLAIMS_COLUMNS
        + RATES_COLUMNS
        + AUTHORIZATIONS_COLUMNS
    )
)
COLUMN_MAP_KEYS = ("name", "files", "sheet", "columns")
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one input file may hold: past these it is rejected (a row or the whole file) before
    it can take unbounded memory or time. README "Resource contract" says what they buy."""

    # Characters in one cell: Excel's own limit. A longer CSV field rejects its row; a longer
    # workbook cell, which no spreadsheet program writes, the whole workbook.
    cell_chars: int = 32_767
    # XML a workbook may unpack to, in MiB: every part read (the sheet, its shared strings, the
    # styles...) together, so that neither one part nor a thousand parts can pass it.
    xlsx_xml_mib: int = 128
    # Cells and rows one sheet may hold, counting only those written, not the empty range
    # between them; the shared strings are held to the same count.
    sheet_cells: int = 2_000_000
    # Columns read from a row (a grid costs time per column): a CSV record's fields past it are
    # kept as one more cell, so that its row is rejected as longer than the header; a sheet
    # with cells in more columns is rejected.
    columns: int = 1_024

    @property
    def xlsx_xml_bytes(self) -> int:
        return self.xlsx_xml_mib * MIB


@dataclass(frozen=True)
class ColumnMap:
    """A provider system's headers renamed to the SPEC's names, for files matching `files`."""

    name: str
    files: tuple[str, ...]
    columns: dict[str, str]
    sheet: str | None = None

    def matches(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name.lower(), p.lower()) for p in self.files)


@dataclass(frozen=True)
class Review:
    """The review flags of SPEC §8 (v2 §10): which act as line codes, and the note phrases."""

    # Flags that then act as line codes: the line is not eligible and carries the code.
    disallow: tuple[str, ...] = ()
    # Per §8.1 flag, the phrases a note is screened for (whole words, case and accents ignored).
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    min_minutes: int = 15
    rounding: str = FLOOR
    research_followup_days: int = 30
    staff_day_limit_minutes: int = 720
    default_unit_rate: Decimal | None = None
    workbook_detail_rows: int = 100_000
    response_days: int = 30  # v2 §5.1: a provider answers its notice within this many days
    review: Review = field(default_factory=Review)
    activity_aliases: dict[str, str] = field(default_factory=dict)
    column_maps: tuple[ColumnMap, ...] = ()
    limits: Limits = field(default_factory=Limits)
    source: str = "default"

    def column_map_for(self, file_name: str) -> ColumnMap | None:
        """The first column map whose patterns match this file name."""
        return next((m for m in self.column_maps if m.matches(file_name)), None)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, as written to run.json and the Run Info sheet."""
        out = asdict(self)
        out["default_unit_rate"] = (
            None if self.default_unit_rate is None else str(self.default_unit_rate)
        )
        out["column_maps"] = [{**asdict(m), "files": list(m.files)} for m in self.column_maps]
        out["review"] = {
            "disallow": list(self.review.disallow),
            "phrases": {flag: list(p) for flag, p in self.review.phrases.items()},
        }
        return out


def _int(raw: dict[str, Any], key: str, default: int, low: int, where: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{where}: {key} must be a whole number of at least {low}, not {value!r}")
    return value


def _rate(value: Any, where: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise ConfigError(
            f"{where}: default_unit_rate must be an amount in dollars, not {value!r}"
        ) from None
    exponent = rate.as_tuple().exponent
    too_precise = isinstance(exponent, int) and -exponent > RATE_DECIMALS
    if not rate.is_finite() or rate <= 0 or rate > MAX_UNIT_RATE or too_precise:
        raise ConfigError(
            f"{where}: default_unit_rate must be more than 0 and at most {MAX_UNIT_RATE}, "
            f"with at most {RATE_DECIMALS} decimal places, not {value!r}"
        )
    return rate


def _targets(columns: dict[str, Any], label: str, where: str) -> dict[str, str]:
    """The map's renames; a target that names no column the loader reads is a ConfigError."""
    texts = pd.Series([t if isinstance(t, str) else "" for t in columns.values()], dtype="str")
    # Matched as the loader matches targets, the way it matches headers ("Client ID" is fine).
    known = code_name(texts).isin(COLUMN_MAP_TARGETS).to_numpy()
    if not known.all():
        header = list(columns)[int(known.argmin())]
        raise ConfigError(
            f"{where}: column map {label}: {header!r} must map to one of "
            f"{', '.join(COLUMN_MAP_TARGETS)}, not {columns[header]!r}"
        )
    return {str(k): str(v) for k, v in columns.items()}


def _column_maps(raw: Any, where: str) -> tuple[ColumnMap, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: column_maps must be a list of [[column_maps]] tables")
    maps = []
    for i, item in enumerate(raw, start=1):
        files_ = item.get("files") if isinstance(item, dict) else None
        columns = item.get("columns") if isinstance(item, dict) else None
        if isinstance(files_, str):
            files_ = [files_]
        if not isinstance(files_, list) or not files_ or not isinstance(columns, dict):
            raise ConfigError(
                f'{where}: column map {i} needs files = ["pattern", ...] and a columns table'
            )
        name = str(item.get("name", f"map {i}"))
        label = repr(name) if "name" in item else str(i)
        unknown = sorted(set(item) - set(COLUMN_MAP_KEYS))
        if unknown:
            raise ConfigError(
                f"{where}: column map {label}: unknown key {unknown[0]!r}; "
                f"the keys are {', '.join(COLUMN_MAP_KEYS)}"
            )
        sheet = item.get("sheet")
        maps.append(
            ColumnMap(
                name=name,
                files=tuple(str(f) for f in files_),
                columns=_targets(columns, label, where),
                sheet=None if sheet is None else str(sheet),
            )
        )
    return tuple(maps)


def _aliases(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: activity_aliases must be a table of alias = "code"')
    # Alias values are used as written, so only a code spelled exactly is one.
    bad = next((k for k, v in raw.items() if v not in ACTIVITIES), None)
    if bad is not None:
        raise ConfigError(
            f"{where}: activity_aliases: {bad!r} must be one of {', '.join(ACTIVITIES)}, "
            f"not {raw[bad]!r}"
        )
    names = code_name(pd.Series([str(k) for k in raw], dtype="str")).tolist()
    # "phone = 'mailing'" would quietly recount every phone call as a mailing.
    recoded = next(
        ((k, n) for k, n in zip(raw, names, strict=True) if n in ACTIVITIES and raw[k] != n), None
    )
    if recoded is not None:
        alias, code = recoded
        raise ConfigError(
            f"{where}: activity_aliases: {alias!r} is the activity code {code!r} itself, so it "
            f"cannot stand for {raw[alias]!r}"
        )
    return {str(k): str(v) for k, v in raw.items()}


def _review(raw: Any, base: Review, where: str) -> Review:
    """The [review] table: a user's phrase list for a flag replaces that flag's list only."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: review must be a table ([review])")
    unknown = sorted(set(raw) - {"disallow", "phrases"})
    if unknown:
        raise ConfigError(
            f"{where}: review: unknown key {unknown[0]!r}; the keys are disallow, phrases"
        )
    flags = codes(Kind.REVIEW)
    disallow = raw.get("disallow", list(base.disallow))
    if not isinstance(disallow, list) or any(f not in flags for f in disallow):
        raise ConfigError(
            f"{where}: review.disallow must be a list of review flags ({', '.join(flags)}), "
            f"not {disallow!r}"
        )
    phrases = raw.get("phrases", {})
    screened = NOTE_FLAGS
    if not isinstance(phrases, dict):
        raise ConfigError(f"{where}: review.phrases must be a table of flag = [phrases]")
    for flag, listed in phrases.items():
        if flag not in screened:
            raise ConfigError(
                f"{where}: review.phrases: {flag!r} must be one of {', '.join(screened)}"
            )
        if (
            not isinstance(listed, list)
            or not listed
            or any(not isinstance(s, str) or not s.strip() for s in listed)
        ):
            raise ConfigError(
                f"{where}: review.phrases.{flag} must be a list of one or more phrases"
            )
    merged = {**base.phrases, **{f: tuple(p) for f, p in phrases.items()}}
    return Review(
        disallow=tuple(dict.fromkeys(disallow)),
        phrases={flag: merged[flag] for flag in screened if flag in merged},
    )

def _limits(raw: Any, base: Limits, where: str) -> Limits:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: limits must be a [limits] table")
    names = list(Limits.__dataclass_fields__)
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise ConfigError(
            f"{where}: limits: unknown setting {unknown[0]!r}; the limits are {', '.join(names)}"
        )
    given = {k: _int(raw, k, getattr(base, k), 1, f"{where}: limits") for k in raw}
    return replace(base, **given)


def _from_dict(raw: dict[str, Any], base: Config, where: str) -> Config:
    settings = [f for f in Config.__dataclass_fields__ if f != "source"]
    unknown = sorted(set(raw) - set(settings))
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting {unknown[0]!r}; the settings are {', '.join(settings)}"
        )
    rounding = raw.get("rounding", base.rounding)
    if rounding not in ROUNDINGS:
        raise ConfigError(
            f"{where}: rounding must be one of {', '.join(ROUNDINGS)}, not {rounding!r}"
        )
    return replace(
        base,
        min_minutes=_int(raw, "min_minutes", base.min_minutes, 1, where),
        rounding=rounding,
        research_followup_days=_int(
            raw, "research_followup_days", base.research_followup_days, 0, where
        ),
        staff_day_limit_minutes=_int(
            raw, "staff_day_limit_minutes", base.staff_day_limit_minutes, 1, where
        ),
        default_unit_rate=(
            _rate(raw["default_unit_rate"], where)
            if "default_unit_rate" in raw
            else base.default_unit_rate
        ),
        workbook_detail_rows=_int(raw, "workbook_detail_rows", base.workbook_detail_rows, 0, where),
        response_days=_int(raw, "response_days", base.response_days, 1, where),
        review=_review(raw.get("review", {}), base.review, where),
        activity_aliases={
            **base.activity_aliases,
            **_aliases(raw.get("activity_aliases", {}), where),
        },
        column_maps=_column_maps(raw.get("column_maps", []), where) + base.column_maps,
        limits=_limits(raw.get("limits", {}), base.limits, where),
        source=where,
    )


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        # A float setting (default_unit_rate = 2.01) is read as the decimal written, never as
        # a binary float that would round it.
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{where}: not valid TOML ({err})") from None


def default_config() -> Config:
    """The configuration shipped with the package."""
    text = files("pipeline").joinpath("default.toml").read_text(encoding="utf-8")
    return _from_dict(_parse(text, "default.toml"), Config(), "default")


def load_config(path: Path | None = None) -> Config:
    """The defaults, overridden by the TOML file at `path` when one is given."""
    base = default_config()
    if path is None:
        return base
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the config file ({err.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from None
    return _from_dict(_parse(text, str(path)), base, str(path))
