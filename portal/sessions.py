"""Training sessions (班次): the township and village timetable an institution publishes.

An institution plans a session as a draft, publishes it (the public timetable shows published
sessions at the next site build), may cancel it, and marks it completed when it is over.
Every read and write goes through ``visible_sql`` so that an institution never sees another's
sessions and county staff see only their county's, whatever the page asks for.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re

import sqlite_utils

from portal import areas, audit, catalogue, clock, validate
from portal.db import insert, one, transaction, update
from portal.errors import Problems, ScopeError, UserError
from portal.scope import Actor

STATUS = {"draft": "草稿", "published": "已发布", "cancelled": "已取消", "completed": "已结束"}
MODES = ("集中", "上门")
DAY_PARTS = {"半日": 4, "全日": 8}  # the most class hours one day of each kind can hold
EDITABLE = ("draft", "published")
ACTIVE_ENROLMENT = ("enrolled", "completed")

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
FIELDS = (
    "course_code",
    "township_code",
    "village_code",
    "address",
    "mode",
    "day_part",
    "start_date",
    "end_date",
    "daily_start",
    "daily_end",
    "class_hours",
    "capacity",
    "trainer",
    "contact_phone",
    "notes",
)


def visible_sql(actor: Actor, alias: str = "s") -> tuple[str, list]:
    """The WHERE fragment limiting sessions to what ``actor`` may see."""
    if actor.role in ("city", "system"):
        return "1 = 1", []
    if actor.role == "county":
        return f"{alias}.county_code = ?", [actor.county_code]
    if actor.role == "institution":
        return f"{alias}.institution_id = ?", [actor.institution_id]
    return "0 = 1", []


def get(db: sqlite_utils.Database, actor: Actor, session_id: int) -> dict:
    """One session the actor may see, or a ScopeError (same message whether or not it exists)."""
    where, params = visible_sql(actor)
    row = one(
        db,
        f"SELECT s.*, c.name AS course_name, c.campaign_code, i.name AS institution_name, "
        f"(SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id "
        f"AND e.status IN ('enrolled', 'completed')) AS enrolled "
        f"FROM sessions s JOIN courses c ON c.code = s.course_code "
        f"JOIN institutions i ON i.id = s.institution_id WHERE s.id = ? AND {where}",
        [session_id, *params],
    )
    if row is None:
        raise ScopeError("无权查看或修改该培训班次：它不存在，或不属于您的机构或县。")
    return row


def session_days(session: dict) -> list[dt.date]:
    """Every calendar day from start to end: the days attendance is taken."""
    start = parse_date(session["start_date"], "开班日期")
    end = parse_date(session["end_date"], "结束日期")
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def hours_per_day(session: dict) -> float:
    return float(session["class_hours"]) / len(session_days(session))


def institution_for(db: sqlite_utils.Database, actor: Actor, institution_id: int | None) -> dict:
    """The institution a new session belongs to, checked against the actor's scope."""
    if actor.role == "institution":
        if institution_id not in (None, actor.institution_id):
            raise ScopeError("培训机构只能为本机构开班。")
        institution_id = actor.institution_id
    if not institution_id:
        raise UserError("请选择开班的培训机构。")
    inst = one(db, "SELECT * FROM institutions WHERE id = ?", [institution_id])
    if inst is None:
        raise UserError("没有找到这个培训机构，请先登记机构。")
    if actor.role == "county" and inst["county_code"] != actor.county_code:
        raise ScopeError("只能为本县（市、区）的培训机构开班。")
    return inst


