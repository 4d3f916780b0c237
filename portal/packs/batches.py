"""Who gets a pack, recording what was printed, and marking packs delivered.

Selection and recording sit in the data layer with the actor: a county user can only ever
select, print for and mark workers of their own county, whichever page or command asks.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from portal import areas, audit, clock, idnumber, siteurl
from portal.db import one, transaction
from portal.errors import ScopeError, UserError
from portal.packs import data, render
from portal.scope import Actor


@dataclass(frozen=True)
class Selection:
    label: str  # 望奎县/某镇/某村, or the worker's masked ID
    county_code: str
    worker_ids: tuple[int, ...]


@dataclass(frozen=True)
class PrintResult:
    batch: str
    path: Path
    workers: int
    pages: int
    packs: tuple[render.PackPages, ...]


def _check_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise ScopeError("无权操作：政策包只能由县、市劳动就业部门工作人员打印。")


def _check_county(db, actor: Actor, county_code: str, what: str) -> None:
    try:
        actor.check_county(county_code)
    except ScopeError:
        mine = areas.full_name(db, actor.county_code) if actor.county_code else "无"
        raise ScopeError(f"无权操作：{what}不在您的管辖范围（{mine}）内。") from None


def select_workers(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    person: str | None = None,
    village: str | None = None,
    township: str | None = None,
    all_workers: bool = False,
) -> Selection:
    """Exactly one of person (ID number), village (县/乡镇/村) or township (县/乡镇)."""
    _check_staff(actor)
    given = [x for x in (person, village, township) if x]
    if len(given) != 1:
        raise UserError("请只指定一种打印范围：一个人（身份证号）、一个村或一个乡镇。")
    wants = "" if all_workers else " AND wants_training = 'yes'"
    if person:
        return _select_person(db, actor, person)
    level = "village" if village else "township"
    path = village or township
    area = areas.find_by_path(db, path)
    if area["level"] != level:
        example = "望奎县/某某镇/某某村" if level == "village" else "望奎县/某某镇"
        raise UserError(
            f"“{path}”不是一个{'村' if level == 'village' else '乡镇'}，请写成 {example}。"
        )
    county = area["code"][:6]
    _check_county(db, actor, county, areas.full_name(db, area["code"]))
    where, params = actor.county_filter("county_code")
    place, place_params = areas.place_filter("", level, area["code"])
    rows = db.query(
        f"SELECT id FROM workers WHERE {where}{place}{wants} ORDER BY village_code, name, id",
        [*params, *place_params],
    )
    ids = tuple(r["id"] for r in rows)
    label = areas.full_name(db, area["code"])
    if not ids:
        who = "劳动力" if all_workers else "想参加培训的劳动力"
        hint = "" if all_workers else "如要打印所有人，请选“全部劳动力”（命令行加 --all-workers）。"
        raise UserError(f"{label} 没有登记{who}，没有可打印的政策包。{hint}")
    return Selection(label, county, ids)


def _select_person(db, actor: Actor, person: str) -> Selection:
    try:
        number = idnumber.parse(person).number
    except idnumber.IdNumberError as exc:
        raise UserError(f"身份证号不对：{exc}") from None
    row = one(db, "SELECT id, county_code FROM workers WHERE id_number = ?", [number])
    if not row:
        raise UserError(f"台账里没有身份证号为 {idnumber.mask(number)} 的劳动力。")
    _check_county(db, actor, row["county_code"], "这位劳动力")
    return Selection(idnumber.mask(number), row["county_code"], (row["id"],))


def print_packs(
    db: sqlite_utils.Database,
    actor: Actor,
    selection: Selection,
    out: Path,
    *,
    site_url: str | None = None,
    on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    processes: int | None = None,
) -> PrintResult:
    """Render the selection to ``out`` and record every pack printed, in one transaction.

    The PDF is written first (to a temporary file, moved into place when complete); the
    records follow in one transaction, so a failed render records nothing.
    """
    _check_staff(actor)
    actor.check_county(selection.county_code)
    on = on or clock.today()
    packs = data.load_packs(db, actor, list(selection.worker_ids), on=on)
    if len(packs) != len(selection.worker_ids):
        raise ScopeError()
    rendered = render.render_packs(
        packs,
        Path(out),
        site_url=siteurl.site_url(db, site_url),
        progress=progress,
        processes=processes,
    )
    now = clock.now()
    batch = f"{now} {selection.label} {secrets.token_hex(3)}"
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO pack_prints (worker_id, batch, printed_at, printed_by) VALUES (?, ?, ?, ?)",
            [(p.worker_id, batch, now, actor.username) for p in packs],
        )
        audit.record(
            db,
            actor.username,
            "print",
            "pack_prints",
            batch,
            None,
            {"scope": selection.label, "workers": len(packs), "pages": rendered.pages},
        )
    return PrintResult(batch, rendered.path, len(packs), rendered.pages, rendered.packs)


def list_prints(
    db: sqlite_utils.Database, actor: Actor, *, undelivered_only: bool = False, limit: int = 500
) -> list[dict]:
    """Printed packs in the actor's scope, newest first, with masked ID numbers."""
    _check_staff(actor)
    where, params = actor.county_filter("w.county_code")
    extra = " AND p.delivered_at IS NULL" if undelivered_only else ""
    rows = db.query(
        "SELECT p.id, p.batch, p.printed_at, p.printed_by, p.delivered_at, p.delivered_by, "
        "w.name, w.id_number, w.village_code FROM pack_prints p "
        f"JOIN workers w ON w.id = p.worker_id WHERE {where}{extra} "
        "ORDER BY p.id DESC LIMIT ?",
        [*params, limit],
    )
    paths: dict[str, str] = {}
    result = []
    for r in rows:
        code = r.pop("village_code")
        if code not in paths:
            paths[code] = areas.full_name(db, code)
        r["village"] = paths[code]
        r["id_number"] = idnumber.mask(r["id_number"])
        result.append(r)
    return result


