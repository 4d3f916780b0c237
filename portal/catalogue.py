"""The rules as data: campaigns, courses, plan dates, counties and dated subsidy rates.

Everything public (site, packs) and every calculation reads these files through this module,
so a figure is typed once, in ``content/data/``, with the document number it rests on.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from portal.errors import UserError

DATA = Path(__file__).resolve().parent.parent / "content" / "data"


@functools.cache
def _load(name: str):
    path = DATA / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(f"缺少规则文件 {path}，请从代码仓库恢复。") from exc
    except yaml.YAMLError as exc:
        raise UserError(f"规则文件 {path} 格式有误：{exc}") from exc


def plan() -> dict:
    return _load("plan.yml")


def document_number() -> str:
    return plan()["document"]["number"]


def campaign_period() -> tuple[dt.date, dt.date]:
    p = plan()["periods"]["campaigns"]
    return p["start"], p["end"]


def census_period() -> tuple[dt.date, dt.date]:
    p = plan()["periods"]["census"]
    return p["start"], p["end"]


def campaigns() -> list[dict]:
    rows = [{**c, "summary": fill(c["summary"])} for c in _load("campaigns.yml")]
    return sorted(rows, key=lambda c: c["number"])


def campaign(code: str) -> dict:
    for c in campaigns():
        if c["code"] == code:
            return c
    raise UserError(f"没有代码为 {code} 的培训活动。")


def course_categories() -> dict[str, str]:
    return _load("courses.yml")["categories"]


def courses(campaign_code: str | None = None) -> list[dict]:
    rows = _load("courses.yml")["courses"]
    return [c for c in rows if campaign_code in (None, c["campaign"])]


def course(code: str) -> dict:
    for c in courses():
        if c["code"] == code:
            return c
    raise UserError(f"课程目录里没有代码为 {code} 的课程。")


def counties() -> list[dict]:
    return _load("counties.yml")["counties"]


def city_office() -> dict:
    return _load("counties.yml")["city_office"]


def county(code_or_name: str) -> dict:
    """Find a county by code, full name or short name (望奎 = 望奎县)."""
    key = (code_or_name or "").strip()
    for c in counties():
        if key in (c["code"], c["name"], c["short"]):
            return c
    names = "、".join(c["name"] for c in counties())
    raise UserError(f"“{key}”不是绥化市的县（市、区）。可选：{names}。")


@dataclass(frozen=True)
class Rate:
    key: str
    name: str
    amount: int | None
    unit: str
    document: str
    start: dt.date
    end: dt.date | None
    cap: int | None = None
    min_months: int | None = None
    max_months: int | None = None
    note: str | None = None
    paid_to: str | None = None
    by_document: tuple[str, ...] = ()
    amount_text: str | None = (
        None  # what the plan says when it sets no figure and names no document
    )

    @property
    def set_elsewhere(self) -> bool:
        """True when the plan leaves the amount to another document."""
        return self.amount is None and self.cap is None

    def describe_amount(self) -> str:
        """The amount as people read it, never a number that is not in the sources."""
        if self.cap is not None:
            return f"最高{yuan(self.cap)}"
        if self.amount is None and self.amount_text:
            return self.amount_text
        if self.amount is None:
            docs = "、".join(self.by_document) or self.document
            return f"按{docs}规定标准执行"
        if self.amount == 0:
            return "免费"
        return f"{yuan(self.amount)}{self.unit.removeprefix('元')}"


def yuan(amount: int) -> str:
    """150000 -> 15万元, 5000 -> 5000元: how amounts are said in the villages."""
    if amount >= 10000 and amount % 10000 == 0:
        return f"{amount // 10000}万元"
    return f"{amount}元"


def _rate(entry: dict) -> Rate:
    return Rate(
        key=entry["key"],
        name=entry["name"],
        amount=entry.get("amount"),
        unit=entry.get("unit", "元"),
        document=entry["document"],
        start=entry["start"],
        end=entry.get("end"),
        cap=entry.get("cap"),
        min_months=entry.get("min_months"),
        max_months=entry.get("max_months"),
        note=entry.get("note"),
        paid_to=entry.get("paid_to"),
        by_document=tuple(entry.get("by_document") or ()),
        amount_text=entry.get("amount_text"),
    )


def fill(text: str, on: dt.date | None = None) -> str:
    """Put the amounts and limits of rates.yml into prose that names them.

    ``{startup_loan}`` -> 15万元, ``{work_training_months}`` -> 6, ``{employer_reward_years}`` -> 1:
    so that a sentence on the site or a card can never disagree with the rate it talks about.
    """
    if "{" not in text:
        return text
    values: dict[str, str] = {}
    for key in {r.key for r in rates()}:
        try:
            r = rate(key, on)
        except UserError:
            continue
        money = r.amount if r.amount is not None else r.cap
        if money is not None:
            values[key] = yuan(money)
        months = r.min_months or r.max_months
        if months:
            values[f"{key}_months"] = str(months)
            if months % 12 == 0:
                values[f"{key}_years"] = str(months // 12)
    try:
        return text.format_map(values)
    except (KeyError, ValueError) as exc:
        raise UserError(
            f"文字里引用了不存在的补贴标准 {exc}，请检查 content/data 下的文件。"
        ) from exc


_rates_memo: tuple[object, list[Rate]] | None = None


def rates() -> list[Rate]:
    """Every rate entry; parsed once per loaded file (pages ask for rates on every run)."""
    global _rates_memo
    raw = _load("rates.yml")
    if _rates_memo is None or _rates_memo[0] is not raw:
        _rates_memo = (raw, [_rate(e) for e in raw["rates"]])
    return list(_rates_memo[1])


def rate(key: str, on: dt.date | None = None) -> Rate:
    """The entry for ``key`` in force on ``on`` (default: the plan's document date)."""
    on = on or plan()["document"]["date"]
    found = [
        r for r in rates() if r.key == key and r.start <= on and (r.end is None or on <= r.end)
    ]
    if not found:
        raise UserError(f"{on} 没有生效的“{key}”补贴标准，请在 content/data/rates.yml 中补充。")
    return max(found, key=lambda r: r.start)


def sync(db) -> None:
    """Copy campaigns, courses and the city and county areas into the database.

    The database keeps them only so that foreign keys and joins work; the files stay
    the source, so this runs after every migration and at every start of the CLI. The
    baseline's kept counts follow the plan's census date the same way.
    """
    from portal.db import transaction

    with transaction(db):
        city = plan()["city"]
        db.execute(
            "INSERT INTO areas (code, name, level, parent_code) VALUES (?, ?, 'city', NULL) "
            "ON CONFLICT(code) DO UPDATE SET name = excluded.name",
            [city["code"], city["name"]],
        )
        for c in counties():
            db.execute(
                "INSERT INTO areas (code, name, level, parent_code) VALUES (?, ?, 'county', ?) "
                "ON CONFLICT(code) DO UPDATE SET name = excluded.name",
                [c["code"], c["name"], city["code"]],
            )
        for c in campaigns():
            db.execute(
                "INSERT INTO campaigns (code, number, name) VALUES (?, ?, ?) "
                "ON CONFLICT(code) DO UPDATE SET number = excluded.number, name = excluded.name",
                [c["code"], c["number"], c["name"]],
            )
        for c in courses():
            db.execute(
                "INSERT INTO courses (code, campaign_code, name, category, hours) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
                "campaign_code = excluded.campaign_code, name = excluded.name, "
                "category = excluded.category, hours = excluded.hours",
                [c["code"], c["campaign"], c["name"], c["category"], c["hours"]],
            )
    from portal.baseline import kept  # late import: kept reads the plan through this module

    if db["baseline_thresholds"].exists():  # not while older migrations alone are applied
        kept.sync(db)  # the baseline counts follow the plan's census date
