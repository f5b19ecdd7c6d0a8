"""CSV bytes as a Grid: encoding and delimiter detected, one grid row per CSV record.

A quoted field may hold line breaks; it stays one record, as a spreadsheet shows it.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.config import Limits
from pipeline.ingest.grid import BAD_CELL_DTYPES, COL, ROW, Grid, cannot_read, no_bad_cells
from schemas.columns import ERROR, VALUE

DELIMITERS = (",", ";", "\t", "|")  # on a tie, the earlier one wins
SNIFF_CHARS = 64 * 1024
SNIFF_RECORDS = 20
UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
UTF16 = "utf-16"
CP1252 = "cp1252"
LATIN1 = "latin-1"  # the last resort: every byte is a character
QUOTE = '"'
BLANK_LINES = (b"\n\n", b"\r\r", b"\n\r\n", b"\r\n\r\n")
BATCH_RECORDS = 65_536  # records the tolerant reader holds as Python lists at once
BLOCK_BYTES = 4 * 1024 * 1024  # bytes of a quote-free file split into lines at once
_MAX_FIELD = 2**31 - 1  # the most the csv module takes on every platform
QUOTED_CHARS = 100  # of an over-long field, the beginning its rejected-row record quotes

# True for each header text that names a column the run reads.
Recognised = Callable[[pd.Series], pd.Series]


def decoded(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Strict trial decoding, not statistical detection, so the same bytes always read the same.
    A byte-order mark settles the encoding; bytes that do not fit it read as U+FFFD.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode(UTF8, errors="replace"), UTF8_BOM
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode(UTF16, errors="replace"), UTF16
    for encoding in (UTF8, CP1252):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode(LATIN1), LATIN1


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _padded(
    records: pa.ListArray, labels: np.ndarray, delimiter: str, columns: int
) -> tuple[pd.DataFrame, pd.Series | None]:
    """Records as rows labelled `labels`, NA where a record has fewer fields than the widest,
    and the widths of records longer than `columns` (Grid.widths).

    A grid costs time per column, so a record's fields past `columns` are kept as one more
    cell, joined as they were written: its row is still longer than any header, and says so.
    """
    lengths = pc.list_value_length(records)
    longest = pc.max(lengths).as_py() or 0
    width = min(longest, columns)
    fixed = pc.list_slice(records, 0, width, return_fixed_size_list=True)
    cells = {j: pc.list_element(fixed, j).to_pandas() for j in range(width)}
    index = pd.Index(labels, dtype="int64")
    if longest <= columns:
        return pd.DataFrame(cells, index=pd.RangeIndex(len(records))).set_axis(index), None
    rest = pc.binary_join(pc.list_slice(records, columns, longest), delimiter)
    cells[columns] = pc.if_else(pc.greater(lengths, columns), rest, None).to_pandas()
    frame = pd.DataFrame(cells, index=pd.RangeIndex(len(records))).set_axis(index)
    widths = pd.Series(lengths.to_numpy(zero_copy_only=False), index=index, dtype="int64")
    return frame, widths[widths > columns]


def _sample_records(sample: str, delimiter: str) -> pa.ListArray:
    try:
        records = list(islice(_records(sample, delimiter), SNIFF_RECORDS))
    except csv.Error:
        records = []
    return pa.array(records, type=pa.list_(pa.string()))


def sniffed_delimiter(text: str, recognised: Recognised) -> str:
    """The delimiter that makes the most recognised names in one record, then the most fields."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    split = [_sample_records(sample, d) for d in DELIMITERS]
    cells = pd.Series(pa.concat_arrays([pc.list_flatten(r) for r in split]), dtype="str")
    delimiter = np.repeat(np.arange(len(DELIMITERS)), [len(pc.list_flatten(r)) for r in split])
    record = np.concatenate([pc.list_parent_indices(r).to_numpy() for r in split])
    per_record = recognised(cells).groupby([delimiter, record]).sum()
    names = per_record.groupby(level=0).max().reindex(range(len(DELIMITERS)), fill_value=0)
    fields = [pc.max(pc.list_value_length(r)).as_py() or 0 for r in split]
    return DELIMITERS[max(range(len(DELIMITERS)), key=lambda i: (names[i], fields[i]))]


def _first_record_width(text: str, delimiter: str) -> int:
    try:
        return len(next(_records(text[:SNIFF_CHARS], delimiter), []))
    except csv.Error:
        return 0


def _has_blank_line(utf8: bytes) -> bool:
    """True when a line is empty (in any line-ending style), or the file starts with one."""
    return utf8.startswith((b"\n", b"\r")) or any(e in utf8 for e in BLANK_LINES)


def _arrow_cells(data: bytes, delimiter: str, width: int) -> pd.DataFrame | None:
    """The fast reader, for a rectangular file; None when a record's width differs."""
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if any(t != pa.string() for t in table.schema.types):
        return None
    cells = table.to_pandas()
    cells.columns = pd.RangeIndex(table.num_columns)
    return cells.astype("str")