def clean(db: sqlite_utils.Database, county_code: str, data: dict) -> dict:
    """Check a session's fields and return them cleaned.

    Every problem is one Chinese sentence, and all of them are named at once (``Problems``):
    a form that shows one error per click makes a clerk submit five times.
    """
    problems: list[str] = []

    def check(step):
        try:
            return step()
        except UserError as exc:
            problems.append(str(exc))
            return None

    course_code = check(lambda: _course(data.get("course_code")))
    township = check(lambda: _township(db, county_code, data.get("township_code")))
    village_code = data.get("village_code") or None
    if village_code and township:
        check(lambda: _village(db, township, village_code))
    mode = data.get("mode")
    if mode not in MODES:
        problems.append("培训方式请选“集中”或“上门”。")
    day_part = data.get("day_part")
    if day_part not in DAY_PARTS:
        problems.append("请选择“半日”或“全日”。")
        day_part = None
    start = check(lambda: parse_date(data.get("start_date"), "开班日期"))
    end = check(lambda: parse_date(data.get("end_date"), "结束日期"))
    if start and end:
        check(lambda: _period(start, end))
    daily_start = check(lambda: _time(data.get("daily_start"), "每天开始时间"))
    daily_end = check(lambda: _time(data.get("daily_end"), "每天结束时间"))
    if daily_start and daily_end and daily_end <= daily_start:
        problems.append(f"每天结束时间 {daily_end} 要晚于开始时间 {daily_start}。")
    hours = check(lambda: _number(data.get("class_hours"), "课时"))
    if hours is not None and hours <= 0:
        problems.append("课时要大于0。")
    elif hours is not None and start and end and day_part and end >= start:
        days = (end - start).days + 1
        most = DAY_PARTS[day_part] * days
        if hours > most:
            problems.append(
                f"课时与天数不符：{days}天{day_part}培训最多{most:g}课时"
                f"（{day_part}每天最多{DAY_PARTS[day_part]}课时），现填{hours:g}课时。"
                f"请减少课时、延长日期或改为全日。"
            )
    capacity = check(lambda: _number(data.get("capacity"), "招生人数"))
    if capacity is not None and (capacity != int(capacity) or capacity < 1):
        problems.append("招生人数至少为1人（整数）。")
    address = check(
        lambda: validate.clean_text(data.get("address"), field="培训地点", required=True)
    )
    trainer = check(lambda: validate.clean_text(data.get("trainer"), field="授课老师", max_len=50))
    phone = check(lambda: validate.phone(data.get("contact_phone"), required=True))
    notes = check(lambda: validate.clean_text(data.get("notes"), field="备注", max_len=500))
    if problems:
        raise Problems(problems)
    return {
        "course_code": course_code,
        "township_code": township["code"],
        "village_code": village_code,
        "address": address,
        "mode": mode,
        "day_part": day_part,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "daily_start": daily_start,
        "daily_end": daily_end,
        "class_hours": hours,
        "capacity": int(capacity),
        "trainer": trainer,
        "contact_phone": phone,
        "notes": notes,
    }


def _course(course_code) -> str:
    if not course_code:
        raise UserError("请选择培训课程。")
    course = catalogue.course(course_code)
    if not course["hours"]:
        raise UserError(
            f"“{course['name']}”不按班次开课（以工代训、技工院校教育另行登记），请选择其他课程。"
        )
    return course_code


def _township(db: sqlite_utils.Database, county_code: str, code) -> dict:
    township = areas.get(db, code or "")
    if not township or township["level"] != "township" or township["parent_code"] != county_code:
        raise UserError("请选择本县（市、区）的乡镇。")
    return township


def _village(db: sqlite_utils.Database, township: dict, village_code: str) -> None:
    village = areas.get(db, village_code)
    if not village or village["parent_code"] != township["code"]:
        raise UserError(f"所选村不属于{township['name']}，请重新选择。")


def _period(start: dt.date, end: dt.date) -> None:
    first, last = catalogue.campaign_period()
    if end < start:
        raise UserError(f"结束日期 {end} 早于开班日期 {start}，请改正。")
    if start < first or end > last:
        raise UserError(
            f"培训日期须在活动期内（{first:%Y年%-m月%-d日}至{last:%Y年%-m月%-d日}，"
            f"{catalogue.document_number()}），请调整开班或结束日期。"
        )


def create(
    db: sqlite_utils.Database, actor: Actor, data: dict, institution_id: int | None = None
) -> int:
    """A new session, saved as a draft of the actor's institution."""
    inst = institution_for(db, actor, institution_id)
    row = clean(db, inst["county_code"], data)
    now = clock.now()
    row |= {
        "institution_id": inst["id"],
        "county_code": inst["county_code"],
        "status": "draft",
        "created_at": now,
        "created_by": actor.username,
        "updated_at": now,
        "updated_by": actor.username,
    }
    with transaction(db):
        session_id = insert(db, "sessions", row)
        audit.record(db, actor.username, "create", "sessions", session_id, None, row)
    return session_id


