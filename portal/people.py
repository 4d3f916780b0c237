"""People's names for the login names stored in ``*_by`` columns and the audit log.

Staff know each other by name, not by account: 经办、打印人、提交人 and 操作人 are shown as
the account's display name. A login that is not (or no longer) an account, such as the
``system`` actor of command-line runs, is shown as it is stored.
"""

from __future__ import annotations

import sqlite_utils

SYSTEM_NAMES = {"system": "系统（命令行）"}


def names(db: sqlite_utils.Database, usernames) -> dict[str, str]:
    """Login name -> display name for every given login (unknown ones map to themselves)."""
    wanted = sorted({u for u in usernames if u})
    out = {u: SYSTEM_NAMES.get(u, u) for u in wanted}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ", ".join("?" for _ in part)
        for row in db.query(
            f"SELECT username, display_name FROM users WHERE username IN ({marks})", part
        ):
            if row["display_name"]:
                out[row["username"]] = row["display_name"]
    return out


def name(db: sqlite_utils.Database, username: str | None) -> str:
    """One login's display name ('' for none)."""
    if not username:
        return ""
    return names(db, [username])[username]
