"""The sample's numbers rendered as the text each provider's system exports: services,
claims, rates and authorizations files."""

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.sample.authorizations import _CAP, _FROM, _TO, NO_CAP
from pipeline.sample.calendar import Calendar
from pipeline.sample.cases import planted_clients
from pipeline.sample.draws import (
    ACTIVITY_CODE,
    ID_DIGITS,
    QUIRK_TEXT,
    SERVICE_DIGITS,
    STAFF_DIGITS,
    Quirk,
)
from pipeline.sample.providers import Provider
from pipeline.sample.services import (
    _ACT,
    _AGAIN,
    _CLIENT,
    _CS,
    _DAY,
    _END,
    _EXT,
    _MIN,
    _NOTE,
    _P,
    _Q,
    _QUIRK,
    _STAFF,
    _START,
    ProviderRows,
    note_texts,
)
from schemas.columns import (
    ACTIVITY,
    AUTHORIZATION_ID,
    AUTHORIZATIONS_COLUMNS,
    CASE_STAFFING,
    CLAIM_ID,
    CLAIMS_COLUMNS,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    END_DATE,
    END_TIME,
    EXTERNAL_PARTICIPANTS,
    INCREMENTS_PER_UNIT,
    MAX_MINUTES,
    MAX_UNITS_CLAIMED,
    MAX_UNITS_PER_MONTH,
    MINUTES,
    MINUTES_PER_DAY,
    NOTE,
    PROVIDER_ID,
    PROVIDER_NAME,
    SERVICE_DATE,
    SERVICE_ID,
    STAFF_ID,
    START_DATE,
    START_TIME,
    UNIT_RATE,
    UNIT_STEP,
    UNITS_CLAIMED,
)


def padded(numbers: np.ndarray, prefix: str, width: int) -> Any:
    """Numbers as text zero-padded to `width` digits after `prefix` (a pyarrow string array)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "") if prefix else digits


def client_ids(rng: np.random.Generator, provider: Provider, count: int) -> Any:
    """`count` distinct random client ids in the provider's style, then the planted clients'."""
    prefix = provider.style.client_prefix
    planted = planted_clients(provider.letter)
    low = 10 ** (ID_DIGITS - 3) * (2 if prefix == "" else 10)  # "00200" / "C01000" upward
    pool = np.setdiff1d(
        np.arange(low, max(10**ID_DIGITS, low + 3 * count)),
        np.array([int(c.removeprefix(prefix)) for c in planted], dtype=np.int64),
    )
    random_ids = padded(rng.choice(pool, size=count, replace=False), prefix, ID_DIGITS)
    return pa.concat_arrays([random_ids, pa.array(planted, type=pa.string())])


def clock_texts(twelve_hour: bool) -> Any:
    """Every minute of the day as a system writes it (`9:05`, `14:30` or `2:30 PM`), then a
    blank: index a minute after midnight, or MINUTES_PER_DAY for no time (pyarrow)."""
    hour, minute = np.divmod(np.arange(MINUTES_PER_DAY), 60)
    if twelve_hour:
        texts = [f"{(h + 11) % 12 + 1}:{m:02d} {'AM' if h < 12 else 'PM'}"
                 for h, m in zip(hour, minute, strict=True)]
    else:
        texts = [f"{h}:{m:02d}" for h, m in zip(hour, minute, strict=True)]
    return pa.array([*texts, ""], type=pa.string())


def clock_column(minutes: np.ndarray, twelve_hour: bool) -> Any:
    """Clock times as text; blank where a line has none (a negative minute)."""
    return clock_texts(twelve_hour).take(np.where(minutes < 0, MINUTES_PER_DAY, minutes))


def overridden(column: Any, quirk: np.ndarray, which: Quirk, text: str) -> Any:
    """The column with `text` on the rows that have the quirk."""
    hit = quirk == which
    return pc.if_else(pa.array(hit), text, column) if hit.any() else column


def services_text(provider: Provider, rows: ProviderRows, ids: Any,
                  calendar: Calendar) -> pd.DataFrame:
    """The provider's service log as its system exports it: text, its own headers and formats."""
    style, frame = provider.style, rows.rows
    n = len(frame)
    staff_id = frame[_STAFF].to_numpy() + style.staff_first
    act, ext = frame[_ACT].to_numpy(), frame[_EXT].to_numpy()
    blank_external = style.external_for_staffing_only & (act != ACTIVITY_CODE[CASE_STAFFING])
    small = pa.array([str(i) for i in range(MAX_MINUTES + 1)] + [""], type=pa.string())
    columns = {
        SERVICE_ID: padded(np.arange(n) + style.service_first, style.service_prefix,
                           SERVICE_DIGITS),
        PROVIDER_ID: pa.array([provider.provider_id]).take(np.zeros(n, dtype=np.int64)),
        CLIENT_ID: ids.take(frame[_CLIENT].to_numpy()),
        STAFF_ID: padded(staff_id, style.staff_prefix, STAFF_DIGITS if style.staff_prefix else 1),
        SERVICE_DATE: calendar.date_texts(style.us_dates).take(frame[_DAY].to_numpy() + 1),
        ACTIVITY: pa.array(style.activities, type=pa.string()).take(act),
        MINUTES: small.take(frame[_MIN].to_numpy()),
        CLIENT_SPECIFIC: pa.array(style.yes_no).take(frame[_CS].to_numpy().astype(np.int64)),
        EXTERNAL_PARTICIPANTS: small.take(np.where(blank_external, MAX_MINUTES + 1, ext)),
        NOTE: pa.array(note_texts(), type=pa.string()).take(frame[_NOTE].to_numpy()),
    }
    if style.clock is not None:
        columns[START_TIME] = clock_column(frame[_START].to_numpy(), style.clock.twelve_hour)
        columns[END_TIME] = clock_column(frame[_END].to_numpy(), style.clock.twelve_hour)
    quirk = frame[_QUIRK].to_numpy()
    for which, (column, text) in QUIRK_TEXT.items():
        if column in columns:
            columns[column] = overridden(columns[column], quirk, which, text)
    columns[SERVICE_DATE] = overridden(
        columns[SERVICE_DATE], quirk, Quirk.BAD_DATE, calendar.impossible_date(style.us_dates)
    )
    for header, value in style.extra:
        columns[header] = pa.array([value]).take(np.zeros(n, dtype=np.int64))
    names = [*(spec for spec, _ in style.headers), *(h for h, _ in style.extra)]
    headers = [*(h for _, h in style.headers), *(h for h, _ in style.extra)]
    text = pa.table([columns[c] for c in names], names=headers).to_pandas()
    return pd.concat([text, text.loc[frame[_AGAIN].to_numpy()]], ignore_index=True)


