"""The three lists of the plan (三个清单): training demand, annual targets, trainees.

Each takes the actor and filters by its county in SQL, so a page cannot show another
county's people by forgetting a check. ID numbers are masked unless the role keeps the ledger.
"""

from __future__ import annotations

import sqlite_utils

from portal import areas
from portal.ledger.scope import county_clause, shown_id
from portal.ledger.table import Table
from portal.scope import Actor

STATUS = {"enrolled": "已报名", "withdrawn": "已退出", "completed": "已结业"}
YES_NO = {"yes": "是", "no": "否", "unknown": "未知"}

DEMAND_HEADERS = (
    "县（市、区）",
    "乡镇",
    "村",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "联系电话",
    "培训需求（工种）",
    "报名情况",
)


def _place_filters(alias: str, township: str | None, village: str | None) -> tuple[str, list]:
    """Township and village with their parents' codes, so the one place index serves them."""
    sql, params = "", []
    for level, code in (("township", township), ("village", village)):
        if code:
            more, values = areas.place_filter(alias, level, code)
            sql, params = sql + more, params + values
    return sql, params


def demand_list(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    county: str | None = None,
    township: str | None = None,
    village: str | None = None,
    trade: str | None = None,
    limit: int | None = None,
) -> Table:
    """培训需求清单: willing workers who have not completed a training yet."""
    where, params = county_clause(actor, county, "w.county_code")
    extra, more = _place_filters("w", township, village)
    where += extra
    params += more
    if trade:
        where += " AND w.wanted_trade LIKE ? ESCAPE '\\'"
        params.append(
            "%" + trade.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
    sql = f"""
        SELECT c.name AS county, t.name AS township, v.name AS village, w.name, w.gender,
               w.birth_date, w.id_number, w.phone, w.wanted_trade,
               EXISTS (SELECT 1 FROM enrolments e WHERE e.worker_id = w.id
                       AND e.status = 'enrolled') AS enrolled
        FROM workers w
        JOIN areas c ON c.code = w.county_code
        JOIN areas t ON t.code = w.township_code
        JOIN areas v ON v.code = w.village_code
        WHERE w.wants_training = 'yes' AND w.registered = 1 AND {where}
          AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.worker_id = w.id
                          AND e.status = 'completed')
        ORDER BY w.county_code, w.township_code, w.village_code, w.wanted_trade, w.id
        {"LIMIT ?" if limit else ""}
    """
    rows = db.execute(sql, [*params, *([limit] if limit else [])]).fetchall()
    # With a limit (the page shows the first rows), the whole list is counted, not held:
    # a county's list can be 200,000 people, 230 MB in the portal process.
    total = None
    if limit and len(rows) == limit:
        total = db.execute(
            f"SELECT COUNT(*) FROM ({sql.replace('LIMIT ?', '')})", params
        ).fetchone()[0]
    return Table(
        "培训需求清单",
        DEMAND_HEADERS,
        [
            (c, t, v, n, g, b, shown_id(actor, i), p, wt or "未填", "已报名" if e else "未报名")
            for c, t, v, n, g, b, i, p, wt, e in rows
        ],
        total,
    )


def demand_by_trade(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    county: str | None = None,
    township: str | None = None,
) -> Table:
    """培训需求清单 in figures: how many untrained willing workers want each trade, by place."""
    where, params = county_clause(actor, county, "w.county_code")
    extra, more = _place_filters("w", township, None)
    sql = f"""
        SELECT c.name, t.name, COALESCE(NULLIF(w.wanted_trade, ''), '未填') AS trade, COUNT(*)
        FROM workers w
        JOIN areas c ON c.code = w.county_code
        JOIN areas t ON t.code = w.township_code
        WHERE w.wants_training = 'yes' AND w.registered = 1 AND {where} {extra}
          AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.worker_id = w.id
                          AND e.status = 'completed')
        GROUP BY w.county_code, w.township_code, trade
        ORDER BY w.county_code, w.township_code, COUNT(*) DESC, trade
    """
    return Table(
        "培训需求汇总",
        ("县（市、区）", "乡镇", "培训需求（工种）", "人数"),
        [tuple(r) for r in db.execute(sql, [*params, *more]).fetchall()],
    )


TRAINEE_HEADERS = (
    "姓名",
    "身份证号",
    "县（市、区）",
    "乡镇",
    "村",
    "培训活动",
    "课程",
    "培训机构",
    "开班日期",
    "结束日期",
    "培训地点",
    "状态",
)


def trainee_list(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    county: str | None = None,
    township: str | None = None,
    village: str | None = None,
    campaign: str | None = None,
    institution_id: int | None = None,
    status: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int | None = None,
) -> Table:
    """参训人员清单: who trained where and when, with the enrolment's status."""
    where, params = county_clause(actor, county, "w.county_code")
    extra, more = _place_filters("w", township, village)
    where += extra
    params += more
    for clause, value in (
        ("co.campaign_code = ?", campaign),
        ("s.institution_id = ?", institution_id),
        ("e.status = ?", status),
        ("s.end_date >= ?", date_from),
        ("s.start_date <= ?", date_to),
    ):
        if value not in (None, ""):
            where += f" AND {clause}"
            params.append(value)
    sql = f"""
        SELECT w.name, w.id_number, c.name, t.name, v.name, cp.name, co.name, i.name,
               s.start_date, s.end_date, s.address, e.status
        FROM enrolments e
        JOIN workers w ON w.id = e.worker_id
        JOIN sessions s ON s.id = e.session_id
        JOIN courses co ON co.code = s.course_code
        JOIN campaigns cp ON cp.code = co.campaign_code
        JOIN institutions i ON i.id = s.institution_id
        JOIN areas c ON c.code = w.county_code
        JOIN areas t ON t.code = w.township_code
        JOIN areas v ON v.code = w.village_code
        WHERE {where}
        ORDER BY s.start_date, s.id, w.id
        {"LIMIT ?" if limit else ""}
    """
    rows = db.execute(sql, [*params, *([limit] if limit else [])]).fetchall()
    return Table(
        "参训人员清单",
        TRAINEE_HEADERS,
        [(r[0], shown_id(actor, r[1]), *r[2:11], STATUS.get(r[11], r[11])) for r in rows],
    )
