"""How the ledger's free-text answers are grouped for the baseline, and the age bands.

Why keyword rules: the ledger import accepts any text of up to 40 characters under 就业状态
(also headed 务工状态、就业情况、务工情况、是否失业) and 文化程度, so the same answer comes in
many wordings (务农 / 在家务农 / 种地). Each distinct wording is grouped once in Python; a
wording no rule knows is counted under 其他 and listed with its own text, never dropped.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

UNKNOWN = "未登记"
OTHER_STATUS = "其他（请核实）"
OTHER_EDUCATION = "其他"

# (group, keywords) in the order they are tried: 外出务工 before 务工, 未就业 before 就业.
STATUS_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("在校学生", ("在校", "学生", "上学", "读书")),
    ("未就业", ("未就业", "未务工", "无业", "失业", "待业", "未工作", "没工作", "无工作", "赋闲")),
    ("自主创业", ("创业", "个体", "经商", "开店")),
    ("外出务工", ("外出", "外地", "省外", "县外", "市外", "异地", "转移就业")),
    ("季节性、临时务工", ("季节", "临时", "零工", "灵活", "短工")),
    (
        "就近务工",
        (
            "本地",
            "就近",
            "县内",
            "乡内",
            "村内",
            "公益",
            "扶贫车间",
            "务工",
            "就业",
            "上班",
            "打工",
        ),
    ),
    ("务农", ("务农", "种地", "种植", "养殖", "农业", "种养")),
)
STATUS_GROUPS = (
    "未就业",
    "务农",
    "外出务工",
    "就近务工",
    "季节性、临时务工",
    "自主创业",
    "在校学生",
    OTHER_STATUS,
    UNKNOWN,
)
# Working in the plan's sense: everyone in these groups has work of some kind.
EMPLOYED_GROUPS = ("务农", "外出务工", "就近务工", "季节性、临时务工", "自主创业")

EDUCATION_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("文盲或半文盲", ("文盲", "不识字")),
    ("大专及以上", ("大专", "专科", "本科", "大学", "研究生", "硕士", "博士")),
    ("高中（含中专、技校、职高）", ("高中", "中专", "技校", "职高", "中职", "职中", "技工")),
    ("初中", ("初中", "初级中学")),
    ("小学", ("小学",)),
)
EDUCATION_GROUPS = (
    "文盲或半文盲",
    "小学",
    "初中",
    "高中（含中专、技校、职高）",
    "大专及以上",
    OTHER_EDUCATION,
    UNKNOWN,
)

# Age bands (years of age at the chosen date): label, lowest age, highest age (None: no limit).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("未满16岁", 0, 15),
    ("16–25岁", 16, 25),
    ("26–35岁", 26, 35),
    ("36–45岁", 36, 45),
    ("46–55岁", 46, 55),
    ("56–60岁", 56, 60),
    ("60岁以上", 61, None),
)
# Each threshold age starts a band after the first: someone of at least that age is born on or
# before the date that many years before the chosen date.
THRESHOLD_AGES = tuple(low for _label, low, _high in AGE_BANDS[1:])

_TRADE_SPLIT = re.compile(r"[、，,；;/／|｜\s]+")


def _clean(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _match(text: str, rules, other: str) -> str:
    value = _clean(text)
    if not value:
        return UNKNOWN
    for group, words in rules:
        if any(w in value for w in words):
            return group
    return other


@functools.lru_cache(maxsize=4096)
def status_group(text: str | None) -> str:
    """The group of one 就业状态 wording; 是/否 (from a 是否失业 column) cannot be read safely
    without the header, so it is 其他（请核实） like any other wording no rule knows."""
    return _match(text, STATUS_RULES, OTHER_STATUS)


@functools.lru_cache(maxsize=4096)
def education_group(text: str | None) -> str:
    return _match(text, EDUCATION_RULES, OTHER_EDUCATION)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def thresholds(at: dt.date) -> list[str]:
    """Birth dates (ISO) on or before which a person has reached each band's lowest age."""
    return [years_before(at, age).isoformat() for age in THRESHOLD_AGES]


def bands_from_cumulative(total: int, reached: list[int]) -> list[int]:
    """Per-band counts from ``total`` and the counts of people who reached each threshold."""
    edges = [total, *reached, 0]
    return [edges[i] - edges[i + 1] for i in range(len(AGE_BANDS))]


def trades(text: str | None) -> list[str]:
    """The trades one worker asked for: 家政服务员、育婴员 is two; the same trade once."""
    seen: list[str] = []
    for part in _TRADE_SPLIT.split(_clean(text)):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen
