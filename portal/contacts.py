"""Where people ask: the county offices' and township stations' names, addresses and phones.

绥人社发〔2019〕18号 gives no address or phone, so none is ever typed into content/: county staff
enter them in the portal (validated, audited, one transaction each) and the site, the printed
明白卡 and the packs read them from here. Until a county has entered its office, everything
public says so plainly instead of printing a guessed number.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from portal import audit, catalogue, clock, validate
from portal.db import transaction
from portal.errors import UserError
from portal.scope import Actor

NOT_ENTERED = "县里还没有登记地址和电话，请问村干部或乡镇劳动保障站。"


@dataclass(frozen=True)
class Office:
    area_code: str
    office_name: str
    address: str | None
    phone: str | None
    updated_at: str | None = None
    updated_by: str | None = None

    @property
    def entered(self) -> bool:
        return bool(self.address or self.phone)


def _area(db, code: str) -> dict:
    rows = list(db.query("SELECT code, name, level, parent_code FROM areas WHERE code = ?", [code]))
    if not rows or rows[0]["level"] not in ("county", "township"):
        raise UserError(f"“{code}”不是县（市、区）或乡镇，只能给县和乡镇登记联系方式。")
    return rows[0]


def _county_of(area: dict) -> str:
    return area["code"] if area["level"] == "county" else area["parent_code"]


def default_name(db, code: str) -> str:
    """The office's usual name when staff have not named it (the county bureau of counties.yml)."""
    area = _area(db, code)
    if area["level"] == "county":
        return catalogue.county(code)["bureau"]
    return f"{area['name']}劳动保障站"


def get(db, code: str) -> Office:
    rows = list(db.query("SELECT * FROM office_contacts WHERE area_code = ?", [code]))
    if rows:
        return Office(**rows[0])
    return Office(code, default_name(db, code), None, None)


def county_offices(db) -> dict[str, Office]:
    """Every county's office, entered or not, by county code."""
    return {c["code"]: get(db, c["code"]) for c in catalogue.counties()}


def township_offices(db, county_code: str) -> list[tuple[str, Office]]:
    """(township name, office) for each township of a county that has entered its station."""
    rows = db.query(
        "SELECT a.name, o.* FROM office_contacts o JOIN areas a ON a.code = o.area_code "
        "WHERE a.level = 'township' AND a.parent_code = ? ORDER BY a.code",
        [county_code],
    )
    out = []
    for r in rows:
        name = r.pop("name")
        out.append((name, Office(**r)))
    return out


def save(
    db: sqlite_utils.Database,
    actor: Actor,
    area_code: str,
    *,
    office_name,
    address,
    phone,
) -> Office:
    """Store one office's contact in one transaction, with an audit row (before and after).

    County staff may edit their own county and its townships; city staff any.
    """
    if actor.role not in ("county", "city", "system"):
        raise UserError("只有县、市工作人员可以登记联系方式。")
    area = _area(db, area_code)
    actor.check_county(_county_of(area))
    name = validate.clean_text(office_name, field="单位名称", max_len=60) or default_name(
        db, area_code
    )
    addr = validate.clean_text(address, field="地址", max_len=120)
    tel = validate.phone(phone, field="电话")
    with transaction(db):
        before = get(db, area_code)
        now = clock.now()
        db.execute(
            "INSERT INTO office_contacts (area_code, office_name, address, phone, updated_at, "
            "updated_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(area_code) DO UPDATE SET "
            "office_name = excluded.office_name, address = excluded.address, "
            "phone = excluded.phone, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            [area_code, name, addr, tel, now, actor.username],
        )
        after = get(db, area_code)
        audit.record(
            db,
            actor.username,
            "update" if before.updated_at else "create",
            "office_contacts",
            area_code,
            before=_row(before) if before.updated_at else None,
            after=_row(after),
        )
    return after


def _row(o: Office) -> dict:
    return {"office_name": o.office_name, "address": o.address, "phone": o.phone}
