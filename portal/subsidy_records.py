"""Entering the records subsidies are worked out from: 以工代训 placements, technical-school
students, start-ups and employer rewards.

Each create, edit or end is one transaction with an audit row. County staff work in their
own county, city staff in all; a record always belongs to its worker's county. The 以工代训
six-month cap is enforced here as well as when counting, so a placement that would take a
worker past it is refused with the months already used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from portal import audit, catalogue, clock, idnumber, validate
from portal.db import insert, one, transaction, update
from portal.errors import UserError
from portal.scope import Actor
from portal.subsidies import add_months, placement_months

EARLIEST = dt.date(2000, 1, 1)
EMPLOYER_TYPES = ("企业", "农民专业合作社", "扶贫车间", "种养大户", "家庭农场", "农业企业")
REWARD_EMPLOYER_TYPES = ("农民合作社", "种养大户", "家庭农场", "农业企业", "扶贫车间")
STARTUP_KINDS = {"enterprise": "小微企业", "sole": "个体工商户"}
COURSE_YEARS = range(1, 7)  # 技工院校学制: 1 to 6 years (the column's CHECK, migration 045)


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    start_field: str
    end_field: str | None  # "ending" a record sets this date (start-ups: operating = 0)
    text_fields: dict  # field -> (label, max_len, required)


TABLES = {
    "work_training_placements": Table(
        "work_training_placements",
        "以工代训",
        "start_date",
        "end_date",
        {"employer": ("吸纳单位", 100, True), "trade": ("岗位（工种）", 50, False)},
    ),
    "school_students": Table(
        "school_students",
        "技工院校学生",
        "enrol_date",
        "leave_date",
        {"school": ("学校", 100, True), "major": ("专业", 50, False)},
    ),
    "startups": Table(
        "startups",
        "创业",
        "registered_on",
        None,
        {"business_name": ("企业或个体户名称", 100, True)},
    ),
    "employer_rewards": Table(
        "employer_rewards",
        "吸纳就业",
        "employed_since",
        "employed_until",
        {"employer": ("用人单位", 100, True)},
    ),
}
DATE_LABELS = {
    "start_date": "以工代训开始日期",
    "end_date": "以工代训结束日期",
    "enrol_date": "入学日期",
    "leave_date": "离校（毕业）日期",
    "registered_on": "工商登记日期",
    "employed_since": "入职日期",
    "employed_until": "离职日期",
}


def _table(name: str) -> Table:
    if name not in TABLES:
        raise UserError(f"没有“{name}”这类补贴记录。")
    return TABLES[name]


def parse_date(value, field: str, *, required: bool = True, today: dt.date | None = None):
    """A date from a form or a file, checked to be plausible (not before 2000, not future)."""
    label = DATE_LABELS.get(field, field)
    if value in (None, ""):
        if required:
            raise UserError(f"请填写{label}。")
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise UserError(f"{label}“{str(value)[:20]}”不是有效日期，请写成 2019-05-01。") from exc
    today = today or clock.today()
    if value < EARLIEST or value > today:
        raise UserError(f"{label}{value.isoformat()}不在合理范围内（2000-01-01 至今天）。")
    return value


def parse_course_years(value) -> int:
    """The course length (学制) in whole years: it bounds the 技工教育家庭补助 years."""
    if value in (None, ""):
        raise UserError("请填写学制（年），例如 3；它决定技工教育家庭补助最多发几年。")
    try:
        years = int(str(value).strip().removesuffix("年"))
    except ValueError as exc:
        raise UserError(f"学制“{str(value)[:10]}”不是整数年，请填写 1 到 6 之间的数字。") from exc
    if years not in COURSE_YEARS:
        raise UserError(f"学制{years}年不在合理范围内，请填写 1 到 6 之间的数字。")
    return years


def find_worker(db: sqlite_utils.Database, actor: Actor, id_number: str) -> dict:
    """The worker with this ID number, if the actor may see them."""
    try:
        number = idnumber.parse(id_number).number
    except idnumber.IdNumberError as exc:
        raise UserError(f"身份证号有误：{exc}") from exc
    worker = one(
        db,
        "SELECT id, name, id_number, county_code, registered FROM workers WHERE id_number = ?",
        [number],
    )
    where_ok = worker and (
        actor.role in ("city", "system") or worker["county_code"] == actor.county_code
    )
    if not where_ok:
        raise UserError("在您管辖范围内的台账里没有这个身份证号，请先核对号码或先录入台账。")
    return worker


def _clean(table: Table, values: dict, *, partial: bool, today: dt.date | None) -> dict:
    row = {}
    for field, (label, max_len, required) in table.text_fields.items():
        if partial and field not in values:
            continue
        row[field] = validate.clean_text(
            values.get(field), field=label, max_len=max_len, required=required
        )
    for field in (table.start_field, table.end_field):
        if field and (field in values or (not partial and field == table.start_field)):
            value = parse_date(
                values.get(field), field, required=field == table.start_field, today=today
            )
            row[field] = value.isoformat() if value else None
    if table.name in ("work_training_placements", "employer_rewards"):
        if not partial or "employer_type" in values:
            allowed = (
                EMPLOYER_TYPES
                if table.name == "work_training_placements"
                else REWARD_EMPLOYER_TYPES
            )
            if values.get("employer_type") not in allowed:
                raise UserError(f"单位类型请从以下选择：{'、'.join(allowed)}。")
            row["employer_type"] = values["employer_type"]
    if table.name == "school_students" and (not partial or "course_years" in values):
        row["course_years"] = parse_course_years(values.get("course_years"))
    if table.name == "startups":
        if not partial or "kind" in values:
            if values.get("kind") not in STARTUP_KINDS:
                raise UserError("创业类型请选择：小微企业 或 个体工商户。")
            row["kind"] = values["kind"]
        for flag in ("first_time", "operating"):
            if flag in values:
                row[flag] = 1 if values[flag] else 0
    return row


def _check_dates(table: Table, row: dict) -> None:
    if (
        table.end_field
        and row.get(table.end_field)
        and row[table.end_field] < row[table.start_field]
    ):
        raise UserError(f"{DATE_LABELS[table.end_field]}不能早于{DATE_LABELS[table.start_field]}。")


def _check_work_training_cap(db, row: dict, worker_id: int, exclude_id: int | None, today) -> None:
    """Refuse a placement longer than the cap, or one that takes the worker past it."""
    start = dt.date.fromisoformat(row["start_date"])
    cap = catalogue.rate("work_training", on=max(start, today)).max_months or 6
    limit = add_months(start, cap) - dt.timedelta(days=1)
    if row.get("end_date") and row["end_date"] > limit.isoformat():
        raise UserError(
            f"以工代训补贴最长{cap}个月：从{row['start_date']}开始，结束日期最晚为"
            f"{limit.isoformat()}。之后继续在岗请不再按以工代训登记。"
        )
    used = 0
    for other in db.query(
        "SELECT id, start_date, end_date FROM work_training_placements "
        "WHERE worker_id = ? AND id != ?",
        [worker_id, exclude_id or 0],
    ):
        last = dt.date.fromisoformat(other["end_date"]) if other["end_date"] else None
        used += len(placement_months(dt.date.fromisoformat(other["start_date"]), last, today))
    if used >= cap:
        raise UserError(
            f"该劳动力已登记以工代训{used}个月，已达最长{cap}个月，不能再登记新的以工代训。"
        )


def create(
    db: sqlite_utils.Database,
    actor: Actor,
    table_name: str,
    id_number: str,
    values: dict,
    *,
    today: dt.date | None = None,
) -> int:
    """Add a record for the worker with ``id_number``; returns its id."""
    table = _table(table_name)
    _require_staff(actor)
    today = today or clock.today()
    row = _clean(table, values, partial=False, today=today)
    _check_dates(table, row)
    with transaction(db):
        worker = find_worker(db, actor, id_number)
        actor.check_county(worker["county_code"])
        if table.name == "work_training_placements":
            _check_work_training_cap(db, row, worker["id"], None, today)
        if table.name == "startups" and "first_time" not in row:
            row["first_time"] = 1
        now = clock.now()
        row.update(
            worker_id=worker["id"],
            county_code=worker["county_code"],
            created_at=now,
            created_by=actor.username,
            updated_at=now,
            updated_by=actor.username,
        )
        new_id = insert(db, table.name, row)
        audit.record(db, actor.username, "create", table.name, new_id, None, row)
    return new_id


def _load(db, actor: Actor, table: Table, record_id: int) -> dict:
    row = one(db, f"SELECT * FROM [{table.name}] WHERE id = ?", [record_id])
    if row is None:
        raise UserError(f"没有编号为 {record_id} 的{table.label}记录。")
    actor.check_county(row["county_code"])
    return row


def edit(
    db: sqlite_utils.Database,
    actor: Actor,
    table_name: str,
    record_id: int,
    changes: dict,
    *,
    today: dt.date | None = None,
) -> None:
    """Change some fields of a record (the worker it belongs to cannot change)."""
    table = _table(table_name)
    _require_staff(actor)
    today = today or clock.today()
    clean = _clean(table, changes, partial=True, today=today)
    with transaction(db):
        before = _load(db, actor, table, record_id)
        after = {**before, **clean}
        _check_dates(table, after)
        if table.name == "work_training_placements":
            _check_work_training_cap(db, after, before["worker_id"], record_id, today)
        clean.update(updated_at=clock.now(), updated_by=actor.username)
        update(db, table.name, record_id, clean)
        audit.record(db, actor.username, "edit", table.name, record_id, before, {**after, **clean})


def end(
    db: sqlite_utils.Database,
    actor: Actor,
    table_name: str,
    record_id: int,
    on=None,
    *,
    today: dt.date | None = None,
) -> None:
    """Close a record: the placement, schooling or job ended on ``on``; a start-up stopped."""
    table = _table(table_name)
    if table.end_field is None:
        edit(db, actor, table_name, record_id, {"operating": False}, today=today)
        return
    edit(db, actor, table_name, record_id, {table.end_field: on}, today=today)


def records(
    db: sqlite_utils.Database, actor: Actor, table_name: str, county_code: str | None = None
) -> list[dict]:
    """The records of one kind in scope, newest first, with the worker's masked ID."""
    table = _table(table_name)
    _require_staff(actor)
    where, params = actor.county_filter("t.county_code")
    if county_code:
        actor.check_county(county_code)
        where, params = f"{where} AND t.county_code = ?", [*params, county_code]
    rows = list(
        db.query(
            f"SELECT t.*, w.name AS worker_name, w.id_number, w.registered FROM [{table.name}] t "
            f"JOIN workers w ON w.id = t.worker_id WHERE {where} ORDER BY t.id DESC",
            params,
        )
    )
    for r in rows:
        if not actor.sees_full_id:
            r["id_number"] = idnumber.mask(r["id_number"])
    return rows


def _require_staff(actor: Actor) -> None:
    if actor.role not in ("city", "county", "system"):
        raise UserError("只有县、市劳动就业部门的工作人员可以录入补贴记录。")
