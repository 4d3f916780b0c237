"""The portal's pages, who sees each, and in what order.

A page appears only when its file exists and the actor's role is listed, so a part of the
portal that has not been built yet is simply not shown. A page open to only some actors of a
role (摸清底数: of the institutions, only technical schools) also names a test of the actor;
the page itself still refuses anyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

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
    # Beyond the role: may this actor use the page? Given the database, as some answers
    # (an institution's kind) are stored there.
    allowed: Callable[[sqlite_utils.Database, Actor], bool] | None = None


def _may_see_baseline(db: sqlite_utils.Database, actor: Actor) -> bool:
    """Staff, and technical-school institutions (institutions.kind, migration 080)."""
    from portal.baseline.pupils import may_see  # only when a menu is built

    return may_see(db, actor)


PAGES = [
    PageSpec("sessions.py", "培训班次", ":material/event:", ALL),
    PageSpec("enrolment.py", "报名管理", ":material/group_add:", ALL),
    PageSpec("attendance.py", "考勤与签字", ":material/fact_check:", ALL),
    PageSpec("ledger.py", "台账", ":material/menu_book:", STAFF),
    PageSpec("coverage.py", "覆盖进度", ":material/monitoring:", STAFF),
    PageSpec("baseline.py", "摸清底数", ":material/groups:", ALL, allowed=_may_see_baseline),
    PageSpec("subsidies.py", "补贴", ":material/payments:", STAFF),
    PageSpec("packs.py", "政策包打印", ":material/print:", STAFF),
    PageSpec("contacts.py", "联系方式与网址", ":material/contact_phone:", STAFF),
    PageSpec("reports.py", "月报", ":material/summarize:", STAFF),
    PageSpec("accounts.py", "账户与日志", ":material/manage_accounts:", ("city",)),
]


def pages_for(actor: Actor, db: sqlite_utils.Database | None = None) -> list[PageSpec]:
    """The actor's menu; ``db`` answers the pages' own tests (the portal's database if None)."""
    shown = [
        p
        for p in PAGES
        if actor.role in p.roles
        and (PAGES_DIR / p.file).exists()
        and (not p.admin_only or actor.is_admin)
    ]
    if not any(p.allowed for p in shown):
        return shown
    own = db is None
    if own:
        from portal import db as database

        db = database.connect()
    try:
        return [p for p in shown if p.allowed is None or p.allowed(db, actor)]
    finally:
        if own:
            db.conn.close()
