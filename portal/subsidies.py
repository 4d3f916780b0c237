"""Subsidies worked out from the dated rates (content/data/rates.yml) and the records.

Why it is built this way:
- Every amount comes with the rule name and document number of the rate entry it was priced
  with, and the entry is the one in force on the date of the event (the last day of a session,
  the day a start-up completes six months, ...). A later entry in rates.yml changes only events
  on or after its start date.
- Where the sources set no amount (training subsidy, 以工代训) nothing is invented: the line
  counts the class hours, days or months and says "按《…》规定标准执行". When the city adds a
  dated entry with an amount, the same line shows yuan.
- Periods are measured in calendar months with the day kept (2019-01-15 + 6 months =
  2019-07-15; a month-end is clamped: 08-31 + 6 months = 02-29). A period "is reached" on
  that day. End dates stored on records are the last day worked or in school (inclusive).
- Poverty-targeted subsidies (training, 以工代训, technical-school grant, employer reward)
  count only registered (建档立卡) workers. The one-off start-up subsidy is also open to
  returning migrant workers under the plan (四、(四)), so it does not need registration.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

import sqlite_utils

from portal import catalogue
from portal.errors import UserError
from portal.scope import Actor

KINDS = {
    "training": "培训补贴",
    "work_training": "以工代训职业培训补贴",
    "school": "技工教育家庭补助",
    "startup": "一次性创业补贴",
    "employer_reward": "创业扶贫奖励补贴",
}
# Each record type numbers its own records (the tables' ids overlap): shown as 以工代训-12,
# 技工学生-3 ..., so a number on the page or in a spreadsheet says which list it is in.
RECORD_PREFIX = {
    "training": "培训报名",
    "work_training": "以工代训",
    "school": "技工学生",
    "startup": "创业",
    "employer_reward": "吸纳就业",
}
TABLE_KINDS = {
    "work_training_placements": "work_training",
    "school_students": "school",
    "startups": "startup",
    "employer_rewards": "employer_reward",
}
POVERTY_TARGETED = {"training", "work_training", "school", "employer_reward"}
TRAINING_CATEGORIES = ("vocational", "practical", "startup", "lecture", "pre_employment")
NOT_REGISTERED = "非建档立卡贫困劳动力，不享受此项补贴"


@dataclass(frozen=True)
class Line:
    """One subsidy (or one part of it) for one person, with where its amount comes from."""

    kind: str
    record_id: int
    worker_id: int
    county_code: str
    on: dt.date  # the event date: it picks the rate and the month the line falls in
    quantity: float
    unit: str  # 课时 / 天 / 月 / 年 / 户 / 人
    amount: int | float | None  # None: the sources set no amount (see amount_text)
    amount_text: str
    rule: str
    document: str
    counts: bool = True  # False: shown for information (not eligible yet, not registered...)
    note: str = ""
    # 以工代训: (day the month was completed, that month's amount or None), one per counted month
    months: tuple = ()

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["on"] = self.on.isoformat()
        d["kind_label"] = self.kind_label
        return d


def record_number(kind: str, record_id: int) -> str:
    """The number staff see for a record: its type and its id, e.g. 以工代训-12."""
    return f"{RECORD_PREFIX[kind]}-{record_id}"


# --- dates ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day number ``months`` later, clamped to the month's end."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reached(start: dt.date, months: int, last_day: dt.date | None, as_of: dt.date) -> bool:
    """Has a period that began on ``start`` lasted ``months`` months?

    An ongoing record (no last day) has reached it when ``as_of`` is on or after the due day;
    an ended one when its last day is at least the day before (the last day counts in full).
    """
    due = add_months(start, months)
    if last_day is not None:
        return due <= last_day + dt.timedelta(days=1) and due <= as_of
    return due <= as_of


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- pricing -------------------------------------------------------------------------------


_memo: dict = {"source": None, "by_key": {}, "picked": {}}


def _rate_or_none(key: str, on: dt.date):
    """The entry for ``key`` in force on ``on`` (as ``catalogue.rate``), or None.

    A city's report prices tens of thousands of events and ``catalogue.rate`` rebuilds the
    rate list on every call, so the list is indexed once per load of rates.yml (the memo
    holds the loaded object, so a reload is always seen) and each (key, date) remembered.
    """
    source = catalogue._load("rates.yml")
    if _memo["source"] is not source:
        by_key = defaultdict(list)
        for r in catalogue.rates():
            by_key[r.key].append(r)
        _memo.update(source=source, by_key=by_key, picked={})
    picked = _memo["picked"]
    if (key, on) not in picked:
        found = [
            r
            for r in _memo["by_key"].get(key, ())
            if r.start <= on and (r.end is None or on <= r.end)
        ]
        picked[(key, on)] = max(found, key=lambda r: r.start) if found else None
    return picked[(key, on)]


def basis(rate) -> str:
    """What a training-subsidy entry counts: '课时' or '天' (read from its unit)."""
    if "课时" in rate.unit:
        return "课时"
    if "天" in rate.unit or "日" in rate.unit:
        return "天"
    raise UserError(
        f"rates.yml 中“{rate.key}”的单位“{rate.unit}”应写明按课时或按天，例如 元/课时 或 元/天。"
    )


def _priced(rate, quantity: float) -> tuple[int | float | None, str]:
    if rate.amount is None:
        return None, rate.describe_amount()
    amount = rate.amount * quantity
    if float(amount).is_integer():
        amount = int(amount)
    return amount, f"{amount}元"


def _no_rate(kind, record_id, worker_id, county, on, quantity, unit, key) -> Line:
    return Line(
        kind, record_id, worker_id, county, on, quantity, unit, None, "—", KINDS[kind], "",
        counts=False, note=f"{on.isoformat()}没有生效的补贴标准（rates.yml 中的 {key}）",
    )  # fmt: skip


def training_line(
    *,
    record_id: int,
    worker_id: int,
    county_code: str,
    category: str,
    class_hours: float,
    start: dt.date,
    end: dt.date,
    registered: bool = True,
    persons: int = 1,
) -> Line | None:
    """Training subsidy for a completed enrolment (or ``persons`` of them in one session),
    priced with the entry in force on the session's last day."""
    key = f"training_subsidy_{category}"
    if category not in TRAINING_CATEGORIES:
        return None  # 以工代训 and technical school are paid by their own rules
    rate = _rate_or_none(key, end)
    days = (end - start).days + 1
    if rate is None:
        return _no_rate("training", record_id, worker_id, county_code, end, days, "天", key)
    unit = basis(rate)
    quantity = (class_hours if unit == "课时" else days) * persons
    amount, text = _priced(rate, quantity)
    if not registered:
        return Line(
            "training", record_id, worker_id, county_code, end, quantity, unit, None, "—",
            rate.name, rate.document, counts=False, note=NOT_REGISTERED,
        )  # fmt: skip
    return Line(
        "training", record_id, worker_id, county_code, end, quantity, unit, amount, text,
        rate.name, rate.document,
    )  # fmt: skip


