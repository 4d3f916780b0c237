"""Writing .xlsx and .csv files that are safe to open in a spreadsheet program.

Why: a cell that starts with = + - @ (or tab / CR) is run as a formula by Excel and WPS; a
name typed as ``=HYPERLINK(...)`` must stay text (OWASP CSV injection). ID numbers and phone
numbers are always written as text, or the program turns them into numbers and drops digits.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> object:
    """A value fit for a cell: numbers stay numbers, risky text gets a leading apostrophe."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def write_xlsx(
    target: str | Path | io.BytesIO,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    sheet: str = "Sheet1",
    title: str | None = None,
    widths: Sequence[int] | None = None,
) -> None:
    """One sheet: optional title row, bold header, every text cell typed as text."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet[:31]
    if title:
        ws.append([safe_text(title)])
        ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append([safe_text(h) for h in headers])
    header_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True)
    for row in rows:
        ws.append([safe_text(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.number_format = "@"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    wb.save(target)


def write_csv(target: str | Path, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """UTF-8 with BOM so that Excel on Chinese Windows opens it without garbling."""
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([safe_text(h) for h in headers])
        for row in rows:
            writer.writerow([safe_text(v) for v in row])


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], **kwargs) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, headers, rows, **kwargs)
    return buf.getvalue()


def write_sections(
    target: str | Path | io.BytesIO,
    sheets: Sequence[tuple[str, Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]]],
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Several titled tables per sheet, one after another (a report's sections).

    ``sheets`` is ``[(sheet name, [(section title, headers, rows), ...]), ...]``; the
    title and notes go on the first sheet. Every text cell passes ``safe_text``.
    """
    wb = Workbook()
    wb.remove(wb.active)
    for index, (name, sections) in enumerate(sheets):
        ws = wb.create_sheet(name[:31])
        ws.column_dimensions["A"].width = 28
        if index == 0 and title:
            ws.append([safe_text(title)])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=14)
        for section, headers, rows in sections:
            ws.append([safe_text(section)])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
            ws.append([safe_text(h) for h in headers])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDDDDD")
            for row in rows:
                ws.append([safe_text(v) for v in row])
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
                        cell.number_format = "@"
            ws.append([])
        if index == 0:
            for note in notes:
                ws.append([safe_text(note)])
    wb.save(target)
