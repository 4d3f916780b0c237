"""Reading ledger spreadsheets as counties actually keep them.

Why so forgiving: each county typed its ledger in its own spreadsheet program, with a title
or two above the header, its own wording of the column names, and CSV files saved in GBK by
Chinese Excel and WPS. The reader finds the header, maps the columns it knows and yields
each row with the row number the person sees in their program, so a rejected row can be
found and fixed. It never judges a row; that is ``rows.py``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from portal.errors import UserError

# Canonical field -> the header names seen in ledgers (compared after normalising).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "劳动力姓名", "贫困劳动力姓名", "户主姓名及成员姓名", "名字"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "证件号码",
        "身份证",
        "证件号",
    ),
    "county": (
        "县",
        "县(市、区)",
        "县(市区)",
        "所在县",
        "所在县(市、区)",
        "县区",
        "县市区",
        "县别",
    ),
    "township": ("乡镇", "乡(镇)", "所在乡镇", "乡镇(街道)", "乡", "镇", "所属乡镇"),
    "village": ("村", "行政村", "所在村", "村(社区)", "所属村", "村屯"),
    "gender": ("性别",),
    "phone": ("联系电话", "手机号码", "手机号", "电话", "联系方式", "电话号码"),
    "household_no": ("户编号", "户号", "家庭编号"),
    "education": ("文化程度", "学历"),
    "work_capacity": ("劳动能力", "劳动技能"),
    "work_status": ("就业状态", "务工状态", "就业情况", "务工情况", "是否失业"),
    "wants_training": (
        "是否有培训意愿",
        "培训意愿",
        "是否愿意参加培训",
        "有无培训意愿",
        "是否参加培训",
    ),
    "wanted_trade": ("培训需求(工种)", "意向工种", "培训需求", "培训工种", "想学工种", "培训意向"),
    "wants_job": ("是否有就业意愿", "就业意愿", "是否愿意外出务工", "有无就业意愿"),
    "liang_hou_sheng": ("是否两后生", "两后生"),
    "notes": ("备注", "说明"),
}

# What a sheet must have for a row to count as its header.
REQUIRED = ("name", "id_number")
HEADER_SEARCH_ROWS = 30


def _norm(text) -> str:
    """Full-width brackets, spaces, stars and colons removed: '县（市、区）*：' -> '县(市、区)'."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*＊:：]+", "", text)


_LOOKUP = {_norm(name): key for key, names in HEADERS.items() for name in names}


def header_field(cell) -> str | None:
    return _LOOKUP.get(_norm(cell))


@dataclass
class Sheet:
    """A ledger read from a file: its columns and an iterator over (row number, cells).

    Cells come as the file's whole row (a list or tuple): the checks take them column by
    column, and ``mapped`` makes one row a dict of its fields.
    """

    file_name: str
    header_row: int
    columns: dict[str, int]  # field -> 0-based column index
    cells: Iterator[tuple[int, list]] = field(repr=False)
    # About how many lines follow the header (blank and footer lines included): progress
    # is shown against it before the last row is read.
    size_hint: int = 0

    @property
    def fields(self) -> set[str]:
        return set(self.columns)


def open_ledger(path: str | Path, *, file_name: str | None = None) -> Sheet:
    """Open an .xlsx or .csv ledger; a UserError says why a file cannot be read at all."""
    path = Path(path)
    name = file_name or path.name
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    if not path.exists():
        raise UserError(f"找不到文件 {path}。")
    if suffix == ".xls":
        raise UserError("不支持旧版 .xls 文件：请在表格程序里“另存为” .xlsx 或 CSV 后再导入。")
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(path, name)
    if suffix in (".csv", ".txt"):
        return _open_csv(path.read_bytes(), name)
    raise UserError(f"不认识的文件类型“{suffix or '无扩展名'}”：请导入 .xlsx 或 .csv 文件。")


def _locate_header(rows: list[tuple[int, list]]) -> tuple[int, dict[str, int]] | None:
    for number, cells in rows:
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = header_field(cell)
            if key and key not in columns:
                columns[key] = index
        if all(k in columns for k in REQUIRED):
            return number, columns
    return None