def placement_months(start: dt.date, last_day: dt.date | None, as_of: dt.date) -> list[dt.date]:
    """The days on which each full month of a 以工代训 placement is completed (uncapped)."""
    out, k = [], 1
    while reached(start, k, last_day, as_of):
        out.append(add_months(start, k))
        k += 1
    return out


def work_training_lines(placements: list[dict], as_of: dt.date) -> list[Line]:
    """One line per placement: months counted, at most six per worker across placements.

    ``placements`` rows carry id, worker_id, county_code, start_date, end_date, registered.
    """
    lines, used = [], defaultdict(int)
    for p in sorted(placements, key=lambda r: (r["worker_id"], str(r["start_date"]), r["id"])):
        start, last = _date(p["start_date"]), _date(p["end_date"])
        cap_rate = _rate_or_none("work_training", start) or _rate_or_none("work_training", as_of)
        if cap_rate is None:
            lines.append(
                _no_rate("work_training", p["id"], p["worker_id"], p["county_code"], start,
                         0, "月", "work_training")
            )  # fmt: skip
            continue
        cap = cap_rate.max_months or 6
        # months completed before any rate was in force (before the plan) do not count
        in_force = {
            d: _rate_or_none("work_training", d) for d in placement_months(start, last, as_of)
        }
        before_plan = sum(1 for r in in_force.values() if r is None)
        months = [d for d, r in in_force.items() if r is not None]
        room = max(0, cap - used[p["worker_id"]])
        counted = months[:room]
        dropped = len(months) - len(counted)
        notes = [f"政策施行前的{before_plan}个月不计"] if before_plan else []
        if dropped:
            notes.append(f"以工代训补贴最长{cap}个月，另有{dropped}个月不计")
        if not p.get("registered", 1):
            notes.append(NOT_REGISTERED)
        amount, text, parts = 0, cap_rate.describe_amount(), []
        for day in counted:
            r = in_force[day]
            parts.append((day, r.amount))
            amount = None if r.amount is None or amount is None else amount + r.amount
        if amount is not None and counted:
            text = f"{amount}元"
        elif not counted:
            amount, text = 0, "0元"
        registered = bool(p.get("registered", 1))
        if registered:
            used[p["worker_id"]] += len(counted)
        on = counted[-1] if counted else start
        lines.append(
            Line(
                "work_training", p["id"], p["worker_id"], p["county_code"], on,
                len(counted), "月", amount if registered else None,
                text if registered else "—", cap_rate.name, cap_rate.document,
                counts=registered and bool(counted), note="；".join(notes),
                months=tuple(parts),
            )
        )  # fmt: skip
    return lines