def edit(db: sqlite_utils.Database, actor: Actor, session_id: int, data: dict) -> None:
    """Change a draft or published session; capacity never drops below those enrolled."""
    with transaction(db):
        before = get(db, actor, session_id)
        if before["status"] not in EDITABLE:
            raise UserError(f"该班次{STATUS[before['status']]}，不能再修改。")
        merged = {k: before[k] for k in FIELDS} | {k: v for k, v in data.items() if k in FIELDS}
        row = clean(db, before["county_code"], merged)
        taken = enrolled_count(db, session_id)
        if row["capacity"] < taken:
            raise UserError(f"已有{taken}人报名，招生人数不能少于{taken}。")
        changes = {k: v for k, v in row.items() if before[k] != v}
        if not changes:
            return
        timing = {"start_date", "end_date", "class_hours", "day_part"} & set(changes)
        if timing and one(
            db,
            "SELECT 1 AS x FROM attendance a JOIN enrolments e ON e.id = a.enrolment_id "
            "WHERE e.session_id = ? LIMIT 1",
            [session_id],
        ):
            raise UserError(
                "已经记过考勤，不能再改日期、课时或半日/全日（否则已记的考勤会对不上）。"
                "如确需调整，请取消本班次后重新开班。"
            )
        changes |= {"updated_at": clock.now(), "updated_by": actor.username}
        update(db, "sessions", session_id, changes)
        audit.record(
            db,
            actor.username,
            "edit",
            "sessions",
            session_id,
            {k: before[k] for k in changes},
            changes,
        )


def publish(db: sqlite_utils.Database, actor: Actor, session_id: int) -> None:
    """Draft -> published: the public timetable shows it from the next site build."""
    _move(db, actor, session_id, "publish", {"draft": "published"})


def cancel(db: sqlite_utils.Database, actor: Actor, session_id: int, reason: str) -> None:
    reason = validate.clean_text(reason, field="取消原因", max_len=200, required=True)
    _move(
        db,
        actor,
        session_id,
        "cancel",
        {"draft": "cancelled", "published": "cancelled"},
        note=reason,
    )


def complete(db: sqlite_utils.Database, actor: Actor, session_id: int) -> None:
    """Published -> completed, allowed from the last day of the session on."""
    with transaction(db):
        row = get(db, actor, session_id)
        if row["status"] == "published" and dt.date.fromisoformat(row["end_date"]) > clock.today():
            raise UserError(f"班次到 {row['end_date']} 才结束，结束后再标记“已结束”。")
        _move(db, actor, session_id, "complete", {"published": "completed"})


def _move(db, actor, session_id, action, allowed: dict, note: str | None = None) -> None:
    with transaction(db):
        row = get(db, actor, session_id)
        new = allowed.get(row["status"])
        if new is None:
            raise UserError(f"该班次{STATUS[row['status']]}，不能执行此操作。")
        changes = {"status": new, "updated_at": clock.now(), "updated_by": actor.username}
        if note:
            stamp = f"{clock.now()[:10]} 取消：{note}"
            changes["notes"] = f"{row['notes']}\n{stamp}" if row["notes"] else stamp
        update(db, "sessions", session_id, changes)
        audit.record(
            db,
            actor.username,
            action,
            "sessions",
            session_id,
            {"status": row["status"]},
            {"status": new, **({"reason": note} if note else {})},
        )
        if new in ("cancelled", "completed"):
            from portal import enrolment  # late: enrolment builds on this module

            enrolment.close_waiting_list(db, actor, session_id, STATUS[new])


def enrolled_count(db: sqlite_utils.Database, session_id: int) -> int:
    return one(
        db,
        "SELECT COUNT(*) AS n FROM enrolments WHERE session_id = ? AND status IN (?, ?)",
        [session_id, *ACTIVE_ENROLMENT],
    )["n"]


