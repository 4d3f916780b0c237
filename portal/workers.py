"""Finding the worker to enrol, within the actor's scope, and recording one not in a ledger.

Scope, enforced in the SQL:
- city staff: every worker; county staff: the workers of their county;
- an institution: the workers on its rolls (enrolled in, or waiting for, its sessions),
  searchable by name; and, to enrol a new trainee, one worker of its county found by the full
  ID number on the card the person shows. An institution cannot browse the county ledger by
  name: it holds personal data the institution has no need for. ``portal.enrolment`` checks
  the same rule again when enrolling, so a worker id alone never opens a record.

A person missing from the ledger can still be trained: county staff record them with
``registered = 0`` (shown as 未建档; no poverty-targeted subsidy). An institution submits such a
person through ``portal.registrations`` instead, so it never learns whether a number is in
another county's ledger. A number with a wrong check digit is never recorded.
"""

from __future__ import annotations

import re

import sqlite_utils

from portal import areas, audit, clock, idnumber, validate
from portal.db import insert, one, transaction
from portal.errors import ScopeError, UserError
from portal.scope import Actor

_ID_LIKE = re.compile(r"^[0-9０-９]{6,}[0-9XxＸｘ]?$")
COLUMNS = (
    "w.id, w.id_number, w.name, w.gender, w.birth_date, w.phone, w.county_code, "
    "w.township_code, w.village_code, w.registered, w.wants_training, w.wanted_trade"
)


def visible_sql(actor: Actor, alias: str = "w") -> tuple[str, list]:
    """Workers the actor may see (for an institution: those enrolled in its sessions)."""
    if actor.role in ("city", "system"):
        return "1 = 1", []
    if actor.role == "county":
        return f"{alias}.county_code = ?", [actor.county_code]
    if actor.role == "institution":
        return (
            f"({alias}.id IN (SELECT e.worker_id FROM enrolments e "
            f"JOIN sessions s ON s.id = e.session_id WHERE s.institution_id = ?) "
            f"OR {alias}.id IN (SELECT q.worker_id FROM waiting_list q "
            f"JOIN sessions s ON s.id = q.session_id WHERE s.institution_id = ?))",
            [actor.institution_id, actor.institution_id],
        )
    return "0 = 1", []


def visible_to(db: sqlite_utils.Database, actor: Actor, worker_id: int) -> bool:
    """Whether the actor may already see this worker (for an institution: on its own rolls)."""
    where, params = visible_sql(actor)
    return (
        one(db, f"SELECT 1 AS x FROM workers w WHERE w.id = ? AND {where}", [worker_id, *params])
        is not None
    )


def actor_county(db: sqlite_utils.Database, actor: Actor) -> str | None:
    """The county an actor works in (an institution's is where it is registered)."""
    if actor.role == "county":
        return actor.county_code
    if actor.role == "institution":
        row = one(db, "SELECT county_code FROM institutions WHERE id = ?", [actor.institution_id])
        return row["county_code"] if row else None
    return None


def find(db: sqlite_utils.Database, actor: Actor, query: str, limit: int = 50) -> list[dict]:
    """By full ID number (exact) or by the start of the name, within scope.

    The result carries ``id_shown``: the masked number unless the role needs the full one.
    """
    text = validate.clean_text(query, field="查询内容", max_len=40, required=True)
    text = text.replace(" ", "")
    if _ID_LIKE.match(text):
        rows = by_id_number(db, actor, text)
    else:
        where, params = visible_sql(actor)
        # A range on the name index: LIKE 'x%' would not use it for non-ASCII text.
        rows = list(
            db.query(
                f"SELECT {COLUMNS} FROM workers w WHERE w.name >= ? AND w.name < ? AND {where} "
                f"ORDER BY w.name, w.id LIMIT ?",
                [text, text + "\U0010ffff", *params, int(limit)],
            )
        )
    return [shown(actor, r) for r in rows]


def by_id_number(db: sqlite_utils.Database, actor: Actor, number: str) -> list[dict]:
    try:
        number = idnumber.parse(number).number
    except idnumber.IdNumberError as exc:
        raise UserError(f"身份证号不对：{exc}") from None
    where, params = visible_sql(actor)
    if actor.role == "institution":
        # The person is in front of the institution with their ID card: its county's ledger.
        where = f"({where} OR w.county_code = ?)"
        params = [*params, actor_county(db, actor)]
    return list(
        db.query(
            f"SELECT {COLUMNS} FROM workers w WHERE w.id_number = ? AND {where}",
            [number, *params],
        )
    )


