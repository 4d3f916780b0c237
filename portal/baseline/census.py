"""The baseline figures of one area (city, county, township or village), as the actor may see.

Why kept counts for the city and its counties: counting 200,000 workers grouped by township
and the two free-text answers took SQLite's sort 0.45–0.9 s. The triggers of migration 095
keep those counts per township for the plan's census end date (``kept.py``), in the
writer's own transaction, so the default view sums a few thousand rows.

Any other day is counted from the ledger in one GROUP BY pass grouped by the child area and
the two free-text answers (就业状态, 文化程度), with every yes/no and age-band count summed
in the same pass. Age bands are compared on the birth date (ISO text, checked against the ID
number at import): someone has reached 16 at the chosen date when born on or before the day
16 years earlier. The wordings are grouped in Python, once per distinct wording.

Those counts for another day are kept per county and database in this process, grouped by
township, stamped with what changes them: the county's version in ``progress_versions``
(bumped by the triggers of migration 080 on every update or delete of a worker, in the
writer's own transaction) and the highest worker id (a new worker gets the next id: no
writer sets ids, and a deletion bumps its county), so the bulk import needs no trigger for
them. After an edit in one county only that county is counted again; one pass over the city
fills every county at once. Townships and villages are always counted directly (a few
thousand rows at most).

Only counts leave this module; the personal list of 两后生 is ``pupils``.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import sqlite3
import threading
from collections import defaultdict

import sqlite_utils

from portal import areas, catalogue
from portal import db as database
from portal.baseline import groups, kept
from portal.errors import ScopeError, UserError
from portal.ledger.scope import require_staff
from portal.scope import SYSTEM, Actor

log = logging.getLogger(__name__)

CHILD = {"city": "county", "county": "township", "township": "village", "village": "village"}
COLUMN = {"county": "county_code", "township": "township_code", "village": "village_code"}
TOP_TRADES = 5

MAIN_SQL = """
SELECT w.{child} AS child, w.work_status, w.education, COUNT(*) AS n,
       SUM(w.gender = '女') AS women,
       {reached},
       SUM(w.wants_training = 'yes') AS train_yes, SUM(w.wants_training = 'no') AS train_no,
       SUM(w.wants_job = 'yes') AS job_yes, SUM(w.wants_job = 'no') AS job_no,
       SUM(w.liang_hou_sheng) AS lhs,
       SUM(w.wants_school = 'yes') AS school_yes,
       SUM(w.liang_hou_sheng AND w.wants_school = 'yes') AS lhs_school_yes
FROM workers w {hint}
WHERE w.registered = 1 {where}
GROUP BY w.{child}, w.work_status, w.education
"""
REACHED = ", ".join(f"SUM(w.birth_date <= ?) AS r{i}" for i in range(len(groups.THRESHOLD_AGES)))

# Untrained as in the 培训需求清单: no completed enrolment (``trained`` is kept by triggers).
TRADES_SQL = """
SELECT w.township_code, w.wanted_trade, COUNT(*) AS wanted, SUM(w.trained = 0) AS untrained
FROM workers w {hint}
WHERE w.registered = 1 AND w.wants_training = 'yes' {where}
GROUP BY w.township_code, w.wanted_trade
"""

# Driven from school_students (a few rows per county), never a scan of the ledger.
SCHOOL_SQL = """
SELECT COUNT(*) AS in_school, COALESCE(SUM(w.liang_hou_sheng), 0) AS lhs_in_school
FROM workers w
WHERE w.id IN (SELECT s.worker_id FROM school_students s
               WHERE s.enrol_date <= ? AND (s.leave_date IS NULL OR s.leave_date > ?))
  AND w.registered = 1 {where}
"""

# 两后生 with the wish who are at a technical school on the day, per child area: driven from
# school_students like SCHOOL_SQL and, like it, never cached (a school record changes it).
SCHOOL_WISH_SQL = """
SELECT w.{child} AS child, COUNT(*) AS placed
FROM workers w
WHERE w.id IN (SELECT s.worker_id FROM school_students s
               WHERE s.enrol_date <= ? AND (s.leave_date IS NULL OR s.leave_date > ?))
  AND w.registered = 1 AND w.liang_hou_sheng = 1 AND w.wants_school = 'yes' {where}
