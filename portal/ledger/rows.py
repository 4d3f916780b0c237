"""Checking one ledger row: accept it (maybe with warnings), reject it with a reason, or skip it.

Why every reason is a sentence: the county clerk who reads the report has the spreadsheet
open and needs to know what to change in that row, not an error code.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass, field

from portal import catalogue, idnumber, validate
from portal.errors import UserError

# Columns written to workers, in this order, by the importer.
FIELDS = (
    "name",
    "gender",
    "birth_date",
    "phone",
    "household_no",
    "county_code",
    "township",
    "village",
    "education",
    "work_capacity",
    "work_status",
    "wants_training",
    "wanted_trade",
    "wants_job",
    "liang_hou_sheng",
    "wants_school",
    "notes",
)
TEXT_FIELDS = {
    "household_no": ("户编号", 40),
    "education": ("文化程度", 40),
    "work_capacity": ("劳动能力", 40),
    "work_status": ("就业状态", 40),
    "wanted_trade": ("培训需求（工种）", 100),
    "notes": ("备注", 500),
}
YES_NO_FIELDS = {
    "wants_training": "培训意愿",
    "wants_job": "就业意愿",
    "liang_hou_sheng": "两后生",
    "wants_school": "就读技工院校意愿",
}

_YES = {"是", "有", "愿意", "y", "yes", "1", "√", "✓", "✔", "对", "是的", "需要", "要", "true", "t"}
_NO = {
    "否",
    "无",
    "不愿意",
    "n",
    "no",
    "0",
    "×",
    "✗",
    "✘",
    "x",
    "不",
    "没有",
    "不需要",
    "false",
    "f",
}
_YES_NO_FAST = {
    "": "unknown",
    "是": "yes",
    "否": "no",
    "√": "yes",
    "×": "no",
    "有": "yes",
    "无": "no",
    "1": "yes",
    "0": "no",
    "Y": "yes",
    "N": "no",
}
SHEET_STEP = 100_000_000  # row keys of later sheets are offset by this (see RowChecker.seen)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|审核人|负责人|联系人|统计人|经办人|签字|签名|盖章|单位盖章|"
    r"填报日期|填表日期|制表日期|日期|合计|总计|小计|备注|说明|注|共\d+人|共计|"
    r"制表单位|填报单位|填表单位|报送单位|联系电话|电话)"
)


@dataclass(slots=True)
class Outcome:
    """What became of one row: ``kind`` is ok, rejected or skipped."""

    kind: str
    row: int
    name: str = ""
    id_text: str = ""
    reason: str = ""
    record: dict | None = None
    id_number: str | None = None
    warnings: list[str] = field(default_factory=list)


def cell_text(value) -> str:
    """A cell as the person sees it: 13800000000.0 -> '13800000000', dates as YYYY-MM-DD."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def yes_no(value) -> str | None:
    """'是', '√', 'Y', 1 ... -> 'yes'/'no'; blank -> 'unknown'; anything else -> None."""
    text = cell_text(value)
    fast = _YES_NO_FAST.get(text)
    if fast is not None:
        return fast
    text = unicodedata.normalize("NFKC", text).strip().lower()
    if not text:
        return "unknown"
    if text in _YES:
        return "yes"
    if text in _NO:
        return "no"
    return None


def _county_code(text: str) -> str | None:
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    key = key.removeprefix("黑龙江省").removeprefix("绥化市") or key
    for c in catalogue.counties():
        if key in (c["code"], c["name"], c["short"], *c.get("old_codes", ())):
            return c["code"]
    return None


def is_blank(raw: dict) -> bool:
    return all(not cell_text(v) for v in raw.values())


def is_footer(raw: dict, cells=None) -> bool:
    """A signature, date or total line under the table (no ID number, a footer word).

    ``cells``, the whole row, when given: the footer word may stand in any column, one the
    ledger does not map as well (制表单位（盖章） under the 序号 column, say).
    """
    if cell_text(raw.get("id_number"))[:1].isdigit() and not _FOOTER.match(
        cell_text(raw.get("name"))
    ):
        return False
    if cell_text(raw.get("township")) and cell_text(raw.get("village")):
        return False
    values = raw.values() if cells is None else cells
    texts = [cell_text(v) for v in values if cell_text(v)]
    return any(_FOOTER.match(re.sub(r"\s+", "", t)) for t in texts)


