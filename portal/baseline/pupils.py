"""两后生名单 for the 技能脱贫百校行动: who they are and whether they are at a technical school.

Personal rows, so the access rule is strict: county staff see their county with full ID
numbers (they keep the ledger), city staff every county with masked numbers, and an
institution only when it is a technical school (institutions.kind, migration 080), only for
its own county, with masked numbers and no phone. Any other institution is refused.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from portal import catalogue, idnumber
from portal.baseline import groups
from portal.baseline.census import parse_date, place_where, scope_area
from portal.db import one
from portal.errors import ScopeError
from portal.ledger.table import Table
from portal.scope import Actor

WISH = {"yes": "是", "no": "否", "unknown": "未登记"}
WISHING = "AND w.wants_school = 'yes'"
REFUSED = "无权查看：两后生名单仅供县、市工作人员和本县技工院校使用。"

PUPILS_SQL = """
SELECT c.name, t.name, v.name, w.name, w.gender, w.birth_date, w.id_number, w.phone,
       w.education, w.work_status, w.wants_school,
       (SELECT group_concat(s.school, '、') FROM school_students s
        WHERE s.worker_id = w.id AND s.enrol_date <= ?
          AND (s.leave_date IS NULL OR s.leave_date > ?)) AS school
FROM workers w
JOIN areas c ON c.code = w.county_code
JOIN areas t ON t.code = w.township_code
JOIN areas v ON v.code = w.village_code
WHERE w.registered = 1 AND w.liang_hou_sheng = 1 {wish} {where}
ORDER BY w.county_code, w.township_code, w.village_code, w.household_no, w.id
"""


def technical_school_county(db: sqlite_utils.Database, actor: Actor) -> str | None:
    """The county of the actor's institution when it is a technical school, else None."""
    if actor.role != "institution" or actor.institution_id is None:
        return None
    row = one(
        db,
        "SELECT county_code FROM institutions WHERE id = ? AND kind = 'technical_school'",
        [actor.institution_id],
    )
    return row["county_code"] if row else None


def may_see(db: sqlite_utils.Database, actor: Actor) -> bool:
    return actor.is_staff or technical_school_county(db, actor) is not None


def _area(db, actor: Actor, area_code: str | None) -> tuple[dict, bool]:
    """(area, full ID numbers shown) for the actor, refusing what it may not see."""
    if actor.is_staff:
        return scope_area(db, actor, area_code), actor.sees_full_id
    county = technical_school_county(db, actor)
    if county is None:
        raise ScopeError(REFUSED)
    code = area_code or county
    if code[:6] != county:
        raise ScopeError("无权查看：技工院校只能查看本县（市、区）的两后生名单。")
    school_view = Actor(actor.username, "county", county_code=county)
    return scope_area(db, school_view, code), False


def pupil_list(
    db: sqlite_utils.Database,
    actor: Actor,
    area_code: str | None = None,
    at: str | dt.date | None = None,
    *,
    wishing: bool = False,
) -> Table:
    """The 两后生 of the area with their age at ``at``, whether they wish to attend a technical
    school and the one they are at, if any; ``wishing``: only those with the wish, the people
    the 技能脱贫百校行动 is to help."""
    area, full_ids = _area(db, actor, area_code)
    day = parse_date(at)
    where, params = place_where(area)
    staff = actor.is_staff
    headers = [
        "县（市、区）",
        "乡镇",
        "村",
        "姓名",
        "性别",
        "出生日期",
        f"年龄（{day}）",
        "身份证号",
    ]
    headers += ["联系电话"] if staff else []
    headers += ["文化程度", "就业状态", "就读技工院校意愿", "技工院校在读"]
    rows = []
    iso = day.isoformat()
    sql = PUPILS_SQL.format(wish=WISHING if wishing else "", where=where)
    for c, t, v, name, gender, birth, number, phone, edu, status, wish, school in db.execute(
        sql, [iso, iso, *params]
    ):
        row = [c, t, v, name, gender, birth, _age(birth, day)]
        row.append(number if full_ids else idnumber.mask(number))
        if staff:
            row.append(phone or "")
        row += [edu or groups.UNKNOWN, status or groups.UNKNOWN, WISH.get(wish, wish)]
        row.append(school or "未入学")
        rows.append(tuple(row))
    where_name = area["name"] if area["level"] != "city" else catalogue.plan()["city"]["name"]
    which = "有就读技工院校意愿的两后生" if wishing else "两后生"
    return Table(f"{where_name}{which}名单（技能脱贫百校行动）", tuple(headers), rows)


def _age(birth: str, day: dt.date) -> int | str:
    try:
        born = dt.date.fromisoformat(birth)
    except (TypeError, ValueError):
        return "出生日期有误"
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
