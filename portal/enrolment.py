"""Enrolling workers into sessions, and withdrawing them, with every change kept as history.

Capacity and double enrolment are checked inside ``transaction()``, which takes SQLite's write
lock before the first read (BEGIN IMMEDIATE): two staff enrolling into the last place at the
same moment are served one after the other, and the second is told the session is full (or,
asking for it, is put on the waiting list). ``enrolment_events`` is append-only;
``enrolments.status`` mirrors its latest row.

An institution may enrol only a person whose full ID number it was given (the card the person
shows, typed or in an uploaded list) or one already on its own rolls (a name search of its own
finds only those). A worker id alone is not enough: ids are guessable, and an enrolment opens
the person's record to the institution.

When a session is full, people can wait (候补名单, table ``waiting_list``). A withdrawal frees a
place and the first person waiting is enrolled in the same transaction; one who can no longer be
enrolled (a time clash since) leaves the list with the reason, and the next one is tried.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from portal import audit, clock, idnumber, sessions, validate, workers
from portal.db import insert, one, transaction, update
from portal.errors import ScopeError, UserError
from portal.scope import Actor

STATUS = {"enrolled": "已报名", "withdrawn": "已退出", "completed": "已结业"}
OPEN_FOR_ENROLMENT = ("draft", "published")
WAITING_OUTCOME = {
    None: "候补中",
    "promoted": "已递补报名",
    "dropped": "未能递补",
    "removed": "已移出",
}
NEED_ID_CARD = (
    "培训机构为新学员报名，须输入学员身份证上的18位号码查找后报名（或在名单里粘贴、上传身份证号）；"
    "按姓名只能查到已在本机构报过名的学员。"
)


class _Full(UserError):
    """The session has no free place (raised inside the transaction, before any write)."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one person: enrolled, or put on the waiting list at ``position``."""

    kind: str  # "enrolled" / "waiting"
    enrolment_id: int | None = None
    position: int | None = None


def enrol(
    db: sqlite_utils.Database,
    actor: Actor,
    session_id: int,
    worker_id: int,
    *,
    id_number: str | None = None,
) -> int:
    """Enrol one worker; returns the enrolment id (a withdrawn worker may come back).

    ``id_number``: the full number the person showed, required from an institution for anyone
    not yet on its rolls.
    """
    with transaction(db):
        session = _open_session(db, actor, session_id)
        worker = _worker(db, actor, session, worker_id, id_number)
        return _admit(db, actor, session, worker)


def enrol_or_wait(
    db: sqlite_utils.Database,
    actor: Actor,
    session_id: int,
    worker_id: int,
    *,
    id_number: str | None = None,
) -> Outcome:
    """Enrol, or when the session is full put the person on its waiting list."""
    with transaction(db):
        session = _open_session(db, actor, session_id)
        worker = _worker(db, actor, session, worker_id, id_number)
        try:
            return Outcome("enrolled", enrolment_id=_admit(db, actor, session, worker))
        except _Full:
            return Outcome("waiting", position=_add_waiting(db, actor, session, worker))


def _open_session(db, actor: Actor, session_id: int) -> dict:
    session = sessions.get(db, actor, session_id)
    if session["status"] not in OPEN_FOR_ENROLMENT:
        raise UserError(f"该班次{sessions.STATUS[session['status']]}，不能再报名。")
    return session


def _worker(db, actor: Actor, session: dict, worker_id: int, id_number: str | None) -> dict:
    """The worker to enrol, after the scope and proof-of-identity checks."""
    worker = one(
        db,
        "SELECT id, name, id_number, county_code, registered FROM workers WHERE id = ?",
        [worker_id],
    )
    if actor.role == "institution":
        # The card proves the person for the session's county only: the answer must not tell
        # whether a number (or an id) belongs to somebody of another county, or to nobody.
        shown = (
            id_number is not None
            and worker is not None
            and idnumber.normalise(id_number) == worker["id_number"]
            and worker["county_code"] == session["county_code"]
        )
        if not shown and not (worker and workers.visible_to(db, actor, worker_id)):
            raise ScopeError(NEED_ID_CARD)
    if worker is None:
        raise UserError("没有找到这名劳动力，请重新查找。")
    if worker["county_code"] != session["county_code"]:
        raise ScopeError("这名劳动力不在本班次所在县（市、区）的台账里，请由其所在县安排培训。")
    return worker


