"""Account administration and the audit log, for city staff.

City staff may read the account list and the audit log; only a city administrator creates,
deactivates, unlocks accounts and resets passwords. Every change is audited, and an
administrator cannot lock themselves out by deactivating their own account.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlite_utils

from portal import accounts, audit, clock, idnumber, login_sessions
from portal.db import one, transaction, update
from portal.errors import ScopeError, UserError
from portal.scope import Actor

_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def _city(actor: Actor) -> None:
    if actor.role not in ("city", "system"):
        raise ScopeError("账户与日志仅供市级工作人员查看。")


def _admin(actor: Actor) -> None:
    _city(actor)
    if actor.role != "system" and not actor.is_admin:
        raise ScopeError("只有市级管理员可以管理账户。")


def list_users(db: sqlite_utils.Database, actor: Actor) -> list[dict]:
    _city(actor)
    return list(
        db.query(
            "SELECT u.id, u.username, u.display_name, u.role, u.county_code, a.name AS county_name, "
            "u.institution_id, i.name AS institution_name, u.is_admin, u.active, "
            "u.failed_attempts, (SELECT MAX(f.locked_until) FROM login_failures f "
            "WHERE f.username = u.username) AS locked_until, "
            "u.created_at, u.updated_at, u.updated_by "
            "FROM users u LEFT JOIN areas a ON a.code = u.county_code "
            "LEFT JOIN institutions i ON i.id = u.institution_id ORDER BY u.role, u.username"
        )
    )


def create(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    county: str | None = None,
    institution_id: int | None = None,
    is_admin: bool = False,
) -> int:
    _admin(actor)
    if is_admin and role != "city":
        raise UserError("只有市级账户可以设为管理员。")
    return accounts.create_user(
        db,
        username=username,
        password=password,
        role=role,
        display_name=display_name,
        county=county,
        institution_id=institution_id,
        is_admin=is_admin,
        actor=actor.username,
    )


def _user(db, username: str) -> dict:
    row = one(db, "SELECT * FROM users WHERE username = ?", [username])
    if row is None:
        raise UserError(f"没有用户“{username}”。")
    return row


def set_active(db: sqlite_utils.Database, actor: Actor, username: str, active: bool) -> None:
    _admin(actor)
    if not active and username == actor.username:
        raise UserError("不能停用自己正在使用的账户。")
    with transaction(db):
        row = _user(db, username)
        if bool(row["active"]) == active:
            return
        changes = {
            "active": 1 if active else 0,
            "updated_at": clock.now(),
            "updated_by": actor.username,
        }
        update(db, "users", row["id"], changes)
        if not active:  # a deactivated account is logged out everywhere at once
            login_sessions.revoke_user(db, row["id"], "deactivated")
        audit.record(
            db,
            actor.username,
            "activate" if active else "deactivate",
            "users",
            row["id"],
            {"active": row["active"]},
            {"active": changes["active"]},
        )


def unlock(db: sqlite_utils.Database, actor: Actor, username: str) -> None:
    _admin(actor)
    with transaction(db):
        row = _user(db, username)
        changes = {
            "failed_attempts": 0,
            "locked_until": None,
            "updated_at": clock.now(),
            "updated_by": actor.username,
        }
        update(db, "users", row["id"], changes)
        db.execute("DELETE FROM login_failures WHERE username = ?", [username])
        audit.record(
            db,
            actor.username,
            "unlock",
            "users",
            row["id"],
            {"failed_attempts": row["failed_attempts"], "locked_until": row["locked_until"]},
            {"failed_attempts": 0, "locked_until": None},
        )


def reset_password(
    db: sqlite_utils.Database,
    actor: Actor,
    username: str,
    password: str,
    *,
    keep_session: str | None = None,
) -> None:
    """A new password ends every session of the account (but the admin's own current one)."""
    _admin(actor)
    row = _user(db, username)
    with transaction(db):
        accounts.set_password(db, username, password, actor=actor.username)
        login_sessions.revoke_user(db, row["id"], "password", keep=keep_session)


def recent_locks(
    db: sqlite_utils.Database, actor: Actor, *, now: dt.datetime | None = None
) -> list[dict]:
    """Account-and-address pairs locked after repeated wrong passwords, newest first.

    Why the city sees them: many locks on one account, or one address trying many accounts,
    is someone guessing passwords; the administrator can warn the owner or unlock.
    """
    _city(actor)
    now = now or dt.datetime.now()
    return [
        dict(r, locked_now=(r["locked_until"] or "") > now.isoformat(timespec="seconds"))
        for r in db.query(
            "SELECT f.username, f.client, f.locks, f.locked_until, f.last_failed_at, "
            "u.display_name FROM login_failures f LEFT JOIN users u ON u.username = f.username "
            "WHERE f.locks > 0 ORDER BY f.last_failed_at DESC LIMIT 100"
        )
    ]


def audit_entries(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    who: str | None = None,
    entity: str | None = None,
    action: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 200,
) -> list[dict]:
    """The newest audit rows matching the filters (city staff only)."""
    _city(actor)
    clauses, params = ["1 = 1"], []
    if who:
        clauses.append("actor = ?")
        params.append(who.strip())
    if entity:
        clauses.append("entity = ?")
        params.append(entity)
    if action:
        clauses.append("action = ?")
        params.append(action)
    if since:
        clauses.append("at >= ?")
        params.append(since.isoformat())
    if until:
        clauses.append("at < ?")
        params.append((until + dt.timedelta(days=1)).isoformat())
    rows = list(
        db.query(
            f"SELECT id, at, actor, action, entity, entity_id, before_json, after_json "
            f"FROM audit_log WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT ?",
            [*params, int(limit)],
        )
    )
    if not actor.sees_full_id:  # other parts log ledger rows: city staff see numbers masked
        for row in rows:
            for key in ("before_json", "after_json"):
                if row[key]:
                    row[key] = _ID_IN_TEXT.sub(lambda m: idnumber.mask(m.group(0)), row[key])
    return rows


def audit_entities(db: sqlite_utils.Database, actor: Actor) -> list[str]:
    _city(actor)
    return [r["entity"] for r in db.query("SELECT DISTINCT entity FROM audit_log ORDER BY entity")]
