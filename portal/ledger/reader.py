"""Reading ledger spreadsheets as counties actually keep them.

Why so forgiving: each county typed its ledger in its own spreadsheet program, with a title
or two above the header, its own wording of the column names, one sheet per township beside
a 汇总 sheet, a two-row header under group cells (基本信息 / 培训意愿), 乡镇 and 村 merged down
a block, and CSV or "Unicode 文本" files saved in GBK or UTF-16 by Chinese Excel and WPS. The
reader finds each sheet's header, maps the columns it knows, names the ones it does not, and
yields each row with the row number the person sees in their program, so a rejected row can
be found and fixed. It never judges a row; that is ``rows.py``. Carrying merged and
filled-down cells into the rows below is ``tidy.py``.
"""

from __future__ import annotations

import codecs
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
    "name": ("姓名", "劳动力姓名", "贫困劳动力姓名", "户主姓名及成员姓名", "名字", "成员姓名"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "证件号码",
        "身份证",
        "证件号",
        "身份证件号码",
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
        "培训意愿是否",
        "培训意愿有无",
    ),
    "wanted_trade": (
        "培训需求(工种)",
        "意向工种",
        "培训需求",
        "培训工种",
        "想学工种",
        "培训意向",
        "培训意愿工种",
        "培训意愿意向工种",
    ),
    "wants_job": ("是否有就业意愿", "就业意愿", "是否愿意外出务工", "有无就业意愿", "就业意愿是否"),
    "liang_hou_sheng": ("是否两后生", "两后生"),
    "wants_school": (
        "是否有就读技工院校意愿",
        "就读技工院校意愿",
        "技工院校就读意愿",
        "是否愿意就读技工院校",
        "愿意就读技工院校",
        "是否想读技工院校",
        "想读技工院校",
        "技工院校意愿",
        "有无就读技工院校意愿",
        "就读技工院校意愿是否",
        "就读技工院校意愿有无",
        "是否就读技工院校意愿",
    ),
    "notes": ("备注", "说明"),
}
# Columns the reader uses but does not store: who heads the household (for carrying the
# household number down to its members), and the running number every ledger has.
AUX_HEADERS: dict[str, tuple[str, ...]] = {
    "relation": ("与户主关系", "与户主的关系", "家庭关系", "关系"),
    "serial": ("序号", "编号", "序"),
}

# What a sheet must have for a row to count as its header.
REQUIRED = ("name", "id_number")
HEADER_SEARCH_ROWS = 30
# Sheets whose name says they hold totals: read only when no other sheet is a ledger.
SUMMARY_SHEET = re.compile(r"汇总|统计|合计|总表|说明")
# Limits on what a workbook may expand to (its parts are compressed): beyond them memory,
# not the file, is the problem, and the file is refused with a sentence saying so.
MAX_PART_BYTES = 300_000_000
MAX_CELLS = 20_000_000


