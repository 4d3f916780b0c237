"""Every subsidy rule at its boundaries, and each amount's rule and document number."""

from __future__ import annotations

import datetime as dt

import pytest
import reportkit as kit

from portal import catalogue, subsidies
from portal.scope import SYSTEM

D = dt.date
DOC = "绥人社发〔2019〕18号"


@pytest.fixture
def rates_with(monkeypatch, tmp_path):
    def apply(extra):
        kit.temporary_rates(monkeypatch, tmp_path, extra)

    yield apply
    catalogue._load.cache_clear()


def test_add_months_keeps_the_day_and_clamps_month_ends():
    assert subsidies.add_months(D(2019, 1, 15), 6) == D(2019, 7, 15)
    assert subsidies.add_months(D(2019, 8, 31), 6) == D(2020, 2, 29)
    assert subsidies.add_months(D(2019, 12, 31), 2) == D(2020, 2, 29)
    assert subsidies.add_months(D(2019, 11, 30), 12) == D(2020, 11, 30)


# --- start-up subsidy: six months from registration, first time only ------------------------


def _startup(kind="enterprise", registered_on="2019-01-15", **kw):
    return {"id": kw.pop("id", 1), "worker_id": kw.pop("worker_id", 7), "county_code": "231221",
            "kind": kind, "registered_on": registered_on, "operating": 1, "first_time": 1, **kw}  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "counts"),
    [(D(2019, 7, 14), False), (D(2019, 7, 15), True), (D(2019, 7, 16), True)],
    ids=["6 months minus a day", "exactly 6 months", "6 months plus a day"],
)
def test_startup_six_months_boundary(as_of, counts):
    (line,) = subsidies.startup_lines([_startup()], as_of)
    assert line.counts is counts
    assert line.on == D(2019, 7, 15)
    assert line.amount == (10000 if counts else None)
    assert line.rule == "一次性创业补贴（创办企业）" and line.document == DOC
    if not counts:
        assert "2019-07-15起可申请" in line.note


def test_startup_sole_is_5000_and_first_time_only():
    rows = [
        _startup("sole", "2019-02-01", id=1),
        _startup("enterprise", "2019-03-01", id=2),  # the same person's second business
        _startup("sole", "2019-02-01", id=3, worker_id=8, first_time=0),
        _startup("sole", "2019-02-01", id=4, worker_id=9, operating=0),
    ]
    lines = {ln.record_id: ln for ln in subsidies.startup_lines(rows, D(2019, 12, 31))}
    assert (lines[1].amount, lines[1].counts) == (5000, True)
    assert lines[1].rule == "一次性创业补贴（个体经营）"
    assert not lines[2].counts and "仅限首次" in lines[2].note
    assert not lines[3].counts and "不是首次" in lines[3].note
    assert not lines[4].counts and "未正常经营" in lines[4].note


# --- employer reward: one year of stable employment ----------------------------------------


def _reward(since="2019-03-01", until=None, registered=1):
    return {"id": 1, "worker_id": 5, "county_code": "231221", "employed_since": since,
            "employed_until": until, "registered": registered}  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "counts"),
    [(D(2020, 2, 29), False), (D(2020, 3, 1), True), (D(2020, 3, 2), True)],
)
def test_employer_reward_one_year_ongoing(as_of, counts):
    (line,) = subsidies.employer_reward_lines([_reward()], as_of)
    assert line.counts is counts
    assert line.amount == (1000 if counts else None)
    assert line.rule == "创业扶贫奖励补贴" and line.document == DOC


@pytest.mark.parametrize(
    ("until", "counts"),
    [("2020-02-28", False), ("2020-02-29", True), ("2020-03-01", True)],
    ids=["left two days short", "last day completes the year", "a day longer"],
)
def test_employer_reward_one_year_ended(until, counts):
    (line,) = subsidies.employer_reward_lines([_reward(until=until)], D(2021, 1, 1))
    assert line.counts is counts
    if not counts:
        assert "不满1年" in line.note


