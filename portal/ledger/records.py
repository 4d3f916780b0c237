"""The ledger table and one worker's record: search, view and edit, every edit audited.

Why edits live here and not in the enrolment code: the ledger belongs to the county that
keeps it, so only that county's staff may change a record, and the full ID number is shown
to them alone.
"""

from __future__ import annotations

import sqlite_utils

from portal import areas, audit, clock, validate
from portal.areas import ensure_place
from portal.db import one, transaction
from portal.errors import UserError
from portal.ledger.lists import YES_NO
from portal.ledger.scope import county_clause, require_ledger_keeper, require_staff, shown_id
from portal.ledger.table import Table
from portal.scope import Actor

LEDGER_HEADERS = (
    "编号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "县（市、区）",
    "乡镇",
    "村",
    "联系电话",
    "培训意愿",
    "培训需求（工种）",
    "已结业次数",
)
TEXT = {
    "name": ("姓名", 50, True),
    "household_no": ("户编号", 40, False),
    "education": ("文化程度", 40, False),
    "work_capacity": ("劳动能力", 40, False),
    "work_status": ("就业状态", 40, False),
    "wanted_trade": ("培训需求（工种）", 100, False),
    "notes": ("备注", 500, False),
}
CHOICES = {
    "wants_training": "培训意愿",
    "wants_job": "就业意愿",
    "wants_school": "就读技工院校意愿",
}
EDITABLE = (*TEXT, "phone", *CHOICES, "liang_hou_sheng", "township", "village")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def ledger_table(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    search: str | None = None,
    county: str | None = None,
    township: str | None = None,
    village: str | None = None,
    limit: int = 500,
) -> Table:
    """The ledger, searchable by name, ID number (or its last digits) or phone."""
    where, params = county_clause(actor, county, "w.county_code")
    for level, code in (("township", township), ("village", village)):
        if code:  # with the parents' codes, so the one place index serves it
            more, values = areas.place_filter("w", level, code)
            where, params = where + more, params + values
    text = validate.clean_text(search, field="搜索内容", max_len=50) if search else None
    if text:
        like = _escape_like(text.upper())
        where += (
            " AND (w.name LIKE ? ESCAPE '\\' OR w.id_number LIKE ? ESCAPE '\\'"
            " OR w.phone LIKE ? ESCAPE '\\')"
        )
        params += [f"%{_escape_like(text)}%", f"%{like}", f"{like}%"]
    rows = db.execute(
        f"""
        SELECT w.id, w.name, w.gender, w.birth_date, w.id_number, c.name, t.name, v.name,
               w.phone, w.wants_training, w.wanted_trade,
               (SELECT COUNT(*) FROM enrolments e WHERE e.worker_id = w.id
                AND e.status = 'completed')
        FROM workers w
        JOIN areas c ON c.code = w.county_code
        JOIN areas t ON t.code = w.township_code
        JOIN areas v ON v.code = w.village_code
        WHERE {where}
        ORDER BY w.county_code, w.township_code, w.village_code, w.id
        LIMIT ?
        """,
        [*params, limit],
    ).fetchall()
    return Table(
        "台账",
        LEDGER_HEADERS,
        [
            (*r[:4], shown_id(actor, r[4]), *r[5:9], YES_NO.get(r[9], r[9]), r[10] or "", r[11])
            for r in rows
        ],
    )


def get_worker(db: sqlite_utils.Database, actor: Actor, worker_id: int) -> dict:
    """One record with place names; the ID number masked unless the actor keeps the ledger."""
    require_staff(actor)
    row = one(
        db,
        "SELECT w.*, c.name AS county, t.name AS township, v.name AS village FROM workers w "
        "JOIN areas c ON c.code = w.county_code JOIN areas t ON t.code = w.township_code "
        "JOIN areas v ON v.code = w.village_code WHERE w.id = ?",
        [worker_id],
    )
    if not row:
        raise UserError("找不到这个人的台账记录。")
    actor.check_county(row["county_code"])
    row["id_number"] = shown_id(actor, row["id_number"])
    return row


def _clean(changes: dict) -> dict:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UserError(f"这些栏目不能在这里修改：{'、'.join(sorted(unknown))}。")
    out: dict = {}
    for key, value in changes.items():
        if key in TEXT:
            label, max_len, required = TEXT[key]
            out[key] = validate.clean_text(value, field=label, max_len=max_len, required=required)
        elif key == "phone":
            out[key] = validate.phone(value)
        elif key in CHOICES:
            if value not in YES_NO:
                raise UserError(f"{CHOICES[key]}只能是 是、否 或 未知。")
            out[key] = value
        elif key == "liang_hou_sheng":
            out[key] = 1 if value in (1, True, "1", "yes") else 0
        else:
            out[key] = validate.clean_text(
                value, field="乡镇" if key == "township" else "村", max_len=50, required=True
            )
    return out


def update_worker(db: sqlite_utils.Database, actor: Actor, worker_id: int, changes: dict) -> dict:
    """Apply the changed fields; returns them (empty when nothing changed). Audited."""
    clean = _clean(changes)
    with transaction(db):
        before = one(db, "SELECT * FROM workers WHERE id = ?", [worker_id])
        if not before:
            raise UserError("找不到这个人的台账记录。")
        require_ledger_keeper(actor, before["county_code"])
        township = clean.pop("township", None)
        village = clean.pop("village", None)
        if township or village:
            current = one(
                db,
                "SELECT t.name AS township, v.name AS village FROM areas t, areas v "
                "WHERE t.code = ? AND v.code = ?",
                [before["township_code"], before["village_code"]],
            )
            _, t_code, v_code = ensure_place(
                db,
                before["county_code"],
                township or current["township"],
                village or current["village"],
            )
            clean["township_code"], clean["village_code"] = t_code, v_code
        changed = {k: v for k, v in clean.items() if before[k] != v}
        if not changed:
            return {}
        stamp = {"updated_at": clock.now(), "updated_by": actor.username}
        sets = ", ".join(f"[{k}] = ?" for k in {**changed, **stamp})
        db.execute(
            f"UPDATE workers SET {sets} WHERE id = ?",
            [*changed.values(), *stamp.values(), worker_id],
        )
        audit.record(
            db,
            actor.username,
            "update",
            "workers",
            worker_id,
            {k: before[k] for k in changed},
            changed,
        )
    return changed
