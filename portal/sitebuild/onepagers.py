"""一图读懂: one A4 page per policy, for WeChat groups and village notice boards.

Rendered at each site build from the same data as the policy pages (policies.yml, rates.yml),
so the sheet can never say another amount than the site; written to ``xiazai/yitu/`` and linked
from each policy page and the downloads page. WeasyPrint, fonts from the system only.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from portal import catalogue, pdf, policies
from portal.errors import UserError
from portal.sitebuild.context import policy_slug

FOLDER = "xiazai/yitu"

_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ p.title }}</title></head>
<body><div class="band">一图读懂 · 就业扶贫政策</div>
<h1>{{ p.title }}</h1>
<div class="box who"><h2>谁能享受</h2><p>{{ p.who }}</p></div>
<div class="box money"><h2>能得到什么</h2>
{% for a in p.amounts %}<p class="amount"><span>{{ a.name }}</span><strong>{{ a.amount }}</strong></p>{% endfor %}
<p>{{ p.what }}</p></div>
<div class="box how"><h2>怎么申请</h2><ol>{% for s in p.how %}<li>{{ s }}</li>{% endfor %}</ol></div>
<p class="doc">依据：{{ p.document }}。《{{ title }}》（{{ number }}）{{ date }}印发。
能不能享受、能领多少，以县（市、区）劳动就业部门审核为准。</p>
</body></html>"""
)

_CSS = """
@page { size: A4; margin: 14mm 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", sans-serif; font-size: 13pt; line-height: 1.5; color: #111; }
.band { background: #a31515; color: #fff; font-size: 12pt; padding: 2mm 4mm; border-radius: 2mm; }
h1 { font-size: 24pt; margin: 5mm 0 4mm; color: #a31515; line-height: 1.25; }
h2 { font-size: 15pt; margin: 0 0 2mm; }
.box { border: 0.6mm solid #a31515; border-radius: 3mm; padding: 3mm 5mm; margin: 0 0 4mm; }
.amount { margin: 1mm 0; }
.amount span { display: block; font-size: 11pt; color: #444; }
.amount strong { font-size: 17pt; color: #a31515; }
ol { margin: 0; padding-left: 7mm; }
.doc { font-size: 10pt; color: #333; }
"""


def file_name(key: str) -> str:
    return f"{policy_slug(key)}.pdf"


def write(docs: Path) -> list[dict]:
    """One single-page PDF per policy; a sheet that runs onto a second page stops the build."""
    plan = catalogue.plan()["document"]
    d = plan["date"]
    out_dir = docs / FOLDER
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for p in policies.policies():
        html = _TEMPLATE.render(
            p=p, title=plan["title"], number=plan["number"], date=f"{d.year}年{d.month}月{d.day}日"
        )
        document = pdf.render_document(html, css=_CSS)
        if len(document.pages) != 1:
            raise UserError(
                f"“{p.title}”的一图读懂排出了{len(document.pages)}页，只能一页：请缩短这项政策的文字。"
            )
        pdf.write_pages(document, target=out_dir / file_name(p.key))
        files.append({"key": p.key, "title": p.title, "href": f"yitu/{file_name(p.key)}"})
    return files