def test_unregistered_worker_gets_no_poverty_subsidy():
    (reward,) = subsidies.employer_reward_lines([_reward(registered=0)], D(2021, 1, 1))
    assert not reward.counts and reward.amount is None and "非建档立卡" in reward.note
    school = subsidies.school_lines(
        {"id": 1, "worker_id": 5, "county_code": "231221", "enrol_date": "2019-09-01",
         "leave_date": None, "registered": 0}, D(2020, 1, 1),
    )  # fmt: skip
    assert [ln.counts for ln in school] == [False]
    (placement,) = subsidies.work_training_lines(
        [{"id": 1, "worker_id": 5, "county_code": "231221", "start_date": "2019-04-01",
          "end_date": None, "registered": 0}], D(2019, 12, 1),
    )  # fmt: skip
    assert not placement.counts and "非建档立卡" in placement.note
    training = subsidies.training_line(
        record_id=1, worker_id=5, county_code="231221", category="vocational",
        class_hours=80, start=D(2019, 5, 1), end=D(2019, 5, 10), registered=False,
    )  # fmt: skip
    assert not training.counts and training.amount is None


# --- 以工代训: months counted, six at most ----------------------------------------------------


def _placement(start, end=None, pid=1, worker_id=5):
    return {"id": pid, "worker_id": worker_id, "county_code": "231221", "start_date": start,
            "end_date": end, "registered": 1}  # fmt: skip


def test_work_training_months_and_cap():
    # ongoing since 2019-04-10: on 2019-07-09 two full months, on 07-10 three
    (line,) = subsidies.work_training_lines([_placement("2019-04-10")], D(2019, 7, 9))
    assert (line.quantity, line.unit) == (2, "月")
    (line,) = subsidies.work_training_lines([_placement("2019-04-10")], D(2019, 7, 10))
    assert line.quantity == 3
    # a year later: capped at 6, and the line says so
    (line,) = subsidies.work_training_lines([_placement("2019-04-10")], D(2020, 4, 10))
    assert line.quantity == 6 and "最长6个月" in line.note and "另有6个月不计" in line.note
    assert line.amount is None and "方案没有写明补贴标准" in line.amount_text
    assert line.rule == "以工代训职业培训补贴" and line.document == DOC


def test_work_training_end_date_is_inclusive():
    (line,) = subsidies.work_training_lines([_placement("2019-04-10", "2019-07-09")], D(2020, 1, 1))
    assert line.quantity == 3
    (line,) = subsidies.work_training_lines([_placement("2019-04-10", "2019-07-08")], D(2020, 1, 1))
    assert line.quantity == 2


def test_work_training_cap_across_placements_of_one_worker():
    rows = [
        _placement("2019-04-01", "2019-07-31", pid=1),  # 4 months
        _placement("2019-08-01", "2019-11-30", pid=2),  # 4 more, only 2 count
        _placement("2019-08-01", "2019-11-30", pid=3, worker_id=6),  # someone else: 4
    ]
    lines = {ln.record_id: ln for ln in subsidies.work_training_lines(rows, D(2020, 1, 1))}
    assert (lines[1].quantity, lines[2].quantity, lines[3].quantity) == (4, 2, 4)
    assert "另有2个月不计" in lines[2].note


# --- technical-school students: 3000 yuan per year of study --------------------------------


def _student(enrol="2019-09-01", leave=None, years=3):
    return {"id": 1, "worker_id": 5, "county_code": "231221", "enrol_date": enrol,
            "leave_date": leave, "registered": 1, "course_years": years}  # fmt: skip


@pytest.mark.parametrize(
    ("leave", "as_of", "years"),
    [
        (None, D(2019, 8, 31), 0),
        (None, D(2019, 9, 1), 1),
        (None, D(2020, 8, 31), 1),
        (None, D(2020, 9, 1), 2),
        ("2020-09-01", D(2022, 1, 1), 1),  # left on the day the second year would begin
        ("2020-09-02", D(2022, 1, 1), 2),
        ("2022-07-01", D(2023, 1, 1), 3),
    ],
)
def test_school_years_counted_from_dates(leave, as_of, years):
    lines = subsidies.school_lines(_student(leave=leave), as_of)
    assert len(lines) == years
    assert sum(ln.amount for ln in lines) == 3000 * years
    for n, ln in enumerate(lines, start=1):
        assert ln.note.startswith(f"第{n}学年") and ln.rule == "技工教育家庭补助"
        assert ln.document == DOC