def is_repeated_header(raw: dict) -> bool:
    """Printed ledgers repeat the header on every page; such a line is skipped, not rejected."""
    from portal.ledger.reader import header_field

    return header_field(raw.get("name")) == "name" and header_field(raw.get("id_number")) == (
        "id_number"
    )


_ID18 = re.compile(r"[1-9]\d{16}[\dX]")
_ID_WEIGHTS = idnumber.WEIGHTS


def quick_id(text: str, today: dt.date) -> tuple[str, dt.date, str] | None:
    """The common case (a clean, valid 18-character number) without ``idnumber.parse``'s work.

    Why: a 200,000-row ledger spends most of its checking time here. Accepts only what
    ``idnumber.parse`` accepts (same tables); anything else goes to ``parse`` for its reason.
    """
    if not _ID18.fullmatch(text):
        return None
    division = text[:6]
    if division[:2] not in idnumber.PROVINCES or (
        division[:4] in ("2312", "2323") and division not in idnumber.SUIHUA_CODES
    ):
        return None
    year = int(text[6:10])
    if year < 1900:
        return None
    try:
        birth = dt.date(year, int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None
    if birth > today:
        return None
    total = sum(map(operator.mul, map(int, text[:17]), _ID_WEIGHTS))
    if idnumber.CHECK_CHARS[total % 11] != text[17]:
        return None
    return text, birth, "男" if int(text[16]) % 2 else "女"


def clean(value: str, *, field: str, max_len: int) -> str | None:
    """``validate.clean_text`` with a fast path for the usual, already clean cell."""
    if len(value) <= max_len and value.isprintable() and unicodedata.is_normalized("NFC", value):
        return value.strip() or None
    return validate.clean_text(value, field=field, max_len=max_len)


_REPEATING = {"education", "work_capacity", "work_status", "wanted_trade"}
_MISS = object()


def _memo_clean(memo: dict, value: str, field: str, max_len: int) -> str | None:
    """``clean`` remembered per distinct value; a UserError is raised again each time."""
    found = memo.get(value, _MISS)
    if found is _MISS:
        found = memo[value] = clean(value, field=field, max_len=max_len)
    return found


class RowChecker:
    """Checks rows in file order; remembers ID numbers to catch duplicates within the file."""

    def __init__(
        self,
        county_code: str | None,
        fields: set[str],
        *,
        today: dt.date | None = None,
        earlier: RowChecker | None = None,
        sheet: str = "",
    ):
        """``earlier``: the checker of the file's previous sheet, whose ID numbers count as
        seen here too (one person on two township sheets is a duplicate)."""
        self.county_code = county_code
        self.county_name = catalogue.county(county_code)["name"] if county_code else None
        self.fields = fields
        self.today = today or dt.date.today()
        # ID number -> where first accepted: the row number plus SHEET_STEP times the sheet.
        self.seen: dict[str, int] = earlier.seen if earlier else {}
        self.sheets: list[str] = [*earlier.sheets, sheet] if earlier else [sheet]
        self.sheet = sheet
        self.base = SHEET_STEP * (len(self.sheets) - 1)
        self._counties: dict[str, str | None] = {}
        # Per-field memo of cleaned cells: a ledger repeats its townships, villages and
        # wordings thousands of times, so each distinct cell is cleaned once.
        self._townships: dict[str, str | None] = {}
        self._villages: dict[str, str | None] = {}
        self._text_fields = [
            (key, label, max_len, {} if key in _REPEATING else None)
            for key, (label, max_len) in TEXT_FIELDS.items()
            if key in fields
        ]
        self._yes_no_fields = [
            (key, label) for key, label in YES_NO_FIELDS.items() if key in fields
        ]
        self._has_gender = "gender" in fields
        self._has_phone = "phone" in fields

    def _county(self, text: str) -> str | None:
        if text not in self._counties:
            self._counties[text] = _county_code(text)
        return self._counties[text]

    def where(self, key: int) -> str:
        """'第5行', or '工作表“灵山乡”第5行' for a row on another sheet."""
        sheet, row = divmod(key, SHEET_STEP)
        if sheet == len(self.sheets) - 1:
            return f"第{row}行"
        return f"工作表“{self.sheets[sheet][:20]}”第{row}行"

    def check(self, number: int, raw: dict, cells=None) -> Outcome:
        """One row; ``cells``, the whole row, lets a footer word stand in any column."""
        name_text = cell_text(raw.get("name"))
        id_raw = raw.get("id_number")
        id_text = cell_text(id_raw)
        if not name_text or not id_text or not id_text[:1].isdigit():
            if is_blank(raw) or is_repeated_header(raw) or is_footer(raw, cells):
                return Outcome("skipped", number)
        elif _FOOTER.match(name_text) and is_footer(raw, cells):
            return Outcome("skipped", number)
        out = Outcome("rejected", number, name=name_text[:50], id_text=id_text[:40])
        try:
            name = clean(name_text, field="姓名", max_len=50)
        except UserError as exc:
            out.reason = str(exc)
            return out
        if not name:
            out.reason = "缺少姓名。"
            return out
        if id_raw is None or not id_text:
            out.reason = "缺少身份证号。"
            return out
        quick = quick_id(id_text, self.today) if id_raw.__class__ is str else None
        if quick is not None:
            id_number, birth, gender = quick
        else:
            try:
                parsed = idnumber.parse(id_raw, today=self.today)
            except idnumber.IdNumberError as exc:
                out.reason = str(exc)
                return out
            id_number, birth, gender = parsed.number, parsed.birth_date, parsed.gender
        earlier = self.seen.get(id_number)
        if earlier is not None:
            out.reason = f"与{self.where(earlier)}的身份证号重复（同一人在表里出现了两次）。"
            return out
        county_text = cell_text(raw.get("county"))
        if county_text:
            code = self._county(county_text)
            if code is None:
                out.reason = f"县（市、区）“{county_text[:20]}”不是绥化市的县（市、区）。"
                return out
            if self.county_code and code != self.county_code:
                out.reason = (
                    f"县（市、区）是“{county_text[:20]}”，不是本次导入的{self.county_name}。"
                )
                return out
        elif self.county_code:
            code = self.county_code
        else:
            out.reason = "缺少县（市、区）：请填写该列，或导入时指定县（市、区）。"
            return out
        try:
            township = _memo_clean(self._townships, cell_text(raw.get("township")), "乡镇", 50)
            village = _memo_clean(self._villages, cell_text(raw.get("village")), "村", 50)
        except UserError as exc:
            out.reason = str(exc)
            return out
        if not township:
            out.reason = "缺少乡镇。"
            return out
        if not village:
            out.reason = "缺少村。"
            return out
        record: dict = {
            "name": name,
            "gender": gender,
            "birth_date": birth.isoformat(),
            "county_code": code,
            "township": township,
            "village": village,
        }
        warnings: list[str] = []
        if self._has_gender:
            g = cell_text(raw.get("gender"))
            if g != gender and g:
                g = g.replace("性", "")
                if g and g not in ("男", "女"):
                    warnings.append(f"性别栏“{g[:10]}”看不懂，已按身份证号记为{gender}。")
                elif g and g != gender:
                    warnings.append(
                        f"性别栏写的是“{g}”，与身份证号不符，已按身份证号记为{gender}。"
                    )
        if self._has_phone:
            p = cell_text(raw.get("phone"))
            if not p:
                record["phone"] = None
            else:
                try:
                    record["phone"] = p if _MOBILE.fullmatch(p) else validate.phone(p)
                except UserError as exc:
                    warnings.append(f"{exc}该号码未导入。")
        for key, label, max_len, memo in self._text_fields:
            try:
                text = cell_text(raw.get(key))
                record[key] = (
                    clean(text, field=label, max_len=max_len)
                    if memo is None
                    else _memo_clean(memo, text, label, max_len)
                )
            except UserError as exc:
                warnings.append(f"{exc}该栏未导入。")
        for key, label in self._yes_no_fields:
            value = yes_no(raw.get(key))
            if value is None:
                shown = cell_text(raw.get(key))[:10]
                warnings.append(
                    f"{label}“{shown}”看不懂（请写 是/否），已记为未知。"
                    if key != "liang_hou_sheng"
                    else f"{label}“{shown}”看不懂（请写 是/否），已记为否。"
                )
                value = "unknown"
            if key == "liang_hou_sheng":
                value = 1 if value == "yes" else 0
            record[key] = value
        self.seen[id_number] = self.base + number
        # The outcome made for a rejection becomes the acceptance: one object per row.
        out.kind, out.name, out.record, out.id_number = "ok", name, record, id_number
        out.warnings = warnings
        return out
