"""The area tree city > county > township > village, grown from ledgers and the demo.

Township and village codes are ours (county code + 3 digits, township code + 3 digits): the
statistical codes are not in the ledgers we receive, and a stable code per name is all the
joins need.
"""

from __future__ import annotations

import sqlite_utils

from portal import catalogue
from portal.db import one
from portal.errors import UserError

LEVELS = ("city", "county", "township", "village")


def get(db: sqlite_utils.Database, code: str) -> dict | None:
    return one(db, "SELECT * FROM areas WHERE code = ?", [code])


def children(db: sqlite_utils.Database, parent_code: str) -> list[dict]:
    return list(db.query("SELECT * FROM areas WHERE parent_code = ? ORDER BY code", [parent_code]))


def counties(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT * FROM areas WHERE level = 'county' ORDER BY code"))


def county_code(name_or_code: str) -> str:
    return catalogue.county(name_or_code)["code"]


def ensure_child(db: sqlite_utils.Database, parent_code: str, name: str, level: str) -> str:
    """Return the code of ``name`` under ``parent_code``, creating it if new.

    Must run inside the caller's transaction so a failed import leaves no stray areas.
    """
    name = child_name(name)
    found = one(
        db, "SELECT code FROM areas WHERE parent_code = ? AND name = ?", [parent_code, name]
    )
    if found:
        return found["code"]
    return add_child(db, parent_code, name, level, last_number(db, parent_code))


def child_name(name: str | None) -> str:
    """The name as stored: trimmed, and never empty."""
    name = (name or "").strip()
    if not name:
        raise UserError("地名不能为空。")
    return name


def last_number(db: sqlite_utils.Database, parent_code: str) -> int:
    """The highest three-digit number given under ``parent_code`` so far (0 if none)."""
    last = one(
        db,
        "SELECT MAX(CAST(substr(code, ?) AS INTEGER)) AS n FROM areas WHERE parent_code = ?",
        [len(parent_code) + 1, parent_code],
    )
    return last["n"] or 0


def add_child(db: sqlite_utils.Database, parent_code: str, name: str, level: str, last: int) -> str:
    """Create ``name`` (new under ``parent_code``) with the number after ``last``; its code.

    Split from ``ensure_child`` so that a ledger import, which already holds every area's
    code, asks ``last_number`` once per parent instead of two queries per new place.
    """
    number = last + 1
    if number > 999:
        raise UserError(f"{parent_code} 下的地名超过999个，请检查台账是否有错别字造成的重复地名。")
    code = f"{parent_code}{number:03d}"
    db.execute(
        "INSERT INTO areas (code, name, level, parent_code) VALUES (?, ?, ?, ?)",
        [code, name, level, parent_code],
    )
    return code


# Length of each level's code: county (GB/T 2260) 6, township county + 3, village township + 3.
CODE_LENGTH = {"county": 6, "township": 9, "village": 12}


def place_filter(alias: str, level: str, code: str) -> tuple[str, list]:
    """Equality on ``code`` at ``level`` and on each of its parents' codes (its prefixes).

    Why: the one place index on workers (migration 097) leads with the county code, then the
    township's, then the village's; a filter on a village code alone cannot use it and scans
    every worker. Since a code starts with its parents' codes, naming them changes no result.
    """
    names = LEVELS[1 : LEVELS.index(level) + 1]
    prefix = f"{alias}." if alias else ""
    params = [code[: CODE_LENGTH[name]] for name in names[:-1]] + [code]
    return "".join(f" AND {prefix}{name}_code = ?" for name in names), params


def ensure_place(
    db: sqlite_utils.Database, county: str, township: str, village: str
) -> tuple[str, str, str]:
    """County name or code + township + village names -> the three codes."""
    c = county_code(county)
    t = ensure_child(db, c, township, "township")
    v = ensure_child(db, t, village, "village")
    return c, t, v


def full_name(db: sqlite_utils.Database, code: str | None) -> str:
    """北林区/某某镇/某某村, for tables and cards."""
    names = []
    while code:
        row = get(db, code)
        if not row or row["level"] == "city":
            break
        names.append(row["name"])
        code = row["parent_code"]
    return "/".join(reversed(names))


def find_by_path(db: sqlite_utils.Database, path: str) -> dict:
    """'望奎县/某镇/某村' (or a prefix of it) -> the area row, with a clear error if unknown."""
    parts = [p.strip() for p in path.replace("／", "/").split("/") if p.strip()]
    if not parts:
        raise UserError("请给出地名，例如 望奎县/灵山满族乡/某某村。")
    code = county_code(parts[0])
    for name in parts[1:]:
        row = one(db, "SELECT code FROM areas WHERE parent_code = ? AND name = ?", [code, name])
        if not row:
            raise UserError(f"在 {full_name(db, code)} 下找不到“{name}”。")
        code = row["code"]
    return get(db, code)
