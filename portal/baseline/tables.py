"""The baseline figures as titled tables: the same rows on screen, in .xlsx and in the PDF."""

from __future__ import annotations

from urllib.parse import urlencode

from portal.baseline import groups
from portal.baseline.census import TOP_TRADES
from portal.ledger.table import Table

LEVEL_NAMES = {"county": "县（市、区）", "township": "乡镇", "village": "村"}


def pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def unknown(counts: dict, yes: str, no: str) -> int:
    return counts["workers"] - counts[yes] - counts[no]


def summary(r: dict) -> Table:
    t = r["total"]
    n = t["workers"]
    rows = [
        ("登记的建档立卡贫困劳动力", n, ""),
        ("其中未就业", t["unemployed"], pct(t["unemployed"], n)),
        ("女性", t["women"], pct(t["women"], n)),
        ("有培训意愿", t["train_yes"], pct(t["train_yes"], n)),
        ("有就业意愿", t["job_yes"], pct(t["job_yes"], n)),
        ("两后生", t["liang_hou_sheng"], pct(t["liang_hou_sheng"], n)),
        (
            "其中有就读技工院校意愿",
            t["lhs_school_yes"],
            pct(t["lhs_school_yes"], t["liang_hou_sheng"]),
        ),
        (
            f"其中有意愿、尚未在读技工院校（{r['at']}）",
            t["lhs_school_gap"],
            pct(t["lhs_school_gap"], t["lhs_school_yes"]),
        ),
        ("有就读技工院校意愿（全部）", t["school_yes"], pct(t["school_yes"], n)),
        (f"在读技工院校（{r['at']}）", r["in_school"], pct(r["in_school"], n)),
        ("其中两后生", r["lhs_in_school"], pct(r["lhs_in_school"], t["liang_hou_sheng"])),
    ]
    return Table("总体情况", ("项目", "人数", "占比"), rows)


def status(r: dict) -> Table:
    n = r["total"]["workers"]
    headers = ("就业状态", "人数", "占比", *r["age_bands"])
    rows = [(g, c, pct(c, n), *r["status_age"][g]) for g, c in r["status"]]
    return Table("就业状态（按年龄段）", headers, rows)


def ages(r: dict) -> Table:
    n = r["total"]["workers"]
    unemployed = r["status_age"]["未就业"]
    rows = [
        (label, c, pct(c, n), unemployed[i])
        for i, (label, c) in enumerate(zip(r["age_bands"], r["total"]["age"], strict=True))
    ]
    return Table(f"年龄结构（按{r['at']}计算）", ("年龄段", "人数", "占比", "其中未就业"), rows)


def gender(r: dict) -> Table:
    t = r["total"]
    men = t["workers"] - t["women"]
    return Table(
        "性别",
        ("性别", "人数", "占比"),
        [("男", men, pct(men, t["workers"])), ("女", t["women"], pct(t["women"], t["workers"]))],
    )


def education(r: dict) -> Table:
    n = r["total"]["workers"]
    return Table(
        "文化程度", ("文化程度", "人数", "占比"), [(g, c, pct(c, n)) for g, c in r["education"]]
    )


def wishes(r: dict) -> Table:
    t = r["total"]
    return Table(
        "培训和就业意愿",
        ("意愿", "有", "没有", "未登记"),
        [
            ("培训意愿", t["train_yes"], t["train_no"], unknown(t, "train_yes", "train_no")),
            ("就业意愿", t["job_yes"], t["job_no"], unknown(t, "job_yes", "job_no")),
        ],
    )


# The 技能脱贫百校行动's figures of an area, after its 两后生.
SCHOOL_HEADERS = ("两后生有就读技工院校意愿", "其中尚未在读技工院校", "有就读技工院校意愿（全部）")


def school_counts(counts: dict) -> tuple[int, int, int]:
    return counts["lhs_school_yes"], counts["lhs_school_gap"], counts["school_yes"]


def children(r: dict) -> Table:
    level = LEVEL_NAMES.get(r["child_level"] or "village", "地区")
    headers = (
        level,
        "劳动力",
        "未就业",
        "女",
        *r["age_bands"],
        "有培训意愿",
        "有就业意愿",
        "两后生",
        *SCHOOL_HEADERS,
    )
    rows = [
        (
            c["name"],
            c["workers"],
            c["unemployed"],
            c["women"],
            *c["age"],
            c["train_yes"],
            c["job_yes"],
            c["liang_hou_sheng"],
            *school_counts(c),
        )
        for c in r["children"]
    ]
    t = r["total"]
    rows.append(
        ("合计", t["workers"], t["unemployed"], t["women"], *t["age"], t["train_yes"],
         t["job_yes"], t["liang_hou_sheng"], *school_counts(t))
    )  # fmt: skip
    return Table(f"各{level}底数", headers, rows)


def trades(r: dict) -> Table:
    return Table(
        f"各乡镇想学最多的工种（前{TOP_TRADES}位）",
        ("县（市、区）", "乡镇", "名次", "培训需求（工种）", "想学人数", "尚未培训"),
        [
            (x["county"], x["township"], x["rank"], x["trade"], x["wanted"], x["untrained"])
            for x in r["trades"]
        ],
    )


def wordings(r: dict) -> Table:
    return Table(
        "没能归类的填写（请核实）",
        ("栏目", "台账里填的", "人数"),
        [(col, text, n) for col, text, n in r["other_wordings"]],
    )


def demand_link(township_code: str, trade: str, village_code: str | None = None) -> str | None:
    """Address of the 台账 page's 培训需求清单 for one township (or village) and trade; it
    carries area codes and a trade, never personal data."""
    if trade == "未填":
        return None
    query = {"township": township_code, "trade": trade}
    if village_code:
        query["village"] = village_code
    return "ledger?" + urlencode(query)


def notes(r: dict) -> list[str]:
    out = [
        "只统计台账里登记为建档立卡（已建档）的贫困劳动力。"
        + (
            f"另有未建档人员 {r['unregistered']} 人（报名时登记），未计入。"
            if r["unregistered"]
            else ""
        ),
        f"年龄按身份证号中的出生日期计算到 {r['at']}（默认为方案规定的摸底结束日）。",
        "就业状态、文化程度按台账里填写的文字归类；“未登记”是台账没有填写，"
        "“其他”是没能归类的填写，原文和人数列在“没能归类的填写”表里。",
        "“尚未培训”指有培训意愿、还没有结业过任何班次的人，与“培训需求清单”一致；"
        "一人想学几种工种，每种都算一次。",
        "在读技工院校按补贴页登记的技工院校学生记录（入学日期到离校日期）计算。"
        "就读技工院校意愿按台账的“是否有就读技工院校意愿”一栏；“尚未在读技工院校”是有意愿的"
        "两后生里当天不在技工院校读书的人，即技能脱贫百校行动还要帮助入学的人；"
        "台账没有填写意愿的两后生请从两后生名单入户核实。",
    ]
    return out


ALL = (summary, status, ages, gender, education, wishes, children, trades, wordings)


def all_tables(r: dict) -> list[Table]:
    return [f(r) for f in ALL]


__all__ = ["all_tables", "demand_link", "groups", "notes", "pct"]
