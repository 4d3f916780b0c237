"""政策包: one page per policy of content/data/policies.yml, amounts from the rates data."""

from __future__ import annotations

from pathlib import Path

from portal import catalogue, policies
from portal.sitebuild import render
from portal.sitebuild.context import policy_slug

# Which campaign page a policy points to (the campaign that delivers it).
RELATED_CAMPAIGNS = {
    "free_training": ["jiazheng", "shiyong", "tese"],
    "technical_school": ["baixiao"],
    "startup_loan": ["chuangye"],
    "startup_subsidy": ["chuangye"],
    "work_training": ["yigongdaixun"],
    "employer_reward": ["yigongdaixun"],
}


def write(docs: Path, env, context: dict) -> list[str]:
    pages = []
    for p in policies.policies():
        related = [catalogue.campaign(code) for code in RELATED_CAMPAIGNS.get(p.key, [])]
        body = render.render(env, "policy.md", p=p, related=related, **context)
        meta = {
            "title": p.title,
            "description": f"{p.short}：谁能享受、能得到什么、怎么申请。依据{p.document}。",
            "updated": context["today"],
        }
        pages.append(render.write_page(docs, f"zhengce/{policy_slug(p.key)}.md", meta, body))
    return pages