def batches(db: sqlite_utils.Database, actor: Actor) -> list[dict]:
    """Print batches in scope: how many packs, how many still to deliver."""
    _check_staff(actor)
    where, params = actor.county_filter("w.county_code")
    return list(
        db.query(
            "SELECT p.batch, MIN(p.printed_at) AS printed_at, COUNT(*) AS packs, "
            "SUM(p.delivered_at IS NULL) AS undelivered FROM pack_prints p "
            f"JOIN workers w ON w.id = p.worker_id WHERE {where} "
            "GROUP BY p.batch ORDER BY MIN(p.id) DESC",
            params,
        )
    )


def mark_delivered(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    print_ids: list[int] | None = None,
    batch: str | None = None,
) -> int:
    """Mark packs handed over (who, when): given ones, or a whole batch. Returns how many."""
    _check_staff(actor)
    if not print_ids and not batch:
        raise UserError("请先选择要标记为已送达的政策包。")
    if print_ids:
        marks = ",".join("?" * len(print_ids))
        cond, args = f"p.id IN ({marks})", list(print_ids)
    else:
        cond, args = "p.batch = ?", [batch]
    now = clock.now()
    with transaction(db):
        rows = list(
            db.query(
                "SELECT p.id, p.delivered_at, w.county_code FROM pack_prints p "
                f"JOIN workers w ON w.id = p.worker_id WHERE {cond}",
                args,
            )
        )
        if print_ids and len(rows) != len(set(print_ids)):
            raise UserError("有的政策包打印记录不存在，请刷新页面后重新选择。")
        if not rows:
            raise UserError("没有找到这一批次的打印记录。")
        for r in rows:
            actor.check_county(r["county_code"])
        todo = [r["id"] for r in rows if r["delivered_at"] is None]
        if not todo:
            raise UserError("所选政策包都已标记为送达，无需重复标记。")
        db.conn.executemany(
            "UPDATE pack_prints SET delivered_at = ?, delivered_by = ? WHERE id = ?",
            [(now, actor.username, i) for i in todo],
        )
        audit.record(
            db,
            actor.username,
            "deliver",
            "pack_prints",
            batch or ",".join(map(str, todo)),
            None,
            {"delivered": todo, "at": now},
        )
    return len(todo)