def school_years(
    enrol: dt.date, leave: dt.date | None, as_of: dt.date, course_years: int | None = None
) -> list[dt.date]:
    """First day of each year of study begun by ``as_of``, before leaving school and within
    the course length (学制): a student never draws more years than the course has."""
    out, k = [], 0
    while True:
        begins = add_months(enrol, 12 * k)
        if begins > as_of or (leave is not None and begins >= leave):
            return out
        if course_years is not None and k >= course_years:
            return out
        out.append(begins)
        k += 1


NO_COURSE_YEARS = "未填写学制，也没有离校日期：无法确定补助到哪一年，请在“记录管理”中补填学制"


def school_lines(student: dict, as_of: dt.date) -> list[Line]:
    """3000 yuan per student per year of study, each year priced on the day it begins.

    The years are bounded by the leave date and by the course length (学制). A student with
    no leave date is counted to the end of the course and each line says the leave date is
    missing; an old record with neither (entered before 学制 was asked) counts its first year
    only, and every later year begun is shown as not counted until the 学制 is filled in.
    """
    enrol, leave = _date(student["enrol_date"]), _date(student["leave_date"])
    years = student.get("course_years")
    years = int(years) if years else None
    bounded = school_years(enrol, leave, as_of, years if (years or leave) else 1)
    unbounded = [] if (years or leave) else school_years(enrol, leave, as_of)[len(bounded) :]
    lines = []
    registered = bool(student.get("registered", 1))
    for n, begins in enumerate([*bounded, *unbounded], start=1):
        rate = _rate_or_none("school_household_grant", begins)
        if rate is None:
            lines.append(
                _no_rate("school", student["id"], student["worker_id"], student["county_code"],
                         begins, 1, "年", "school_household_grant")
            )  # fmt: skip
            continue
        counts = registered and n <= len(bounded)
        notes = [f"第{n}学年" + (f"（学制{years}年）" if years else "")]
        if not registered:
            notes.append(NOT_REGISTERED)
        if n > len(bounded):
            notes.append(NO_COURSE_YEARS)
        elif leave is None:
            notes.append(
                "未登记离校日期：按学制计算，学生中途离校的请登记离校日期"
                if years
                else NO_COURSE_YEARS
            )
        amount, text = _priced(rate, 1)
        lines.append(
            Line(
                "school", student["id"], student["worker_id"], student["county_code"], begins,
                1, "年", amount if counts else None, text if counts else "—",
                rate.name, rate.document, counts=counts, note="；".join(notes),
            )
        )  # fmt: skip
    return lines


