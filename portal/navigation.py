"""The portal's pages, who sees each, and in what order.

A page appears only when its file exists and the actor's role is listed, so a part of the
portal that has not been built yet is simply not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from portal.scope import Actor

PAGES_DIR = Path(__file__).resolve().parent / "pages"
ALL = ("city", "county", "institution")
STAFF = ("city", "county")


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    roles: tuple[str, ...]
    admin_only: bool = False


PAGES = [
    PageSpec("sessions.py", "培训班次", ":material/event:", ALL),
    PageSpec("enrolment.py", "报名管理", ":material/group_add:", ALL),
    PageSpec("attendance.py", "考勤与签字", ":material/fact_check:", ALL),
    PageSpec("ledger.py", "台账", ":material/menu_book:", STAFF),
    PageSpec("coverage.py", "覆盖进度", ":material/monitoring:", STAFF),
    PageSpec("baseline.py", "摸清底数", ":material/groups:", ALL),  # institutions: schools only
    PageSpec("subsidies.py", "补贴", ":material/payments:", STAFF),
    PageSpec("packs.py", "政策包打印", ":material/print:", STAFF),
    PageSpec("contacts.py", "联系方式与网址", ":material/contact_phone:", STAFF),
    PageSpec("reports.py", "月报", ":material/summarize:", STAFF),
    PageSpec("accounts.py", "账户与日志", ":material/manage_accounts:", ("city",)),
]


def pages_for(actor: Actor) -> list[PageSpec]:
    return [
        p
        for p in PAGES
        if actor.role in p.roles
        and (PAGES_DIR / p.file).exists()
        and (not p.admin_only or actor.is_admin)
    ]
