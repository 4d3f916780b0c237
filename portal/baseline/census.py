"""The baseline figures of one area (city, county, township or village), as the actor may see.

Why one GROUP BY pass: at city scale (200,000 workers) every extra scan of the ledger costs
tens of milliseconds, so the main figures come from one pass grouped by the child area and
the two free-text answers (就业状态, 文化程度), with every yes/no and age-band count summed
in the same pass. Age bands are compared on the birth date (ISO text, checked against the ID
number at import): someone has reached 16 at the chosen date when born on or before the day
16 years earlier. The wordings are grouped in Python, once per distinct wording.

Only counts leave this module; the personal list of 两后生 is ``pupils``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlite_utils

from portal import areas, catalogue
from portal.baseline import groups
from portal.errors import ScopeError, UserError
from portal.ledger.scope import require_staff
from portal.scope import Actor

CHILD = {"city": "county", "county": "township", "township": "village", "village": "village"}
COLUMN = {"county": "county_code", "township": "township_code", "village": "village_code"}
TOP_TRADES = 5

MAIN_SQL = """
SELECT w.{child} AS child, w.work_status, w.education, COUNT(*) AS n,
       SUM(w.gender = '女') AS women,
       {reached},
       SUM(w.wants_training = 'yes') AS train_yes, SUM(w.wants_training = 'no') AS train_no,
       SUM(w.wants_job = 'yes') AS job_yes, SUM(w.wants_job = 'no') AS job_no,
       SUM(w.liang_hou_sheng) AS lhs
FROM workers w
WHERE {registered} {where}
GROUP BY w.{child}, w.work_status, w.education
"""
REACHED = ", ".join(f"SUM(w.birth_date <= ?) AS r{i}" for i in range(len(groups.THRESHOLD_AGES)))

# Untrained as in the 培训需求清单: no completed enrolment (``trained`` is kept by triggers).
TRADES_SQL = """
SELECT w.township_code, w.wanted_trade, COUNT(*) AS wanted, SUM(w.trained = 0) AS untrained
FROM workers w
WHERE {registered} AND w.wants_training = 'yes' {where}
GROUP BY w.township_code, w.wanted_trade
"""

SCHOOL_SQL = """
SELECT COUNT(*) AS in_school, COALESCE(SUM(w.liang_hou_sheng), 0) AS lhs_in_school
FROM workers w
WHERE w.registered = 1 {where}
  AND EXISTS (SELECT 1 FROM school_students s WHERE s.worker_id = w.id
              AND s.enrol_date <= ? AND (s.leave_date IS NULL OR s.leave_date > ?))
