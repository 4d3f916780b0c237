"""The 明白卡's words, taken from the same files as the public site.

Why a module of its own: the printed card must say exactly what the site says, with the same
amounts and document numbers, so it reads ``portal.policies`` and ``portal.catalogue`` and never
holds a sentence or a figure of its own beyond headings and contact advice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

import markdown
from markupsafe import Markup

from portal import catalogue, policies

# Said on every card whose county has not confirmed an address or telephone number.
ASK_LOCALLY = "可以问村干部、驻村第一书记，或到乡镇劳动保障事务所咨询。"


@dataclass(frozen=True)
class AmountText:
    name: str
    amount: str
    document: str


@dataclass(frozen=True)
class PolicyBlock:
    key: str
    title: str
    who: Markup
    what: Markup
    how: tuple[Markup, ...]
    amounts: tuple[AmountText, ...]
    document: str
    for_employers: bool  # the worker's employer applies, not the worker


@dataclass(frozen=True)
class Contact:
    office: str
    address: str | None
    phone: str | None
    advice: str


def md(text: str) -> Markup:
    """Policy text through Markdown, with any markup in it shown as text, not obeyed."""
    html = markdown.markdown(escape(text or "", quote=False), output_format="html")
    return Markup(html)


def md_inline(text: str) -> Markup:
    """Markdown for one line (a list item): no surrounding paragraph."""
    html = str(md(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def policy_blocks(on: dt.date | None = None) -> list[PolicyBlock]:
    """The policies for a poor worker first, then those their employer applies for."""
    blocks = []
    for p in policies.policies(on):
        employer_only = bool(p.applies_when.get("employer")) and p.key != "work_training"
        blocks.append(
            PolicyBlock(
                key=p.key,
                title=p.title,
                who=md_inline(p.who),
                what=md(p.what),
                how=tuple(md_inline(step) for step in p.how),
                amounts=tuple(AmountText(a.name, a.amount, a.document) for a in p.amounts),
                document=p.document,
                for_employers=employer_only,
            )
        )
    return [b for b in blocks if not b.for_employers] + [b for b in blocks if b.for_employers]


def county_contact(county_code: str | None, db=None) -> Contact:
    """Where a worker asks: the county office as county staff entered it in the portal
    (``portal.contacts``); with no database or nothing entered, the office name only."""
    if county_code and db is not None:
        from portal import contacts

        o = contacts.get(db, county_code)
        return Contact(o.office_name, o.address, o.phone, ASK_LOCALLY)
    if county_code:
        c = catalogue.county(county_code)
        return Contact(c["bureau"], c.get("address"), c.get("phone"), ASK_LOCALLY)
    office = catalogue.city_office()
    return Contact(office["name"], office.get("address"), office.get("phone"), ASK_LOCALLY)


def county_bureaus() -> list[Contact]:
    """All ten counties' bureaus, for the card printed without a county (public download)."""
    return [county_contact(c["code"]) for c in catalogue.counties()]


def document_line() -> str:
    plan = catalogue.plan()["document"]
    return f"依据：《{plan['title']}》（{plan['number']}）"
