"""培训时间表: published sessions by county, then township, one page per township.

Only what a trainee needs to turn up: course, place, dates, times, institution, the session's
contact phone and places left. Never a trainer's or worker's name; enrolments only as a count.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from portal import catalogue
from portal.errors import UserError
from portal.sitebuild import render

PUBLISHED = """
SELECT s.id, s.course_code, c.name AS course, c.campaign_code, cp.name AS campaign,
       s.county_code, s.township_code, t.name AS township, v.name AS village,
       s.address, s.mode, s.day_part, s.start_date, s.end_date, s.daily_start, s.daily_end,
       s.class_hours, s.capacity, s.contact_phone, i.name AS institution,
       (SELECT COUNT(*) FROM enrolments e
         WHERE e.session_id = s.id AND e.status IN ('enrolled', 'completed')) AS taken
FROM sessions s
JOIN courses c ON c.code = s.course_code
JOIN campaigns cp ON cp.code = c.campaign_code
JOIN institutions i ON i.id = s.institution_id
JOIN areas t ON t.code = s.township_code
LEFT JOIN areas v ON v.code = s.village_code
WHERE s.status = 'published' AND s.end_date >= ?
ORDER BY s.county_code, s.township_code, s.start_date, s.daily_start, s.id
"""


def township_page(county_code: str, township_code: str) -> str:
    """Where a township's timetable lives in the site (the printed packs' QR codes point here)."""
    return f"shijianbiao/{county_code}/{township_code}.md"


def published_sessions(db, today) -> list[dict]:
    """Published sessions not yet over on ``today`` (the build date): an ended class is no
    use to someone looking for one to join; what was held shows on the progress page."""
    rows = []
    for r in db.query(PUBLISHED, [today.isoformat()]):
        r["places_left"] = max(r["capacity"] - r["taken"], 0)
        rows.append(r)
    return rows


def townships_by_county(db) -> dict[str, list[tuple[str, str]]]:
    """Every township in the area tree: each gets a page, so a printed QR code never 404s."""
    result: dict[str, list[tuple[str, str]]] = {}
    for row in db.query(
        "SELECT code, name, parent_code FROM areas WHERE level = 'township' ORDER BY code"
    ):
        result.setdefault(row["parent_code"], []).append((row["code"], row["name"]))
    return result


def write(
    docs: Path, env, context: dict, sessions: list[dict], townships: dict | None = None
) -> dict:
    """Write the timetable section; returns the nav tree {county code: [page, ...]} and index."""
    today = context["today"]
    townships = townships or {}
    by_county = {
        code: list(group) for code, group in itertools.groupby(sessions, lambda s: s["county_code"])
    }
    county_rows = []
    nav = {"index": "shijianbiao/index.md", "counties": []}
    for county in catalogue.counties():
        mine = by_county.get(county["code"], [])
        listed = []
        township_pages = []
        grouped = {
            code: list(group)
            for code, group in itertools.groupby(mine, lambda s: s["township_code"])
        }
        names = dict(townships.get(county["code"], []))
        names.update({code: group[0]["township"] for code, group in grouped.items()})
        for tcode in sorted(names):
            if not re.fullmatch(r"\d{6,15}", str(tcode)):
                raise UserError(
                    f"乡镇代码“{render.clean(tcode)}”不是数字代码，不能生成时间表页面。"
                )
            group = sorted(
                grouped.get(tcode, []), key=lambda s: (s["start_date"], s["daily_start"], s["id"])
            )
            name = names[tcode]
            listed.append({"code": tcode, "name": name, "n": len(group)})
            body = render.render(
                env,
                "township.md",
                county=county,
                township=name,
                sessions=group,
                root="../../",
                **context,
            )
            meta = {
                "title": f"{county['name']}{render.meta_text(name)}培训时间表",
                "description": render.meta_text(
                    f"{county['name']}{name}已公布的技能培训班：日期、地点、培训机构、报名电话和剩余名额。"
                ),
                "updated": today,
            }
            township_pages.append(
                render.write_page(docs, township_page(county["code"], tcode), meta, body)
            )
        body = render.render(
            env, "county.md", county=county, townships=listed, total=len(mine), **context
        )
        meta = {
            "title": f"{county['name']}培训时间表",
            "description": f"{county['name']}各乡镇已公布的技能培训班，按乡镇查找，附报名电话。",
            "updated": today,
        }
        index = render.write_page(docs, f"shijianbiao/{county['code']}/index.md", meta, body)
        nav["counties"].append((county["name"], [index, *township_pages]))
        county_rows.append(
            {
                "code": county["code"],
                "name": county["name"],
                "n": len(mine),
                "townships": sum(1 for t in listed if t["n"]),
            }
        )
    body = render.render(
        env, "timetable_index.md", county_rows=county_rows, total=len(sessions), **context
    )
    meta = {
        "title": "培训时间表",
        "description": "绥化市各县（市、区）、各乡镇已公布的技能培训班：什么时候、在哪里、怎么报名。",
        "updated": today,
    }
    render.write_page(docs, "shijianbiao/index.md", meta, body)
    return nav
