"""Plain-text views of portal records for tables and pick lists (no Streamlit here).

Kept apart from the pages so the wording is the same on every page and can be tested.
Everything returned is plain text: Streamlit escapes it when drawing tables.
"""

from __future__ import annotations

import datetime as dt
import re

from portal import catalogue, enrolment, sessions

WEEKDAYS = "一二三四五六日"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^])")


def md(text) -> str:
    """Backslash-escape Markdown in text that Streamlit renders as Markdown.

    Alerts, checkbox and radio labels are Markdown: a stored name must not become a link,
    a colour directive (``:red[...]``) or an icon. Escaped punctuation shows as itself.
    """
    return _MARKDOWN.sub(r"\\\1", str(text))


def campaign_short(code: str) -> str:
    try:
        return catalogue.campaign(code)["short"]
    except Exception:  # a campaign dropped from the catalogue still shows its code
        return code


def place(row: dict) -> str:
    return "".join(p for p in (row.get("township_name"), row.get("village_name")) if p)


def session_label(row: dict) -> str:
    """One line that tells sessions apart in a pick list."""
    return (
        f"#{row['id']} {row['course_name']}｜{place(row) or row.get('address', '')}｜"
        f"{row['start_date']}至{row['end_date']}｜{sessions.STATUS[row['status']]}"
    )


def session_table(rows: list[dict], role: str | None = None) -> list[dict]:
    """The session list: only columns that tell rows apart for the one reading it.

    An institution's own name and a county's own name are the same on every row of their
    lists: left out. What a clerk looks for first (course, dates, status, place, head count)
    comes first, so a phone shows it without scrolling sideways; a column empty on every row
    is dropped.
    """
    table = [
        {
            "编号": r["id"],
            "课程": r["course_name"],
            "日期": f"{r['start_date']}至{r['end_date']}",
            "状态": sessions.STATUS[r["status"]],
            "乡镇/村": place(r),
            "报名/名额": f"{r['enrolled']}/{r['capacity']}",
            "活动": campaign_short(r["campaign_code"]),
            "培训机构": r["institution_name"],
            "县（市、区）": r["county_name"],
            "时间": f"{r['day_part']} {r['daily_start']}-{r['daily_end']}",
            "方式": r["mode"],
            "课时": f"{r['class_hours']:g}",
        }
        for r in rows
    ]
    redundant = {"institution": {"培训机构", "县（市、区）"}, "county": {"县（市、区）"}}
    drop = set(redundant.get(role, ()))
    if table:
        drop |= {k for k in table[0] if all(not str(row[k]).strip() for row in table)}
    return [{k: v for k, v in row.items() if k not in drop} for row in table]


def calendar_table(days: dict[dt.date, list[dict]], per_cell: int = 3) -> list[dict]:
    """Weeks as rows, 周一…周日 as columns; each cell the day and what runs that day."""
    weeks: list[dict] = []
    week: dict = {}
    for day, rows in sorted(days.items()):
        names = [f"{r['course_name']}（{r['township_name']}）" for r in rows[:per_cell]]
        if len(rows) > per_cell:
            names.append(f"等{len(rows)}个班")
        week[f"周{WEEKDAYS[day.weekday()]}"] = f"{day.day}日" + (
            "：" + "；".join(names) if names else ""
        )
        if day.weekday() == 6:
            weeks.append(week)
            week = {}
    if week:
        weeks.append(week)
    cols = [f"周{d}" for d in WEEKDAYS]
    return [{c: w.get(c, "") for c in cols} for w in weeks]


def worker_label(row: dict) -> str:
    flag = "" if row["registered"] else "（未建档）"
    return f"{row['name']}{flag} {row['gender']} {row['id_shown']}"


def roster_table(rows: list[dict], class_hours: float) -> list[dict]:
    return [
        {
            "姓名": r["name"],
            "性别": r["gender"],
            "身份证号": r["id_shown"],
            "建档立卡": "是" if r["registered"] else "否（不享受扶贫补贴）",
            "状态": enrolment.STATUS[r["status"]],
            "出勤课时": f"{r['hours']:g}/{class_hours:g}",
            "联系卡": card_state(r),
        }
        for r in rows
    ]


def person_labels(rows: list[dict]) -> dict[int, str]:
    """Enrolment id -> a pick-list label that a write does not change (no status in it).

    Why: Streamlit keeps a selectbox's choice by its label; a label that changed after a
    withdrawal or a signature made the page jump to the first trainee.
    """
    labels = {r["enrolment_id"]: f"{r['name']} {r['id_shown']}" for r in rows}
    counts: dict[str, int] = {}
    for text in labels.values():
        counts[text] = counts.get(text, 0) + 1
    return {k: (f"{v}（报名号{k}）" if counts[v] > 1 else v) for k, v in labels.items()}


def card_state(row: dict) -> str:
    if row.get("card_signed") == 1:
        return f"已签字（{row['card_signed_on']}）"
    if row.get("card_signed") == 0:
        return "签字已撤销"
    return "未签字"
