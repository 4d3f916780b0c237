"""Accounts: argon2 password hashes, roles and scopes, lock-out per account and address.

Passwords never leave this module in clear: not in the audit log, not in any log line.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from portal import audit, clock
from portal.db import one, transaction
from portal.errors import UserError
from portal.scope import Actor

MAX_FAILURES = 5
FIRST_LOCK_MINUTES = 15
LONGEST_LOCK_MINUTES = 24 * 60
WRONG_LOGIN = (
    f"用户名或密码不对。连续输错{MAX_FAILURES}次后要等一段时间才能再试；"
    "忘记密码请联系市级管理员重设。"
)
MIN_PASSWORD = 8
MIN_SCORE = 3  # zxcvbn 0-4; 3 = "safely unguessable" for an online attack
ROLES = {"city": "市级工作人员", "county": "县级工作人员", "institution": "培训机构"}

_hasher = PasswordHasher()
# verified against when the username is unknown: the same argon2 work as a real account


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for an unknown user, so the answer takes the same argon2 work.

    Made on first use, not at import: hashing costs about 0.15 s, which every command paid.
    """
    return _hasher.hash("timing-equaliser-not-a-password")


_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")


def check_password_strength(password: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Refuse short, common and guessable passwords (zxcvbn: dictionaries, keyboard walks, dates).

    Why a library: "abc12345" or "password1" pass a letters-and-digits rule but are among the
    first guesses of anyone trying accounts. ``user_inputs`` (username, name) count as guessable.
    """
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少{MIN_PASSWORD}位。")
    if password.isdigit() or password.isalpha():
        raise UserError("密码要同时包含字母和数字。")
    from zxcvbn import zxcvbn  # its dictionaries take 0.2 s to load: only when a password is set

    result = zxcvbn(password[:100], user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_SCORE:
        raise UserError(
            "这个密码太常见或太容易猜到（如常用密码、连续的字母数字、键盘顺序、日期、"
            "用户名或名称），请换一个：可以用几个不相关的词或拼音加数字，长一些更安全。"
        )


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
    check_password_strength(password, user_inputs=(username, display_name or ""))
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


def lock_minutes(locks: int) -> int:
    """How long the ``locks``-th lock of one account from one address lasts: 15, 30, 60 ... 1440."""
    return min(FIRST_LOCK_MINUTES * 2 ** (max(locks, 1) - 1), LONGEST_LOCK_MINUTES)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(
    db: sqlite_utils.Database,
    username: str,
    password: str,
    *,
    client: str | None = None,
    now: dt.datetime | None = None,
) -> Actor:
    """Check a log-in; after MAX_FAILURES wrong passwords from one address, lock that pair.

    Why per account and address: counting per account alone lets anyone lock anyone out by
    typing five wrong passwords. Why one answer for everything: a locked, deactivated or
    unknown account gets the same sentence after the same argon2 verification as a wrong
    password, so neither the text nor the time tells a guesser which case they hit.
    """
    now = now or dt.datetime.now()
    name = (username or "").strip()[:64]
    client = (client or "unknown")[:64]
    with transaction(db):
        row = one(db, "SELECT * FROM users WHERE username = ?", [name])
        fail = one(
            db, "SELECT * FROM login_failures WHERE username = ? AND client = ?", [name, client]
        )
        locked = bool(
            fail and fail["locked_until"] and dt.datetime.fromisoformat(fail["locked_until"]) > now
        )
        matches = _password_matches(row["password_hash"] if row else _dummy_hash(), password)
        if matches and row["active"] and not locked:
            if fail:
                db.execute(
                    "DELETE FROM login_failures WHERE username = ? AND client = ?", [name, client]
                )
            if _hasher.check_needs_rehash(row["password_hash"]):
                db.execute(
                    "UPDATE users SET password_hash = ? WHERE id = ?",
                    [_hasher.hash(password), row["id"]],
                )
            return actor_for(row)
        if not locked and not matches:
            _count_failure(db, row, name, client, fail, now)
        # keep the count although the log-in fails, then answer
        db.conn.execute("COMMIT")
        db.conn.execute("BEGIN IMMEDIATE")
        raise UserError(WRONG_LOGIN)


def _count_failure(db, row, name: str, client: str, fail: dict | None, now: dt.datetime) -> None:
    failures = (fail["failures"] if fail else 0) + 1
    locks = fail["locks"] if fail else 0
    locked_until = None
    if failures >= MAX_FAILURES:
        locks += 1
        locked_until = (now + dt.timedelta(minutes=lock_minutes(locks))).isoformat(
            timespec="seconds"
        )
        failures = 0
    db.execute(
        "INSERT INTO login_failures (username, client, failures, locks, locked_until, "
        "last_failed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username, client) DO UPDATE "
        "SET failures = excluded.failures, locks = excluded.locks, "
        "locked_until = excluded.locked_until, last_failed_at = excluded.last_failed_at",
        [name, client, failures, locks, locked_until, now.isoformat(timespec="seconds")],
    )
    if locked_until:
        audit.record(
            db,
            name,
            "lock",
            "users",
            row["id"] if row else None,
            None,
            {"client": client, "locked_until": locked_until, "locks": locks},
        )


def set_password(db: sqlite_utils.Database, username: str, password: str, *, actor: str) -> None:
    check_password_strength(password, user_inputs=(username,))
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