def shown(actor: Actor, row: dict) -> dict:
    """Add the ID number as this actor may see it."""
    full = row["id_number"]
    return row | {"id_shown": full if actor.sees_full_id else idnumber.mask(full)}


def get(db: sqlite_utils.Database, actor: Actor, worker_id: int) -> dict:
    where, params = visible_sql(actor)
    row = one(
        db, f"SELECT {COLUMNS} FROM workers w WHERE w.id = ? AND {where}", [worker_id, *params]
    )
    if row is None:
        raise ScopeError("无权查看该劳动力：不在您的管辖范围内。")
    return shown(actor, row)


def checked_for_registration(id_number) -> idnumber.IdNumber:
    """The ID number of a person about to be recorded, refused on any doubt.

    Why so strict: a mistyped number is a real number of somebody else (or of nobody), and a
    person recorded under it would be a second, false record that no ledger check can catch.
    A wrong check digit almost always means a mistyped digit.
    """
    try:
        return idnumber.parse(id_number)
    except idnumber.IdNumberError as exc:
        text = str(exc)
        if "校验位" in text:
            raise UserError(
                "不能登记：身份证号校验位（最后一位）对不上，多半是有数字输错了。"
                "请对照本人身份证逐位核对后重新输入；号码对了，一般在台账里就能查到此人。"
            ) from None
        raise UserError(f"身份证号不对：{text}") from None


def record_unregistered(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    id_number: str,
    name: str,
    township_code: str,
    village_code: str,
    phone: str | None = None,
    notes: str | None = None,
) -> int:
    """A person not in any ledger, flagged ``registered = 0``: trainable, no poverty subsidy.

    County staff only. An institution submits the person for the county to check
    (``portal.registrations``): recording them here would tell it whether the number is already
    in another county's ledger.
    """
    if actor.role == "institution":
        raise ScopeError(
            "培训机构登记不在台账里的人员，请提交登记，由县（市、区）人社部门核实后登记并报名。"
        )
    county_code = actor_county(db, actor)
    if county_code is None:
        raise UserError("市级账户请到所在县的账户中登记劳动力。")
    row = unregistered_row(
        db,
        county_code,
        id_number=id_number,
        name=name,
        township_code=township_code,
        village_code=village_code,
        phone=phone,
        notes=notes,
    )
    with transaction(db):
        return insert_unregistered(db, actor.username, row)


def unregistered_row(
    db: sqlite_utils.Database,
    county_code: str,
    *,
    id_number: str,
    name: str,
    township_code: str,
    village_code: str,
    phone: str | None = None,
    notes: str | None = None,
) -> dict:
    """The checked fields of a person to record in ``county_code`` (nothing written)."""
    parsed = checked_for_registration(id_number)
    name = validate.clean_text(name, field="姓名", max_len=30, required=True)
    township = areas.get(db, township_code or "")
    if not township or township["parent_code"] != county_code:
        raise UserError("请选择本县（市、区）的乡镇。")
    village = areas.get(db, village_code or "")
    if not village or village["parent_code"] != township["code"]:
        raise UserError(f"请选择{township['name']}下的村。")
    return {
        "id_number": parsed.number,
        "name": name,
        "gender": parsed.gender,
        "birth_date": parsed.birth_date.isoformat(),
        "phone": validate.phone(phone),
        "county_code": county_code,
        "township_code": township["code"],
        "village_code": village["code"],
        "wants_training": "yes",
        "registered": 0,
        "notes": validate.clean_text(notes, field="备注", max_len=200),
        "source_file": "portal",
    }


def insert_unregistered(db: sqlite_utils.Database, username: str, row: dict) -> int:
    """Write a checked ``unregistered_row`` inside the caller's transaction."""
    if one(db, "SELECT id FROM workers WHERE id_number = ?", [row["id_number"]]):
        raise UserError(
            f"身份证号 {idnumber.mask(row['id_number'])} 已在台账里，请直接按身份证号查找后报名。"
        )
    now = clock.now()
    row = row | {
        "created_at": now,
        "created_by": username,
        "updated_at": now,
        "updated_by": username,
    }
    worker_id = insert(db, "workers", row)
    # The log keeps the masked number: it is read by staff who need no full ID.
    audit.record(
        db,
        username,
        "create_unregistered",
        "workers",
        worker_id,
        None,
        row
        | {
            "id_number": idnumber.mask(row["id_number"]),
            "phone": "***" if row["phone"] else None,
        },
    )
    return worker_id
