"""The quarterly written report (季报): progress, highlights, model cases, problems and
suggestions, typed by county staff, with that quarter's figures filled in.

Drafts can be saved as often as needed; submitting freezes the figures and locks the text
until city staff reopen it with a reason (audited), as for the monthly report.
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

FIELDS = {
    "progress": "工作进度",
    "highlights": "亮点经验",
    "model_cases": "优秀典型",
    "problems": "问题和建议",
}
MAX_LEN = 5000


def parse_quarter(text: str) -> tuple[str, dt.date, dt.date]:
    """'2019-Q2' (or 2019Q2, 2019-2) -> ('2019-Q2', 2019-04-01, 2019-06-30)."""
    m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]?([1-4])\s*", str(text or ""))
    if not m:
        raise UserError(f"季度“{str(text)[:20]}”格式不对，请写成 2019-Q2 这样的年-季度。")
    year, q = int(m.group(1)), int(m.group(2))
    first = dt.date(year, 3 * q - 2, 1)
    nxt = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return f"{year}-Q{q}", first, nxt - dt.timedelta(days=1)


def label(quarter: str) -> str:
    key, _, _ = parse_quarter(quarter)
    return f"{key[:4]}年第{'一二三四'[int(key[-1]) - 1]}季度"


def _row(db, code: str, quarter: str) -> dict | None:
    return one(
        db,
        "SELECT * FROM quarterly_reports WHERE county_code = ? AND quarter = ?",
        [code, quarter],
    )


def lock_text(row: dict | None, who: str | None = None) -> str | None:
    """Why the report cannot be changed (None when it can); ``who``: the submitter's name."""
    if not row or row["status"] != "submitted":
        return None
    return (
        f"本季报已于 {clock.display(row['submitted_at'])} 由 {who or row['submitted_by']} 提交，"
        "已锁定。如需修改，请联系市劳动就业局培训科退回。"
    )


def view(db: sqlite_utils.Database, actor: Actor, county: str, quarter: str) -> dict:
    """The report's text and figures (frozen if submitted, else the quarter's live figures)."""
    code = catalogue.county(county)["code"]
    actor.check_county(code)
    key, first, last = parse_quarter(quarter)
    row = _row(db, code, key)
    if row and row["status"] == "submitted":
        data = json.loads(row["figures_json"])
    else:
        data = figures.period_figures(db, actor, code, first, last, label=label(key))
    out = {
        "quarter": key,
        "label": label(key),
        "county_code": code,
        "county": catalogue.county(code)["name"],
        "status": row["status"] if row else "draft",
        "figures": data,
        "lock": lock_text(row, people.name(db, row["submitted_by"]) if row else None),
    }
    for field in FIELDS:
        out[field] = row[field] if row else ""
    for field in ("submitted_at", "submitted_by"):
        out[field] = row[field] if row else None
    out.update(last_reopen(db, row["id"]) if row else _NO_REOPEN)
    names = people.names(db, [out["submitted_by"], out["reopened_by"]])
    out["submitted_by_name"] = names.get(out["submitted_by"])
    out["reopened_by_name"] = names.get(out["reopened_by"])
    return out


_NO_REOPEN = {"reopened_at": None, "reopened_by": None, "reopen_reason": None}


def last_reopen(db: sqlite_utils.Database, report_id: int) -> dict:
    """Who reopened the report last, when and why (kept in the audit log: the table has no
    columns for it, and the log already holds every reopen)."""
    row = one(
        db,
        "SELECT at, actor, after_json FROM audit_log WHERE entity = 'quarterly_reports' "
        "AND entity_id = ? AND action = 'reopen' ORDER BY id DESC LIMIT 1",
        [str(report_id)],
    )
    if row is None:
        return dict(_NO_REOPEN)
    return {
        "reopened_at": row["at"],
        "reopened_by": row["actor"],
        "reopen_reason": json.loads(row["after_json"]).get("reason"),
    }


def _check_writer(actor: Actor, code: str) -> None:
    if actor.role not in ("county", "system"):
        raise ScopeError("季报由县（市、区）劳动就业部门填写和提交；市级账户可以查看和退回。")
    actor.check_county(code)