def _norm(text) -> str:
    """Full-width brackets, spaces, stars and colons removed: '县（市、区）*：' -> '县(市、区)'."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*＊:：]+", "", text)


_LOOKUP = {_norm(name): key for key, names in HEADERS.items() for name in names}
_AUX = {_norm(name): key for key, names in AUX_HEADERS.items() for name in names}


def header_field(cell) -> str | None:
    return _label_key(cell)[0]


@dataclass
class Sheet:
    """One sheet of a ledger: its columns and an iterator over (row number, cells).

    Cells come as the sheet's whole row (a list): the checks take them column by column,
    and ``mapped`` makes one row a dict of its fields.
    """

    file_name: str
    header_row: int
    columns: dict[str, int]  # field -> 0-based column index
    cells: Iterator[tuple[int, list]] = field(repr=False)
    # About how many lines follow the header (blank and footer lines included): progress
    # is shown against it before the last row is read.
    size_hint: int = 0
    name: str = ""  # the sheet's name in a workbook; "" for CSV and text files
    aux: dict[str, int] = field(default_factory=dict)  # relation, serial
    unmapped: list[str] = field(default_factory=list)  # header cells no field takes

    @property
    def fields(self) -> set[str]:
        return set(self.columns)


@dataclass
class Ledger:
    """A ledger file: its sheets with a ledger header, read one at a time.

    ``skipped`` names the sheets passed over and why; it is complete once ``sheets`` is
    exhausted. The first ledger sheet is found on opening, so a file without one is refused
    before anything is written.
    """

    file_name: str
    sheets: Iterator[Sheet] = field(repr=False)
    size_hint: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def open_ledger(path: str | Path, *, file_name: str | None = None) -> Ledger:
    """Open a ledger (.xlsx/.xlsm/.xls/.ods/.csv/.txt); a UserError says why it cannot be read."""
    path = Path(path)
    name = file_name or path.name
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    if not path.exists():
        raise UserError(f"找不到文件 {path}。")
    kind = sniff(path)
    expected = {
        ".xlsx": "xlsx",
        ".xlsm": "xlsx",
        ".xls": "xls",
        ".ods": "ods",
        ".csv": "text",
        ".txt": "text",
        ".tsv": "text",
    }.get(suffix)
    if expected is None:
        raise UserError(
            f"不认识的文件类型“{suffix or '无扩展名'}”：请导入 .xlsx、.xls、.ods、.csv 或 .txt 文件。"
        )
    if kind != expected:
        raise UserError(_mismatch(name, suffix, kind))
    if kind == "text":
        return _single(name, _open_csv(path, name))
    if kind == "xlsx":
        _check_zip(path, name)
    return _open_workbook(path, name)


_KIND_WORDS = {
    "xlsx": "Excel 2007 及以后的 .xlsx 工作簿",
    "xls": "旧版 Excel 97-2003 的 .xls 工作簿",
    "ods": "OpenDocument（.ods）表格",
    "html": "网页（HTML）格式的表格",
    "zip": "压缩包（不是表格文件）",
    "pdf": "PDF 文件",
    "text": "文本（CSV）文件",
    "empty": "空文件",
    "broken": "损坏的文件",
    "binary": "无法识别的文件",
}
_RIGHT_SUFFIX = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods", "text": ".csv"}


def _mismatch(name: str, suffix: str, kind: str) -> str:
    what = _KIND_WORDS[kind]
    if kind in _RIGHT_SUFFIX:
        return (
            f"“{name}”的扩展名是 {suffix}，但它其实是{what}：请把扩展名改成 {_RIGHT_SUFFIX[kind]} "
            "再导入，或用 Excel、WPS 打开后“另存为” .xlsx 再导入。"
        )
    if kind == "html":
        return (
            f"“{name}”其实是{what}（有的系统导出的“.xls”就是这种），不是真正的表格文件："
            "请用 Excel 或 WPS 打开它，再“另存为” .xlsx 后导入。"
        )
    if kind == "broken":
        return f"“{name}”已损坏，无法打开：请用 Excel 或 WPS 打开它，重新保存后再导入。"
    if kind == "empty":
        return f"“{name}”是空文件，里面没有内容：请检查是否选错了文件。"
    return f"“{name}”其实是{what}，不是台账表格：请导入 .xlsx、.xls、.ods 或 .csv 文件。"


def sniff(path: Path) -> str:
    """What a file really is, from its first bytes (never from its name)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "mimetype" in names and b"spreadsheet" in z.read("mimetype"):
                    return "ods"
                if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                    return "xlsx"
        except (zipfile.BadZipFile, OSError):
            return "broken"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 "Unicode 文本"
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")) or (
        text.startswith(b"<") and b"<table" in head.lower()
    ):
        return "html"
    if b"\x00" in head and head.count(b"\x00") > len(head) // 4:
        return "text"  # UTF-16 without its byte-order mark
    if b"\x00" in head:
        return "binary"
    return "text"


