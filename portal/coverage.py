"""Coverage aggregates: how many willing workers have completed a training, per area.

Only counts leave this module for the public site; never a personal row.
"""

from __future__ import annotations

import sqlite_utils

from portal import areas, idnumber
from portal.errors import UserError
from portal.held import held_params, held_sql
from portal.ledger.scope import require_staff
from portal.ledger.table import Table
from portal.ledger.targets import progress
from portal.scope import SYSTEM

# Counts per village are kept by triggers on workers (migration 070; ``workers.trained`` by
# triggers on enrolments, migration 020): each view sums at most 2,000 rows of ``area_counts``
# instead of counting 200,000 workers.
# Sessions held: the reports' rule (portal/held.py), so this page and the reports agree.
COUNTY_SUMMARY = """
SELECT a.code AS county_code, a.name AS county,
       COALESCE(SUM(c.workers), 0) AS workers,
       COALESCE(SUM(c.willing), 0) AS willing,
       COALESCE(SUM(c.trained), 0) AS trained,
       COALESCE(SUM(c.trained_willing), 0) AS trained_willing,
       (SELECT COUNT(*) FROM sessions s WHERE s.county_code = a.code AND {held}) AS sessions_held
FROM areas a
LEFT JOIN area_counts c ON c.county_code = a.code
WHERE a.level = 'county'
GROUP BY a.code
ORDER BY a.code
"""


def county_summary(db: sqlite_utils.Database) -> list[dict]:
    """Per county: workers, willing, trained, coverage (trained willing / willing), sessions held."""
    rows = []
    for r in db.query(COUNTY_SUMMARY.format(held=held_sql("s")), held_params()):
        r["coverage"] = (r["trained_willing"] / r["willing"]) if r["willing"] else None
        rows.append(r)
    return rows


# --- Drill-down for the portal: city > county > township > village ------------------------

_CHILD = {"city": "county", "county": "township", "township": "village"}
_COLUMN = {"county": "county_code", "township": "township_code", "village": "village_code"}

AREA_SQL = """
SELECT c.{column} AS code, SUM(c.workers) AS workers, SUM(c.willing) AS willing,
       SUM(c.trained) AS trained, SUM(c.trained_willing) AS trained_willing
FROM area_counts c
WHERE 1 {where}
GROUP BY c.{column}
"""


def area_summary(db: sqlite_utils.Database, parent_code: str | None = None) -> list[dict]:
    """One row per child area of ``parent_code`` (the city when None): counts, coverage,
    sessions held and targets met. Aggregates only, so any staff member (or the public
    site) may see them; the list of people stays behind ``untrained_willing``.
    """
    parent = areas.get(db, parent_code) if parent_code else None
    if parent_code and not parent:
        raise UserError("找不到这个地区。")
    level = _CHILD[parent["level"]] if parent else "county"
    if parent is None or parent["level"] == "city":
        children = areas.counties(db)
        where, params = "", []
    else:
        children = areas.children(db, parent_code)
        if parent["level"] == "county":
            where, params = "AND c.county_code = ?", [parent_code]
        else:  # the county code leads the key
            where = "AND c.county_code = ? AND c.township_code = ?"
            params = [parent["parent_code"], parent_code]
    column = _COLUMN[level]
    counts = {r["code"]: r for r in db.query(AREA_SQL.format(column=column, where=where), params)}
    s_where = f"AND s.{_COLUMN[parent['level']]} = :parent" if where else ""
    sessions = {
        r["code"]: r["n"]
        for r in db.query(
            f"SELECT s.{column} AS code, COUNT(*) AS n FROM sessions s "
            f"WHERE {held_sql('s')} {s_where} GROUP BY s.{column}",
            {**held_params(), "parent": parent_code},
        )
    }
    targets = _targets_by(db, level, parent_code if level == "township" else None)
    rows = []
    for child in children:
        c = counts.get(child["code"], {})
        willing = c.get("willing") or 0
        trained_willing = c.get("trained_willing") or 0
        t = targets.get(child["code"], (0, 0))
        rows.append(
            {
                "code": child["code"],
                "name": child["name"],
                "level": level,
                "workers": c.get("workers") or 0,
                "willing": willing,
                "trained": c.get("trained") or 0,
                "trained_willing": trained_willing,
                "untrained_willing": willing - trained_willing,
                "coverage": trained_willing / willing if willing else None,
                "sessions_held": sessions.get(child["code"], 0),
                "targets": t[0],
                "targets_met": t[1],
            }
        )
    return rows


def _targets_by(
    db: sqlite_utils.Database, level: str, county_code: str | None = None
) -> dict[str, tuple[int, int]]:
    """(targets, targets met) per county or township; villages carry no targets."""
    if level == "village":
        return {}
    out: dict[str, list[int]] = {}
    for t in progress(db, SYSTEM, county=county_code):
        code = t["county_code"] if level == "county" else t["township_code"]
        if code:
            pair = out.setdefault(code, [0, 0])
            pair[0] += 1
            pair[1] += int(t["met"])
    return {k: (v[0], v[1]) for k, v in out.items()}


def totals(rows: list[dict]) -> dict:
    """The sum of a drill-down level, with coverage recomputed from the sums."""
    keys = (
        "workers",
        "willing",
        "trained",
        "trained_willing",
        "untrained_willing",
        "sessions_held",
        "targets",
        "targets_met",
    )
    out = {k: sum(r[k] for r in rows) for k in keys}
    out["coverage"] = out["trained_willing"] / out["willing"] if out["willing"] else None
    return out


def untrained_willing(db: sqlite_utils.Database, actor, village_code: str):
    """The willing workers of one village who have not completed a training: who to visit.

    Personal rows: staff only, county staff only in their county, ID masked unless the role
    keeps the ledger.
    """
    require_staff(actor)
    village = areas.get(db, village_code)
    if not village or village["level"] != "village":
        raise UserError("请选择一个村。")
    county_code = village_code[:6]
    actor.check_county(county_code)
    place, params = areas.place_filter("w", "village", village_code)
    rows = db.execute(
        f"""
        SELECT w.name, w.gender, w.birth_date, w.id_number, w.phone, w.household_no,
               w.wanted_trade,
               EXISTS (SELECT 1 FROM enrolments e WHERE e.worker_id = w.id
                       AND e.status = 'enrolled')
        FROM workers w
        WHERE w.registered = 1 AND w.wants_training = 'yes' {place}
          AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.worker_id = w.id
                          AND e.status = 'completed')
        ORDER BY w.household_no, w.id
        """,
        params,
    ).fetchall()
    return Table(
        f"{areas.full_name(db, village_code)} 有培训意愿、尚未完成培训的人员",
        (
            "姓名",
            "性别",
            "出生日期",
            "身份证号",
            "联系电话",
            "户编号",
            "培训需求（工种）",
            "报名情况",
        ),
        [
            (
                n,
                g,
                b,
                i if actor.sees_full_id else idnumber.mask(i),
                p,
                h,
                t or "未填",
                "已报名" if e else "未报名",
            )
            for n, g, b, i, p, h, t, e in rows
        ],
    )
