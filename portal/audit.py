"""The audit log: who changed what, when, and what it was before and after.

Written inside the same transaction as the change it describes, so the log can never
claim a change that did not happen, nor miss one that did.
"""

from __future__ import annotations

import json

import sqlite_utils

from portal import clock

# Fields never written to the log in clear: the log is read by city staff and kept for years.
_SECRET = {"password_hash", "password"}


def _dump(value: dict | None) -> str | None:
    if value is None:
        return None
    clean = {k: ("***" if k in _SECRET else v) for k, v in dict(value).items()}
    return json.dumps(clean, ensure_ascii=False, default=str, sort_keys=True)


def record(
    db: sqlite_utils.Database,
    actor: str,
    action: str,
    entity: str,
    entity_id=None,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    db.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            clock.now(),
            actor,
            action,
            entity,
            None if entity_id is None else str(entity_id),
            _dump(before),
            _dump(after),
        ],
    )