def _check_zip(path: Path, name: str) -> None:
    """Refuse a workbook whose parts would expand past what memory allows (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(
            f"“{name}”已损坏，无法打开：请用 Excel 或 WPS 打开后重新保存再导入。"
        ) from exc
    for info in infos:
        if info.file_size > MAX_PART_BYTES or (
            info.compress_size and info.file_size / info.compress_size > 2000
        ):
            raise _too_big(name)


def _too_big(name: str) -> UserError:
    return UserError(
        f"“{name}”解压后的内容太大（有超长的单元格或极多的空行、空列），无法安全读取，本次没有导入任何数据："
        "请删去多余的行列和超长内容，或把台账分成几个文件，再导入。"
    )


def _single(name: str, sheet: Sheet) -> Ledger:
    return Ledger(name, iter([sheet]), sheet.size_hint)


# --- headers ---------------------------------------------------------------------------


_NOTE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


def _label_key(text) -> tuple[str | None, str | None]:
    """(field, aux) the header text names; a note in brackets is ignored when the name
    alone is known: '身份证号码（18位）', '联系电话(手机)', '所在村(屯)'."""
    key = _norm(text)
    found = _LOOKUP.get(key), _AUX.get(key)
    if found == (None, None) and ("(" in key or "[" in key or "【" in key):
        bare = _NOTE.sub("", key)
        if bare and bare != key:
            found = _LOOKUP.get(bare), _AUX.get(bare)
    return found


def _is_id_like(cell) -> bool:
    text = str(cell or "").strip().lstrip("='\"")
    return text[:1].isdigit()


def _locate_header(rows: list[tuple[int, list]]) -> tuple[int, int, dict, dict, list] | None:
    """(header row, first data row, columns, aux columns, unmapped labels), or None.

    A header may take two rows: group cells above (基本信息 / 培训意愿 over their sub-columns,
    or a column named only in the upper row because its cell is merged down), or sub-columns
    below the row that names 姓名 and 身份证号.
    """
    for at, (number, cells) in enumerate(rows):
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = header_field(cell)
            if key and key not in columns:
                columns[key] = index
        if not all(k in columns for k in REQUIRED):
            continue
        upper = rows[at - 1][1] if at > 0 else []
        lower = rows[at + 1][1] if at + 1 < len(rows) else []
        sub = _is_sub_header(lower, columns, cells)
        labels = _labels(cells, upper, lower if sub else [])
        columns, aux, unmapped = _map(labels)
        data_row = number + (2 if sub else 1)
        return number, data_row, columns, aux, unmapped
    return None


def _is_sub_header(lower: list, columns: dict[str, int], cells: list) -> bool:
    """Is the row under the header a row of sub-column names, not the first person?

    It is when it names no one (no name, nothing like an ID number) and at least one of its
    text cells is a column name, alone or with the group cell above it (培训意愿 / 是否).
    A 姓名 cell merged down both header rows reads as 姓名 in both: that is no one's name.
    """
    if not lower or _is_id_like(_cell(lower, columns["id_number"])):
        return False
    name = str(_cell(lower, columns["name"]) or "").strip()
    if name and name != str(_cell(cells, columns["name"]) or "").strip():
        return False
    spans = _group_row(cells)
    for i, cell in enumerate(lower):
        if cell.__class__ is not str or not cell.strip():
            continue
        own, group = cell.strip(), spans[i] if i < len(spans) else ""
        if any(_label_key(t) != (None, None) for t in (own, group + own, own + group)):
            return True
    return False


def _cell(cells: list, i: int):
    return cells[i] if i < len(cells) else None


def _group_row(upper: list) -> list:
    """The upper header row with each group cell carried right over the columns it spans."""
    texts = [str(c or "").strip() for c in upper]
    if len({t for t in texts if t}) < 2:  # a title row, not a row of group cells
        return [""] * len(texts)
    out, last = [], ""
    for t in texts:
        last = t or last
        out.append(last)
    return out


def _labels(cells: list, upper: list, lower: list) -> list[tuple[str, str]]:
    """For each column, (its own name, its group's name)."""
    width = max(len(cells), len(upper), len(lower))
    groups = _group_row(upper)
    header = [str(_cell(cells, i) or "").strip() for i in range(width)]
    labels = []
    if lower:  # the header row holds the groups, the row below the sub-columns
        spans = _group_row(cells) if len({h for h in header if h}) >= 2 else header
        for i in range(width):
            own = str(_cell(lower, i) or "").strip()
            if own:
                labels.append((own, spans[i] if i < len(spans) else ""))
            else:
                labels.append((header[i], ""))
        return labels
    for i in range(width):
        if header[i]:
            labels.append((header[i], groups[i] if i < len(groups) else ""))
        else:
            above = str(_cell(upper, i) or "").strip()
            own = above if above and _label_key(above) != (None, None) else ""
            labels.append((own, ""))
    return labels


def _map(labels: list[tuple[str, str]]) -> tuple[dict, dict, list[str]]:
    columns: dict[str, int] = {}
    aux: dict[str, int] = {}
    unmapped: list[str] = []
    for index, (own, group) in enumerate(labels):
        if not own:
            continue
        key, extra = _label_key(own)
        if key is None and extra is None and group:
            key, extra = _label_key(group + own)
            if key is None and extra is None:
                key, extra = _label_key(own + group)
        if key is not None and key not in columns:
            columns[key] = index
        elif extra is not None and key is None and extra not in aux:
            aux[extra] = index
        else:
            shown = f"{group}/{own}" if group and group != own else own
            unmapped.append(shown[:30] + ("（与前面的列重名）" if key or extra else ""))
    return columns, aux, unmapped


def _no_header(name: str) -> UserError:
    return UserError(
        f"在“{name}”的每个工作表的前{HEADER_SEARCH_ROWS}行里都找不到表头：表头行至少要有“姓名”和"
        "“身份证号”两列（也认“身份证号码”“公民身份号码”“证件号码”）。可以下载台账模板对照。"
    )


def mapped(columns: dict[str, int], cells) -> dict:
    n = len(cells)
    return {key: (cells[i] if i < n else None) for key, i in columns.items()}


# --- workbooks ---------------------------------------------------------------------------


def _open_workbook(path: Path, name: str) -> Ledger:
    """.xlsx, .xls and .ods through calamine (Rust): every sheet with a ledger header.

    Why calamine: openpyxl parses a 200,000-row sheet in about 40 CPU seconds, calamine in
    about 3, and it reads the old .xls and .ods as well. A number stays a number, so an ID
    number Excel stored as a number is still caught.
    """
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
    except Exception as exc:  # noqa: BLE001 - calamine's errors are English: say it in Chinese
        raise UserError(
            f"“{name}”无法打开（文件可能已损坏，或设置了打开密码）：请用 Excel 或 WPS 打开后"
            "去掉密码、重新保存再导入。"
        ) from exc
    order = [n for n in names if not SUMMARY_SHEET.search(n)] + [
        n for n in names if SUMMARY_SHEET.search(n)
    ]
    skipped: list[tuple[str, str]] = []
    found = _next_sheet(wb, name, order, skipped, imported=False)
    if found is None:
        if len(names) > 1:
            listed = "、".join(f"“{n}”" for n in names[:10])
            raise UserError(
                f"“{name}”的工作表（{listed}）里都没有台账表头：表头行至少要有“姓名”和“身份证号”两列。"
                "可以下载台账模板对照。"
            )
        raise _no_header(name)
    first, rest = found

    def sheets():
        sheet, remaining = first, rest
        while True:
            yield sheet
            more = _next_sheet(wb, name, remaining, skipped, imported=True)
            if more is None:
                return
            sheet, remaining = more

    return Ledger(name, sheets(), first.size_hint, skipped)


def _next_sheet(wb, name, order, skipped, *, imported) -> tuple[Sheet, list[str]] | None:
    for at, sheet_name in enumerate(order):
        if imported and SUMMARY_SHEET.search(sheet_name):
            skipped.append((sheet_name, "汇总或说明表"))
            continue
        try:
            ws = wb.get_sheet_by_name(sheet_name)
        except Exception:  # noqa: BLE001 - a chart sheet, or one calamine cannot read
            skipped.append((sheet_name, "不是数据表"))
            continue
        height, width = ws.total_height, ws.total_width
        if height * max(width, 1) > MAX_CELLS:
            raise _too_big(name)
        sheet = _sheet(ws, name, sheet_name)
        if sheet is None:
            skipped.append((sheet_name, "空表" if not ws.height else "没有台账表头"))
            continue
        return sheet, order[at + 1 :]
    return None


def _sheet(ws, file_name: str, sheet_name: str) -> Sheet | None:
    """One calamine sheet as a Sheet, its merged cells filled in; None without a header."""
    offset = ws.start[1] if ws.height else 0
    merges = _merges(ws, offset)
    rows = _merged(_numbered(ws.iter_rows()), merges)
    head = []
    for number, cells in rows:
        head.append((number, cells))
        if number >= HEADER_SEARCH_ROWS:
            break
    found = _locate_header(head)
    if found is None:
        return None
    header_row, data_row, columns, aux, unmapped = found

    def cells():
        for number, row in head:
            if number >= data_row:
                yield number, row
        yield from rows

    return Sheet(
        file_name,
        header_row,
        columns,
        cells(),
        max(0, ws.total_height - header_row),
        sheet_name,
        aux,
        unmapped,
    )


def _numbered(rows) -> Iterator[tuple[int, list]]:
    """calamine's rows start at the sheet's first row, so the count is the row number."""
    return enumerate(rows, start=1)


def _merges(ws, offset: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges as 1-based (first row, last row, first col, last col) in the row lists."""
    try:
        ranges = ws.merged_cell_ranges or []
    except Exception:  # noqa: BLE001 - a format without merge information
        return []
    out = []
    for (r0, c0), (r1, c1) in ranges:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_CELLS:
            continue
        out.append((r0 + 1, r1 + 1, c0 - offset, c1 - offset))
    out.sort()
    return out


def _merged(rows, merges) -> Iterator[tuple[int, list]]:
    """Each merged range's value in every cell it covers, as a person reading the sheet sees it."""
    if not merges:
        yield from rows
        return
    waiting = list(reversed(merges))
    active: list[tuple[int, int, int, object]] = []  # last row, first col, last col, value
    for number, cells in rows:
        while waiting and waiting[-1][0] == number:
            r0, r1, c0, c1 = waiting.pop()
            if 0 <= c0 < len(cells):
                active.append((r1, c0, min(c1, len(cells) - 1), cells[c0]))
        while waiting and waiting[-1][0] < number:
            waiting.pop()  # a range in rows calamine did not give
        if active:
            for _end, c0, c1, value in active:
                for c in range(c0, c1 + 1):
                    if cells[c] == "" or cells[c] is None:
                        cells[c] = value
            active = [a for a in active if a[0] > number]
        yield number, cells


# --- text files --------------------------------------------------------------------------


def decode(data: bytes, name: str = "文件") -> str:
    """UTF-8 (with or without BOM), UTF-16 ("Unicode 文本"), then GB18030, which WPS saves."""
    encoding = _encoding(io.BytesIO(data), name)
    return data.decode(encoding)


BLOCK = 1 << 20


def _encoding(fh, name: str) -> str:
    """The file's encoding, checked over the whole file a block at a time (never all held)."""
    head = fh.read(4096)
    fh.seek(0)
    if head.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    elif head.count(b"\x00") > len(head) // 4:
        return "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        fh.seek(0)
        try:
            while block := fh.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        fh.seek(0)
        return encoding
    raise UserError(
        f"“{name}”的文字编码无法识别（既不是 UTF-8 也不是 GBK/GB18030 或 UTF-16）："
        "请在表格程序里另存为“CSV UTF-8”或 .xlsx 后再导入。"
    )


def _lines(fh) -> int:
    count = 0
    while block := fh.read(BLOCK):
        count += block.count(b"\n")
    fh.seek(0)
    return count


def _open_csv(path: Path, name: str) -> Sheet:
    """CSV or tab-separated text, read as a stream. Row numbers count records, as a
    spreadsheet shows them: a quoted cell holding a line break is still one row."""
    with open(path, "rb") as raw:
        encoding = _encoding(raw, name)
        lines = _lines(raw)
    fh = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by cells()
    try:
        sample = fh.read(4096)
        fh.seek(0)
    except UnicodeDecodeError as exc:  # pragma: no cover - checked above
        fh.close()
        raise UserError(f"“{name}”的文字编码无法识别。") from exc
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    source = (line.replace("\x00", "") for line in fh) if "\x00" in sample else fh
    reader = csv.reader(source, delimiter=delimiter)
    head: list[tuple[int, list]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            head.append((number, cells))
            if number >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        fh.close()
        raise UserError(f"“{name}”不是有效的 CSV 文件：{_csv_reason(exc)}") from exc
    found = _locate_header(head)
    if not found:
        fh.close()
        raise _no_header(name)
    header_row, data_row, columns, aux, unmapped = found

    def cells():
        number = len(head)
        try:
            for n, row in head:
                if n >= data_row:
                    yield n, row
            for row in reader:
                number += 1
                yield number, row
        except csv.Error as exc:
            raise UserError(
                f"“{name}”第{number + 1}行附近的 CSV 格式有误：{_csv_reason(exc)}"
            ) from exc
        finally:
            fh.close()

    return Sheet(name, header_row, columns, cells(), max(0, lines - header_row), "", aux, unmapped)


def _csv_reason(exc: csv.Error) -> str:
    """The csv module's English reason in Chinese."""
    text = str(exc)
    if "field larger than field limit" in text:
        return "有一个单元格太长（超过13万字），请检查是否有引号没有配对。"
    if "new-line character seen in unquoted field" in text:
        return "单元格里有没有加引号的换行。"
    if "NUL" in text:
        return "文件里有无法识别的字符。"
    return "引号或分隔符不配对，请用表格程序打开后重新另存为 CSV。"


# --- what to read where ------------------------------------------------------------------

_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
IN_PROCESS_CELLS = 2_000_000
IN_PROCESS_XML = 8_000_000


def expands(path: Path) -> bool:
    """Would reading this file take more memory than its size suggests?

    True for every .xls (calamine lays a sheet out as a full rectangle, and a cell at the
    far corner makes it 16 million cells) and for an .xlsx or .ods that unpacks to more
    than IN_PROCESS_XML bytes or spans more than IN_PROCESS_CELLS cells. Such a file is read
    in the checking process, under its memory limit, never in the portal's.
    """
    kind = sniff(path)
    if kind == "xls":
        return True
    if kind not in ("xlsx", "ods"):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if kind == "ods" or sum(i.file_size for i in infos) > IN_PROCESS_XML:
                return True
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    data = z.open(info).read(IN_PROCESS_XML + 1)
                    rows = cols = 0
                    for letters, row in _REF.findall(data):
                        rows = max(rows, int(row))
                        cols = max(cols, _col(letters))
                    if rows * cols > IN_PROCESS_CELLS:
                        return True
    except (zipfile.BadZipFile, OSError, KeyError):
        return False  # open_ledger says what is wrong with it
    return False


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