def list_sessions(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    county: str | None = None,
    township: str | None = None,
    campaign: str | None = None,
    status: str | None = None,
    month: str | None = None,
    institution_id: int | None = None,
    limit: int = 500,
) -> list[dict]:
    """Sessions the actor may see, newest start first, with place names and head counts.

    ``month`` (YYYY-MM) keeps sessions running at any time in that month.
    """
    where, params = visible_sql(actor)
    clauses = [where]
    if county:
        clauses.append("s.county_code = ?")
        params.append(areas.county_code(county))
    if township:
        clauses.append("s.township_code = ?")
        params.append(township)
    if campaign:
        clauses.append("c.campaign_code = ?")
        params.append(campaign)
    if status:
        if status not in STATUS:
            raise UserError("状态只能是草稿、已发布、已取消或已结束。")
        clauses.append("s.status = ?")
        params.append(status)
    if institution_id:
        clauses.append("s.institution_id = ?")
        params.append(institution_id)
    if month:
        first, last = month_bounds(month)
        clauses.append("s.start_date <= ? AND s.end_date >= ?")
        params += [last.isoformat(), first.isoformat()]
    sql = f"""
        SELECT s.id, s.status, s.start_date, s.end_date, s.daily_start, s.daily_end,
               s.class_hours, s.capacity, s.mode, s.day_part, s.address, s.trainer,
               s.contact_phone, s.institution_id, s.county_code, s.township_code,
               s.village_code, s.course_code, c.name AS course_name, c.campaign_code,
               i.name AS institution_name, cty.name AS county_name, t.name AS township_name,
               v.name AS village_name,
               (SELECT COUNT(*) FROM enrolments e
                 WHERE e.session_id = s.id AND e.status IN ('enrolled', 'completed')) AS enrolled
        FROM sessions s
        JOIN courses c ON c.code = s.course_code
        JOIN institutions i ON i.id = s.institution_id
        JOIN areas cty ON cty.code = s.county_code
        JOIN areas t ON t.code = s.township_code
        LEFT JOIN areas v ON v.code = s.village_code
        WHERE {" AND ".join(clauses)}
        ORDER BY s.start_date DESC, s.id DESC
        LIMIT ?
    """
    return list(db.query(sql, [*params, int(limit)]))


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    try:
        year, mon = (int(p) for p in str(month).split("-"))
        first = dt.date(year, mon, 1)
    except (TypeError, ValueError):
        raise UserError(f"月份“{month}”格式不对，应为 2019-05 这样的年-月。") from None
    return first, dt.date(year, mon, _calendar.monthrange(year, mon)[1])


def calendar(
    db: sqlite_utils.Database, actor: Actor, month: str, **filters
) -> dict[dt.date, list[dict]]:
    """Day -> sessions running that day, for every day of ``month`` (calendar view)."""
    first, last = month_bounds(month)
    rows = list_sessions(db, actor, month=month, limit=5000, **filters)
    days = {first + dt.timedelta(days=n): [] for n in range((last - first).days + 1)}
    for row in rows:
        start = max(dt.date.fromisoformat(row["start_date"]), first)
        end = min(dt.date.fromisoformat(row["end_date"]), last)
        day = start
        while day <= end:
            days[day].append(row)
            day += dt.timedelta(days=1)
    return days


def institutions(db: sqlite_utils.Database, actor: Actor) -> list[dict]:
    """Institutions the actor may open sessions for."""
    if actor.role == "institution":
        return list(
            db.query(
                "SELECT id, name, county_code FROM institutions WHERE id = ?",
                [actor.institution_id],
            )
        )
    where, params = actor.county_filter()
    return list(
        db.query(
            f"SELECT id, name, county_code FROM institutions WHERE {where} ORDER BY name", params
        )
    )


def parse_date(value, field: str) -> dt.date:
    """A date object, or a whole date typed in any form ``validate.date_text`` reads."""
    return validate.date_text(value, field=field, required=True)


def _time(value, field: str) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = str(value or "").strip().replace("：", ":")
    if len(text) == 4 and text[1] == ":":
        text = "0" + text
    if not _TIME.match(text):
        raise UserError(f"{field}“{text[:10]}”格式不对，请按 08:30 的格式填写。")
    return text


def _number(value, field: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise UserError(f"{field}须为数字。") from None