GROUP BY w.{child}
"""

_lock = threading.Lock()
# (database file, county, date) -> (stamp, figures by township, trade counts by township)
_cache: dict[tuple[str, str, str], tuple[tuple, dict, dict]] = {}


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
    if area["level"] == "city":
        return "", []
    return areas.place_filter("w", area["level"], area["code"])


def _by_county(db, counties: list[str], day: dt.date) -> dict[str, tuple[dict, dict]]:
    """Each county's figures by township and its trade counts, from the cache where the stamp
    still holds; one read transaction, so the stamp and the rows are the same snapshot."""
    own = not db.conn.in_transaction
    if own:
        db.conn.execute("BEGIN")
    try:
        stamp = _stamp(db)
        where_db = db.execute("PRAGMA database_list").fetchone()[2] or f"memory:{id(db.conn)}"
        found: dict[str, tuple[list, list]] = {}
        with _lock:
            for county in counties:
                hit = _cache.get((where_db, county, day.isoformat()))
                if hit and hit[0] == stamp(county):
                    found[county] = (hit[1], hit[2])
        missing = [c for c in counties if c not in found]
        if len(missing) > 1:  # one pass over the city fills every county at once
            counted = _count(db, None, day)
        else:
            counted = {c: _count(db, c, day).get(c, ([], [])) for c in missing}
        fresh = {
            c: (
                _fold(_banded(counted.get(c, ([], []))[0])),
                _trade_counts(counted.get(c, ([], []))[1]),
            )
            for c in set(missing) | set(counted)
        }
        if own:  # inside a caller's transaction the rows may yet be rolled back: not kept
            with _lock:
                for county, rows in fresh.items():
                    _cache[(where_db, county, day.isoformat())] = (stamp(county), *rows)
        for county in missing:
            found[county] = fresh[county]
    finally:
        if own:
            db.conn.execute("COMMIT")
    return {c: found[c] for c in counties}


def _stamp(db):
    """What a county's cached figures depend on, as a function of the county."""
    versions = dict(
        db.execute(
            "SELECT scope, version FROM progress_versions WHERE scope = 'epoch' "
            "OR scope LIKE 'ledger:%'"
        ).fetchall()
    )
    top = db.execute("SELECT MAX(id) FROM workers").fetchone()[0]
    return lambda county: (versions.get("epoch"), top, versions.get(f"ledger:{county}", 0))


def _count(db, county: str | None, day: dt.date) -> dict[str, tuple[list, list]]:
    """The two GROUP BY passes for one county (its index) or the city (a plain scan, which
    beats walking an index and fetching every row), split by county."""
    if county is None:  # not the township index: it would fetch every row out of order
        hint, where, params = "NOT INDEXED", "", []
    else:
        hint, where, params = "", " AND w.county_code = ?", [county]
    sql = MAIN_SQL.format(child="township_code", reached=REACHED, hint=hint, where=where)
    out: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for row in db.execute(sql, [*groups.thresholds(day), *params]):
        out[row[0][:6]][0].append(tuple(row))
    sql = TRADES_SQL.format(hint=hint, where=where)
    for row in db.execute(sql, params):
        out[row[0][:6]][1].append(tuple(row))
    return dict(out)