def test_school_years_bounded_by_course_length():
    """A student with no leave date draws at most 学制 years (the issue: 8 years, 24,000元)."""
    lines = subsidies.school_lines(_student(years=3), D(2027, 6, 1))
    assert len(lines) == 3 and sum(ln.amount for ln in lines) == 9000
    assert all(ln.counts for ln in lines)
    assert all("未登记离校日期" in ln.note and "学制3年" in ln.note for ln in lines)
    # a leave date before the course's end still ends the grant earlier
    left = subsidies.school_lines(_student(years=3, leave="2020-07-01"), D(2027, 6, 1))
    assert len(left) == 1 and "未登记离校日期" not in left[0].note


def test_school_record_without_course_length_counts_first_year_and_names_the_rest():
    lines = subsidies.school_lines(_student(years=None), D(2027, 6, 1))
    assert [ln.counts for ln in lines] == [True] + [False] * 7
    assert sum(ln.amount for ln in lines if ln.counts) == 3000
    assert all("未填写学制" in ln.note for ln in lines)
    # with a leave date the years are bounded by it, no 学制 needed
    left = subsidies.school_lines(_student(years=None, leave="2021-07-01"), D(2027, 6, 1))
    assert [ln.counts for ln in left] == [True, True] and "未填写学制" not in left[1].note


def test_work_training_months_before_the_plan_do_not_count():
    (line,) = subsidies.work_training_lines([_placement("2019-01-01", "2019-06-30")], D(2020, 1, 1))
    # months completed 02-01 and 03-01 predate the plan (2019-03-12); 04-01 .. 07-01 count
    assert line.quantity == 4 and "政策施行前的2个月不计" in line.note


def test_school_year_before_the_plan_has_no_rate():
    lines = subsidies.school_lines(_student(enrol="2018-09-01"), D(2019, 9, 1))
    assert [ln.counts for ln in lines] == [False, True]
    assert "没有生效的补贴标准" in lines[0].note


# --- training subsidy: hours or days by category, rate picked by date ----------------------


def _training(category, start, end, hours):
    return subsidies.training_line(
        record_id=1, worker_id=5, county_code="231221", category=category,
        class_hours=hours, start=start, end=end,
    )  # fmt: skip


def test_training_subsidy_counts_hours_or_days_without_inventing_amounts():
    voc = _training("vocational", D(2019, 5, 1), D(2019, 5, 10), 80)
    assert (voc.quantity, voc.unit, voc.amount) == (80, "课时", None)
    assert voc.amount_text.startswith("按《绥化市就业补助资金管理和使用实施细则》")
    assert "绥财联发〔2018〕49号" in voc.document
    practical = _training("practical", D(2019, 5, 1), D(2019, 5, 3), 24)
    assert (practical.quantity, practical.unit) == (3, "天")
    assert _training("on_the_job", D(2019, 5, 1), D(2019, 5, 3), 0) is None


def test_training_rate_picked_by_the_sessions_last_day(rates_with):
    rates_with(
        [
            {"key": "training_subsidy_vocational", "name": "培训补贴（职业技能培训）",
             "amount": 12, "unit": "元/课时", "start": D(2019, 7, 1), "end": D(2019, 9, 30),
             "document": "测试文件〔2019〕1号"},
            {"key": "training_subsidy_vocational", "name": "培训补贴（职业技能培训）",
             "amount": 15, "unit": "元/课时", "start": D(2019, 10, 1), "end": None,
             "document": "测试文件〔2019〕2号"},
            {"key": "training_subsidy_practical", "name": "培训补贴（实用技能和特色技能培训）",
             "amount": 60, "unit": "元/天", "start": D(2019, 7, 1), "end": None,
             "document": "测试文件〔2019〕3号"},
        ]
    )  # fmt: skip
    before = _training("vocational", D(2019, 6, 25), D(2019, 6, 30), 40)
    assert before.amount is None and "规定标准执行" in before.amount_text
    first = _training("vocational", D(2019, 6, 25), D(2019, 7, 1), 40)
    assert (first.amount, first.amount_text, first.document) == (
        480,
        "480元",
        "测试文件〔2019〕1号",
    )
    last_day = _training("vocational", D(2019, 9, 20), D(2019, 9, 30), 40)
    assert last_day.amount == 480
    second = _training("vocational", D(2019, 9, 25), D(2019, 10, 1), 40)
    assert (second.amount, second.document) == (600, "测试文件〔2019〕2号")
    days = _training("practical", D(2019, 7, 1), D(2019, 7, 4), 32)
    assert (days.quantity, days.unit, days.amount) == (4, "天", 240)


