"""The Summary sheet: per provider and in total, then counts by status, reason code and
warning."""


import pandas as pd

from pipeline import money
from pipeline.report.model import (
    CLIENT_DAYS_COUNT,
    CODE,
    DESCRIPTION,
    DISALLOWED_UNITS,
    SERVICE_LINES_COUNT,
    SUMMARY,
    SUMMARY_COLUMNS,
    TOTAL,
    WARNINGS_COUNT,
    Sheet,
    Table,
    formats_of,
)
from pipeline.rules.table import BY_CODE, REASON_ORDER, Kind, codes
from schemas.columns import (
    ALLOWABLE_UNITS,
    AMOUNT_COLUMNS,
    CLAIMED_UNITS,
    DISALLOWED_AMOUNT,
    MINUTES,
    PROVIDER_ID,
    REASON_SEPARATOR,
    REASONS,
    STATUS,
    STATUSES,
    VARIANCE_UNITS,
    WARNING_CODE,
)

_CENTS = "_cents"


def cents_sums(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per `by`, the exact cents of each amount column; NA where every amount is NA (no rate)."""
    cents = frame[[by]].assign(**{c: money.cents_of(frame[c]) for c in AMOUNT_COLUMNS})
    return cents.groupby(by, sort=True)[list(AMOUNT_COLUMNS)].sum(min_count=1)


def provider_table(days: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per provider and a TOTAL row; amounts are sums of the rounded per-day amounts."""
    by_day = days.assign(**{DISALLOWED_UNITS: days[VARIANCE_UNITS].clip(lower=0)}).groupby(
        PROVIDER_ID, sort=True
    )
    counts = [CLIENT_DAYS_COUNT, SERVICE_LINES_COUNT]
    units = [CLAIMED_UNITS, ALLOWABLE_UNITS, DISALLOWED_UNITS]
    table = pd.concat(
        [
            by_day.size().rename(CLIENT_DAYS_COUNT),
            lines.groupby(PROVIDER_ID, sort=True).size().rename(SERVICE_LINES_COUNT),
            by_day[units].sum(),
            cents_sums(days, PROVIDER_ID),
        ],
        axis=1,
    ).sort_index()
    table = table.assign(
        **{c: table[c].fillna(0).astype("int64") for c in counts},
        **{c: table[c].fillna(0.0).astype("float64") for c in units},
        **{c: table[c].astype("Int64") for c in AMOUNT_COLUMNS},
    )
    total = pd.DataFrame(
        {
            **{c: [table[c].sum()] for c in (*counts, *units)},
            # Empty only when every provider lacks a rate; a month with no providers sums to 0.
            **{
                c: pd.array([table[c].sum(min_count=min(1, len(table)))], dtype="Int64")
                for c in AMOUNT_COLUMNS
            },
        },
        index=[TOTAL],
    )
    rows = pd.concat([table, total]).astype(table.dtypes.to_dict()).rename_axis(PROVIDER_ID)
    rows = rows.reset_index().astype({PROVIDER_ID: "str"})
    return rows.assign(**{c: money.as_amount(rows[c]) for c in AMOUNT_COLUMNS})[
        list(SUMMARY_COLUMNS)
    ]


def status_table(days: pd.DataFrame) -> pd.DataFrame:
    """Per status (all of SPEC §4, in order): client-days, units and the disallowed amount."""
    keyed = days.assign(**{_CENTS: money.cents_of(days[DISALLOWED_AMOUNT])}).groupby(STATUS)
    table = pd.concat(
        [
            keyed.size().rename(CLIENT_DAYS_COUNT),
            keyed[[CLAIMED_UNITS, ALLOWABLE_UNITS]].sum(),
            keyed[_CENTS].sum(min_count=1),
        ],
        axis=1,
    ).reindex(list(STATUSES))
    return pd.DataFrame(
        {
            STATUS: pd.Series(STATUSES, dtype="str"),
            CLIENT_DAYS_COUNT: table[CLIENT_DAYS_COUNT].fillna(0).astype("int64").to_numpy(),
            CLAIMED_UNITS: table[CLAIMED_UNITS].fillna(0.0).astype("float64").to_numpy(),
            ALLOWABLE_UNITS: table[ALLOWABLE_UNITS].fillna(0.0).astype("float64").to_numpy(),
            # A status no day has disallows nothing; one whose days have no rate stays empty.
            DISALLOWED_AMOUNT: money.as_amount(
                table[_CENTS]
                .astype("Int64")
                .mask(table[CLIENT_DAYS_COUNT].isna(), 0)
                .reset_index(drop=True)
            ),
        }
    )


def reason_table(lines: pd.DataFrame) -> pd.DataFrame:
    """Per line code (RULES order): how many service lines carry it and their minutes."""
    exploded = (
        lines[[MINUTES]]
        .assign(**{CODE: lines[REASONS].astype("str").str.split(REASON_SEPARATOR)})
        .explode(CODE)
    )
    keyed = exploded.loc[exploded[CODE] != ""].groupby(CODE)[MINUTES]
    table = pd.concat(
        [keyed.size().rename(SERVICE_LINES_COUNT), keyed.sum().rename(MINUTES)], axis=1
    ).reindex(list(REASON_ORDER))
    return pd.DataFrame(
        {
            CODE: pd.Series(REASON_ORDER, dtype="str"),
            SERVICE_LINES_COUNT: table[SERVICE_LINES_COUNT].fillna(0).astype("int64").to_numpy(),
            MINUTES: table[MINUTES].fillna(0).astype("int64").to_numpy(),
            DESCRIPTION: pd.Series([BY_CODE[c].description for c in REASON_ORDER], dtype="str"),
        }
    )


def warning_table(warnings: pd.DataFrame) -> pd.DataFrame:
    """Per warning code: how many warnings the month raised."""
    warning_codes = codes(Kind.WARNING)
    counts = warnings[WARNING_CODE].value_counts().reindex(list(warning_codes)).fillna(0)
    return pd.DataFrame(
        {
            CODE: pd.Series(warning_codes, dtype="str"),
            WARNINGS_COUNT: counts.astype("int64").to_numpy(),
            DESCRIPTION: pd.Series([BY_CODE[c].description for c in warning_codes], dtype="str"),
        }
    )


def summary_sheet(
    days: pd.DataFrame, lines: pd.DataFrame, warnings: pd.DataFrame, title: str
) -> Sheet:
    """Providers and TOTAL first (frozen, filterable), then counts by status, reason, warning."""
    providers = provider_table(days, lines)
    below = tuple(
        Table(frame, formats_of(frame), caption)
        for caption, frame in (
            ("Client-days by status", status_table(days)),
            ("Service lines by reason code", reason_table(lines)),
            ("Warnings (units unchanged)", warning_table(warnings)),
        )
    )
    return Sheet(
        SUMMARY,
        providers,
        formats_of(providers),
        title_rows=(title,),
        below=below,
        totals=1,
    )
