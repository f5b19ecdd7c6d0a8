"""What only a funder sees (v2 SPEC §8): review flags on lines, warnings on days, and the
review table (review.parquet, the For Review sheet) that quotes the evidence for each.

Review flags never change units unless the config disallows them (then rules.lines makes them
line codes). Warnings (SPEC §4, §8.2) never change units.
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.config import Config
from pipeline.rules.table import RULES, Kind, codes
from schemas.columns import (
    ACTIVITY,
    CLAIM_LINES,
    CLAIMED_UNITS,
    CLIENT_DAY_KEY,
    CLIENT_ID,
    CLIENT_SPECIFIC,
    DETAIL,
    DUPLICATE,
    END_MINUTE,
    END_TIME,
    MINUTES,
    NOTE,
    PROVIDER_ID,
    REVIEW_COLUMNS,
    REVIEW_KIND,
    SCHEDULING,
    SERVICE_DATE,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_ID,
    START_MINUTE,
    START_TIME,
    VOICEMAIL_LEFT,
    VOICEMAIL_LISTENED,
    WARNING_CODE,
)

(
    NOTE_SUGGESTS_VOICEMAIL,
    NOTE_SUGGESTS_SCHEDULING,
    NOTE_SUGGESTS_GROUP,
    STAFF_TIME_OVERLAP,
    MINUTES_EXCEED_INTERVAL,
) = codes(Kind.REVIEW)
STAFF_DAY_OVER_LIMIT, MULTIPLE_CLAIM_LINES, CROSS_PROVIDER_SAME_DAY = codes(Kind.WARNING)
LINE = "_line"  # a flag's line: its position in the services frame
_PHRASE = "phrase"
_OTHERS = "_others"
_RANK = "_rank"
# A phrase matches as whole words: what touches it on either side is no letter or digit.
_EDGE = r"[^\p{L}\p{N}]"
_FLAGGED_DTYPES = {LINE: "int64", WARNING_CODE: "str", DETAIL: "str"}


def normalized_text(text: str) -> str:
    """A phrase as notes are compared: accents dropped, lower case, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(plain.lower().split())


def normalized_notes(notes: pd.Series) -> pa.Array:
    """The notes as phrases are compared (see normalized_text), in Arrow kernels."""
    text = pa.array(notes.array, type=pa.large_string())
    text = pc.utf8_normalize(text, "NFKD")
    text = pc.replace_substring_regex(text, r"\p{Mn}+", "")
    text = pc.utf8_lower(text)
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"\s+", " "))


def phrase_pattern(phrases: Sequence[str]) -> str:
    """One RE2 pattern for a flag's phrases, longest first, each as whole words."""
    words = sorted({normalized_text(p) for p in phrases if p.strip()}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    return f"(?:^|{_EDGE})(?P<{_PHRASE}>{alternatives})(?:{_EDGE}|$)"


def matched_phrases(notes: pa.Array, phrases: Sequence[str]) -> pa.Array:
    """Per note, the configured phrase it contains (null where none): one regex pass."""
    found = pc.struct_field(pc.extract_regex(notes, phrase_pattern(phrases)), [0])
    # Report the phrase as configured, not as normalised.
    spelled = {normalized_text(p): p for p in reversed(phrases)}
    keys = pa.array(list(spelled), type=pa.large_string())
    position = pc.index_in(found, value_set=keys)
    return pc.take(pa.array(list(spelled.values()), type=pa.string()), position)


def note_flags(services: pd.DataFrame, counted: np.ndarray, config: Config) -> pd.DataFrame:
    """§8.1: lines whose note reads like something other than what was coded, quoting the
    phrase (LINE, WARNING_CODE, DETAIL rows)."""
    applies = {
        NOTE_SUGGESTS_VOICEMAIL: ~services[ACTIVITY].isin((VOICEMAIL_LEFT, VOICEMAIL_LISTENED)),
        NOTE_SUGGESTS_SCHEDULING: services[ACTIVITY] != SCHEDULING,
        NOTE_SUGGESTS_GROUP: services[CLIENT_SPECIFIC].astype(bool),
    }
    candidates = {c: np.flatnonzero(counted & m.to_numpy(dtype=bool)) for c, m in applies.items()}
    wanted = np.unique(np.concatenate([np.zeros(0, np.int64), *candidates.values()]))
    phrases = config.review.phrases
    if not len(wanted) or not any(phrases.get(c) for c in candidates):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _FLAGGED_DTYPES.items()})
    # Normalised once, for the lines any flag looks at.
    notes = normalized_notes(services[NOTE].iloc[wanted])
    found = []
    for code, lines in candidates.items():
        if not phrases.get(code) or not len(lines):
            continue
        where = pa.array(np.searchsorted(wanted, lines), type=pa.int64())
        phrase = matched_phrases(pc.take(notes, where), phrases[code])
        hit = pc.is_valid(phrase).to_numpy(zero_copy_only=False)
        quoted = pc.binary_join_element_wise('the note says "', phrase.filter(hit), '"', "")
        found.append(
            pd.DataFrame(
                {LINE: lines[hit], WARNING_CODE: code, DETAIL: pd.array(quoted, dtype="str")}
            )
        )
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _FLAGGED_DTYPES.items()})
    return pd.concat(found, ignore_index=True).astype(_FLAGGED_DTYPES)


