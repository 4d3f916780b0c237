"""Attendance per session day, completion, and the signed contact card (技能扶贫联系卡).

Attendance is append-only: marking a day again writes a new row, and the latest row per
(enrolment, day) is the one that counts, so a correction never erases what was first recorded.
A worker completes the session when the hours of the days attended reach the session's class
hours (each day is worth class hours / number of days); a correction that drops them below
takes the completion back, again as a new history row.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from portal import audit, clock, enrolment, sessions, validate
from portal.db import insert, one, transaction
from portal.errors import UserError
from portal.scope import Actor

MARKABLE_SESSION = ("published", "completed")
_EPSILON = 1e-6

LATEST_SQL = """
    SELECT a.enrolment_id, a.day, a.present, a.note, a.at, a.by
    FROM attendance a
    JOIN enrolments e ON e.id = a.enrolment_id
    WHERE e.session_id = ?
      AND a.id = (SELECT MAX(a2.id) FROM attendance a2
                   WHERE a2.enrolment_id = a.enrolment_id AND a2.day = a.day)
"""


def _day(session: dict, day) -> str:
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise UserError(f"日期“{day}”格式不对，应为 2019-05-08。") from None
    if day not in sessions.session_days(session):
        raise UserError(
            f"{day} 不是本班次的上课日（{session['start_date']}至{session['end_date']}）。"
        )
    if day > clock.today():
        raise UserError(f"{day} 还没到，不能提前记考勤。")
    return day.isoformat()


def sheet(db: sqlite_utils.Database, actor: Actor, session_id: int, day) -> list[dict]:
    """The roll call for one day: every active trainee and their latest mark (None = not yet)."""
    session = sessions.get(db, actor, session_id)
    day = _day(session, day)
    marks = {
        r["enrolment_id"]: r
        for r in db.query(
            "SELECT a.id, a.enrolment_id, a.present, a.note FROM attendance a "
            "JOIN enrolments e ON e.id = a.enrolment_id "
            "WHERE e.session_id = ? AND a.day = ? ORDER BY a.id",
            [session_id, day],
        )
    }
    rows = []
    for r in enrolment.roster(db, actor, session_id):
        if r["status"] == "withdrawn":
            continue
        mark = marks.get(r["enrolment_id"])
        rows.append(
            r
            | {
                "day": day,
                "present": None if mark is None else bool(mark["present"]),
                "note": mark and mark["note"],
                "mark_id": mark and mark["id"],
            }
        )
    return rows


def mark(
    db: sqlite_utils.Database,
    actor: Actor,
    session_id: int,
    day,
    marks: dict[int, bool],
    notes: dict[int, str] | None = None,
) -> int:
    """Record present/absent for some trainees on one day; returns the rows written.

    Only changes are written (re-saving the same sheet adds nothing), then completion is
    brought in line with the attendance.
    """
    notes = notes or {}
    with transaction(db):
        session = sessions.get(db, actor, session_id)
        if session["status"] not in MARKABLE_SESSION:
            raise UserError(
                f"该班次{sessions.STATUS[session['status']]}，只有已发布或已结束的班次才能记考勤。"
            )
        day = _day(session, day)
        active = {
            r["id"]: r["status"]
            for r in db.query(
                "SELECT id, status FROM enrolments WHERE session_id = ? AND status != 'withdrawn'",
                [session_id],
            )
        }
        latest = {
            r["enrolment_id"]: r for r in db.query(LATEST_SQL + " AND a.day = ?", [session_id, day])
        }
        written = 0
        now = clock.now()
        for enrolment_id, present in marks.items():
            if enrolment_id not in active:
                raise UserError("名单里有不属于本班次或已退出的学员，请刷新页面后重试。")
            note = validate.clean_text(notes.get(enrolment_id), field="考勤备注", max_len=100)
            before = latest.get(enrolment_id)
            if before and bool(before["present"]) == bool(present) and before["note"] == note:
                continue
            row = {
                "enrolment_id": enrolment_id,
                "day": day,
                "present": 1 if present else 0,
                "note": note,
                "at": now,
                "by": actor.username,
            }
            row_id = insert(db, "attendance", row)
            audit.record(
                db,
                actor.username,
                "correct" if before else "mark",
                "attendance",
                row_id,
                {"present": before["present"], "note": before["note"]} if before else None,
                row,
            )
            written += 1
        if written:
            _update_completion(db, actor, session, active)
    return written


def mark_all_present(db: sqlite_utils.Database, actor: Actor, session_id: int, day) -> int:
    """Bulk: everyone present on ``day``; absences are then marked one by one."""
    sessions.get(db, actor, session_id)  # scope first, so a stranger learns nothing
    ids = [
        r["id"]
        for r in db.query(
            "SELECT id FROM enrolments WHERE session_id = ? AND status != 'withdrawn'",
            [session_id],
        )
    ]
    return mark(db, actor, session_id, day, dict.fromkeys(ids, True))


def attended_hours(db: sqlite_utils.Database, session: dict) -> dict[int, float]:
    """Enrolment id -> hours attended (latest mark per day counts)."""
    per_day = sessions.hours_per_day(session)
    counts = {
        r["enrolment_id"]: r["n"]
        for r in db.query(
            f"SELECT enrolment_id, SUM(present) AS n FROM ({LATEST_SQL}) GROUP BY enrolment_id",
            [session["id"]],
        )
    }
    return {k: (v or 0) * per_day for k, v in counts.items()}


def _update_completion(db, actor: Actor, session: dict, active: dict[int, str]) -> None:
    hours = attended_hours(db, session)
    need = float(session["class_hours"])
    for enrolment_id, status in active.items():
        done = hours.get(enrolment_id, 0) + _EPSILON >= need
        if done and status == "enrolled":
            enrolment.set_status(
                db, actor, enrolment_id, "completed", f"出勤满{need:g}课时", status
            )
        elif not done and status == "completed":
            enrolment.set_status(
                db, actor, enrolment_id, "enrolled", "考勤更正，出勤课时不足", status
            )


def day_history(db: sqlite_utils.Database, actor: Actor, enrolment_id: int) -> list[dict]:
    """Every attendance row of one trainee, corrections included, oldest first."""
    enrolment.get(db, actor, enrolment_id)
    return list(
        db.query(
            "SELECT day, present, note, at, by FROM attendance WHERE enrolment_id = ? "
            "ORDER BY day, id",
            [enrolment_id],
        )
    )


def sign_card(
    db: sqlite_utils.Database,
    actor: Actor,
    enrolment_id: int,
    *,
    signed_on,
    witnessed_by: str,
    note: str | None = None,
    signed: bool = True,
) -> int:
    """Record the contact card as signed by the worker (or, with signed=False, revoke it)."""
    witnessed_by = validate.clean_text(witnessed_by, field="经办人", max_len=30, required=True)
    note = validate.clean_text(note, field="备注", max_len=200)
    with transaction(db):
        row = enrolment.get(db, actor, enrolment_id)
        session = sessions.get(db, actor, row["session_id"])
        if signed and row["status"] == "withdrawn":
            raise UserError("该学员已退出培训，不能签联系卡。")
        if not signed and not note:
            raise UserError("撤销签字请写明原因（备注）。")
        day = _sign_day(session, signed_on)
        last = _last_card(db, enrolment_id)
        if not signed and not (last and last["signed"]):
            raise UserError("联系卡还没有签字，无需撤销。")
        return _write_card(db, actor, enrolment_id, day, witnessed_by, note, signed, last)


def _sign_day(session: dict, signed_on) -> dt.date:
    day = sessions.parse_date(signed_on, "签字日期")
    if day < dt.date.fromisoformat(session["start_date"]) or day > clock.today():
        raise UserError(
            f"签字日期 {day} 不对：应在开班日 {session['start_date']} 之后，且不晚于今天。"
        )
    return day


def _last_card(db, enrolment_id: int) -> dict | None:
    return one(
        db,
        "SELECT signed, signed_on FROM card_signoffs WHERE enrolment_id = ? ORDER BY id DESC LIMIT 1",
        [enrolment_id],
    )


def _write_card(db, actor, enrolment_id, day, witnessed_by, note, signed, last) -> int:
    new = {
        "enrolment_id": enrolment_id,
        "signed": 1 if signed else 0,
        "signed_on": day.isoformat(),
        "witnessed_by": witnessed_by,
        "note": note,
        "at": clock.now(),
        "by": actor.username,
    }
    row_id = insert(db, "card_signoffs", new)
    audit.record(
        db,
        actor.username,
        "sign_card" if signed else "revoke_card",
        "card_signoffs",
        row_id,
        last,
        new,
    )
    return row_id


CARD_RESULT = {
    "signed": "已登记签字",
    "already": "之前已签字",
    "absent": "当天缺勤，未登记",
    "unmarked": "当天未记考勤，未登记",
}


def sign_cards_for_day(
    db: sqlite_utils.Database,
    actor: Actor,
    session_id: int,
    day,
    *,
    witnessed_by: str,
    note: str | None = None,
) -> list[dict]:
    """Bulk: the contact card signed by everyone present on ``day``, one result per trainee.

    The trainees of the day sign their cards together at the end of the class; those absent or
    not yet marked that day are listed with the reason and left for later, and a card already
    signed is not signed twice. One transaction for the whole class.
    """
    witnessed_by = validate.clean_text(witnessed_by, field="经办人", max_len=30, required=True)
    note = validate.clean_text(note, field="备注", max_len=200)
    with transaction(db):
        session = sessions.get(db, actor, session_id)
        if session["status"] not in MARKABLE_SESSION:
            raise UserError(
                f"该班次{sessions.STATUS[session['status']]}，只有已发布或已结束的班次才能登记签字。"
            )
        day_text = _day(session, day)
        results = []
        for r in sheet(db, actor, session_id, day_text):
            last = _last_card(db, r["enrolment_id"])
            if r["present"] is None:
                kind = "unmarked"
            elif not r["present"]:
                kind = "absent"
            elif last and last["signed"]:
                kind = "already"
            else:
                kind = "signed"
                _write_card(
                    db,
                    actor,
                    r["enrolment_id"],
                    dt.date.fromisoformat(day_text),
                    witnessed_by,
                    note,
                    True,
                    last,
                )
            detail = CARD_RESULT[kind]
            if kind == "already":
                detail += f"（{last['signed_on']}）"
            results.append(
                {
                    "enrolment_id": r["enrolment_id"],
                    "name": r["name"],
                    "id_shown": r["id_shown"],
                    "result": kind,
                    "detail": detail,
                }
            )
    return results


def card_summary(results: list[dict]) -> str:
    """Every count in one sentence (nobody on the roll of the day goes unmentioned)."""
    parts = [
        f"{label}{n}人"
        for kind, label in CARD_RESULT.items()
        if (n := sum(1 for r in results if r["result"] == kind))
    ]
    return f"当天在读{len(results)}人：" + "，".join(parts) + "。"


def card_history(db: sqlite_utils.Database, actor: Actor, enrolment_id: int) -> list[dict]:
    enrolment.get(db, actor, enrolment_id)
    return list(
        db.query(
            "SELECT signed, signed_on, witnessed_by, note, at, by FROM card_signoffs "
            "WHERE enrolment_id = ? ORDER BY id",
            [enrolment_id],
        )
    )
