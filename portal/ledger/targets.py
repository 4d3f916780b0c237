"""年度任务清单: targets set by county staff per institution, township and campaign, with progress.

Progress counts distinct workers who completed a session that matches the target (county,
and institution / township / campaign where given) and ended in the target's year: a worker
trained twice counts once, as the plan counts people, not seats.
"""

from __future__ import annotations

import logging
import threading

import sqlite_utils

from portal import audit, catalogue, clock
from portal import db as database
from portal.db import one, transaction
from portal.errors import UserError
from portal.ledger import achieved
from portal.ledger.scope import county_clause, require_ledger_keeper
from portal.ledger.table import Table
from portal.scope import SYSTEM, Actor

log = logging.getLogger(__name__)

TARGETS_SQL = """
SELECT t.id, t.year, t.county_code, c.name AS county, t.institution_id, i.name AS institution,
       t.township_code, tw.name AS township, t.campaign_code, cp.name AS campaign, t.target,
       t.set_at, t.set_by
FROM targets t
JOIN areas c ON c.code = t.county_code
LEFT JOIN institutions i ON i.id = t.institution_id
LEFT JOIN areas tw ON tw.code = t.township_code
LEFT JOIN campaigns cp ON cp.code = t.campaign_code
"""


def _achieved(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Fill trained and sessions_held for each target, from the per-county counts."""
    needed: dict[str, set[tuple[str, ...]]] = {}
    for t in rows:
        needed.setdefault(t["county_code"], set()).add(_shape(t))
    found = achieved.counts(db, needed)
    for t in rows:
        shape = _shape(t)
        key = (t["county_code"], str(t["year"]), *(t[d] for d in shape))
        t["trained"], t["sessions_held"] = found.get(shape, {}).get(key, (0, 0))


def _shape(target: dict) -> tuple[str, ...]:
    """Which optional parts (institution, township, campaign) a target is set on."""
    return tuple(d for d in achieved.DIMENSIONS if target[d] is not None)


def progress(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    year: int | None = None,
    county: str | None = None,
    township: str | None = None,
    campaign: str | None = None,
    institution_id: int | None = None,
) -> list[dict]:
    """Every target in scope with trained, sessions held, rate and met."""
    where, params = county_clause(actor, county, "t.county_code")
    for clause, value in (
        ("t.year = ?", year),
        ("t.township_code = ?", township),
        ("t.campaign_code = ?", campaign),
        ("t.institution_id = ?", institution_id),
    ):
        if value not in (None, ""):
            where += f" AND {clause}"
            params.append(value)
    rows = list(
        db.query(TARGETS_SQL + f" WHERE {where} ORDER BY t.year, t.county_code, t.id", params)
    )
    _achieved(db, rows)
    for r in rows:
        r["rate"] = (r["trained"] / r["target"]) if r["target"] else None
        r["met"] = r["trained"] >= r["target"]
    return rows


TASK_HEADERS = (
    "年度",
    "县（市、区）",
    "培训机构",
    "乡镇",
    "培训活动",
    "目标人数",
    "已结业人数",
    "完成率",
    "已举办班次",
    "是否完成",
)


def task_list(db: sqlite_utils.Database, actor: Actor, **filters) -> Table:
    """年度任务清单 as a table for the screen and the spreadsheet."""
    return Table(
        "年度任务清单",
        TASK_HEADERS,
        [
            (
                r["year"],
                r["county"],
                r["institution"] or "全部",
                r["township"] or "全部",
                r["campaign"] or "全部",
                r["target"],
                r["trained"],
                f"{r['rate']:.0%}" if r["rate"] is not None else "—",
                r["sessions_held"],
                "已完成" if r["met"] else "未完成",
            )
            for r in progress(db, actor, **filters)
        ],
    )


def set_target(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    year: int,
    county: str,
    target: int,
    institution_id: int | None = None,
    township_code: str | None = None,
    campaign_code: str | None = None,
) -> int:
    """Set (or change) one target; the same year/place/institution/campaign is one row."""
    county_code = catalogue.county(county)["code"]
    require_ledger_keeper(actor, county_code)
    start, end = catalogue.campaign_period()
    if not isinstance(year, int) or not (start.year <= year <= start.year + 10):
        raise UserError(f"年度应在{start.year}年到{start.year + 10}年之间。")
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= 1_000_000:
        raise UserError("目标人数应为0到1000000之间的整数。")
    if institution_id is not None and not one(
        db, "SELECT id FROM institutions WHERE id = ?", [institution_id]
    ):
        raise UserError("找不到这家培训机构，请先登记机构。")
    if township_code and not one(
        db,
        "SELECT code FROM areas WHERE code = ? AND level = 'township' AND parent_code = ?",
        [township_code, county_code],
    ):
        raise UserError("这个乡镇不在所选的县（市、区）里。")
    if campaign_code:
        catalogue.campaign(campaign_code)
    key = [year, county_code, institution_id or 0, township_code or "", campaign_code or ""]
    with transaction(db):
        old = one(
            db,
            "SELECT * FROM targets WHERE year = ? AND county_code = ? "
            "AND IFNULL(institution_id, 0) = ? AND IFNULL(township_code, '') = ? "
            "AND IFNULL(campaign_code, '') = ?",
            key,
        )
        now = clock.now()
        if old:
            db.execute(
                "UPDATE targets SET target = ?, set_at = ?, set_by = ? WHERE id = ?",
                [target, now, actor.username, old["id"]],
            )
            target_id = old["id"]
            audit.record(
                db, actor.username, "update", "targets", target_id, old, {**old, "target": target}
            )
        else:
            row = {
                "year": year,
                "county_code": county_code,
                "institution_id": institution_id,
                "township_code": township_code or None,
                "campaign_code": campaign_code or None,
                "target": target,
                "set_at": now,
                "set_by": actor.username,
            }
            target_id = db.execute(
                "INSERT INTO targets (year, county_code, institution_id, township_code, "
                "campaign_code, target, set_at, set_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                list(row.values()),
            ).lastrowid
            audit.record(db, actor.username, "create", "targets", target_id, None, row)
    return target_id


def delete_target(db: sqlite_utils.Database, actor: Actor, target_id: int) -> None:
    old = one(db, "SELECT * FROM targets WHERE id = ?", [target_id])
    if not old:
        raise UserError("找不到这条年度任务。")
    require_ledger_keeper(actor, old["county_code"])
    with transaction(db):
        db.execute("DELETE FROM targets WHERE id = ?", [target_id])
        audit.record(db, actor.username, "delete", "targets", target_id, old, None)


def count_in_background(path=None) -> threading.Thread:
    """Count every target's progress once in a thread of its own, on its own connection.

    Why: a portal process starts with nothing counted, and the city's first coverage view
    would count all ten counties (about 0.3 s at city scale) while the user waits. Errors are
    only logged: the page counts for itself if this did not finish.
    """

    def run() -> None:
        try:
            db = database.connect(path)
            try:
                progress(db, SYSTEM)
            finally:
                db.conn.close()
        except Exception as exc:  # noqa: BLE001 - a warm-up must never stop the portal
            log.warning("target progress warm-up failed: %s", type(exc).__name__)

    thread = threading.Thread(target=run, name="target-progress-warm-up", daemon=True)
    thread.start()
    return thread
