"""Resident ID numbers (GB 11643): the one validator used by import, portal and packs.

A ledger is typed by many hands and passed through spreadsheet programs, so the input is
normalised first (full-width digits, spaces, the apostrophe Excel users type to force text,
lower-case x). What cannot be trusted is rejected with the reason, never "repaired": a
number that a spreadsheet stored as a numeric cell has lost its last digits for good.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# Province-level prefixes that have issued ID numbers (mainland; 71 Taiwan; 81/82 HK/Macau
# residence permits; 83 Taiwan residence permits).
PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}
# Suihua: today's 2312xx codes and the prefecture's pre-2000 2323xx codes. An ID keeps the code
# it was first issued with, so both are valid whatever the birth year.
SUIHUA_CODES = {
    "231200",
    "231201",
    "231202",
    "231221",
    "231222",
    "231223",
    "231224",
    "231225",
    "231226",
    "231281",
    "231282",
    "231283",
    "232300",
    "232301",
    "232302",
    "232303",
    "232304",
    "232321",
    "232322",
    "232323",
    "232324",
    "232325",
    "232326",
    "232327",
    "232328",
    "232329",
    "232330",
    "232331",
    "232332",
}

_STRIP = re.compile(r"[\s\u200b-\u200f\u202a-\u202e\u2060\ufeff]+")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class IdNumberError(ValueError):
    """Why a value is not a usable ID number, in a sentence for the person who typed it."""


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    gender: str  # 男 / 女
    division: str

    def masked(self) -> str:
        return mask(self.number)


def normalise(value) -> str:
    """The text a person meant, before any judgement."""
    text = unicodedata.normalize("NFKC", str(value))
    text = _STRIP.sub("", text)
    text = text.lstrip("'‘’`")
    return text.upper()


def parse(value, *, today: dt.date | None = None) -> IdNumber:
    """Validate and decode, or raise IdNumberError with the reason."""
    if value is None or (isinstance(value, str) and not normalise(value)):
        raise IdNumberError("身份证号为空。")
    if isinstance(value, bool):
        raise IdNumberError("身份证号格式不对。")
    if isinstance(value, (int, float)):
        raise IdNumberError(
            "身份证号被表格存成了数字，最后几位已经丢失，无法恢复。"
            "请把该列设为“文本”格式后重新录入原号码。"
        )
    text = normalise(value)
    if _SCIENTIFIC.match(text) or re.fullmatch(r"\d{15,18}\.0+", text):
        raise IdNumberError(
            "身份证号被表格存成了数字（科学计数法），最后几位已经丢失，无法恢复。"
            "请把该列设为“文本”格式后重新录入原号码。"
        )
    if len(text) == 15 and text.isdigit():
        raise IdNumberError("这是15位的旧身份证号，请填写18位的二代身份证号。")
    if len(text) != 18:
        raise IdNumberError(f"身份证号应为18位，这里是{len(text)}位。")
    if not (text[:17].isdigit() and (text[17].isdigit() or text[17] == "X")):
        raise IdNumberError("身份证号只能是数字，最后一位可以是X。")
    division = text[:6]
    if division[:2] not in PROVINCES or (
        division[:4] in ("2312", "2323") and division not in SUIHUA_CODES
    ):
        raise IdNumberError(f"身份证号前6位（地区码 {division}）不是有效的行政区划代码。")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期 {text[6:14]} 不是真实日期。") from None
    today = today or dt.date.today()
    if birth > today:
        raise IdNumberError(f"身份证号中的出生日期 {birth:%Y-%m-%d} 在今天之后。")
    if birth.year < 1900:
        raise IdNumberError(f"身份证号中的出生年份 {birth.year} 不合理。")
    if check_char(text[:17]) != text[17]:
        if text.endswith("000") or text.endswith("00"):
            raise IdNumberError(
                "身份证号校验位不对；末尾是0，可能是表格把号码存成了数字、丢了最后几位。"
                "请核对原证件后按文本格式重新录入。"
            )
        raise IdNumberError("身份证号校验位（最后一位）不对，可能有数字输错，请核对原证件。")
    gender = "男" if int(text[16]) % 2 else "女"
    return IdNumber(number=text, birth_date=birth, gender=gender, division=division)


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def is_valid(value) -> bool:
    try:
        parse(value)
    except IdNumberError:
        return False
    return True


def mask(number: str | None) -> str:
    """231221********1234: the region and the last four, enough to tell people apart."""
    if not number:
        return ""
    text = str(number)
    if len(text) < 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def make(division: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (demo data and tests): sequence 0–999, odd = male."""
    first17 = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