def claims_text(claims: pd.DataFrame, providers: tuple[Provider, ...], ids: list[Any],
                calendar: Calendar) -> pd.DataFrame:
    """claims.csv: every provider's claims in provider, date, client order, SPEC headers."""
    order = np.lexsort([claims[c].to_numpy() for c in (_CLIENT, _DAY, _P)])
    claims = claims.iloc[order].reset_index(drop=True)
    offsets = np.concatenate([[0], np.cumsum([len(i) for i in ids])[:-1]])
    quarters = int(MAX_UNITS_CLAIMED / UNIT_STEP)
    units = pa.array([f"{q * UNIT_STEP:.2f}" for q in range(quarters + 1)], type=pa.string())
    p = claims[_P].to_numpy()
    columns = {
        CLAIM_ID: padded(np.arange(1, len(claims) + 1), f"CLM-{calendar.first:%y%m}-", 6),
        PROVIDER_ID: pa.array([x.provider_id for x in providers]).take(p),
        CLIENT_ID: pa.concat_arrays(ids).take(offsets[p] + claims[_CLIENT].to_numpy()),
        SERVICE_DATE: calendar.date_texts(us=False).take(claims[_DAY].to_numpy() + 1),
        UNITS_CLAIMED: overridden(
            units.take(claims[_Q].to_numpy()), claims[_QUIRK].to_numpy(), Quirk.BAD_UNITS,
            QUIRK_TEXT[Quirk.BAD_UNITS][1],
        ),
    }
    return pa.table(list(columns.values()), names=list(CLAIMS_COLUMNS)).to_pandas()


def rates_text(providers: tuple[Provider, ...]) -> pd.DataFrame:
    """rates.csv: the providers with a contract rate, and their names."""
    rated = [p for p in providers if p.rate is not None]
    return pd.DataFrame(
        {
            PROVIDER_ID: [p.provider_id for p in rated],
            PROVIDER_NAME: [p.name for p in rated],
            UNIT_RATE: [p.rate for p in rated],
        },
        dtype="str",
    )


def cap_texts(quarters: np.ndarray) -> Any:
    """Monthly caps as written: whole units as `12`, others as `2.5`; blank for NO_CAP."""
    table = [f"{q / INCREMENTS_PER_UNIT:g}" for q in range(int(quarters.max(initial=0)) + 1)]
    return pa.array([*table, ""], type=pa.string()).take(
        np.where(quarters == NO_CAP, len(table), quarters)
    )


def authorizations_text(authorizations: pd.DataFrame, providers: tuple[Provider, ...],
                        ids: list[Any], calendar: Calendar) -> pd.DataFrame:
    """authorizations.csv, as the funder's registry exports it: by provider, client and start,
    ISO dates, a blank end for an open-ended period and a blank cap for none."""
    offsets = np.concatenate([[0], np.cumsum([len(i) for i in ids])[:-1]])
    p = authorizations[_P].to_numpy()
    table = pa.table(
        {
            _P: pa.array(p, type=pa.int64()),
            PROVIDER_ID: pa.array([x.provider_id for x in providers]).take(p),
            CLIENT_ID: pa.concat_arrays(ids).take(offsets[p] + authorizations[_CLIENT].to_numpy()),
            _FROM: pa.array(authorizations[_FROM].to_numpy(), type=pa.int64()),
            START_DATE: calendar.iso_dates(authorizations[_FROM].to_numpy()),
            END_DATE: calendar.iso_dates(authorizations[_TO].to_numpy()),
            MAX_UNITS_PER_MONTH: cap_texts(authorizations[_CAP].to_numpy()),
        }
    ).sort_by([(_P, "ascending"), (CLIENT_ID, "ascending"), (_FROM, "ascending")])
    numbers = padded(np.arange(len(table)) + 100_001, "AUTH-", 6)
    table = table.append_column(AUTHORIZATION_ID, numbers)
    return table.select(list(AUTHORIZATIONS_COLUMNS)).to_pandas()