def forget() -> None:
    """Drop every cached figure (the benchmark times the counting itself with this)."""
    with _lock:
        _cache.clear()


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
        "school_yes": 0,
        "lhs_school_yes": 0,
        "lhs_school_gap": 0,  # set by _school_gap, never summed from the cache
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
    if area["level"] in ("city", "county") and _kept(db, day):
        rows = kept.main_rows(db, area["code"])
        if area["level"] == "city":  # the city's children are its counties
            rows = [(township[:6], *rest) for township, *rest in rows]
        part = _fold(rows)
        per_town = _trade_counts(kept.trade_rows(db, area["code"]))
    elif area["level"] in ("city", "county"):
        counties = [area["code"]] if area["code"] else [c["code"] for c in catalogue.counties()]
        parts = _by_county(db, counties, day)
        # a copy: the figures handed out must never be the cached ones
        part = copy.deepcopy(
            _merge([p for p, _t in parts.values()], by_county=area["level"] == "city")
        )
        per_town = {t: v for _p, towns in parts.values() for t, v in towns.items()}
    else:
        sql = MAIN_SQL.format(child=COLUMN[child_level], reached=REACHED, hint="", where=where)
        part = _fold(_banded(db.execute(sql, [*groups.thresholds(day), *params])))
        trade_sql = TRADES_SQL.format(hint="", where=where)
        per_town = _trade_counts(db.execute(trade_sql, params).fetchall())
    school = next(
        iter(db.query(SCHOOL_SQL.format(where=where), [day.isoformat(), day.isoformat(), *params]))
    )
    _school_gap(db, area, child_level, part, where, params, day)
    unregistered = db.execute(
        f"SELECT COUNT(*) FROM workers w WHERE w.registered = 0 {where}", params
    ).fetchone()[0]
    return {
        "area": area,
        "at": day.isoformat(),
        "child_level": child_level if area["level"] != "village" else None,
        "total": part["total"],
        "children": _children(db, area, child_level, part["children"]),
        "status": list(part["status"].items()),
        "status_age": part["status_age"],
        "education": list(part["education"].items()),
        "age_bands": [label for label, _lo, _hi in groups.AGE_BANDS],
        "other_wordings": sorted(
            ((k[0], k[1], n) for k, n in part["wordings"].items()),
            key=lambda x: (x[0], -x[2], x[1]),
        ),
        "in_school": school["in_school"],
        "lhs_in_school": school["lhs_in_school"],
        "unregistered": unregistered,
        "trades": trades(db, area, per_town),
    }


def _banded(main_rows):
    """The main pass's rows with the people per age band in place of the threshold counts,
    the shape the kept counts come in."""
    reached = len(groups.THRESHOLD_AGES)
    for child, work_status, edu, n, women, *rest in main_rows:
        bands = groups.bands_from_cumulative(n, list(rest[:reached]))
        yield (child, work_status, edu, n, bands, women, *rest[reached:])


def _kept(db, day: dt.date) -> bool:
    """Whether the counts kept by migration 095's triggers are for ``day``; they are
    counted afresh when the plan's census date changed (never inside a caller's
    transaction, which may yet be rolled back)."""
    if kept.is_current(db, day):
        return True
    if day != default_date() or db.conn.in_transaction:
        return False
    try:
        kept.sync(db, day)
    except sqlite3.Error as exc:  # e.g. a read-only copy: count from the ledger instead
        log.warning("baseline counts not kept: %s", type(exc).__name__)
        return False
    return True


def _fold(main_rows) -> dict:
    """The main pass's rows (child, wording, wording, people, people per band, sums...) as
    figures per child area."""
    total = _empty()
    children: dict[str, dict] = defaultdict(_empty)
    status = dict.fromkeys(groups.STATUS_GROUPS, 0)
    status_age = {g: [0] * len(groups.AGE_BANDS) for g in groups.STATUS_GROUPS}
    education = dict.fromkeys(groups.EDUCATION_GROUPS, 0)
    wordings: dict[tuple[str, str], int] = defaultdict(int)
    for row in main_rows:
        (child, work_status, edu, n, bands, women, train_yes, train_no, job_yes, job_no, lhs,
         school_yes, lhs_school_yes) = row  # fmt: skip
        s = groups.status_group(work_status)
        e = groups.education_group(edu)
        status[s] += n
        education[e] += n
        for i, b in enumerate(bands):
            status_age[s][i] += b
        if s == groups.OTHER_STATUS:
            wordings[("就业状态", work_status)] += n
        if e == groups.OTHER_EDUCATION:
            wordings[("文化程度", edu)] += n
        for target in (total, children[child]):
            _add(target, {"workers": n, "women": women, "unemployed": n if s == "未就业" else 0,
                          "age": bands, "train_yes": train_yes, "train_no": train_no,
                          "job_yes": job_yes, "job_no": job_no, "liang_hou_sheng": lhs,
                          "school_yes": school_yes, "lhs_school_yes": lhs_school_yes})  # fmt: skip
    return {
        "total": total,
        "children": dict(children),
        "status": status,
        "status_age": status_age,
        "education": education,
        "wordings": dict(wordings),
    }