def _no_header(name: str) -> UserError:
    return UserError(
        f"在“{name}”的前{HEADER_SEARCH_ROWS}行里找不到表头：表头行至少要有“姓名”和“身份证号”两列"
        "（也认“身份证号码”“公民身份号码”“证件号码”）。可以下载台账模板对照。"
    )


def mapped(columns: dict[str, int], cells) -> dict:
    n = len(cells)
    return {key: (cells[i] if i < n else None) for key, i in columns.items()}


def _open_xlsx(path: Path, name: str) -> Sheet:
    """calamine (Rust) when it can read the file, else openpyxl, whose errors say why not.

    Why two readers: openpyxl parses a 200,000-row sheet in about 40 CPU seconds, calamine in
    about 3. Both hand over the cell types the checks rely on (a number stays a number, so an
    ID number Excel stored as a number is still caught).
    """
    sheet = _open_xlsx_calamine(path, name)
    return sheet if sheet is not None else _open_xlsx_openpyxl(path, name)


def _open_xlsx_calamine(path: Path, name: str) -> Sheet | None:
    """None when calamine is missing or cannot read the file; a header search as openpyxl's."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a declared dependency; openpyxl still works
        return None
    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = [wb.get_sheet_by_index(i) for i in range(len(wb.sheet_names))]
    except Exception:  # noqa: BLE001 - any failure: let openpyxl read it or explain why not
        return None
    for ws in sheets:
        # skip_empty_area=False keeps the rows above the first filled one, so row numbers
        # match what the person sees in their program.
        cells_by_row = ws.to_python(skip_empty_area=False)
        head = [(n, cells) for n, cells in enumerate(cells_by_row[:HEADER_SEARCH_ROWS], 1)]
        found = _locate_header(head)
        if found is None:
            continue
        header_row, columns = found

        def cells(cells_by_row=cells_by_row, header_row=header_row):
            for number in range(header_row + 1, len(cells_by_row) + 1):
                row = cells_by_row[number - 1]
                cells_by_row[number - 1] = None  # free each row once read
                yield number, row

        return Sheet(name, header_row, columns, cells(), len(cells_by_row) - header_row)
    return None


def _open_xlsx_openpyxl(path: Path, name: str) -> Sheet:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(
            f"“{name}”不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）：{exc}"
        ) from exc
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):
            continue
        ws.reset_dimensions()  # some programs write a wrong size; read what is really there
        head = []
        for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            head.append((number, list(cells)))
            if number >= HEADER_SEARCH_ROWS:
                break
        found = _locate_header(head)
        if found is None:
            continue
        header_row, columns = found

        def cells(ws=ws, header_row=header_row):
            try:
                it = ws.iter_rows(min_row=header_row + 1, values_only=True)
                yield from enumerate(it, start=header_row + 1)
            finally:
                wb.close()

        hint = max(0, (ws.max_row or 0) - header_row)
        return Sheet(name, header_row, columns, cells(), hint)
    wb.close()
    raise _no_header(name)


def decode(data: bytes, name: str = "文件") -> str:
    """UTF-8 (with or without BOM) first, then GB18030, the superset of GBK that WPS saves."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"“{name}”的文字编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）："
            "请在表格程序里另存为“CSV UTF-8”或 .xlsx 后再导入。"
        ) from exc


def _open_csv(data: bytes, name: str) -> Sheet:
    text = decode(data, name)
    if "\x00" in text:
        text = text.replace("\x00", "")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head: list[tuple[int, list]] = []
    found = None
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            head.append((start, cells))
            found = _locate_header(head[-1:])
            if found or len(head) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise UserError(f"“{name}”不是有效的 CSV 文件：{exc}") from exc
    if not found:
        raise _no_header(name)
    header_row, columns = found

    def cells(last_line=last_line):
        try:
            for row in reader:
                start, last_line = last_line + 1, reader.line_num
                yield start, row
        except csv.Error as exc:
            raise UserError(f"“{name}”第{last_line + 1}行附近的 CSV 格式有误：{exc}") from exc

    return Sheet(name, header_row, columns, cells(), max(0, text.count("\n") - last_line))
