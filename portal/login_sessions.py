"""Server-side log-in sessions: a random token in the browser, its hash in the database.

Why: Streamlit forgets everything when the page is refreshed or an address is opened, so the
log-in must outlive the Streamlit session. The browser keeps only a random token (a cookie,
never the address bar); the database keeps the token's SHA-256, so a copy of the database
cannot be used to log in. Logging out, deactivating the account, a new password or
IDLE_MINUTES without a click revoke the row, and a revoked token never works again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlite_utils

from portal import accounts
from portal.db import one, transaction
from portal.scope import Actor

IDLE_MINUTES = 30
COOKIE = "suihua_portal_session"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def start(db: sqlite_utils.Database, username: str, *, now: dt.datetime | None = None) -> str:
    """A new session for a user who just logged in; returns the token for the browser."""
    now = now or dt.datetime.now()
    token = secrets.token_urlsafe(32)
    with transaction(db):
        user = one(db, "SELECT id FROM users WHERE username = ?", [username])
        db.execute(
            "INSERT INTO login_sessions (token_hash, user_id, created_at, last_seen_at) "
            "VALUES (?, ?, ?, ?)",
            [_hash(token), user["id"], _stamp(now), _stamp(now)],
        )
    return token


def resume(
    db: sqlite_utils.Database, token: str | None, *, now: dt.datetime | None = None
) -> tuple[Actor | None, str | None]:
    """The actor a token belongs to, and mark it seen now; or (None, why it no longer works).

    ``why`` is "idle" when the session just ran out (the page says so), else None.
    """
    if not isinstance(token, str) or not token:
        return None, None
    now = now or dt.datetime.now()
    with transaction(db):
        row = one(
            db,
            "SELECT s.id, s.last_seen_at, s.revoked_at, u.* FROM login_sessions s "
            "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            [_hash(token)],
        )
        if row is None or row["revoked_at"]:
            return None, None
        if not row["active"]:
            _revoke_row(db, row["id"], "deactivated", now)
            return None, None
        idle = now - dt.datetime.fromisoformat(row["last_seen_at"])
        if idle > dt.timedelta(minutes=IDLE_MINUTES):
            _revoke_row(db, row["id"], "idle", now)
            return None, "idle"
        db.execute(
            "UPDATE login_sessions SET last_seen_at = ? WHERE id = ?", [_stamp(now), row["id"]]
        )
    return accounts.actor_for(row), None


def revoke(db: sqlite_utils.Database, token: str | None, why: str = "logout") -> None:
    """End one session (log-out); a token that is unknown or already ended is no error."""
    if not token:
        return
    with transaction(db):
        row = one(db, "SELECT id FROM login_sessions WHERE token_hash = ?", [_hash(token)])
        if row:
            _revoke_row(db, row["id"], why, dt.datetime.now())


def revoke_user(
    db: sqlite_utils.Database, user_id: int, why: str, *, keep: str | None = None
) -> int:
    """End every open session of one account (deactivated, new password); returns how many.

    ``keep``: the token of the administrator's own session when they change their own password.
    """
    with transaction(db):
        return db.execute(
            "UPDATE login_sessions SET revoked_at = ?, revoked_why = ? "
            "WHERE user_id = ? AND revoked_at IS NULL AND token_hash != ?",
            [_stamp(dt.datetime.now()), why, user_id, _hash(keep) if keep else ""],
        ).rowcount


def _revoke_row(db: sqlite_utils.Database, session_id: int, why: str, now: dt.datetime) -> None:
    db.execute(
        "UPDATE login_sessions SET revoked_at = ?, revoked_why = ? "
        "WHERE id = ? AND revoked_at IS NULL",
        [_stamp(now), why, session_id],
    )