def test_a_rate_unit_that_says_neither_hours_nor_days_is_refused(rates_with):
    rates_with(
        [{"key": "training_subsidy_startup", "name": "培训补贴（创业培训）", "amount": 10,
          "unit": "元", "start": D(2019, 7, 1), "end": None, "document": "测试"}]
    )  # fmt: skip
    with pytest.raises(Exception, match="按课时或按天"):
        _training("startup", D(2019, 7, 1), D(2019, 7, 5), 40)


def test_startup_rate_picked_on_the_day_six_months_are_reached(rates_with):
    rates_with(
        [{"key": "startup_subsidy_sole", "name": "一次性创业补贴（个体经营）", "amount": 6000,
          "unit": "元（一次性）", "min_months": 6, "start": D(2020, 1, 1), "end": None,
          "document": "测试文件〔2020〕1号"}]
    )  # fmt: skip
    old, new = subsidies.startup_lines(
        [_startup("sole", "2019-06-30", id=1), _startup("sole", "2019-07-01", id=2, worker_id=9)],
        D(2020, 6, 1),
    )
    assert (old.on, old.amount, old.document) == (D(2019, 12, 30), 5000, DOC)
    assert (new.on, new.amount, new.document) == (D(2020, 1, 1), 6000, "测试文件〔2020〕1号")


def test_lines_from_the_database_are_scoped(db):
    wk = kit.worker(db, "望奎县")
    bl = kit.worker(db, "北林区")
    for w in (wk, bl):
        kit.record(db, "startups", w, kind="sole", business_name="小店", registered_on="2019-01-10")
    mine = subsidies.record_lines(db, kit.WANGKUI, as_of=D(2019, 12, 31))
    assert [ln.worker_id for ln in mine] == [wk["id"]]
    everyone = subsidies.record_lines(db, kit.CITY, as_of=D(2019, 12, 31))
    assert sorted(ln.worker_id for ln in everyone) == sorted([wk["id"], bl["id"]])
    with pytest.raises(Exception, match="无权"):
        subsidies.record_lines(db, kit.WANGKUI, county_code=bl["county_code"])
    assert subsidies.record_lines(db, kit.INSTITUTION, as_of=D(2019, 12, 31)) == []
    rows = subsidies.line_rows(db, kit.CITY, everyone)
    id_col = subsidies.LINE_HEADERS.index("身份证号")
    assert all("*" in r[id_col] for r in rows)  # city staff see masked ID numbers
    full = subsidies.line_rows(db, SYSTEM, everyone)[0][id_col]
    assert full in (wk["id_number"], bl["id_number"])
    # each record carries its type in its number: the tables' ids overlap
    assert {r[0] for r in rows} == {f"创业-{ln.record_id}" for ln in everyone}


def test_every_subsidy_type_has_its_own_row_in_the_summary(db):
    w = kit.worker(db)
    kit.record(db, "startups", w, kind="sole", business_name="小店", registered_on="2019-01-10")
    kit.record(db, "school_students", w, school="技师学院", enrol_date="2019-06-01",
               course_years=3)  # fmt: skip
    kit.record(db, "work_training_placements", w, employer="车间", employer_type="扶贫车间",
               start_date="2019-04-15", end_date="2019-06-14")  # fmt: skip
    lines = subsidies.record_lines(db, kit.WANGKUI, as_of=D(2019, 12, 31))
    rows = {r[0]: dict(zip(subsidies.SUMMARY_HEADERS, r, strict=True))
            for r in subsidies.kind_summary(lines)}  # fmt: skip
    assert list(rows) == list(subsidies.KINDS.values())
    assert rows["一次性创业补贴"]["已定标准金额（元）"] == 5000
    assert rows["技工教育家庭补助"]["已定标准金额（元）"] == 3000
    assert rows["以工代训职业培训补贴"]["数量"] == "2月"
    assert rows["以工代训职业培训补贴"]["按文件规定标准执行（行）"] == 1  # no amount set
    assert rows["创业扶贫奖励补贴"]["记录数"] == 0  # none entered: a visible zero
    gaps = subsidies.school_gaps(db, kit.WANGKUI)
    assert gaps == {"no_leave": 1, "no_leave_no_years": 0}
