"""Entering subsidy records: validation, scope, the 以工代训 cap at entry, audit, atomicity."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import reportkit as kit

from portal import audit, subsidies, subsidy_records
from portal.errors import ScopeError, UserError

TODAY = dt.date(2019, 12, 31)


def count(db, table):
    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def place(db, actor, worker, start="2019-04-01", end=None, **kw):
    values = {"employer": "扶贫车间甲", "employer_type": "扶贫车间", "start_date": start,
              "end_date": end, **kw}  # fmt: skip
    return subsidy_records.create(
        db, actor, "work_training_placements", worker["id_number"], values, today=TODAY
    )


def test_create_records_of_each_kind_with_audit(db):
    w = kit.worker(db)
    ids = {
        "work_training_placements": place(db, kit.WANGKUI, w),
        "school_students": subsidy_records.create(
            db, kit.WANGKUI, "school_students", w["id_number"],
            {"school": "绥化技师学院", "major": "电工", "enrol_date": dt.date(2019, 9, 1),
             "course_years": 3},
            today=TODAY,
        ),
        "startups": subsidy_records.create(
            db, kit.WANGKUI, "startups", w["id_number"],
            {"business_name": "小卖部", "kind": "sole", "registered_on": "2019-05-01"},
            today=TODAY,
        ),
        "employer_rewards": subsidy_records.create(
            db, kit.WANGKUI, "employer_rewards", w["id_number"],
            {"employer": "种植合作社", "employer_type": "农民合作社",
             "employed_since": "2019-01-02"},
            today=TODAY,
        ),
    }  # fmt: skip
    for table, new_id in ids.items():
        row = db.execute(
            f"SELECT worker_id, county_code, created_by FROM {table} WHERE id = ?", [new_id]
        ).fetchone()
        assert row == (w["id"], "231221", "wangkui_staff")
        log = db.execute(
            "SELECT actor, action, after_json FROM audit_log WHERE entity = ? AND entity_id = ?",
            [table, str(new_id)],
        ).fetchone()
        assert log[:2] == ("wangkui_staff", "create")
        assert json.loads(log[2])["worker_id"] == w["id"]
    startup = db.execute("SELECT first_time, operating FROM startups").fetchone()
    assert startup == (1, 1)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"employer": ""}, "吸纳单位不能为空"),
        ({"employer_type": "政府机关"}, "单位类型请从以下选择"),
        ({"start_date": "2019-13-01"}, "不是有效日期"),
        ({"start_date": None}, "请填写以工代训开始日期"),
        ({"start_date": "2020-01-05"}, "不在合理范围内"),
        ({"start_date": "1999-12-31"}, "不在合理范围内"),
        ({"end_date": "2019-03-31"}, "结束日期不能早于"),
        ({"employer": "甲" * 101}, "太长了"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_written(db, values, message):
    w = kit.worker(db)
    base = {"employer": "扶贫车间甲", "employer_type": "扶贫车间", "start_date": "2019-04-01"}
    with pytest.raises(UserError, match=message):
        subsidy_records.create(
            db, kit.WANGKUI, "work_training_placements", w["id_number"], {**base, **values},
            today=TODAY,
        )  # fmt: skip
    assert count(db, "work_training_placements") == 0
    assert count(db, "audit_log") == 0


def test_control_and_bidi_characters_are_stripped(db):
    w = kit.worker(db)
    new_id = place(db, kit.WANGKUI, w, employer="\u202e车间\x00甲 ")
    assert db.execute(
        "SELECT employer FROM work_training_placements WHERE id = ?", [new_id]
    ).fetchone() == ("车间甲",)


def test_worker_found_only_within_scope(db):
    wk = kit.worker(db, "望奎县")
    bl = kit.worker(db, "北林区")
    with pytest.raises(UserError, match="管辖范围内的台账里没有"):
        place(db, kit.WANGKUI, bl)
    with pytest.raises(UserError, match="身份证号有误"):
        subsidy_records.find_worker(db, kit.WANGKUI, "231221198005010000")
    assert place(db, kit.CITY, bl)  # city staff work in every county
    with pytest.raises(UserError, match="只有县、市"):
        place(db, kit.INSTITUTION, wk)
    # a county cannot edit or end another county's record
    other = db.execute("SELECT id FROM work_training_placements").fetchone()[0]
    with pytest.raises(ScopeError):
        subsidy_records.end(db, kit.WANGKUI, "work_training_placements", other, "2019-06-01",
                            today=TODAY)  # fmt: skip
    assert [r["worker_id"] for r in subsidy_records.records(db, kit.WANGKUI, "work_training_placements")] == []  # fmt: skip


def test_six_month_cap_enforced_at_entry(db):
    w = kit.worker(db)
    with pytest.raises(UserError, match="结束日期最晚为2019-10-09"):
        place(db, kit.WANGKUI, w, start="2019-04-10", end="2019-10-10")
    first = place(db, kit.WANGKUI, w, start="2019-04-10", end="2019-10-09")  # exactly 6 months
    with pytest.raises(UserError, match="已登记以工代训6个月，已达最长6个月"):
        place(db, kit.WANGKUI, w, start="2019-11-01")
    # an edit that would stretch it past the cap is refused too
    with pytest.raises(UserError, match="最长6个月"):
        subsidy_records.edit(db, kit.WANGKUI, "work_training_placements", first,
                             {"end_date": "2019-10-20"}, today=TODAY)  # fmt: skip
    # shortened to 4 months, another placement of up to 2 months fits
    subsidy_records.end(db, kit.WANGKUI, "work_training_placements", first, "2019-08-09",
                        today=TODAY)  # fmt: skip
    assert place(db, kit.WANGKUI, w, start="2019-10-01", end="2019-11-30")


def test_edit_and_end_are_audited_with_before_and_after(db):
    w = kit.worker(db)
    sid = subsidy_records.create(
        db, kit.WANGKUI, "startups", w["id_number"],
        {"business_name": "小卖部", "kind": "sole", "registered_on": "2019-05-01"}, today=TODAY,
    )  # fmt: skip
    subsidy_records.edit(db, kit.WANGKUI, "startups", sid, {"business_name": "便民超市"},
                         today=TODAY)  # fmt: skip
    subsidy_records.end(db, kit.WANGKUI, "startups", sid, today=TODAY)
    row = db.execute("SELECT business_name, operating, updated_by FROM startups").fetchone()
    assert row == ("便民超市", 0, "wangkui_staff")
    logs = db.execute(
        "SELECT action, before_json, after_json FROM audit_log WHERE entity = 'startups' ORDER BY id"
    ).fetchall()
    assert [a for a, _, _ in logs] == ["create", "edit", "edit"]
    assert json.loads(logs[1][1])["business_name"] == "小卖部"
    assert json.loads(logs[1][2])["business_name"] == "便民超市"
    assert json.loads(logs[2][2])["operating"] == 0


def test_a_failure_inside_the_write_leaves_nothing(db, monkeypatch):
    w = kit.worker(db)

    def boom(*args, **kwargs):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(audit, "record", boom)
    with pytest.raises(RuntimeError):
        place(db, kit.WANGKUI, w)
    assert count(db, "work_training_placements") == 0


def test_records_mask_id_numbers_for_city_staff(db):
    w = kit.worker(db)
    place(db, kit.WANGKUI, w)
    (county_row,) = subsidy_records.records(db, kit.WANGKUI, "work_training_placements")
    (city_row,) = subsidy_records.records(db, kit.CITY, "work_training_placements")
    assert county_row["id_number"] == w["id_number"]
    assert city_row["id_number"] != w["id_number"] and "*" in city_row["id_number"]


@pytest.mark.parametrize(
    ("years", "message"),
    [(None, "请填写学制"), ("三", "不是整数年"), (0, "1 到 6"), (9, "1 到 6")],
)
def test_school_record_needs_a_plausible_course_length(db, years, message):
    w = kit.worker(db)
    with pytest.raises(UserError, match=message):
        subsidy_records.create(
            db, kit.WANGKUI, "school_students", w["id_number"],
            {"school": "绥化技师学院", "enrol_date": "2019-09-01", "course_years": years},
            today=TODAY,
        )  # fmt: skip
    assert db.execute("SELECT COUNT(*) FROM school_students").fetchone()[0] == 0


def test_school_grant_stops_at_course_length_for_a_record_entered_today(db):
    """Entered with 学制 3, no leave date, counted in 2027: three years, 9000元, with a warning."""
    w = kit.worker(db)
    subsidy_records.create(
        db, kit.WANGKUI, "school_students", w["id_number"],
        {"school": "绥化技师学院", "enrol_date": "2019-09-01", "course_years": "3年"},
        today=TODAY,
    )  # fmt: skip
    lines = subsidies.record_lines(db, kit.WANGKUI, as_of=dt.date(2027, 6, 1), kinds=("school",))
    assert sum(ln.amount for ln in lines if ln.counts) == 9000
    assert all("未登记离校日期" in ln.note for ln in lines)
