"""Small validators shared by forms and imports, each returning a clean value or a reason."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from portal.errors import UserError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

# GB 32100-2015 统一社会信用代码
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def clean_text(value, *, field: str, max_len: int = 200, required: bool = False) -> str | None:
    """Trim, drop control and bidi-override characters, enforce a length.

    Why: a name with an RTL override or a NUL prints wrongly on a card and can hide text.
    """
    if value is None:
        text = ""
    else:
        text = unicodedata.normalize("NFC", str(value))
        text = _CONTROL.sub("", text).strip()
    if not text:
        if required:
            raise UserError(f"{field}不能为空。")
        return None
    if len(text) > max_len:
        raise UserError(f"{field}太长了（{len(text)}个字），最多{max_len}个字。")
    return text


def phone(value, *, field: str = "联系电话", required: bool = False) -> str | None:
    """Mainland mobile (11 digits) or landline with area code (0455-1234567)."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = re.sub(r"[\s()（）]", "", text).replace("－", "-").replace("—", "-")
    if text.startswith("+86"):
        text = text[3:]
    if not text:
        if required:
            raise UserError(f"{field}不能为空。")
        return None
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return text
    raise UserError(
        f"{field}“{text[:20]}”格式不对：手机号是1开头的11位数字，座机请写区号，如0455-8123456。"
    )


def credit_code(value) -> str:
    """Check a 统一社会信用代码, including its check character."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    if len(text) != 18:
        raise UserError(f"统一社会信用代码应为18位，这里是{len(text)}位。")
    if any(ch not in _USCC_CHARS for ch in text):
        raise UserError("统一社会信用代码含有不允许的字符（不用I、O、Z、S、V）。")
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(text[:17], _USCC_WEIGHTS, strict=True))
    expected = _USCC_CHARS[(31 - total % 31) % 31]
    if text[17] != expected:
        raise UserError("统一社会信用代码校验位不对，请核对营业执照或登记证书。")
    return text


def make_credit_code(first17: str) -> str:
    """Complete a 17-character prefix with its check character (demo data and tests)."""
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]


_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年\s]\s*(\d{1,2})\s*[-/.月\s]\s*(\d{1,2})\s*[日号]?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DATE_EXAMPLES = "2019-06-01、2019/6/1、2019年6月1日 或 20190601"


def date_text(value, *, field: str, required: bool = False) -> dt.date | None:
    """Read a whole date as people type it: 2019-06-01, 2019/6/1, 2019.6.1, 2019年6月1日, 20190601.

    Why: a date picker that reads "2019-06-01" typed in one go as another day saves a wrong
    date without a word; here a date is either read exactly or refused with the reason.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = text.replace("－", "-").replace("—", "-").replace("。", ".")
    if not text:
        if required:
            raise UserError(f"{field}不能为空，请按 {DATE_EXAMPLES} 这样填写年月日。")
        return None
    match = _DATE_PARTS.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise UserError(f"{field}“{text[:20]}”看不懂，请按 {DATE_EXAMPLES} 这样填写年、月、日。")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise UserError(
            f"{field}“{text[:20]}”不存在（{year}年没有{month}月{day}日），请核对后重填。"
        ) from None