def _admit(
    db, actor: Actor, session: dict, worker: dict, promoted_reason: str = "有名额，直接报名"
) -> int:
    """Checks and the write of one enrolment, inside the caller's transaction."""
    session_id, worker_id = session["id"], worker["id"]
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
        raise _Full(
            f"名额已满：本班次招生{session['capacity']}人，已报{taken}人。"
            f"可把此人列入候补名单（有人退出时按顺序自动递补），或扩大招生人数、报名其他班次。"
        )
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
                "created_at": clock.now(),
                "created_by": actor.username,
            },
        )
    _event(db, actor, enrolment_id, "enrolled", None, existing and existing["status"])
    waiting = one(
        db,
        "SELECT id FROM waiting_list WHERE session_id = ? AND worker_id = ? AND outcome IS NULL",
        [session_id, worker_id],
    )
    if waiting:  # enrolled from the queue, or directly after a capacity rise: the queue says so
        _leave_waiting(db, actor, waiting["id"], "promoted", promoted_reason, enrolment_id)
    return enrolment_id


# --- waiting list ----------------------------------------------------------------------------


def _add_waiting(db, actor: Actor, session: dict, worker: dict) -> int:
    """Put a person at the end of the queue; returns their place in it (1 = next)."""
    if one(
        db,
        "SELECT id FROM waiting_list WHERE session_id = ? AND worker_id = ? AND outcome IS NULL",
        [session["id"], worker["id"]],
    ):
        raise UserError(f"{worker['name']}已在本班次的候补名单里，不用重复登记。")
    row = {
        "session_id": session["id"],
        "worker_id": worker["id"],
        "added_at": clock.now(),
        "added_by": actor.username,
    }
    row_id = insert(db, "waiting_list", row)
    audit.record(db, actor.username, "wait", "waiting_list", row_id, None, row)
    return one(
        db,
        "SELECT COUNT(*) AS n FROM waiting_list WHERE session_id = ? AND outcome IS NULL "
        "AND id <= ?",
        [session["id"], row_id],
    )["n"]


def join_waiting_list(
    db: sqlite_utils.Database,
    actor: Actor,
    session_id: int,
    worker_id: int,
    *,
    id_number: str | None = None,
) -> int:
    """Put a person on the waiting list of a full session; returns their place in the queue."""
    with transaction(db):
        session = _open_session(db, actor, session_id)
        worker = _worker(db, actor, session, worker_id, id_number)
        if sessions.enrolled_count(db, session_id) < session["capacity"]:
            raise UserError("本班次还有名额，请直接报名。")
        if one(
            db,
            "SELECT id FROM enrolments WHERE session_id = ? AND worker_id = ? "
            "AND status != 'withdrawn'",
            [session_id, worker_id],
        ):
            raise UserError(f"{worker['name']}已经报名了这个班次，不用候补。")
        return _add_waiting(db, actor, session, worker)


def promote_waiting(db: sqlite_utils.Database, actor: Actor, session_id: int) -> list[dict]:
    """Fill free places from the waiting list, first come first served (after a capacity rise).

    Returns one row per person who left the queue: promoted, or dropped with the reason.
    """
    with transaction(db):
        session = sessions.get(db, actor, session_id)
        return _promote(db, actor, session)


def _promote(db, actor: Actor, session: dict) -> list[dict]:
    if session["status"] not in OPEN_FOR_ENROLMENT:
        return []
    moved = []
    while sessions.enrolled_count(db, session["id"]) < session["capacity"]:
        first = one(
            db,
            "SELECT q.id, q.worker_id, w.name, w.id_number, w.county_code, w.registered "
            "FROM waiting_list q JOIN workers w ON w.id = q.worker_id "
            "WHERE q.session_id = ? AND q.outcome IS NULL ORDER BY q.id LIMIT 1",
            [session["id"]],
        )
        if first is None:
            break
        worker = first | {"id": first["worker_id"]}
        reason = "有名额空出，按候补顺序递补报名"
        try:
            _admit(db, actor, session, worker, promoted_reason=reason)
            outcome = "promoted"
        except UserError as exc:  # a time clash since they queued: say so, try the next one
            outcome, reason = "dropped", str(exc)
            _leave_waiting(db, actor, first["id"], outcome, reason, None)
        moved.append({"name": first["name"], "outcome": outcome, "reason": reason})
    return moved