STARTUP_KEYS = {"enterprise": "startup_subsidy_enterprise", "sole": "startup_subsidy_sole"}


def startup_lines(startups: list[dict], as_of: dt.date) -> list[Line]:
    """One-off 10,000 / 5,000 yuan once six months of operation are reached; first time only."""
    lines, paid = [], set()
    for s in sorted(startups, key=lambda r: (r["worker_id"], str(r["registered_on"]), r["id"])):
        registered_on = _date(s["registered_on"])
        key = STARTUP_KEYS[s["kind"]]
        base = _rate_or_none(key, registered_on) or _rate_or_none(key, as_of)
        months = (base.min_months if base else None) or 6
        due = add_months(registered_on, months)
        rate = _rate_or_none(key, due)
        if rate is None:
            lines.append(
                _no_rate("startup", s["id"], s["worker_id"], s["county_code"], due, 1, "户", key)
            )
            continue
        amount, text = _priced(rate, 1)
        note, counts = f"满{months}个月之日：{due.isoformat()}", True
        if not s.get("first_time", 1):
            note, counts = "不是首次创业，不享受（仅限首次）", False
        elif s["worker_id"] in paid:
            note, counts = "已享受过一次性创业补贴（仅限首次）", False
        elif not s.get("operating", 1):
            note, counts = "未正常经营，不享受", False
        elif due > as_of:
            note, counts = f"尚未满{months}个月，{due.isoformat()}起可申请", False
        if counts:
            paid.add(s["worker_id"])
        lines.append(
            Line(
                "startup", s["id"], s["worker_id"], s["county_code"], due, 1, "户",
                amount if counts else None, text if counts else "—", rate.name, rate.document,
                counts=counts, note=note,
            )
        )  # fmt: skip
    return lines


def employer_reward_lines(rows: list[dict], as_of: dt.date) -> list[Line]:
    """1,000 yuan one-off per registered poor worker employed stably for a year or more."""
    lines = []
    for r in rows:
        since, until = _date(r["employed_since"]), _date(r["employed_until"])
        base = _rate_or_none("employer_reward", since) or _rate_or_none("employer_reward", as_of)
        months = (base.min_months if base else None) or 12
        due = add_months(since, months)
        rate = _rate_or_none("employer_reward", due)
        if rate is None:
            lines.append(
                _no_rate("employer_reward", r["id"], r["worker_id"], r["county_code"], due, 1,
                         "人", "employer_reward")
            )  # fmt: skip
            continue
        amount, text = _priced(rate, 1)
        counts, note = True, f"满1年之日：{due.isoformat()}"
        if not r.get("registered", 1):
            counts, note = False, NOT_REGISTERED
        elif not reached(since, months, until, as_of):
            counts = False
            note = (
                f"在岗不满1年（{until.isoformat()}离岗），不享受"
                if until is not None and until < due - dt.timedelta(days=1)
                else f"尚未满1年，{due.isoformat()}起可申请"
            )
        lines.append(
            Line(
                "employer_reward", r["id"], r["worker_id"], r["county_code"], due, 1, "人",
                amount if counts else None, text if counts else "—", rate.name, rate.document,
                counts=counts, note=note,
            )
        )  # fmt: skip
    return lines


# --- from the database ---------------------------------------------------------------------


def _scoped(actor: Actor, county_code: str | None, column: str) -> tuple[str, list]:
    where, params = actor.county_filter(column)
    if county_code:
        actor.check_county(county_code)
        where, params = f"{where} AND {column} = ?", [*params, county_code]
    return where, params


