"""The two printable files the public site offers: the 明白卡 and a blank contact card.

Called by ``build.py site``; nothing personal goes in (no database is read).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from portal import pdf
from portal.packs import render

POLICY_CARD = "jiuye-zhengce-mingbaika.pdf"
CONTACT_CARD = "jineng-fupin-lianxika.pdf"


def render_public_downloads(out_dir: Path) -> list[dict]:
    """Write both PDFs into ``out_dir``; return title, file name and description of each."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    pages = render.mingbai_pdf(None, today, out_dir / POLICY_CARD, total=True)
    css = render.stylesheet() + render.footer_css('"技能扶贫联系卡"', today, total=True)
    pdf.write_pages(
        pdf.render_document(render.blank_card_html(), css=css), target=out_dir / CONTACT_CARD
    )
    return [
        {
            "title": "就业政策明白卡",
            "file": POLICY_CARD,
            "description": f"贫困劳动力能享受的培训、补贴、贷款政策，写明金额和文件依据，A4大字，共{pages}页。",
        },
        {
            "title": "技能扶贫联系卡（空白）",
            "file": CONTACT_CARD,
            "description": "每次参加培训记一行（时间、地点、内容、培训机构、联系方式）并签字，一式两份。",
        },
    ]
