"""Institutions submit people who are not in any ledger; county staff check and record them.

Why not record them at once: the number is unique across the city, so recording would have to
answer "already in a ledger" for a person of another county, and an institution could probe
any number that way. So an institution's submission gets the same answer whatever the number:
"submitted, the county will check". County staff see whether the number is already in a ledger
(and whose), record the person as 未建档 and enrol them into the session asked for (or its
waiting list), or turn the request down with a reason the institution reads.
"""

from __future__ import annotations

import sqlite_utils

from portal import areas, audit, clock, enrolment, idnumber, sessions, validate, workers
from portal.db import insert, one, transaction, update
from portal.errors import ScopeError, UserError
from portal.scope import Actor

STATUS = {"pending": "待县里核实", "approved": "已登记", "rejected": "未通过"}
SUBMITTED = (
    "已提交登记，等县（市、区）人社部门核实。核实后此人登记为“未建档”人员并报名到本班次"
    "（名额已满则列入候补）；结果在本页“提交的登记”中查看。"
)


def submit(
    db: sqlite_utils.Database,
    actor: Actor,
    session_id: int,
    *,
    id_number: str,
    name: str,
    township_code: str,
    village_code: str,
    phone: str | None = None,
) -> int:
    """An institution asks for a person to be recorded and enrolled; returns the request id."""
    if actor.role != "institution":
        raise ScopeError("县级工作人员请直接登记不在台账里的人员。")
    with transaction(db):
        session = sessions.get(db, actor, session_id)
        if session["status"] not in enrolment.OPEN_FOR_ENROLMENT:
            raise UserError(f"该班次{sessions.STATUS[session['status']]}，不能再报名。")
        county = session["county_code"]
        row = workers.unregistered_row(
            db,
            county,
            id_number=id_number,
            name=name,
            township_code=township_code,
            village_code=village_code,
            phone=phone,
        )
        number = row["id_number"]
        # Only this county's ledger is asked: the institution may look that up by number anyway.
        if one(
            db, "SELECT id FROM workers WHERE id_number = ? AND county_code = ?", [number, county]
        ):
            raise UserError(
                f"身份证号 {idnumber.mask(number)} 已在本县（市、区）台账里，"
                "请在“查找并报名”中输入身份证号直接报名。"
            )
        if one(
            db,
            "SELECT id FROM registration_requests WHERE county_code = ? AND id_number = ? "
            "AND status = 'pending'",
            [county, number],
        ):
            raise UserError("这个身份证号已经提交过登记，正在等县里核实，不用重复提交。")
        request = {
            "session_id": session_id,
            "institution_id": actor.institution_id,
            "county_code": county,
            "id_number": number,
            "name": row["name"],
            "township_code": row["township_code"],
            "village_code": row["village_code"],
            "phone": row["phone"],
            "status": "pending",
            "submitted_at": clock.now(),
            "submitted_by": actor.username,
        }
        request_id = insert(db, "registration_requests", request)
        audit.record(
            db,
            actor.username,
            "submit_registration",
            "registration_requests",
            request_id,
            None,
            request | {"id_number": idnumber.mask(number), "phone": "***" if phone else None},
        )
    return request_id


def _scope(actor: Actor) -> tuple[str, list]:
    if actor.role == "institution":
        return "r.institution_id = ?", [actor.institution_id]
    return actor.county_filter("r.county_code")


def listing(db: sqlite_utils.Database, actor: Actor, status: str | None = None) -> list[dict]:
    """Requests the actor may see, pending first. Staff also see where a number already is."""
    where, params = _scope(actor)
    if status:
        where += " AND r.status = ?"
        params = [*params, status]
    rows = list(
        db.query(
            f"SELECT r.*, i.name AS institution_name, c.name AS course_name, "
            f"s.start_date, s.end_date FROM registration_requests r "
            f"JOIN institutions i ON i.id = r.institution_id "
            f"JOIN sessions s ON s.id = r.session_id JOIN courses c ON c.code = s.course_code "
            f"WHERE {where} ORDER BY r.status != 'pending', r.id DESC",
            params,
        )
    )
    for r in rows:
        r["id_shown"] = r["id_number"] if actor.sees_full_id else idnumber.mask(r["id_number"])
        r["in_ledger"] = None
        if actor.is_staff and r["status"] == "pending":
            found = one(
                db,
                "SELECT a.name FROM workers w JOIN areas a ON a.code = w.county_code "
                "WHERE w.id_number = ?",
                [r["id_number"]],
            )
            r["in_ledger"] = found and found["name"]
    return rows