def _where(services: pd.DataFrame, lines: np.ndarray) -> pd.Series:
    """'row R of FILE (START–END)' for lines, naming them as a clerk finds them."""
    picked = services.iloc[lines]
    return (
        "row "
        + picked[SOURCE_ROW].astype("str")
        + " of "
        + picked[SOURCE_FILE]
        + " ("
        + picked[START_TIME]
        + "–"
        + picked[END_TIME]
        + ")"
    ).reset_index(drop=True)


def time_flags(services: pd.DataFrame, counted: np.ndarray) -> pd.DataFrame:
    """§8.3 on lines with both clock times: STAFF_TIME_OVERLAP and MINUTES_EXCEED_INTERVAL.

    Overlap is found without a self-join: within a provider's staff-day, lines sorted by start
    time; a line overlaps an earlier-starting one exactly when the latest end before it is
    after its start. The line named in the detail is that latest-ending earlier line (the
    first of them in sorted order on a tie), or, for a line that no earlier line overlaps, the
    next line to start. Intervals are [start, end), so back-to-back lines do not overlap.
    """
    start = services[START_MINUTE].to_numpy(dtype="float64", na_value=np.nan)
    end = services[END_MINUTE].to_numpy(dtype="float64", na_value=np.nan)
    timed = np.flatnonzero(counted & ~np.isnan(start) & ~np.isnan(end))
    found = []
    minutes = services[MINUTES].to_numpy(dtype=np.int64)[timed]
    span = (end[timed] - start[timed]).astype(np.int64)
    over = minutes > span
    if over.any():
        lines = timed[over]
        detail = (
            pd.Series(minutes[over]).astype("str")
            + " minutes are more than the "
            + pd.Series(span[over]).astype("str")
            + " minutes from "
            + services[START_TIME].iloc[lines].reset_index(drop=True)
            + " to "
            + services[END_TIME].iloc[lines].reset_index(drop=True)
        )
        found.append(
            pd.DataFrame({LINE: lines, WARNING_CODE: MINUTES_EXCEED_INTERVAL, DETAIL: detail})
        )
    if len(timed) > 1:
        found.append(
            _overlaps(services, timed, start[timed].astype(np.int64), end[timed].astype(np.int64))
        )
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _FLAGGED_DTYPES.items()})
    return pd.concat(found, ignore_index=True).astype(_FLAGGED_DTYPES)


