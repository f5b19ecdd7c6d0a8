"""A workbook as a normalized, JSON-able structure, for golden files a person can review.

Per sheet: name, frozen cell, autofilter range, column widths, then one line per row whose
cells are [value, type, number format] with "bold" appended when the cell is bold.
"""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet


def cell_dump(cell: Cell) -> list[Any] | None:
    if cell.value is None:
        return None
    value = cell.value
    if isinstance(value, datetime | date):
        value = value.isoformat()[:10]
    dump: list[Any] = [value, cell.data_type, cell.number_format]
    if cell.font is not None and cell.font.b:
        dump.append("bold")
    return dump


def row_dump(cells: tuple[Cell, ...]) -> list[list[Any] | None]:
    values = [cell_dump(c) for c in cells]
    while values and values[-1] is None:
        values.pop()
    return values


def sheet_dump(ws: Worksheet) -> dict[str, Any]:
    return {
        "name": ws.title,
        "freeze_panes": ws.freeze_panes,
        "auto_filter": ws.auto_filter.ref,
        "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
        "rows": [row_dump(row) for row in ws.iter_rows()],
    }


def workbook_dump(path: Path) -> list[dict[str, Any]]:
    """Every sheet of the workbook, in order."""
    book = openpyxl.load_workbook(path)
    try:
        return [sheet_dump(ws) for ws in book.worksheets]
    finally:
        book.close()


def dump_text(dump: list[dict[str, Any]]) -> str:
    """JSON with one line per row, so that a diff shows which cells changed."""
    parts = []
    for sheet in dump:
        meta = {k: v for k, v in sheet.items() if k != "rows"}
        rows = ",\n".join(f"    {json.dumps(r, ensure_ascii=False)}" for r in sheet["rows"])
        head = json.dumps(meta, ensure_ascii=False)[:-1]
        parts.append(f'  {head}, "rows": [\n{rows}\n  ]}}')
    return "[\n" + ",\n".join(parts) + "\n]\n"