"""


def default_date() -> dt.date:
    """The census end date of the plan (content/data/plan.yml)."""
    return catalogue.census_period()[1]


def parse_date(value: str | dt.date | None) -> dt.date:
    if value is None or value == "":
        return default_date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(f"日期“{value}”写法不对，请写成 2019-03-31 这样的年-月-日。") from None


def scope_area(db: sqlite_utils.Database, actor: Actor, code: str | None) -> dict:
    """The area asked for, checked against the actor: county staff stay in their county."""
    require_staff(actor)
    if code is None and actor.role == "county":
        code = actor.county_code
    if code is None:
        return {"code": None, "level": "city", "name": catalogue.plan()["city"]["name"]}
    area = areas.get(db, code)
    if not area or area["level"] == "city":
        if area:
            return {"code": None, "level": "city", "name": area["name"]}
        raise UserError("找不到这个地区，请重新选择。")
    if actor.role == "county" and code[:6] != actor.county_code:
        raise ScopeError("无权查看：县级账户只能查看本县（市、区）的底数。")
    return {**area, "name": areas.full_name(db, code)}


def place_where(area: dict) -> tuple[str, list]:
    """Equality on every ancestor column: whichever place index exists can serve it."""
    code, level = area["code"], area["level"]
    if level == "city":
        return "", []
    parts = [("county_code", code[:6])]
    if level in ("township", "village"):
        parts.append(("township_code", code[:9]))
    if level == "village":
        parts.append(("village_code", code))
    return "".join(f" AND w.{c} = ?" for c, _ in parts), [v for _, v in parts]


def _registered(area: dict) -> str:
    """For the whole city a plain scan beats walking an index and fetching every row."""
    return "+w.registered = 1" if area["level"] == "city" else "w.registered = 1"


def _empty() -> dict:
    return {
        "workers": 0,
        "women": 0,
        "unemployed": 0,
        "age": [0] * len(groups.AGE_BANDS),
        "train_yes": 0,
        "train_no": 0,
        "job_yes": 0,
        "job_no": 0,
        "liang_hou_sheng": 0,
    }


def census(
    db: sqlite_utils.Database,
    actor: Actor,
    area_code: str | None = None,
    at: str | dt.date | None = None,
) -> dict:
    """Every baseline figure of one area, with one row per child area (county, township,
    village) and the most wanted trades per township. Counts only."""
    area = scope_area(db, actor, area_code)
    day = parse_date(at)
    child_level = CHILD[area["level"]]
    where, params = place_where(area)
    registered = _registered(area)
    sql = MAIN_SQL.format(
        child=COLUMN[child_level], reached=REACHED, registered=registered, where=where
    )
    total = _empty()
    children: dict[str, dict] = defaultdict(_empty)
    status = dict.fromkeys(groups.STATUS_GROUPS, 0)
    status_age = {g: [0] * len(groups.AGE_BANDS) for g in groups.STATUS_GROUPS}
    education = dict.fromkeys(groups.EDUCATION_GROUPS, 0)
    wordings: dict[tuple[str, str], int] = defaultdict(int)
    for row in db.execute(sql, [*groups.thresholds(day), *params]):
        child, work_status, edu, n, women, *rest = row
        reached = list(rest[: len(groups.THRESHOLD_AGES)])
        train_yes, train_no, job_yes, job_no, lhs = rest[len(groups.THRESHOLD_AGES) :]
        s = groups.status_group(work_status)
        e = groups.education_group(edu)
        bands = groups.bands_from_cumulative(n, reached)
        status[s] += n
        education[e] += n
        for i, b in enumerate(bands):
            status_age[s][i] += b
        if s == groups.OTHER_STATUS:
            wordings[("就业状态", work_status)] += n
        if e == groups.OTHER_EDUCATION:
            wordings[("文化程度", edu)] += n
        for target in (total, children[child]):
            target["workers"] += n
            target["women"] += women
            target["unemployed"] += n if s == "未就业" else 0
            target["age"] = [a + b for a, b in zip(target["age"], bands, strict=True)]
            target["train_yes"] += train_yes
            target["train_no"] += train_no
            target["job_yes"] += job_yes
            target["job_no"] += job_no
            target["liang_hou_sheng"] += lhs
    school = next(
        iter(db.query(SCHOOL_SQL.format(where=where), [*params, day.isoformat(), day.isoformat()]))
    )
    unregistered = db.execute(
        f"SELECT COUNT(*) FROM workers w WHERE w.registered = 0 {where}", params
    ).fetchone()[0]
    return {
        "area": area,
        "at": day.isoformat(),
        "child_level": child_level if area["level"] != "village" else None,
        "total": total,
        "children": _children(db, area, child_level, children),
        "status": list(status.items()),
        "status_age": status_age,
        "education": list(education.items()),
        "age_bands": [label for label, _lo, _hi in groups.AGE_BANDS],
        "other_wordings": sorted(
            ((k[0], k[1], n) for k, n in wordings.items()), key=lambda x: (x[0], -x[2], x[1])
        ),
        "in_school": school["in_school"],
        "lhs_in_school": school["lhs_in_school"],
        "unregistered": unregistered,
        "trades": trades(db, area, registered, where, params),
    }


def _children(db, area: dict, child_level: str, counted: dict[str, dict]) -> list[dict]:
    """Every child area in code order, with zeros where nobody is registered yet; a worker
    whose place is missing from the area tree still appears under its code."""
    if area["level"] == "village":
        return [{"code": area["code"], "name": area["name"], **counted.get(area["code"], _empty())}]
    if area["level"] == "city":
        known = [{"code": c["code"], "name": c["name"]} for c in catalogue.counties()]
    else:
        known = [{"code": c["code"], "name": c["name"]} for c in areas.children(db, area["code"])]
    rows = [{**k, **counted.get(k["code"], _empty())} for k in known]
    seen = {k["code"] for k in known}
    for code in sorted(set(counted) - seen):
        rows.append({"code": code, "name": f"（未知地区 {code}）", **counted[code]})
    return rows


def trades(db, area: dict, registered: str, where: str, params: list) -> list[dict]:
    """The most wanted trades per township: wanted (all willing) and untrained (what the
    培训需求清单 lists). A worker who asked for two trades counts under each."""
    per_town: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    sql = TRADES_SQL.format(registered=registered, where=where)
    for township, text, wanted, untrained in db.execute(sql, params):
        names = groups.trades(text) or ["未填"]
        for name in names:
            pair = per_town[township][name]
            pair[0] += wanted
            pair[1] += untrained
    names = {
        r["code"]: r["name"]
        for r in db.query(
            "SELECT code, name FROM areas WHERE level = 'township'"
            + (" AND parent_code = ?" if area["level"] != "city" else ""),
            [area["code"][:6]] if area["level"] != "city" else [],
        )
    }
    county_names = {c["code"]: c["name"] for c in catalogue.counties()}
    out = []
    for township in sorted(per_town):
        ranked = sorted(per_town[township].items(), key=lambda kv: (-kv[1][0], kv[0]))
        for rank, (trade, (wanted, untrained)) in enumerate(ranked[:TOP_TRADES], start=1):
            out.append(
                {
                    "county_code": township[:6],
                    "county": county_names.get(township[:6], township[:6]),
                    "township_code": township,
                    "township": names.get(township, f"（未知地区 {township}）"),
                    "rank": rank,
                    "trade": trade,
                    "wanted": wanted,
                    "untrained": untrained,
                }
            )
    return out