def _leave_waiting(db, actor: Actor, row_id: int, outcome: str, reason, enrolment_id) -> None:
    changes = {
        "outcome": outcome,
        "outcome_reason": reason,
        "enrolment_id": enrolment_id,
        "left_at": clock.now(),
        "left_by": actor.username,
    }
    update(db, "waiting_list", row_id, changes)
    audit.record(db, actor.username, outcome, "waiting_list", row_id, {"outcome": None}, changes)


def close_waiting_list(db: sqlite_utils.Database, actor: Actor, session_id: int, state: str) -> int:
    """Everyone still waiting leaves the list when the session is cancelled or over.

    Called by ``sessions`` inside the same transaction; each person gets a 'dropped' row with
    the reason, so nobody is left waiting for a class that will not take them.
    """
    waiting = [
        r["id"]
        for r in db.query(
            "SELECT id FROM waiting_list WHERE session_id = ? AND outcome IS NULL ORDER BY id",
            [session_id],
        )
    ]
    for row_id in waiting:
        _leave_waiting(db, actor, row_id, "dropped", f"班次{state}，未能递补", None)
    return len(waiting)


def remove_waiting(db: sqlite_utils.Database, actor: Actor, waiting_id: int, reason: str) -> None:
    """Take a person off the waiting list (they found another class, say), with the reason."""
    reason = validate.clean_text(reason, field="移出原因", max_len=200, required=True)
    with transaction(db):
        row = one(db, "SELECT * FROM waiting_list WHERE id = ?", [waiting_id])
        if row is None:
            raise ScopeError("无权查看或修改该候补记录：它不属于您的机构或县。")
        sessions.get(db, actor, row["session_id"])
        if row["outcome"] is not None:
            raise UserError(f"此人已{WAITING_OUTCOME[row['outcome']]}，不在候补名单里了。")
        _leave_waiting(db, actor, waiting_id, "removed", reason, None)


def waiting_list(db: sqlite_utils.Database, actor: Actor, session_id: int) -> list[dict]:
    """Everyone ever on the session's waiting list: those waiting first, in queue order."""
    sessions.get(db, actor, session_id)
    rows = list(
        db.query(
            "SELECT q.id, q.worker_id, q.added_at, q.added_by, q.outcome, q.outcome_reason, "
            "q.left_at, q.left_by, w.name, w.gender, w.id_number, w.registered, "
            "COALESCE(u.display_name, q.added_by) AS added_by_name "
            "FROM waiting_list q JOIN workers w ON w.id = q.worker_id "
            "LEFT JOIN users u ON u.username = q.added_by WHERE q.session_id = ? "
            "ORDER BY q.outcome IS NOT NULL, q.id",
            [session_id],
        )
    )
    place = 0
    for r in rows:
        r["id_shown"] = r["id_number"] if actor.sees_full_id else idnumber.mask(r["id_number"])
        if r["outcome"] is None:
            place += 1
            r["position"] = place
        else:
            r["position"] = None
    return rows


def withdraw(db: sqlite_utils.Database, actor: Actor, enrolment_id: int, reason: str) -> list[dict]:
    """Withdraw a trainee; the freed place goes to the waiting list in the same transaction.

    Returns who left the waiting list because of it (see ``promote_waiting``).
    """
    reason = validate.clean_text(reason, field="退出原因", max_len=200, required=True)
    with transaction(db):
        row = get(db, actor, enrolment_id)
        if row["status"] != "enrolled":
            raise UserError(f"该报名{STATUS[row['status']]}，不能退出。")
        update(db, "enrolments", enrolment_id, {"status": "withdrawn"})
        _event(db, actor, enrolment_id, "withdrawn", reason, row["status"])
        return _promote(db, actor, sessions.get(db, actor, row["session_id"]))


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
            "SELECT v.status, v.reason, v.at, v.by, COALESCE(u.display_name, v.by) AS by_name "
            "FROM enrolment_events v LEFT JOIN users u ON u.username = v.by "
            "WHERE v.enrolment_id = ? ORDER BY v.id",
            [enrolment_id],
        )
    )