def record_lines(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    county_code: str | None = None,
    as_of: dt.date | None = None,
    kinds: tuple[str, ...] = ("work_training", "school", "startup", "employer_reward"),
) -> list[Line]:
    """Lines for the four record tables in the actor's scope (training is per enrolment)."""
    as_of = as_of or dt.date.today()
    out: list[Line] = []
    tables = {
        "work_training": ("work_training_placements", work_training_lines),
        "school": (
            "school_students",
            lambda rows, d: [x for r in rows for x in school_lines(r, d)],
        ),
        "startup": ("startups", startup_lines),
        "employer_reward": ("employer_rewards", employer_reward_lines),
    }
    for kind in kinds:
        if kind == "training":
            out.extend(training_lines(db, actor, county_code=county_code))
            continue
        table, fn = tables[kind]
        where, params = _scoped(actor, county_code, "t.county_code")
        rows = list(
            db.query(
                f"SELECT t.*, w.registered FROM [{table}] t JOIN workers w ON w.id = t.worker_id "
                f"WHERE {where}",
                params,
            )
        )
        out.extend(fn(rows, as_of))
    return out


def training_lines(
    db: sqlite_utils.Database,
    actor: Actor,
    *,
    county_code: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Line]:
    """One line per completed enrolment (by the worker's county and the session's last day)."""
    where, params = _scoped(actor, county_code, "w.county_code")
    if start:
        where, params = f"{where} AND s.end_date >= ?", [*params, start.isoformat()]
    if end:
        where, params = f"{where} AND s.end_date <= ?", [*params, end.isoformat()]
    rows = db.query(
        "SELECT e.id, e.worker_id, w.county_code, w.registered, c.category, s.class_hours, "
        "s.start_date, s.end_date FROM enrolments e JOIN workers w ON w.id = e.worker_id "
        "JOIN sessions s ON s.id = e.session_id JOIN courses c ON c.code = s.course_code "
        f"WHERE e.status = 'completed' AND {where} ORDER BY s.end_date, e.id",
        params,
    )
    out = []
    for r in rows:
        line = training_line(
            record_id=r["id"],
            worker_id=r["worker_id"],
            county_code=r["county_code"],
            category=r["category"],
            class_hours=r["class_hours"],
            start=_date(r["start_date"]),
            end=_date(r["end_date"]),
            registered=bool(r["registered"]),
        )
        if line:
            out.append(line)
    return out


# --- totals for reports --------------------------------------------------------------------


def empty_total(kind: str) -> dict:
    return {
        "kind": kind,
        "label": KINDS[kind],
        "persons": 0,
        "quantity": 0,
        "unit": "",
        "amount": 0,
        "unpriced": 0,
        "documents": [],
        "amount_texts": [],
    }


def add_to_total(total: dict, line: Line, persons: int = 1) -> None:
    """Fold a line into a per-kind total; quantities of different units are kept apart."""
    total["persons"] += persons
    units = dict(total.get("by_unit") or {})
    units[line.unit] = units.get(line.unit, 0) + line.quantity
    total["by_unit"] = units
    total["quantity"] = sum(units.values()) if len(units) == 1 else None
    total["unit"] = "、".join(units) if len(units) == 1 else ""
    if line.amount is None:
        total["unpriced"] += persons
        if line.amount_text not in total["amount_texts"]:
            total["amount_texts"].append(line.amount_text)
    else:
        total["amount"] += line.amount
    if line.document and line.document not in total["documents"]:
        total["documents"].append(line.document)


def describe_total(total: dict) -> str:
    """“3,200元” or “按《…》规定标准执行” or both, for a report cell."""
    parts = []
    if total["amount"]:
        parts.append(f"{total['amount']}元")
    if total["unpriced"]:
        parts.extend(total["amount_texts"])
    return "；".join(parts) if parts else "0元"


def period_totals(lines: list[Line], start: dt.date, end: dt.date) -> dict[str, dict]:
    """Per kind: persons, quantity and amount of the counted lines whose event falls in
    [start, end]; 以工代训 counts the months completed in the period."""
    totals = {kind: empty_total(kind) for kind in KINDS}
    for line in lines:
        if not line.counts:
            continue
        if line.kind == "work_training":
            inside = [(d, a) for d, a in line.months if start <= d <= end]
            if not inside:
                continue
            amounts = [a for _, a in inside]
            amount = None if any(a is None for a in amounts) else sum(amounts)
            part = Line(
                line.kind, line.record_id, line.worker_id, line.county_code, inside[-1][0],
                len(inside), line.unit, amount,
                line.amount_text if amount is None else f"{amount}元", line.rule, line.document,
            )  # fmt: skip
            add_to_total(totals[line.kind], part)
        elif start <= line.on <= end:
            add_to_total(totals[line.kind], line)
    return totals


