"""Ledger files made in the tests: xlsx with title rows, CSV in UTF-8 or GB18030."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

from portal import idnumber

HEADER = [
    "序号",
    "姓名",
    "身份证号码",
    "县（市、区）",
    "乡（镇）",
    "行政村",
    "性别",
    "手机号码",
    "是否有培训意愿",
    "培训需求（工种）",
]


def ident(seq: int, division: str = "231221", year: int = 1980) -> str:
    """A valid ID number; ``seq`` picks the day and sequence so numbers are distinct."""
    birth = dt.date(year, 1, 1) + dt.timedelta(days=seq // 1000)
    return idnumber.make(division, birth, seq % 1000)


def write_xlsx(
    path: Path, rows: list[list], *, titles=("望奎县建档立卡贫困劳动力台账", None), header=HEADER
) -> Path:
    wb = Workbook()
    ws = wb.active
    for t in titles:
        ws.append([t] if t else [])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_csv(
    path: Path, rows: list[list], *, encoding="gb18030", titles=("台账",), header=HEADER
) -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    for t in titles:
        w.writerow([t])
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


ALLOWED_LATIN = ("Excel", "WPS", "CSV", "UTF-8", "UTF-16", "GBK", "GB18030", "HTML", "PDF")


def english_words(message: str, file_name: str = "") -> list[str]:
    """Latin words in a message other than program, format and file names: should be none."""
    import re

    text = message.replace(file_name, "")
    for word in ALLOWED_LATIN:
        text = text.replace(word, "")
    text = re.sub(r"\.[a-z]{2,4}\b", "", text)  # extensions: .xlsx, .xls, .csv ...
    return re.findall(r"[A-Za-z]{2,}", text)