# --- bulk enrolment --------------------------------------------------------------------------

BULK_RESULT = {
    "enrolled": "已报名",
    "waiting": "名额已满，已列入候补",
    "already": "已报名过",
    "not_found": "本县台账里没有",
    "bad_id": "身份证号不对",
    "duplicate": "名单内重复",
    "refused": "不能报名",
}


@dataclass(frozen=True)
class BulkRow:
    where: str  # 第3行 / 表格第3行
    id_shown: str  # the number as the actor may see it (masked for an institution)
    result: str  # a key of BULK_RESULT
    detail: str  # the reason, or the name and queue place
    name: str = ""


def bulk_enrol(db: sqlite_utils.Database, actor: Actor, session_id: int, found) -> list[BulkRow]:
    """Enrol everyone of an ``id_list.IdList`` into one session, one result per entry.

    One transaction for the whole list. Everyone is matched by ID number in the ledger of the
    session's county only (so an institution learns nothing about other counties); when the
    session fills up, the rest go on the waiting list in list order.
    """
    rows: list[BulkRow] = []
    seen: dict[str, str] = {}
    with transaction(db):
        session = _open_session(db, actor, session_id)
        for entry in found.entries:
            where = found.label(entry)
            try:
                number = idnumber.parse(entry.value).number
            except idnumber.IdNumberError as exc:
                raw = idnumber.normalise(entry.value)
                rows.append(BulkRow(where, _shown(actor, raw), "bad_id", str(exc)))
                continue
            shown = _shown(actor, number)
            if number in seen:
                rows.append(
                    BulkRow(where, shown, "duplicate", f"与{seen[number]}是同一个号码，只报一次")
                )
                continue
            seen[number] = where
            worker = one(
                db,
                "SELECT id, name, id_number, county_code, registered FROM workers "
                "WHERE id_number = ? AND county_code = ?",
                [number, session["county_code"]],
            )
            if worker is None:
                rows.append(
                    BulkRow(
                        where,
                        shown,
                        "not_found",
                        "本县（市、区）台账里没有这个身份证号：请核对号码；"
                        "确实不在台账里的人，请在“登记不在台账里的人员”中逐个登记",
                    )
                )
                continue
            rows.append(_bulk_one(db, actor, session, worker, where, shown))
    return rows


def _bulk_one(db, actor: Actor, session: dict, worker: dict, where: str, shown: str) -> BulkRow:
    name = worker["name"]
    if one(
        db,
        "SELECT id FROM enrolments WHERE session_id = ? AND worker_id = ? AND status != 'withdrawn'",
        [session["id"], worker["id"]],
    ):
        return BulkRow(where, shown, "already", "已在本班次报名名单里，未重复报名", name)
    flag = "" if worker["registered"] else "（未建档，不享受扶贫补贴）"
    try:
        _admit(db, actor, session, worker)
        return BulkRow(where, shown, "enrolled", f"报名成功{flag}", name)
    except _Full:
        try:
            place = _add_waiting(db, actor, session, worker)
        except UserError as exc:
            return BulkRow(where, shown, "already", str(exc), name)
        return BulkRow(
            where, shown, "waiting", f"候补第{place}位，有人退出时按顺序自动递补{flag}", name
        )
    except UserError as exc:
        return BulkRow(where, shown, "refused", str(exc), name)


def _shown(actor: Actor, number: str) -> str:
    return number if actor.sees_full_id else idnumber.mask(number)


def bulk_summary(rows: list[BulkRow], blank: int = 0) -> str:
    """One sentence with every count, so no person goes unmentioned."""
    counts = {k: sum(1 for r in rows if r.result == k) for k in BULK_RESULT}
    parts = [f"{BULK_RESULT[k]}{n}个" for k, n in counts.items() if n]
    text = f"名单共{len(rows)}个身份证号：" + "，".join(parts) + "。"
    if blank:
        text += f"另有{blank}个空行（没有身份证号）已跳过。"
    return text
