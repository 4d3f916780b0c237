"""Accounts: argon2 password hashes, roles and scopes, lock-out after repeated failures.

Passwords never leave this module in clear: not in the audit log, not in any log line.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from portal import audit, clock
from portal.db import one, transaction
from portal.errors import UserError
from portal.scope import Actor

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
ROLES = {"city": "市级工作人员", "county": "县级工作人员", "institution": "培训机构"}

_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"密码至少{MIN_PASSWORD}位。")
    if password.isdigit() or password.isalpha():
        raise UserError("密码要同时包含字母和数字。")


def create_user(
    db: sqlite_utils.Database,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    county: str | None = None,
    institution_id: int | None = None,
    is_admin: bool = False,
    actor: str = "system",
) -> int:
    from portal import catalogue

    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise UserError("用户名只能用3到32位的英文字母、数字、下划线、点或减号。")
    if role not in ROLES:
        raise UserError(
            f"角色“{role}”不存在，可选：city（市级）、county（县级）、institution（培训机构）。"
        )
    check_password_strength(password)
    county_code = catalogue.county(county)["code"] if county else None
    if role == "county" and not county_code:
        raise UserError("县级账户必须指定所属县（市、区），例如 --county 望奎县。")
    if role == "institution":
        if not institution_id or not one(
            db, "SELECT id FROM institutions WHERE id = ?", [institution_id]
        ):
            raise UserError("培训机构账户必须指定已登记的培训机构。")
    now = clock.now()
    with transaction(db):
        if one(db, "SELECT id FROM users WHERE username = ?", [username]):
            raise UserError(f"用户名“{username}”已被使用，请换一个。")
        row = {
            "username": username,
            "display_name": display_name or username,
            "password_hash": _hasher.hash(password),
            "role": role,
            "county_code": county_code if role == "county" else None,
            "institution_id": institution_id if role == "institution" else None,
            "is_admin": 1 if is_admin else 0,
            "active": 1,
            "failed_attempts": 0,
            "created_at": now,
            "created_by": actor,
            "updated_at": now,
            "updated_by": actor,
        }
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        user_id = db.execute(
            f"INSERT INTO users ({cols}) VALUES ({marks})", list(row.values())
        ).lastrowid
        audit.record(db, actor, "create", "users", user_id, None, row)
    return user_id


def actor_for(row: dict) -> Actor:
    return Actor(
        username=row["username"],
        role=row["role"],
        county_code=row["county_code"],
        institution_id=row["institution_id"],
        is_admin=bool(row["is_admin"]),
        display_name=row["display_name"],
    )


def authenticate(
    db: sqlite_utils.Database, username: str, password: str, *, now: dt.datetime | None = None
) -> Actor:
    """Check a log-in; count failures and lock the account after MAX_FAILURES."""
    now = now or dt.datetime.now()
    wrong = UserError("用户名或密码不对。")
    with transaction(db):
        row = one(db, "SELECT * FROM users WHERE username = ?", [(username or "").strip()])
        if not row or not row["active"]:
            _hasher.hash("timing-equaliser")  # same cost whether or not the user exists
            raise wrong
        if row["locked_until"] and dt.datetime.fromisoformat(row["locked_until"]) > now:
            until = dt.datetime.fromisoformat(row["locked_until"])
            raise UserError(
                f"密码连续输错{MAX_FAILURES}次，账户已锁定，请在 {until:%H:%M} 之后再试，或联系市级管理员解锁。"
            )
        try:
            _hasher.verify(row["password_hash"], password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            failures = row["failed_attempts"] + 1
            locked = None
            if failures >= MAX_FAILURES:
                locked = (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
                failures = 0
            db.execute(
                "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?",
                [failures, locked, row["id"]],
            )
            if locked:
                audit.record(
                    db, row["username"], "lock", "users", row["id"], None, {"locked_until": locked}
                )
            # commit the failure count, then tell the user
            db.conn.execute("COMMIT")
            db.conn.execute("BEGIN IMMEDIATE")
            if locked:
                raise UserError(
                    f"密码连续输错{MAX_FAILURES}次，账户已锁定{LOCK_MINUTES}分钟。"
                ) from None
            raise wrong from None
        if row["failed_attempts"] or row["locked_until"]:
            db.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?",
                [row["id"]],
            )
        if _hasher.check_needs_rehash(row["password_hash"]):
            db.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                [_hasher.hash(password), row["id"]],
            )
    return actor_for(row)


def set_password(db: sqlite_utils.Database, username: str, password: str, *, actor: str) -> None:
    check_password_strength(password)
    with transaction(db):
        row = one(db, "SELECT id FROM users WHERE username = ?", [username])
        if not row:
            raise UserError(f"没有用户“{username}”。")
        db.execute(
            "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL, "
            "updated_at = ?, updated_by = ? WHERE id = ?",
            [_hasher.hash(password), clock.now(), actor, row["id"]],
        )
        audit.record(db, actor, "set_password", "users", row["id"], None, {"password": "***"})
