"""The figures of a progress report for one county and one period (a month or a quarter).

Definitions (also printed under every report, so that the counties count alike):
- 培训人数: registered (建档立卡) workers of the county, counted once each, with a completed
  enrolment in a session whose last day falls in the period; by campaign, and in total
  (a worker trained in two campaigns counts once in the total).
- 举办班次: sessions held in the county whose last day falls in the period. A session is held
  when it was marked 已结束, or when it was published (not cancelled) and either its last day
  has passed or someone in it has completed: a class whose people count as trained counts as
  held, without waiting for someone to click "标记为已结束".
- 本年累计: the same from 1 January of the period's year to the period's last day.
- 覆盖率: willing registered workers with a completed training by the period's last day,
  divided by the willing registered workers (ledger as it is today).
- 补贴: the subsidies whose event falls in the period (see portal/subsidies.py).

The result is plain JSON-able data: it is what a submitted report freezes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import sqlite_utils

from portal import catalogue, clock, subsidies
from portal.held import held_params, held_sql
from portal.scope import Actor

DEFINITIONS = [
    "培训人数：本县（市、区）建档立卡贫困劳动力中，所在培训班次结业日期在本期内且已结业的人数；"
    "同一人参加多个活动的，合计中只算一次。",
    "举办班次：在本县（市、区）举办、结业日期在本期内的培训班次数；已“标记为已结束”的，"
    "以及已发布（未取消）且结业日期已过或已有学员结业的班次，都计为已举办。",
    "本年累计：自当年1月1日至本期最后一天。",
    "覆盖率：有培训意愿的建档立卡贫困劳动力中，截至本期最后一天已结业的人数所占比例。",
    "补贴：补贴事项发生日期（班次结业、以工代训满月、学年开始、创业满6个月、就业满1年）在本期内的；"
    "未定标准的项目只统计课时、天数、月数，金额按所列文件规定标准执行。",
]

# One scan of the completed enrolments (of one county, or of the whole city) feeds the
# trained counts, the coverage and the training subsidy: tens of thousands of rows per county.
_COMPLETED = """
SELECT w.county_code, e.worker_id, w.wants_training, c.campaign_code, c.category,
       s.id, s.start_date, s.end_date, s.class_hours
FROM workers w
JOIN enrolments e ON e.worker_id = w.id AND e.status = 'completed'
JOIN sessions s ON s.id = e.session_id
JOIN courses c ON c.code = s.course_code
WHERE {where} AND w.registered = 1 AND s.end_date <= :end
"""

_SESSIONS = """
SELECT s.county_code, c.campaign_code AS campaign,
       SUM(s.end_date >= :start) AS sessions_period,
       COUNT(*) AS sessions_to_date
FROM sessions s JOIN courses c ON c.code = s.course_code
WHERE {where} AND s.end_date BETWEEN :year AND :end AND {held}
GROUP BY s.county_code, c.campaign_code
"""

_WILLING = """
SELECT county_code, COUNT(*) AS n FROM workers
WHERE {where} AND wants_training = 'yes' AND registered = 1
GROUP BY county_code
"""


def period_figures(
    db: sqlite_utils.Database,
    actor: Actor,
    county_code: str,
    start: dt.date,
    end: dt.date,
    *,
    label: str = "",
) -> dict:
    """All figures of one county's report for the period [start, end]."""
    return counties_figures(db, actor, [county_code], start, end, label=label)[county_code]


def counties_figures(
    db: sqlite_utils.Database,
    actor: Actor,
    county_codes: list[str],
    start: dt.date,
    end: dt.date,
    *,
    label: str = "",
) -> dict[str, dict]:
    """The figures of several counties at once (one pass over the data, not one per county)."""
    for code in county_codes:
        actor.check_county(code)
    year = dt.date(end.year, 1, 1)
    params = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "year": year.isoformat(),
        **held_params(),
    }
    if len(county_codes) == 1:
        params["county"] = county_codes[0]
        where = {"w": "w.county_code = :county", "s": "s.county_code = :county",
                 "": "county_code = :county"}  # fmt: skip
    else:
        where = {"w": "1 = 1", "s": "1 = 1", "": "1 = 1"}
    scans = _scan(db, _COMPLETED.format(where=where["w"]), params)
    sessions = defaultdict(dict)
    for r in db.query(_SESSIONS.format(where=where["s"], held=held_sql("s")), params):
        sessions[r["county_code"]][r["campaign"]] = r
    willing = {r["county_code"]: r["n"] for r in db.query(_WILLING.format(where=where[""]), params)}
    from portal.scope import SYSTEM  # scope was checked above

    lines = defaultdict(list)
    for line in subsidies.record_lines(
        db, SYSTEM, county_code=county_codes[0] if len(county_codes) == 1 else None, as_of=end
    ):
        lines[line.county_code].append(line)
    out = {}
    for code in county_codes:
        scan = scans.get(code) or _empty_scan()
        campaigns = []
        for c in catalogue.campaigns():
            s = sessions[code].get(c["code"], {})
            campaigns.append(
                {
                    "code": c["code"],
                    "name": c["name"],
                    "trained_period": len(scan["period"].get(c["code"], ())),
                    "trained_to_date": len(scan["year"].get(c["code"], ())),
                    "sessions_period": s.get("sessions_period") or 0,
                    "sessions_to_date": s.get("sessions_to_date", 0),
                }
            )
        n_willing = willing.get(code, 0)
        trained_willing = len(scan["trained_willing"])
        out[code] = {
            "county_code": code,
            "county": catalogue.county(code)["name"],
            "label": label,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "year_start": year.isoformat(),
            "campaigns": campaigns,
            "total": {
                "trained_period": len(set().union(*scan["period"].values())),
                "trained_to_date": len(set().union(*scan["year"].values())),
                "sessions_period": sum(c["sessions_period"] for c in campaigns),
                "sessions_to_date": sum(c["sessions_to_date"] for c in campaigns),
            },
            "coverage": {
                "willing": n_willing,
                "trained_willing": trained_willing,
                "rate": trained_willing / n_willing if n_willing else None,
            },
            "subsidies": _subsidies(lines[code], start, end, year, scan),
            "generated_at": clock.now(),
        }
    return out