def _pending(db, actor: Actor, request_id: int) -> dict:
    if not actor.is_staff:
        raise ScopeError("登记申请由县（市、区）人社部门核实。")
    where, params = _scope(actor)
    row = one(
        db,
        f"SELECT r.* FROM registration_requests r WHERE r.id = ? AND {where}",
        [request_id, *params],
    )
    if row is None:
        raise ScopeError("无权处理该登记申请：它不属于您的县（市、区）。")
    if row["status"] != "pending":
        raise UserError(f"该登记申请{STATUS[row['status']]}，已处理过。")
    return row


def approve(db: sqlite_utils.Database, actor: Actor, request_id: int) -> str:
    """Record the person as 未建档 and enrol them (or put them on the waiting list).

    Returns the sentence for the page. If the enrolment itself cannot be made (the session
    closed, a time clash), the person stays recorded and the reason is kept on the request.
    """
    with transaction(db):
        row = _pending(db, actor, request_id)
        existing = one(
            db,
            "SELECT a.name FROM workers w JOIN areas a ON a.code = w.county_code "
            "WHERE w.id_number = ?",
            [row["id_number"]],
        )
        if existing:
            raise UserError(
                f"这个身份证号已在{existing['name']}的台账里，不能再登记为未建档人员。"
                "请驳回并写明原因（例如请由其所在县安排培训）。"
            )
        worker_id = workers.insert_unregistered(
            db,
            actor.username,
            {
                "id_number": row["id_number"],
                "name": row["name"],
                "gender": idnumber.parse(row["id_number"]).gender,
                "birth_date": idnumber.parse(row["id_number"]).birth_date.isoformat(),
                "phone": row["phone"],
                "county_code": row["county_code"],
                "township_code": row["township_code"],
                "village_code": row["village_code"],
                "wants_training": "yes",
                "registered": 0,
                "notes": f"培训机构提交，登记申请{request_id}",
                "source_file": "portal",
            },
        )
        try:
            outcome = enrolment.enrol_or_wait(db, actor, row["session_id"], worker_id)
            note = (
                "已登记并报名"
                if outcome.kind == "enrolled"
                else f"已登记，班次名额已满，列入候补第{outcome.position}位"
            )
        except UserError as exc:
            note = f"已登记，但未能报名：{exc}"
        changes = {
            "status": "approved",
            "decided_at": clock.now(),
            "decided_by": actor.username,
            "decision_note": note,
            "worker_id": worker_id,
        }
        update(db, "registration_requests", request_id, changes)
        audit.record(
            db,
            actor.username,
            "approve_registration",
            "registration_requests",
            request_id,
            {"status": "pending"},
            changes,
        )
    return f"{row['name']}：{note}。"


def reject(db: sqlite_utils.Database, actor: Actor, request_id: int, reason: str) -> None:
    reason = validate.clean_text(reason, field="驳回原因", max_len=200, required=True)
    with transaction(db):
        _pending(db, actor, request_id)
        changes = {
            "status": "rejected",
            "decided_at": clock.now(),
            "decided_by": actor.username,
            "decision_note": reason,
        }
        update(db, "registration_requests", request_id, changes)
        audit.record(
            db,
            actor.username,
            "reject_registration",
            "registration_requests",
            request_id,
            {"status": "pending"},
            changes,
        )


def place(db: sqlite_utils.Database, row: dict) -> str:
    """乡镇+村 of a request, for the staff table."""
    town = areas.get(db, row["township_code"]) or {}
    village = areas.get(db, row["village_code"]) or {}
    return f"{town.get('name', '')}{village.get('name', '')}"