@contextmanager
def _no_field_limit() -> Iterator[None]:
    """The csv module's limit on one field (128 KiB) lifted for a while: a long field is one
    row's problem (long_cells), never a reason to reject the file."""
    before = csv.field_size_limit(_MAX_FIELD)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _quoted_records(text: str, delimiter: str) -> Iterator[tuple[pa.ListArray, np.ndarray]]:
    """The records of a file with quotes, a batch at a time, blank lines left out: each batch's
    records and their 0-based numbers (a quoted line break keeps a record one)."""
    records = _records(text, delimiter)
    first = 0
    with _no_field_limit():
        try:
            while batch := list(islice(records, BATCH_RECORDS)):
                filled = np.fromiter(map(len, batch), np.int64, len(batch)) > 0
                lists = pa.array(list(filter(None, batch)), type=pa.list_(pa.string()))
                yield lists, np.flatnonzero(filled) + first
                first += len(batch)
        except csv.Error as err:
            raise cannot_read(f"it is not a well-formed CSV file ({err})") from None


def _unquoted_records(utf8: bytes, delimiter: str) -> Iterator[tuple[pa.ListArray, np.ndarray]]:
    """The records of a file without a quote, where a record is a line: split by Arrow a block
    at a time, blank lines left out, so no Python object is made per line."""
    first, start = 0, 0
    while start < len(utf8):
        end = len(utf8)
        if end - start > BLOCK_BYTES:  # cut just after a line break; a longer line whole
            cut = utf8.rfind(b"\n", start, start + BLOCK_BYTES) + 1
            end = cut if cut > start else (utf8.find(b"\n", start + BLOCK_BYTES) + 1 or end)
        block = pa.array([utf8[start:end]], pa.string())
        for ending in ("\r\n", "\r"):  # every line ending the csv module knows, as one
            block = pc.replace_substring(block, ending, "\n")
        lines = pc.list_flatten(pc.split_pattern(block, "\n"))
        filled = pc.not_equal(lines, "")
        yield (
            pc.split_pattern(lines.filter(filled), delimiter),
            np.flatnonzero(filled.to_numpy(zero_copy_only=False)) + first,
        )
        first += len(lines) - 1  # a block ends just after a line break: its last piece is ""
        start = end


def _python_cells(
    text: str, utf8: bytes, delimiter: str, columns: int
) -> tuple[pd.DataFrame, pd.Series | None]:
    """The tolerant reader: ragged records, blank lines and stray quotes read as Excel would.

    It streams: blank lines are dropped as they are read (their numbers kept as row labels),
    so memory follows the cells, not the lines.
    """
    if QUOTE in text:
        batches = list(_quoted_records(text, delimiter))
    else:
        batches = list(_unquoted_records(utf8, delimiter))
    records = [b for b, _ in batches] or [pa.array([], pa.list_(pa.string()))]
    numbers = [n for _, n in batches] or [np.array([], np.int64)]
    return _padded(pa.concat_arrays(records), np.concatenate(numbers), delimiter, columns)


def long_cells(cells: pd.DataFrame, limits: Limits) -> pd.DataFrame:
    """Bad cells (BAD_CELL_DTYPES) for fields longer than [limits] cell_chars: each rejects its
    row only; the record quotes the field's beginning."""
    found = [no_bad_cells()]
    for position, column in enumerate(cells.columns):
        lengths = cells[column].str.len()
        over = lengths > limits.cell_chars
        if not over.any():
            continue
        text = cells.loc[over, column]
        found.append(
            pd.DataFrame(
                {
                    ROW: text.index.astype("int64"),
                    COL: position,
                    VALUE: text.str.slice(0, QUOTED_CHARS) + "…",
                    ERROR: "the cell holds "
                    + lengths[over].astype("int64").map("{:,}".format)
                    + f" characters, more than the {limits.cell_chars:,} a cell may hold "
                    "([limits] cell_chars)",
                }
            ).astype(BAD_CELL_DTYPES)
        )
    return pd.concat(found, ignore_index=True)


def csv_grid(data: bytes, recognised: Recognised, limits: Limits | None = None) -> Grid:
    """The grid of a CSV file; `recognised` tells which delimiter makes a readable header."""
    limits = limits or Limits()
    text, encoding = decoded(data)
    delimiter = sniffed_delimiter(text, recognised)
    utf8 = data if encoding == UTF8 else text.encode(UTF8)
    width = _first_record_width(text, delimiter)
    # Arrow would make every blank line a row of empty cells (50 MB of them, 8 GiB).
    fast = width <= limits.columns and not _has_blank_line(utf8)
    cells = _arrow_cells(utf8, delimiter, width) if fast else None
    widths = None
    if cells is None:
        cells, widths = _python_cells(text, utf8, delimiter, limits.columns)
    return Grid(
        cells,
        encoding=encoding,
        delimiter=delimiter,
        bad_cells=long_cells(cells, limits),
        widths=widths,
    )