def _empty_scan() -> dict:
    return {
        "period": defaultdict(set),
        "year": defaultdict(set),
        "trained_willing": set(),
        "session_period": Counter(),
        "session_year": Counter(),
        "info": {},
    }


def _scan(db, sql: str, params: dict) -> dict[str, dict]:
    """Per county: trained workers per campaign (period, year to date), willing workers
    trained by the end, and per-session completer counts for the training subsidy."""
    scans: dict[str, dict] = {}
    for county, worker, wants, campaign, category, sid, first, last, hours in db.execute(
        sql, params
    ):
        scan = scans.get(county)
        if scan is None:
            scan = scans[county] = _empty_scan()
        if wants == "yes":
            scan["trained_willing"].add(worker)
        if last < params["year"]:
            continue
        scan["year"][campaign].add(worker)
        scan["session_year"][sid] += 1
        scan["info"][sid] = (category, hours, first, last)
        if last >= params["start"]:
            scan["period"][campaign].add(worker)
            scan["session_period"][sid] += 1
    return scans


def _subsidies(lines, start: dt.date, end: dt.date, year: dt.date, scan) -> list[dict]:
    period = subsidies.period_totals(lines, start, end)
    to_date = subsidies.period_totals(lines, year, end)
    info = scan["info"]
    period["training"] = subsidies.training_total(
        (*info[sid], n) for sid, n in scan["session_period"].items()
    )
    to_date["training"] = subsidies.training_total(
        (*info[sid], n) for sid, n in scan["session_year"].items()
    )
    out = []
    for kind, label in subsidies.KINDS.items():
        p, t = period[kind], to_date[kind]
        out.append(
            {
                "kind": kind,
                "label": label,
                "period": _compact(p),
                "to_date": _compact(t),
                "documents": sorted(set(p["documents"]) | set(t["documents"])),
            }
        )
    return out


def _compact(total: dict) -> dict:
    by_unit = total.get("by_unit") or {}
    return {
        "persons": total["persons"],
        "quantity": "、".join(f"{_num(by_unit[u])}{u}" for u in sorted(by_unit, key=_unit_order))
        or "0",
        "amount": total["amount"],
        "unpriced": total["unpriced"],
        "text": subsidies.describe_total(total),
    }


UNITS = ("课时", "天", "月", "年", "户", "人")


def _unit_order(unit: str) -> int:
    return UNITS.index(unit) if unit in UNITS else len(UNITS)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def coverage_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def city_sum(figures: list[dict]) -> dict:
    """Add the counties' figures up (counts only; amounts where priced)."""
    campaigns = {}
    for f in figures:
        for c in f["campaigns"]:
            acc = campaigns.setdefault(
                c["code"],
                {
                    "code": c["code"],
                    "name": c["name"],
                    "trained_period": 0,
                    "trained_to_date": 0,
                    "sessions_period": 0,
                    "sessions_to_date": 0,
                },
            )
            for key in ("trained_period", "trained_to_date", "sessions_period", "sessions_to_date"):
                acc[key] += c[key]
    total = {
        key: sum(f["total"][key] for f in figures)
        for key in ("trained_period", "trained_to_date", "sessions_period", "sessions_to_date")
    }
    willing = sum(f["coverage"]["willing"] for f in figures)
    trained = sum(f["coverage"]["trained_willing"] for f in figures)
    subs = []
    for i, (kind, label) in enumerate(subsidies.KINDS.items()):
        entry = {"kind": kind, "label": label, "documents": []}
        for part in ("period", "to_date"):
            items = [f["subsidies"][i][part] for f in figures]
            amount = sum(x["amount"] for x in items)
            unpriced = sum(x["unpriced"] for x in items)
            text = f"{amount}元" if amount else ""
            if unpriced:
                text = (text + "；" if text else "") + "部分项目按文件规定标准执行（见各县）"
            entry[part] = {
                "persons": sum(x["persons"] for x in items),
                "quantity": "—",
                "amount": amount,
                "unpriced": unpriced,
                "text": text or "0元",
            }
        subs.append(entry)
    return {
        "county_code": catalogue.plan()["city"]["code"],
        "county": "全市合计",
        "campaigns": list(campaigns.values()),
        "total": total,
        "coverage": {
            "willing": willing,
            "trained_willing": trained,
            "rate": trained / willing if willing else None,
        },
        "subsidies": subs,
    }
