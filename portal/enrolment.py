"""Enrolling workers into sessions, and withdrawing them, with every change kept as history.

Capacity and double enrolment are checked inside ``transaction()``, which takes SQLite's write
lock before the first read (BEGIN IMMEDIATE): two staff enrolling into the last place at the
same moment are served one after the other, and the second is told the session is full.
``enrolment_events`` is append-only; ``enrolments.status`` mirrors its latest row.
"""

from __future__ import annotations

import sqlite_utils

from portal import audit, clock, idnumber, sessions, validate
from portal.db import insert, one, transaction, update
from portal.errors import ScopeError, UserError
from portal.scope import Actor

STATUS = {"enrolled": "已报名", "withdrawn": "已退出", "completed": "已结业"}
OPEN_FOR_ENROLMENT = ("draft", "published")


def enrol(db: sqlite_utils.Database, actor: Actor, session_id: int, worker_id: int) -> int:
    """Enrol one worker; returns the enrolment id (a withdrawn worker may come back)."""
    with transaction(db):
        session = sessions.get(db, actor, session_id)
        if session["status"] not in OPEN_FOR_ENROLMENT:
            raise UserError(f"该班次{sessions.STATUS[session['status']]}，不能再报名。")
        worker = one(
            db,
            "SELECT id, name, county_code, registered FROM workers WHERE id = ?",
            [worker_id],
        )
        if worker is None:
            raise UserError("没有找到这名劳动力，请重新查找。")
        if worker["county_code"] != session["county_code"]:
            raise ScopeError("这名劳动力不在本班次所在县（市、区）的台账里，请由其所在县安排培训。")
        existing = one(
            db,
            "SELECT id, status FROM enrolments WHERE session_id = ? AND worker_id = ?",
            [session_id, worker_id],
        )
        if existing and existing["status"] != "withdrawn":
            raise UserError(f"{worker['name']}已经报名了这个班次，不能重复报名。")
        clash = one(
            db,
            "SELECT s.id, s.start_date, s.end_date, c.name AS course_name "
            "FROM enrolments e JOIN sessions s ON s.id = e.session_id "
            "JOIN courses c ON c.code = s.course_code "
            "WHERE e.worker_id = ? AND e.status = 'enrolled' AND s.id != ? "
            "AND s.status IN ('draft', 'published') AND s.start_date <= ? AND s.end_date >= ?",
            [worker_id, session_id, session["end_date"], session["start_date"]],
        )
        if clash:
            raise UserError(
                f"{worker['name']}已报名同期的“{clash['course_name']}”"
                f"（{clash['start_date']}至{clash['end_date']}），时间冲突，不能同时参加。"
            )
        taken = sessions.enrolled_count(db, session_id)
        if taken >= session["capacity"]:
            raise UserError(
                f"名额已满：本班次招生{session['capacity']}人，已报{taken}人。"
                f"可先扩大招生人数，或报名其他班次。"
            )
        now = clock.now()
        if existing:
            enrolment_id = existing["id"]
            update(db, "enrolments", enrolment_id, {"status": "enrolled"})
        else:
            enrolment_id = insert(
                db,
                "enrolments",
                {
                    "session_id": session_id,
                    "worker_id": worker_id,
                    "status": "enrolled",
                    "created_at": now,
                    "created_by": actor.username,
                },
            )
        _event(db, actor, enrolment_id, "enrolled", None, existing and existing["status"])
    return enrolment_id


def withdraw(db: sqlite_utils.Database, actor: Actor, enrolment_id: int, reason: str) -> None:
    reason = validate.clean_text(reason, field="退出原因", max_len=200, required=True)
    with transaction(db):
        row = get(db, actor, enrolment_id)
        if row["status"] != "enrolled":
            raise UserError(f"该报名{STATUS[row['status']]}，不能退出。")
        update(db, "enrolments", enrolment_id, {"status": "withdrawn"})
        _event(db, actor, enrolment_id, "withdrawn", reason, row["status"])


def set_status(
    db: sqlite_utils.Database,
    actor: Actor,
    enrolment_id: int,
    status: str,
    reason: str | None,
    before: str,
) -> None:
    """Used by attendance (completion and its correction), inside the caller's transaction."""
    update(db, "enrolments", enrolment_id, {"status": status})
    _event(db, actor, enrolment_id, status, reason, before)


def _event(db, actor: Actor, enrolment_id: int, status: str, reason, before) -> None:
    insert(
        db,
        "enrolment_events",
        {
            "enrolment_id": enrolment_id,
            "status": status,
            "reason": reason,
            "at": clock.now(),
            "by": actor.username,
        },
    )
    audit.record(
        db,
        actor.username,
        status,
        "enrolments",
        enrolment_id,
        {"status": before} if before else None,
        {"status": status, **({"reason": reason} if reason else {})},
    )


def get(db: sqlite_utils.Database, actor: Actor, enrolment_id: int) -> dict:
    """One enrolment in a session the actor may see."""
    where, params = sessions.visible_sql(actor)
    row = one(
        db,
        f"SELECT e.*, s.institution_id, s.county_code, s.status AS session_status "
        f"FROM enrolments e JOIN sessions s ON s.id = e.session_id "
        f"WHERE e.id = ? AND {where}",
        [enrolment_id, *params],
    )
    if row is None:
        raise ScopeError("无权查看或修改该报名记录：它不属于您的机构或县。")
    return row


def roster(db: sqlite_utils.Database, actor: Actor, session_id: int) -> list[dict]:
    """Everyone ever enrolled in a session, with status, registration flag and card state."""
    session = sessions.get(db, actor, session_id)
    rows = list(
        db.query(
            """
            SELECT e.id AS enrolment_id, e.status, e.created_at, w.id AS worker_id, w.name,
                   w.gender, w.id_number, w.registered, w.phone,
                   (SELECT COUNT(*) FROM attendance a
                     WHERE a.enrolment_id = e.id AND a.present = 1
                       AND a.id = (SELECT MAX(a2.id) FROM attendance a2
                                    WHERE a2.enrolment_id = e.id AND a2.day = a.day))
                     AS days_present,
                   (SELECT c.signed FROM card_signoffs c WHERE c.enrolment_id = e.id
                     ORDER BY c.id DESC LIMIT 1) AS card_signed,
                   (SELECT c.signed_on FROM card_signoffs c WHERE c.enrolment_id = e.id
                     ORDER BY c.id DESC LIMIT 1) AS card_signed_on
            FROM enrolments e JOIN workers w ON w.id = e.worker_id
            WHERE e.session_id = ?
            ORDER BY e.id
            """,
            [session["id"]],
        )
    )
    per_day = sessions.hours_per_day(session)
    for r in rows:
        r["id_shown"] = r["id_number"] if actor.sees_full_id else idnumber.mask(r["id_number"])
        r["hours"] = round(r["days_present"] * per_day, 1)
    return rows


def history(db: sqlite_utils.Database, actor: Actor, enrolment_id: int) -> list[dict]:
    get(db, actor, enrolment_id)
    return list(
        db.query(
            "SELECT status, reason, at, by FROM enrolment_events WHERE enrolment_id = ? ORDER BY id",
            [enrolment_id],
        )
    )