def save(db: sqlite_utils.Database, actor: Actor, county: str, quarter: str, texts: dict) -> None:
    """Save the draft text (the figures are filled in live until submission)."""
    code = catalogue.county(county)["code"]
    _check_writer(actor, code)
    key, first, last = parse_quarter(quarter)
    clean = {
        f: validate.clean_text(texts.get(f), field=name, max_len=MAX_LEN) or ""
        for f, name in FIELDS.items()
    }
    with transaction(db):
        row = _row(db, code, key)
        if row and row["status"] == "submitted":
            raise UserError(lock_text(row, people.name(db, row["submitted_by"])))
        now = clock.now()
        changes = {**clean, "updated_at": now, "updated_by": actor.username}
        if row:
            update(db, "quarterly_reports", row["id"], changes)
            report_id = row["id"]
        else:
            changes["figures_json"] = "{}"
            report_id = insert(
                db, "quarterly_reports", {"county_code": code, "quarter": key, **changes}
            )
        audit.record(
            db, actor.username, "save", "quarterly_reports", report_id,
            {f: row[f] for f in FIELDS} if row else None, clean,
        )  # fmt: skip


def submit(
    db: sqlite_utils.Database,
    actor: Actor,
    county: str,
    quarter: str,
    *,
    today: dt.date | None = None,
) -> None:
    """File the report: the text must be complete; the quarter's figures are frozen."""
    code = catalogue.county(county)["code"]
    _check_writer(actor, code)
    key, first, last = parse_quarter(quarter)
    today = today or clock.today()
    if today < last:
        raise UserError(f"{label(key)}还没结束，请在{last.isoformat()}（季末）或以后提交。")
    with transaction(db):
        row = _row(db, code, key)
        if row and row["status"] == "submitted":
            raise UserError(lock_text(row, people.name(db, row["submitted_by"])))
        missing = [name for f, name in FIELDS.items() if not (row and row[f].strip())]
        if missing:
            raise UserError(f"请先填写并保存：{'、'.join(missing)}。")
        data = figures.period_figures(db, actor, code, first, last, label=label(key))
        now = clock.now()
        update(
            db,
            "quarterly_reports",
            row["id"],
            {
                "figures_json": json.dumps(data, ensure_ascii=False),
                "status": "submitted",
                "submitted_at": now,
                "submitted_by": actor.username,
                "updated_at": now,
                "updated_by": actor.username,
            },
        )
        audit.record(
            db, actor.username, "submit", "quarterly_reports", row["id"],
            {"status": row["status"]}, {"status": "submitted"},
        )  # fmt: skip


def reopen(db: sqlite_utils.Database, actor: Actor, county: str, quarter: str, reason: str) -> None:
    if actor.role not in ("city", "system"):
        raise ScopeError("只有市劳动就业局可以退回已提交的季报。")
    reason = validate.clean_text(reason, field="退回原因", max_len=500, required=True)
    code = catalogue.county(county)["code"]
    key, _, _ = parse_quarter(quarter)
    with transaction(db):
        row = _row(db, code, key)
        if not row or row["status"] != "submitted":
            raise UserError(
                f"{catalogue.county(code)['name']}{label(key)}的季报尚未提交，无需退回。"
            )
        now = clock.now()
        update(
            db,
            "quarterly_reports",
            row["id"],
            {"status": "draft", "updated_at": now, "updated_by": actor.username},
        )
        audit.record(
            db, actor.username, "reopen", "quarterly_reports", row["id"],
            {"status": "submitted"}, {"status": "draft", "reason": reason},
        )  # fmt: skip


def statuses(db: sqlite_utils.Database, actor: Actor, quarter: str) -> list[dict]:
    """Per county in scope: the quarter's report status (for the city's list)."""
    key, _, _ = parse_quarter(quarter)
    where, params = actor.county_filter("a.code")
    return list(
        db.query(
            "SELECT a.code AS county_code, a.name AS county, "
            "COALESCE(q.status, '未填写') AS status, q.submitted_at, q.submitted_by "
            "FROM areas a LEFT JOIN quarterly_reports q ON q.county_code = a.code AND q.quarter = ? "
            f"WHERE a.level = 'county' AND {where} ORDER BY a.code",
            [key, *params],
        )
    )
