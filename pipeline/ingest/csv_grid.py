"""CSV bytes as a Grid: encoding and delimiter detected, one grid row per CSV record.

A quoted field may hold line breaks; it stays one record, as a spreadsheet shows it.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from itertools import islice

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.ingest.grid import Grid, cannot_read

DELIMITERS = (",", ";", "\t", "|")  # on a tie, the earlier one wins
SNIFF_CHARS = 64 * 1024
SNIFF_RECORDS = 20
UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
UTF16 = "utf-16"
CP1252 = "cp1252"
LATIN1 = "latin-1"  # the last resort: every byte is a character

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


def _padded(records: list[list[str]]) -> pd.DataFrame:
    """Records as rows of a frame, NA where a record has fewer fields than the widest."""
    lists = pa.array(records, type=pa.list_(pa.string()))
    width = pc.max(pc.list_value_length(lists)).as_py() or 0
    fixed = pc.list_slice(lists, 0, width, return_fixed_size_list=True)
    return pd.DataFrame(
        {j: pc.list_element(fixed, j).to_pandas() for j in range(width)},
        index=pd.RangeIndex(len(records)),
    )


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


def _python_cells(text: str, delimiter: str) -> pd.DataFrame:
    """The tolerant reader: ragged records, blank lines and stray quotes read as Excel would."""
    try:
        records = list(_records(text, delimiter))
    except csv.Error as err:
        raise cannot_read(f"it is not a well-formed CSV file ({err})") from None
    return _padded(records)


def csv_grid(data: bytes, recognised: Recognised) -> Grid:
    """The grid of a CSV file; `recognised` tells which delimiter makes a readable header."""
    text, encoding = decoded(data)
    delimiter = sniffed_delimiter(text, recognised)
    utf8 = data if encoding == UTF8 else text.encode(UTF8)
    cells = _arrow_cells(utf8, delimiter, _first_record_width(text, delimiter))
    if cells is None:
        cells = _python_cells(text, delimiter)
    return Grid(cells.reset_index(drop=True), encoding=encoding, delimiter=delimiter)
