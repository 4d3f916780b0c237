"""我能享受哪些政策: the data the in-browser checker runs on, from policies.yml and the rates.

Written as ``chaxun/checker.json`` and embedded in the checker page, so the page also works
opened from a folder with no web server. The matching itself is in content/docs/assets/checker.js.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from portal import catalogue, policies
from portal.errors import UserError
from portal.sitebuild import render
from portal.sitebuild.context import policy_slug


def questions() -> list[dict]:
    return yaml.safe_load((catalogue.DATA / "checker.yml").read_text(encoding="utf-8"))["questions"]


def data(today) -> dict:
    qs = questions()
    asked = {q["condition"] for q in qs}
    items = []
    for p in policies.policies():
        unknown = sorted(set(p.applies_when) - asked)
        if unknown:
            raise UserError(
                f"政策“{p.title}”的适用条件 {'、'.join(unknown)} 在 content/data/checker.yml 里"
                "没有对应的问题，请补上问题再生成网站。"
            )
        items.append(
            {
                "key": p.key,
                "title": p.title,
                "short": p.short,
                "url": f"../zhengce/{policy_slug(p.key)}.html",
                "who": p.who,
                "document": p.document,
                "applies_when": p.applies_when,
                "amounts": [
                    {"name": a.name, "amount": a.amount, "document": a.document, "value": a.value}
                    for a in p.amounts
                ],
                "how": list(p.how),
            }
        )
    return {
        "document": catalogue.document_number(),
        "built": today.isoformat(),
        "questions": [
            {k: q.get(k) for k in ("key", "condition", "kind", "text", "help", "show_if")}
            for q in qs
        ],
        "policies": items,
    }


def embedded(payload: dict) -> str:
    """JSON safe inside <script type="application/json">: no "</script>" can close it early."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write(docs: Path, env, context: dict) -> str:
    payload = data(context["today"])
    (docs / "chaxun").mkdir(parents=True, exist_ok=True)
    (docs / "chaxun" / "checker.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    from markupsafe import Markup

    body = render.render(
        env, "checker.md", questions=payload["questions"], data=Markup(embedded(payload)), **context
    )
    meta = {
        "title": "我能享受哪些政策",
        "description": "回答几个简单问题，马上看到您能享受的就业扶贫政策、标准和怎么申请。",
        "updated": context["today"],
    }
    return render.write_page(docs, "chaxun/index.md", meta, body)
