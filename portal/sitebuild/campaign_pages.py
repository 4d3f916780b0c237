"""七大培训活动: a page per campaign with its partners, courses and upcoming published sessions."""

from __future__ import annotations

import collections
from pathlib import Path

from portal import catalogue, policies
from portal.sitebuild import render

SHOWN_SESSIONS = 10  # earliest sessions on a campaign page; the rest live in the timetable

RELATED_POLICIES = {
    "jiazheng": ["free_training", "transport_living"],
    "shiyong": ["free_training", "transport_living"],
    "tese": ["free_training", "transport_living"],
    "chuangye": ["startup_loan", "startup_subsidy", "free_training"],
    "jiangtang": ["free_training"],
    "yigongdaixun": ["work_training", "employer_reward"],
    "baixiao": ["technical_school"],
}


def write(docs: Path, env, context: dict, sessions: list[dict]) -> list[str]:
    county_names = {c["code"]: c["name"] for c in catalogue.counties()}
    by_policy = {p.key: p for p in policies.policies()}
    pages = []
    for c in catalogue.campaigns():
        mine = [s for s in sessions if s["campaign_code"] == c["code"]]
        counts = collections.Counter(s["county_code"] for s in mine)
        by_county = [
            {"code": code, "county": county_names[code], "n": counts[code]}
            for code in county_names
            if counts[code]
        ]
        shown = sorted(mine, key=lambda s: (s["start_date"], s["daily_start"], s["id"]))[
            :SHOWN_SESSIONS
        ]
        body = render.render(
            env,
            "campaign.md",
            c=c,
            course_list=catalogue.courses(c["code"]),
            related=[by_policy[k] for k in RELATED_POLICIES.get(c["code"], []) if k in by_policy],
            total=len(mine),
            by_county=by_county,
            shown=shown,
            root="../",
            **context,
        )
        meta = {
            "title": c["name"],
            "description": f"第{c['number']}项培训活动：{c['summary']}",
            "updated": context["today"],
        }
        pages.append(render.write_page(docs, f"huodong/{c['code']}.md", meta, body))
    return pages