def training_total(groups) -> dict:
    """Training subsidy total from completed enrolments grouped by session.

    ``groups`` yields (category, class_hours, start, end, persons) per session: a city has
    hundreds of thousands of enrolments, so each session is priced once, with the entry in
    force on its last day, for all its registered completers.
    """
    total = empty_total("training")
    for category, hours, start, end, persons in groups:
        line = training_line(
            record_id=0,
            worker_id=0,
            county_code="",
            category=category,
            class_hours=hours,
            start=_date(start),
            end=_date(end),
            persons=persons,
        )
        if line is not None and line.counts:
            add_to_total(total, line, persons=persons)
    return total


SUMMARY_HEADERS = ["补贴项目", "记录数", "明细行数", "计入行数", "计入人数", "数量",
                   "已定标准金额（元）", "按文件规定标准执行（行）", "未计入（行）"]  # fmt: skip


def kind_summary(lines: list[Line], kinds=None) -> list[list]:
    """One row per subsidy type: its own counts and amount, so no type hides in a total.

    Every type asked for gets a row, also when it has no line (then all zeros), so a missing
    type is visibly zero rather than absent.
    """
    kinds = list(KINDS) if kinds is None else list(kinds)
    rows = []
    for kind in kinds:
        mine = [ln for ln in lines if ln.kind == kind]
        counted = [ln for ln in mine if ln.counts]
        by_unit: dict[str, float] = {}
        for ln in counted:
            by_unit[ln.unit] = by_unit.get(ln.unit, 0) + ln.quantity
        quantity = "、".join(
            f"{int(q) if float(q).is_integer() else q}{u}" for u, q in by_unit.items()
        )
        rows.append(
            [KINDS[kind], len({ln.record_id for ln in mine}), len(mine), len(counted),
             len({ln.worker_id for ln in counted}), quantity or "0",
             sum(ln.amount for ln in counted if ln.amount is not None),
             sum(1 for ln in counted if ln.amount is None), len(mine) - len(counted)]
        )  # fmt: skip
    return rows


def school_gaps(
    db: sqlite_utils.Database, actor: Actor, county_code: str | None = None
) -> dict[str, int]:
    """技工院校学生 records still at school by the records (no leave date), and those of them
    entered without a course length (学制): the page warns about both."""
    where, params = _scoped(actor, county_code, "county_code")
    row = db.execute(
        "SELECT COUNT(*), SUM(course_years IS NULL) FROM school_students "
        f"WHERE leave_date IS NULL AND {where}",
        params,
    ).fetchone()
    return {"no_leave": row[0] or 0, "no_leave_no_years": row[1] or 0}


LINE_HEADERS = ["记录编号", "补贴项目", "姓名", "身份证号", "日期", "数量", "单位", "金额", "是否计入",
                "说明", "依据规定", "文件编号"]  # fmt: skip


def line_rows(db: sqlite_utils.Database, actor: Actor, lines: list[Line]) -> list[list]:
    """Lines as table rows with the worker's name and ID (masked unless the role needs it)."""
    from portal import idnumber

    ids = sorted({ln.worker_id for ln in lines})
    people = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        marks = ", ".join("?" for _ in part)
        for w in db.query(f"SELECT id, name, id_number FROM workers WHERE id IN ({marks})", part):
            people[w["id"]] = w
    rows = []
    for ln in lines:
        w = people.get(ln.worker_id, {"name": "", "id_number": ""})
        number = w["id_number"] if actor.sees_full_id else idnumber.mask(w["id_number"])
        quantity = int(ln.quantity) if float(ln.quantity).is_integer() else ln.quantity
        rows.append(
            [record_number(ln.kind, ln.record_id), ln.kind_label, w["name"], number,
             ln.on.isoformat(), quantity, ln.unit,
             ln.amount_text, "是" if ln.counts else "否", ln.note, ln.rule, ln.document]
        )  # fmt: skip
    return rows
