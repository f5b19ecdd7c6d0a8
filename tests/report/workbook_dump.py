"""A workbook as a normalized, JSON-able structure, for golden files a person can review.

Per sheet: name, frozen cell, autofilter range, column widths, what it prints (orientation,
fit, print titles, footer), protection, merged cells and set row heights, columns whose cells
wrap, drop-downs and charts; then one line per row whose cells are [value, type, number
format] with "bold" appended when the cell is bold. A blank cell left open for the reader to
type in (unlocked) is ["", "input"].
"""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.chart.text import Text
from openpyxl.worksheet.worksheet import Worksheet


def cell_dump(cell: Cell) -> list[Any] | None:
    if cell.value is None:
        return ["", "input"] if cell.has_style and not cell.protection.locked else None
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


def print_dump(ws: Worksheet) -> dict[str, Any]:
    """What the sheet prints: page, fit, rows repeated on each page, footer."""
    setup = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    footer = ws.oddFooter
    return {
        "orientation": setup.orientation,
        "paper": setup.paperSize,
        "fit_to": [setup.fitToWidth, setup.fitToHeight] if fit else None,
        "titles": ws.print_title_rows,
        "footer": [footer.left.text, footer.center.text, footer.right.text],
    }


def title_text(title: Text | None) -> str:
    if title is None or title.tx is None or title.tx.rich is None:
        return ""
    return "".join(r.t for p in title.tx.rich.p for r in (p.r or []))


def chart_dump(chart: Any) -> dict[str, Any]:
    return {
        "type": f"{chart.type} {chart.grouping}",
        "title": title_text(chart.title),
        "series": [
            [s.tx.strRef.f, s.cat.strRef.f if s.cat.strRef else s.cat.numRef.f, s.val.numRef.f]
            for s in chart.series
        ],
    }


def wrapped_columns(ws: Worksheet) -> list[str]:
    """Columns with a wrapped cell that is not a header (headers, underlined, all wrap)."""
    return sorted(
        {
            c.column_letter
            for row in ws.iter_rows()
            for c in row
            if c.value is not None and c.alignment.wrap_text and c.border.bottom.style is None
        },
        key=lambda letter: (len(letter), letter),
    )


def sheet_dump(ws: Worksheet) -> dict[str, Any]:
    return {
        "name": ws.title,
        "freeze_panes": ws.freeze_panes,
        "auto_filter": ws.auto_filter.ref,
        "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
        "print": print_dump(ws),
        "protected": bool(ws.protection.sheet),
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "row_heights": {
            str(r): d.height for r, d in sorted(ws.row_dimensions.items()) if d.customHeight
        },
        "wrapped": wrapped_columns(ws),
        "drop_downs": [
            [str(v.sqref), v.type, v.formula1] for v in ws.data_validations.dataValidation
        ],
        "charts": [chart_dump(c) for c in ws._charts],
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
    """JSON with one line per setting and per row, so that a diff shows what changed."""
    parts = []
    for sheet in dump:
        head = ",\n   ".join(
            f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
            for k, v in sheet.items()
            if k != "rows"
        )
        rows = ",\n".join(f"    {json.dumps(r, ensure_ascii=False)}" for r in sheet["rows"])
        parts.append(f'  {{{head},\n   "rows": [\n{rows}\n  ]}}')
    return "[\n" + ",\n".join(parts) + "\n]\n"
