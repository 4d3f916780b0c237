"""What every page template may use: the plan's dates, campaigns, policies and rates.

Templates read figures only from here, so an amount or a date is typed once, in content/data.
"""

from __future__ import annotations

import datetime as dt

from portal import catalogue, policies


def policy_slug(key: str) -> str:
    return key.replace("_", "-")


def site_context(today: dt.date, is_demo: bool) -> dict:
    plan = catalogue.plan()
    census_start, census_end = catalogue.census_period()
    camp_start, camp_end = catalogue.campaign_period()
    return {
        "plan": plan,
        "doc": catalogue.document_number(),
        "doc_title": plan["document"]["title"],
        "doc_date": plan["document"]["date"],
        "issuers": plan["document"]["issuers"],
        "census_start": census_start,
        "census_end": census_end,
        "campaign_start": camp_start,
        "campaign_end": camp_end,
        "county_plan_due": plan["periods"]["county_plan_due"],
        "coverage_goal": plan["periods"]["coverage_goal"],
        "campaigns": catalogue.campaigns(),
        "courses": catalogue.courses,
        "categories": catalogue.course_categories(),
        "policies": policies.policies(),
        "policy_slug": policy_slug,
        "rate": catalogue.rate,
        "counties": catalogue.counties(),
        "city_office": catalogue.city_office(),
        "today": today,
        "is_demo": is_demo,
    }
