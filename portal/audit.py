"""The audit log: who changed what, when, and what it was before and after.

Written inside the same transaction as the change it describes, so the log can never
claim a change that did not happen, nor miss one that did.
"""

from __future__ import annotations

import json
import re

import sqlite_utils

from portal import clock, idnumber

# Fields never written to the log in clear: the log is read by city staff and kept for years.
_SECRET = {"password_hash", "password"}
# Personal numbers are kept masked (migration 045 masked the rows written before).
_ID_FIELDS = {"id_number"}
_PHONE_FIELDS = {"phone", "contact_phone"}
_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_phone(number) -> str:
    """138****5678: the first three and the last four digits, as on a bank slip."""
    if not number:
        return ""
    text = str(number)
    if "*" in text:
        return text
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_text(text: str) -> str:
    """Any ID number or mobile number inside free text, masked."""
    text = _ID_IN_TEXT.sub(lambda m: idnumber.mask(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


def _masked(key: str, value):
    if value is None:
        return None
    if key in _SECRET:
        return "***"
    if key in _ID_FIELDS:
        return value if "*" in str(value) else idnumber.mask(str(value))
    if key in _PHONE_FIELDS:
        return mask_phone(value)
    if isinstance(value, str):
        return mask_text(value)
    return value


def _dump(value: dict | None) -> str | None:
    if value is None:
        return None
    clean = {k: _masked(k, v) for k, v in dict(value).items()}
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
