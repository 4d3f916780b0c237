"""The monthly progress table (月报): live figures until county staff submit, then frozen.

A submitted report is locked: its figures are the JSON stored at submission and nothing
changes them until city staff reopen it with a reason (audited). A county's report is late
when it has not been submitted by the end of the 5th day of the following month.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import sqlite_utils

from portal import audit, catalogue, clock, people, validate
from portal.db import insert, one, transaction, update
from portal.errors import ScopeError, UserError
from portal.reports import figures
from portal.scope import Actor

DUE_DAY = 5
LATE_RULE = f"月报应在次月{DUE_DAY}日（含）前提交；到期未提交的即为逾期。"


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """'2019-05' -> (2019-05-01, 2019-05-31)."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(text or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UserError(f"月份“{str(text)[:20]}”格式不对，请写成 2019-05 这样的年-月。")
    first = dt.date(int(m.group(1)), int(m.group(2)), 1)
    return first, _month_end(first)


def _month_end(first: dt.date) -> dt.date:
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def month_key(text: str) -> str:
    return parse_month(text)[0].strftime("%Y-%m")


def due_date(month: str) -> dt.date:
    """The last day a report for ``month`` is on time: the 5th of the following month."""
    last = parse_month(month)[1]
    return last + dt.timedelta(days=DUE_DAY)


def label(month: str) -> str:
    first = parse_month(month)[0]
    return f"{first.year}年{first.month}月"


def _county_code(name_or_code: str) -> str:
    return catalogue.county(name_or_code)["code"]


def _row(db, county_code: str, month: str) -> dict | None:
    return one(
        db,
        "SELECT * FROM monthly_reports WHERE county_code = ? AND month = ?",
        [county_code, month],
    )


def lock_text(row: dict | None, who: str | None = None) -> str | None:
    """Why the report cannot be changed, and since when (None when it can); ``who`` is the
    submitter's name (the stored login name when not given)."""
    if not row or row["status"] != "submitted":
        return None
    return (
        f"本月报已于 {clock.display(row['submitted_at'])} 由 {who or row['submitted_by']} 提交，"
        "已锁定，数字不再随数据变化。如需修改，请联系市劳动就业局培训科退回。"
    )


def view(
    db: sqlite_utils.Database,
    actor: Actor,
    county: str,
    month: str,
    *,
    today: dt.date | None = None,
    live: dict | None = None,
) -> dict:
    """What a county's report for ``month`` shows: frozen figures if submitted, else live
    (``live``: figures already worked out by the caller)."""
    code = _county_code(county)
    actor.check_county(code)
    month = month_key(month)
    first, last = parse_month(month)
    row = _row(db, code, month)
    if row and row["status"] == "submitted":
        data = json.loads(row["figures_json"])
    else:
        data = live or figures.period_figures(db, actor, code, first, last, label=label(month))
    today = today or clock.today()
    names = people.names(db, [row["submitted_by"], row["reopened_by"]] if row else [])
    return {
        "month": month,
        "label": label(month),
        "county_code": code,
        "county": catalogue.county(code)["name"],
        "status": row["status"] if row else "draft",
        "figures": data,
        "submitted_at": row["submitted_at"] if row else None,
        "submitted_by": row["submitted_by"] if row else None,
        "reopened_at": row["reopened_at"] if row else None,
        "reopened_by": row["reopened_by"] if row else None,
        "reopen_reason": row["reopen_reason"] if row else None,
        "submitted_by_name": names.get(row["submitted_by"]) if row else None,
        "reopened_by_name": names.get(row["reopened_by"]) if row else None,
        "lock": lock_text(row, names.get(row["submitted_by"]) if row else None),
        "due": due_date(month).isoformat(),
        "late": _late(row, month, today),
    }


def _late(row: dict | None, month: str, today: dt.date) -> bool:
    due = due_date(month)
    if row and row["status"] == "submitted":
        return row["submitted_at"][:10] > due.isoformat()
    return today > due


def submit(
    db: sqlite_utils.Database,
    actor: Actor,
    county: str,
    month: str,
    *,
    today: dt.date | None = None,
) -> dict:
    """County staff file the month's report: figures are frozen and the report is locked."""
    code = _county_code(county)
    if actor.role not in ("county", "system"):
        raise ScopeError("月报由县（市、区）劳动就业部门提交；市级账户可以查看和退回。")
    actor.check_county(code)
    month = month_key(month)
    first, last = parse_month(month)
    today = today or clock.today()
    if today < last:
        raise UserError(
            f"{label(month)}还没过完，请在{last.isoformat()}（本月最后一天）或以后提交。"
        )
    with transaction(db):
        row = _row(db, code, month)
        if row and row["status"] == "submitted":
            raise UserError(lock_text(row, people.name(db, row["submitted_by"])))
        data = figures.period_figures(db, actor, code, first, last, label=label(month))
        now = clock.now()
        changes = {
            "figures_json": json.dumps(data, ensure_ascii=False),
            "status": "submitted",
            "submitted_at": now,
            "submitted_by": actor.username,
            "updated_at": now,
            "updated_by": actor.username,
        }
        if row:
            update(db, "monthly_reports", row["id"], changes)
            report_id = row["id"]
        else:
            report_id = insert(
                db, "monthly_reports", {"county_code": code, "month": month, **changes}
            )
        audit.record(
            db, actor.username, "submit", "monthly_reports", report_id,
            {"status": row["status"]} if row else None,
            {"county_code": code, "month": month, "status": "submitted"},
        )  # fmt: skip
    return view(db, actor, code, month, today=today)


def reopen(db: sqlite_utils.Database, actor: Actor, county: str, month: str, reason: str) -> None:
    """City staff unlock a submitted report so that the county can correct and resubmit it."""
    if actor.role not in ("city", "system"):
        raise ScopeError("只有市劳动就业局可以退回已提交的月报。")
    reason = validate.clean_text(reason, field="退回原因", max_len=500, required=True)
    code = _county_code(county)
    month = month_key(month)
    with transaction(db):
        row = _row(db, code, month)
        if not row or row["status"] != "submitted":
            raise UserError(
                f"{catalogue.county(code)['name']}{label(month)}的月报尚未提交，无需退回。"
            )
        now = clock.now()
        changes = {
            "status": "draft",
            "reopened_at": now,
            "reopened_by": actor.username,
            "reopen_reason": reason,
            "updated_at": now,
            "updated_by": actor.username,
        }
        update(db, "monthly_reports", row["id"], changes)
        audit.record(
            db, actor.username, "reopen", "monthly_reports", row["id"],
            {"status": "submitted", "submitted_at": row["submitted_at"]},
            {"status": "draft", "reason": reason},
        )  # fmt: skip


def city_overview(
    db: sqlite_utils.Database, actor: Actor, month: str, *, today: dt.date | None = None
) -> dict:
    """Every county's report for ``month`` (status, lateness, figures) and the city sum."""
    if actor.role not in ("city", "system"):
        raise ScopeError("全市汇总仅供市劳动就业局查看。")
    today = today or clock.today()
    month = month_key(month)
    first, last = parse_month(month)
    codes = [c["code"] for c in catalogue.counties()]
    live = figures.counties_figures(db, actor, codes, first, last, label=label(month))
    rows = [view(db, actor, code, month, today=today, live=live[code]) for code in codes]
    return {
        "month": month_key(month),
        "label": label(month),
        "due": due_date(month).isoformat(),
        "rows": rows,
        "late": [r["county"] for r in rows if r["late"] and r["status"] != "submitted"],
        "sum": figures.city_sum([r["figures"] for r in rows]),
    }