def _overlaps(
    services: pd.DataFrame, timed: np.ndarray, start: np.ndarray, end: np.ndarray
) -> pd.DataFrame:
    """STAFF_TIME_OVERLAP rows for the timed lines (positions `timed`, in reading order)."""
    keys = services[[PROVIDER_ID, STAFF_ID, SERVICE_DATE]].iloc[timed]
    group = keys.groupby([PROVIDER_ID, STAFF_ID, SERVICE_DATE], sort=False).ngroup().to_numpy()
    order = np.lexsort((np.arange(len(timed)), start, group))  # by staff-day, start, reading
    g, s, e = group[order], start[order], end[order]
    n = len(order)
    first_of_group = np.r_[True, g[1:] != g[:-1]]
    # The latest end before each line, and where it is: one int carries both, the end above,
    # the reversed position below, so the running maximum prefers the earlier line on a tie.
    scale = n + 1
    packed = e.astype(np.int64) * scale + (n - 1 - np.arange(n))
    running = pd.Series(packed).groupby(g).cummax().to_numpy()
    before = np.r_[-1, running[:-1]]
    before[first_of_group] = -1
    has_before = before >= 0
    prior_end = np.where(has_before, before // scale, -1)
    prior_at = np.where(has_before, n - 1 - before % scale, -1)
    overlaps_prior = has_before & (prior_end > s)
    nxt = np.r_[np.arange(1, n), -1]
    same_next = np.r_[g[1:] == g[:-1], False]
    overlaps_next = ~overlaps_prior & same_next & (s[np.clip(nxt, 0, n - 1)] < e)
    other = np.where(overlaps_prior, prior_at, np.where(overlaps_next, nxt, -1))
    flagged = other >= 0
    mine, theirs = np.flatnonzero(flagged), other[flagged]
    shared = np.minimum(e[mine], e[theirs]) - np.maximum(s[mine], s[theirs])
    line, partner = timed[order[mine]], timed[order[theirs]]
    unit = pd.Series(np.where(shared == 1, " minute", " minutes"), dtype="str")
    detail = (
        "overlaps " + _where(services, partner) + " by " + pd.Series(shared).astype("str") + unit
    )
    return pd.DataFrame({LINE: line, WARNING_CODE: STAFF_TIME_OVERLAP, DETAIL: detail})


def line_flags(services: pd.DataFrame, duplicate: pd.Series, config: Config) -> pd.DataFrame:
    """Every review flag of §8.1 and §8.3 on the accepted, non-duplicate lines: one row per
    flag (LINE, WARNING_CODE, DETAIL), in the flags' order, then the lines'."""
    counted = ~duplicate.to_numpy(dtype=bool)
    flagged = pd.concat(
        [note_flags(services, counted, config), time_flags(services, counted)], ignore_index=True
    )
    rank = {code: i for i, code in enumerate(codes(Kind.REVIEW))}
    return (
        flagged.assign(**{_RANK: flagged[WARNING_CODE].map(rank)})
        .sort_values([_RANK, LINE], kind="stable", ignore_index=True)
        .drop(columns=_RANK)
    )


def flag_masks(flagged: pd.DataFrame, rows: int) -> dict[str, np.ndarray]:
    """Per review flag, True for the lines that carry it."""
    masks = {}
    for code in codes(Kind.REVIEW):
        mask = np.zeros(rows, dtype=bool)
        mask[flagged.loc[flagged[WARNING_CODE] == code, LINE].to_numpy(dtype=np.int64)] = True
        masks[code] = mask
    return masks


def coded(frame: pd.DataFrame, code: str, detail: pd.Series) -> pd.DataFrame:
    """The frame's rows as warnings of one code, each with its detail sentence."""
    columns: dict[str, Any] = {WARNING_CODE: code, DETAIL: detail}
    return frame.assign(**columns)


def staff_warnings(lines: pd.DataFrame, config: Config) -> pd.DataFrame:
    """STAFF_DAY_OVER_LIMIT: a staff member's documented minutes on one date, all clients."""
    staff_key = [PROVIDER_ID, STAFF_ID, SERVICE_DATE]
    counted = lines.loc[~lines[DUPLICATE], [*staff_key, MINUTES]]
    staff = counted.groupby(staff_key, observed=True)[MINUTES].sum().reset_index()
    staff = staff.loc[staff[MINUTES] > config.staff_day_limit_minutes]
    detail = (
        "staff "
        + staff[STAFF_ID].astype("str")
        + " documented "
        + staff[MINUTES].astype("str")
        + " minutes on this date across all clients, over the limit of "
        + str(config.staff_day_limit_minutes)
    )
    return coded(staff, STAFF_DAY_OVER_LIMIT, detail)


def claim_warnings(claims: pd.DataFrame) -> pd.DataFrame:
    """MULTIPLE_CLAIM_LINES: a client-day with more than one accepted claims row."""
    key = list(CLIENT_DAY_KEY)
    counts = claims.groupby(key, observed=True).size().rename(CLAIM_LINES).reset_index()
    counts = counts.loc[counts[CLAIM_LINES] > 1]
    detail = counts[CLAIM_LINES].astype("str") + " claims rows for this client-day"
    return coded(counts, MULTIPLE_CLAIM_LINES, detail)


def cross_provider_warnings(days: pd.DataFrame) -> pd.DataFrame:
    """§8.2 CROSS_PROVIDER_SAME_DAY: each client-day whose client has units claimed at two or
    more providers on that date, naming the others. Client IDs are funder-wide."""
    claimed = days.loc[days[CLAIMED_UNITS] > 0, list(CLIENT_DAY_KEY)]
    both = claimed.groupby([CLIENT_ID, SERVICE_DATE], observed=True)[PROVIDER_ID].transform("size")
    shared = claimed.loc[both > 1]
    pairs = shared.merge(
        shared.rename(columns={PROVIDER_ID: _OTHERS}), on=[CLIENT_ID, SERVICE_DATE]
    )
    pairs = pairs.loc[pairs[PROVIDER_ID] != pairs[_OTHERS]].sort_values(
        [*CLIENT_DAY_KEY, _OTHERS], kind="stable"
    )
    table = pa.Table.from_pandas(pairs, preserve_index=False)
    grouped = table.group_by(list(CLIENT_DAY_KEY), use_threads=False).aggregate([(_OTHERS, "list")])
    others = pc.binary_join(grouped[f"{_OTHERS}_list"], pa.scalar(", ", pa.large_string()))
    out = grouped.drop_columns([f"{_OTHERS}_list"]).to_pandas()
    detail = "also claimed at " + pd.Series(pd.array(others, dtype="str")) + " on this date"
    return coded(out, CROSS_PROVIDER_SAME_DAY, detail)


def review_rows(
    lines: pd.DataFrame, flagged: pd.DataFrame, claims: pd.DataFrame, config: Config
) -> pd.DataFrame:
    """The review flags of the lines and the warnings decided within each provider
    (STAFF_DAY_OVER_LIMIT, MULTIPLE_CLAIM_LINES), as REVIEW_COLUMNS rows (unsorted)."""
    at = lines.iloc[flagged[LINE].to_numpy(dtype=np.int64)].reset_index(drop=True)
    flags = at[[PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, SOURCE_FILE, SOURCE_ROW]].assign(
        **{WARNING_CODE: flagged[WARNING_CODE].to_numpy(), DETAIL: flagged[DETAIL].to_numpy()}
    )
    parts = [flags, staff_warnings(lines, config), claim_warnings(claims)]
    return pd.concat([p.reindex(columns=list(REVIEW_COLUMNS)) for p in parts], ignore_index=True)


def review_table(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Every warning and review flag of the month, one row each (REVIEW_COLUMNS), by code in
    the rules table's order, then provider, client, date, staff, file and row."""
    rows = pd.concat([p.reindex(columns=list(REVIEW_COLUMNS)) for p in parts], ignore_index=True)
    kinds: Mapping[str, str] = {r.code: str(r.kind) for r in RULES}
    rank = {r.code: i for i, r in enumerate(RULES)}
    ranked: dict[str, Any] = {
        REVIEW_KIND: rows[WARNING_CODE].map(kinds),
        _RANK: rows[WARNING_CODE].map(rank),
    }
    rows = rows.assign(**ranked)
    ordered = rows.sort_values(
        [_RANK, PROVIDER_ID, CLIENT_ID, SERVICE_DATE, STAFF_ID, SOURCE_FILE, SOURCE_ROW],
        na_position="first",
        kind="stable",
        ignore_index=True,
    )
    text = (WARNING_CODE, REVIEW_KIND, PROVIDER_ID, CLIENT_ID, STAFF_ID, SOURCE_FILE, DETAIL)
    return ordered[list(REVIEW_COLUMNS)].astype(
        {**dict.fromkeys(text, "str"), SOURCE_ROW: "Int64", SERVICE_DATE: "datetime64[s]"}
    )
