"""Lists of ID numbers for bulk enrolment: pasted text, or an uploaded .xlsx/.csv.

A training point gets its list from a village cadre, typed in WPS or copied from a chat. So:
one number per line when pasted; in a file, the column headed 身份证号 (or 证件号码), else the
first column. Each entry keeps the line or row it came from, so the per-row result can name it;
blank lines are counted, never silently lost. Cells are passed on as they were stored (a
number cell stays a number), so the ID check can say that a spreadsheet dropped digits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import PurePath

from portal.errors import UserError
from portal.ledger.reader import decode

MAX_ENTRIES = 2000
_HEADER_WORDS = ("身份证", "证件号", "公民身份号码")
_HEADER_ROWS = 5


@dataclass(frozen=True)
class Entry:
    line: int  # line of the pasted text, or row of the sheet (1 = first)
    value: object  # str, or a number when the sheet stored the ID as one


@dataclass(frozen=True)
class IdList:
    entries: list[Entry]
    blank: int  # blank lines or empty cells below the header, skipped and reported
    where: str  # "行" for pasted text, "表格第…行" wording for files

    def label(self, entry: Entry) -> str:
        return f"第{entry.line}行" if self.where == "text" else f"表格第{entry.line}行"


def from_text(text: str) -> IdList:
    """One ID number per line; commas, tabs or spaces after the number (a name) are ignored."""
    entries, blank = [], 0
    for n, line in enumerate((text or "").splitlines(), start=1):
        first = line.strip().replace("\t", " ").replace("，", " ").replace(",", " ").split(" ")[0]
        if not first:
            blank += 1
            continue
        entries.append(Entry(n, first))
    return _checked(IdList(entries, blank, "text"))


def from_file(name: str, data: bytes) -> IdList:
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(name, data)
    elif suffix in (".csv", ".txt"):
        text = decode(data, name)
        delimiter = "\t" if text[:4096].count("\t") > text[:4096].count(",") else ","
        rows = list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1))
    else:
        raise UserError(
            f"“{name}”不是 .xlsx 或 .csv 文件。请在表格程序里另存为 .xlsx 或 CSV 后再上传。"
        )
    column, first_row = 0, 1
    for row_no, cells in rows[:_HEADER_ROWS]:
        hits = [i for i, c in enumerate(cells) if any(w in str(c or "") for w in _HEADER_WORDS)]
        if hits:
            column, first_row = hits[0], row_no + 1
            break
    entries, blank = [], 0
    for row_no, cells in rows:
        if row_no < first_row:
            continue
        value = cells[column] if column < len(cells) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if any(str(c or "").strip() for c in cells):
                blank += 1  # a row with other cells but no ID number: named in the count
            continue
        entries.append(Entry(row_no, value.strip() if isinstance(value, str) else value))
    return _checked(IdList(entries, blank, "file"))


def _xlsx_rows(name: str, data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise UserError(
            f"“{name}”打不开：不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的 .xls）。"
            "请在表格程序里另存为 .xlsx 后再上传。"
        ) from None
    try:
        ws = wb.worksheets[0]
        return [(n, list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()


def _checked(found: IdList) -> IdList:
    if not found.entries:
        raise UserError(
            "名单里没有身份证号：请每行填一个身份证号，或上传第一列（或“身份证号”列）是身份证号的表格。"
        )
    if len(found.entries) > MAX_ENTRIES:
        raise UserError(
            f"名单有{len(found.entries)}个身份证号，一次最多{MAX_ENTRIES}个，请分几次报名。"
        )
    return found