def _school_gap(db, area, child_level, part, where, params, day) -> None:
    """Set ``lhs_school_gap`` on the total and every child: 两后生 with the wish to attend a
    technical school who are not at one on the day, the people the 技能脱贫百校行动 has yet
    to place. Counted apart from the cached figures, since a school record moves it."""
    sql = SCHOOL_WISH_SQL.format(child=COLUMN[child_level], where=where)
    placed = dict(db.execute(sql, [day.isoformat(), day.isoformat(), *params]).fetchall())
    for code, counts in part["children"].items():
        counts["lhs_school_gap"] = counts["lhs_school_yes"] - placed.get(code, 0)
    total = part["total"]
    total["lhs_school_gap"] = total["lhs_school_yes"] - sum(placed.values())


def _add(target: dict, counts: dict) -> None:
    for key, value in counts.items():
        if key == "age":
            target["age"] = [a + b for a, b in zip(target["age"], value, strict=True)]
        else:
            target[key] += value


def _merge(parts: list[dict], *, by_county: bool) -> dict:
    """Several counties' figures as one: children are the counties themselves for the city."""
    if len(parts) == 1 and not by_county:
        return parts[0]
    out = _fold([])
    for part in parts:
        _add(out["total"], part["total"])
        for code, counts in part["children"].items():
            _add(out["children"].setdefault(code[:6] if by_county else code, _empty()), counts)
        for key in ("status", "education"):
            for group, n in part[key].items():
                out[key][group] += n
        for group, ages in part["status_age"].items():
            out["status_age"][group] = [
                a + b for a, b in zip(out["status_age"][group], ages, strict=True)
            ]
        for wording, n in part["wordings"].items():
            out["wordings"][wording] = out["wordings"].get(wording, 0) + n
    return out


def _trade_counts(trade_rows) -> dict[str, dict[str, list[int]]]:
    """Per township and trade: [wanted, untrained]; a worker who asked for two trades counts
    under each."""
    per_town: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for township, text, wanted, untrained in trade_rows:
        for name in groups.trades(text) or ["未填"]:
            pair = per_town[township][name]
            pair[0] += wanted
            pair[1] += untrained
    return {t: dict(v) for t, v in per_town.items()}


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


def trades(db, area: dict, per_town: dict[str, dict[str, list[int]]]) -> list[dict]:
    """The most wanted trades per township: wanted (all willing) and untrained (what the
    培训需求清单 lists)."""
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


def count_in_background(path=None, at: dt.date | None = None) -> threading.Thread:
    """Count the city once, in a thread of its own, on its own connection, at the page's
    default date.

    Why: when the plan's census date has changed since the counts were kept (or a database
    was copied in without them), the first 摸清底数 view would recount the whole ledger while
    the user waits; this does it at portal start. Errors are only logged: the page counts
    for itself if this did not finish.
    """

    def run() -> None:
        try:
            db = database.connect(path)
            try:
                census(db, SYSTEM, None, at or default_date())
            finally:
                db.conn.close()
        except Exception as exc:  # noqa: BLE001 - a warm-up must never stop the portal
            log.warning("baseline warm-up failed: %s", type(exc).__name__)

    thread = threading.Thread(target=run, name="baseline-warm-up", daemon=True)
    thread.start()
    return thread
