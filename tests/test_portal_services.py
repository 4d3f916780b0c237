"""Service-level tests of the portal's rules: sessions, workers, enrolment, attendance, accounts."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from portal_support import actor, enrol, institution, session_form, workers_in

from portal import accounts, attendance, enrolment, idnumber, sessions, siterebuild, useradmin
from portal import db as database
from portal import workers as workers_mod
from portal.db import one
from portal.errors import Problems, ScopeError, UserError

WANGKUI = "231221"
BEILIN = "231202"


@pytest.fixture
def ctx(demo_db):
    """The demo database with the five demo actors."""

    class Ctx:
        db = demo_db
        wk_inst = actor(demo_db, "jigou_wangkui")
        bl_inst = actor(demo_db, "jigou_beilin")
        wk_staff = actor(demo_db, "wangkui_staff")
        bl_staff = actor(demo_db, "beilin_staff")
        city = actor(demo_db, "city_admin")

    return Ctx


def new_session(ctx, who=None, publish=True, **overrides) -> int:
    who = who or ctx.wk_inst
    county = WANGKUI if who is ctx.wk_inst else BEILIN
    sid = sessions.create(ctx.db, who, session_form(ctx.db, county, **overrides))
    if publish:
        sessions.publish(ctx.db, who, sid)
    return sid


def audit_rows(db, entity, entity_id):
    return list(
        db.query(
            "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
            [entity, str(entity_id)],
        )
    )


# --- sessions --------------------------------------------------------------------------------


def test_institution_creates_draft_session_in_its_county_with_audit(ctx):
    sid = new_session(ctx, publish=False)
    row = one(ctx.db, "SELECT * FROM sessions WHERE id = ?", [sid])
    assert row["status"] == "draft"
    assert row["institution_id"] == ctx.wk_inst.institution_id
    assert row["county_code"] == WANGKUI
    log = audit_rows(ctx.db, "sessions", sid)
    assert [r["action"] for r in log] == ["create"]
    assert log[0]["actor"] == "jigou_wangkui" and log[0]["before_json"] is None
    assert json.loads(log[0]["after_json"])["capacity"] == 30


def test_session_form_names_every_problem_at_once(ctx):
    form = session_form(
        ctx.db,
        WANGKUI,
        start_date="2019-06-12",
        end_date="2019-06-03",
        capacity=0,
        contact_phone="12345",
        address="",
        daily_start="8点",
    )
    with pytest.raises(Problems) as caught:
        sessions.create(ctx.db, ctx.wk_inst, form)
    found = caught.value.problems
    assert len(found) == 5, found
    for part in ("早于开班日期", "至少为1人", "格式不对", "培训地点不能为空", "08:30"):
        assert any(part in p for p in found), (part, found)
    assert str(caught.value).startswith("有5处需要改正")


def test_session_dates_typed_whole_are_read_as_typed(ctx):
    for typed in ("2019-06-03", "2019/6/3", "2019年6月3日", "20190603", "２０１９．６．３"):
        sid = sessions.create(
            ctx.db,
            ctx.wk_inst,
            session_form(ctx.db, WANGKUI, start_date=typed, end_date="2019-06-12"),
        )
        assert one(ctx.db, "SELECT start_date FROM sessions WHERE id = ?", [sid]) == {
            "start_date": "2019-06-03"
        }


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"start_date": "2019-03-25"}, "活动期内"),
        ({"end_date": "2019-12-25"}, "活动期内"),
        ({"start_date": "2019-06-12", "end_date": "2019-06-03"}, "早于开班日期"),
        ({"class_hours": 81}, "最多80课时"),
        ({"day_part": "半日", "class_hours": 41}, "半日每天最多4课时"),
        ({"capacity": 0}, "至少为1人"),
        ({"capacity": 2.5}, "至少为1人"),
        ({"contact_phone": "12345"}, "格式不对"),
        ({"contact_phone": ""}, "联系电话不能为空"),
        ({"address": "  \u202e "}, "培训地点不能为空"),
        ({"address": "村" * 201}, "太长"),
        ({"course_code": "yg-zaigang"}, "不按班次开课"),
        ({"course_code": "no-such"}, "课程目录里没有"),
        ({"mode": "网上"}, "集中"),
        ({"daily_start": "16:30", "daily_end": "08:30"}, "要晚于开始时间"),
        ({"daily_start": "8点"}, "格式不对"),
        ({"start_date": "2019-13-01"}, "不存在"),
        ({"start_date": "6/1/2019"}, "看不懂"),
        ({"class_hours": "很多"}, "须为数字"),
    ],
)
def test_session_validation_messages(ctx, overrides, message):
    with pytest.raises(UserError, match=message):
        sessions.create(ctx.db, ctx.wk_inst, session_form(ctx.db, WANGKUI, **overrides))
    assert (
        one(ctx.db, "SELECT COUNT(*) AS n FROM sessions WHERE created_by = 'jigou_wangkui'")["n"]
        == 0
    )


def test_township_and_village_must_belong_to_the_institutions_county(ctx):
    beilin_form = session_form(ctx.db, BEILIN)
    with pytest.raises(UserError, match="本县"):
        sessions.create(
            ctx.db,
            ctx.wk_inst,
            session_form(ctx.db, WANGKUI) | {"township_code": beilin_form["township_code"]},
        )
    with pytest.raises(UserError, match="不属于"):
        sessions.create(
            ctx.db,
            ctx.wk_inst,
            session_form(ctx.db, WANGKUI) | {"village_code": beilin_form["village_code"]},
        )


def test_hostile_text_is_cleaned_and_kept_as_text(ctx):
    sid = new_session(
        ctx, address="<script>alert(1)</script>\u202e村委会\x00", trainer="王\u200f老师😀"
    )
    row = one(ctx.db, "SELECT address, trainer FROM sessions WHERE id = ?", [sid])
    assert row["address"] == "<script>alert(1)</script>村委会"
    assert "\u202e" not in row["address"]


def test_institution_cannot_open_sessions_for_another(ctx):
    other = institution(ctx.db, "jigou_beilin")
    with pytest.raises(ScopeError):
        sessions.create(ctx.db, ctx.wk_inst, session_form(ctx.db, WANGKUI), other["id"])
    with pytest.raises(ScopeError):
        sessions.create(ctx.db, ctx.wk_staff, session_form(ctx.db, BEILIN), other["id"])
    sid = sessions.create(ctx.db, ctx.bl_staff, session_form(ctx.db, BEILIN), other["id"])
    assert (
        one(ctx.db, "SELECT institution_id FROM sessions WHERE id = ?", [sid])["institution_id"]
        == other["id"]
    )


def test_every_session_function_refuses_other_scopes(ctx):
    sid = new_session(ctx, publish=False)
    for stranger in (ctx.bl_inst, ctx.bl_staff):
        with pytest.raises(ScopeError):
            sessions.get(ctx.db, stranger, sid)
        with pytest.raises(ScopeError):
            sessions.edit(ctx.db, stranger, sid, {"capacity": 5})
        with pytest.raises(ScopeError):
            sessions.publish(ctx.db, stranger, sid)
        with pytest.raises(ScopeError):
            sessions.cancel(ctx.db, stranger, sid, "不办了")
        with pytest.raises(ScopeError):
            sessions.complete(ctx.db, stranger, sid)
        assert sid not in {r["id"] for r in sessions.list_sessions(ctx.db, stranger)}
    row = one(ctx.db, "SELECT status, capacity FROM sessions WHERE id = ?", [sid])
    assert row == {"status": "draft", "capacity": 30}
    # its own institution, its county's staff and the city may
    assert sessions.get(ctx.db, ctx.wk_staff, sid)["id"] == sid
    assert sessions.get(ctx.db, ctx.city, sid)["id"] == sid


def test_session_lists_are_filtered_by_scope(ctx):
    own = sessions.list_sessions(ctx.db, ctx.wk_inst)
    assert own and {r["institution_id"] for r in own} == {ctx.wk_inst.institution_id}
    county = sessions.list_sessions(ctx.db, ctx.wk_staff)
    assert county and {r["county_code"] for r in county} == {WANGKUI}
    city = sessions.list_sessions(ctx.db, ctx.city)
    assert len({r["county_code"] for r in city}) == 10
    # asking for another county does not widen the scope
    assert sessions.list_sessions(ctx.db, ctx.wk_staff, county="北林区") == []


def test_session_list_filters_and_calendar(ctx):
    sid = new_session(ctx)
    row = one(ctx.db, "SELECT township_code FROM sessions WHERE id = ?", [sid])
    june = sessions.list_sessions(ctx.db, ctx.wk_inst, month="2019-06")
    assert sid in {r["id"] for r in june}
    for r in june:
        assert r["start_date"] <= "2019-06-30" and r["end_date"] >= "2019-06-01"
    assert sid not in {
        r["id"] for r in sessions.list_sessions(ctx.db, ctx.wk_inst, month="2019-07")
    }
    by_town = sessions.list_sessions(ctx.db, ctx.city, township=row["township_code"])
    assert by_town and {r["township_code"] for r in by_town} == {row["township_code"]}
    camp = sessions.list_sessions(ctx.db, ctx.city, campaign="shiyong")
    assert camp and {r["campaign_code"] for r in camp} == {"shiyong"}
    drafts = sessions.list_sessions(ctx.db, ctx.city, status="draft")
    assert drafts and {r["status"] for r in drafts} == {"draft"}
    with pytest.raises(UserError, match="月份"):
        sessions.list_sessions(ctx.db, ctx.city, month="六月")
    days = sessions.calendar(ctx.db, ctx.wk_inst, "2019-06")
    assert len(days) == 30
    assert sid in {r["id"] for r in days[dt.date(2019, 6, 3)]}
    assert sid in {r["id"] for r in days[dt.date(2019, 6, 12)]}
    assert sid not in {r["id"] for r in days[dt.date(2019, 6, 13)]}


def test_edit_publish_cancel_complete_and_their_history(ctx, monkeypatch):
    sid = new_session(ctx, publish=False)
    sessions.edit(ctx.db, ctx.wk_inst, sid, {"capacity": 25, "trainer": "张老师"})
    sessions.publish(ctx.db, ctx.wk_inst, sid)
    with pytest.raises(UserError, match="已发布"):
        sessions.publish(ctx.db, ctx.wk_inst, sid)
    monkeypatch.setattr("portal.clock.today", lambda: dt.date(2019, 6, 5))
    with pytest.raises(UserError, match="结束后"):
        sessions.complete(ctx.db, ctx.wk_inst, sid)
    monkeypatch.setattr("portal.clock.today", lambda: dt.date(2019, 6, 12))
    sessions.complete(ctx.db, ctx.wk_inst, sid)
    with pytest.raises(UserError, match="不能再修改"):
        sessions.edit(ctx.db, ctx.wk_inst, sid, {"capacity": 5})
    with pytest.raises(UserError, match="不能执行"):
        sessions.cancel(ctx.db, ctx.wk_inst, sid, "天气")
    log = audit_rows(ctx.db, "sessions", sid)
    assert [r["action"] for r in log] == ["create", "edit", "publish", "complete"]
    before = json.loads(log[1]["before_json"])
    assert before["capacity"] == 30 and before["trainer"] == "李老师"
    assert json.loads(log[1]["after_json"])["capacity"] == 25

    other = new_session(ctx)
    with pytest.raises(UserError, match="取消原因不能为空"):
        sessions.cancel(ctx.db, ctx.wk_inst, other, " ")
    sessions.cancel(ctx.db, ctx.wk_inst, other, "村里秋收，改期")
    row = one(ctx.db, "SELECT status, notes FROM sessions WHERE id = ?", [other])
    assert row["status"] == "cancelled" and "村里秋收" in row["notes"]


def test_dates_and_hours_are_frozen_once_attendance_is_taken(ctx):
    sid = new_session(ctx)
    (eid,) = [enrol(ctx.db, ctx.wk_inst, sid, w) for w in workers_in(ctx.db, WANGKUI, 1)]
    sessions.edit(ctx.db, ctx.wk_inst, sid, {"end_date": "2019-06-13"})  # no attendance yet
    attendance.mark_all_present(ctx.db, ctx.wk_inst, sid, "2019-06-03")
    with pytest.raises(UserError, match="已经记过考勤"):
        sessions.edit(ctx.db, ctx.wk_inst, sid, {"start_date": "2019-06-04"})
    with pytest.raises(UserError, match="已经记过考勤"):
        sessions.edit(ctx.db, ctx.wk_inst, sid, {"class_hours": 72})
    sessions.edit(ctx.db, ctx.wk_inst, sid, {"trainer": "赵老师", "capacity": 35})
    row = sessions.get(ctx.db, ctx.wk_inst, sid)
    assert (row["start_date"], row["trainer"], row["enrolled"]) == ("2019-06-03", "赵老师", 1)


def test_capacity_cannot_drop_below_enrolled(ctx):
    sid = new_session(ctx)
    for wid in workers_in(ctx.db, WANGKUI, 3):
        enrol(ctx.db, ctx.wk_inst, sid, wid)
    with pytest.raises(UserError, match="已有3人报名"):
        sessions.edit(ctx.db, ctx.wk_inst, sid, {"capacity": 2})
    sessions.edit(ctx.db, ctx.wk_inst, sid, {"capacity": 3})


# --- workers ---------------------------------------------------------------------------------


def test_worker_search_by_id_respects_scope_and_masking(ctx):
    wk = one(ctx.db, "SELECT * FROM workers WHERE county_code = ? LIMIT 1", [WANGKUI])
    bl = one(ctx.db, "SELECT * FROM workers WHERE county_code = ? LIMIT 1", [BEILIN])
    staff = workers_mod.find(ctx.db, ctx.wk_staff, wk["id_number"])
    assert [r["id_shown"] for r in staff] == [wk["id_number"]]  # county staff: full number
    inst = workers_mod.find(ctx.db, ctx.wk_inst, wk["id_number"])
    assert [r["id_shown"] for r in inst] == [idnumber.mask(wk["id_number"])]
    city = workers_mod.find(ctx.db, ctx.city, bl["id_number"])
    assert city[0]["id_shown"] == idnumber.mask(bl["id_number"])
    assert workers_mod.find(ctx.db, ctx.wk_inst, bl["id_number"]) == []
    assert workers_mod.find(ctx.db, ctx.wk_staff, bl["id_number"]) == []
    wrong = wk["id_number"][:17] + ("0" if wk["id_number"][-1] != "0" else "1")
    with pytest.raises(UserError, match="身份证号不对"):
        workers_mod.find(ctx.db, ctx.wk_staff, wrong)


def test_worker_search_by_name_prefix_within_scope(ctx):
    wk = one(ctx.db, "SELECT * FROM workers WHERE county_code = ? LIMIT 1", [WANGKUI])
    found = workers_mod.find(ctx.db, ctx.wk_staff, wk["name"][:1])
    assert found and all(r["name"].startswith(wk["name"][:1]) for r in found)
    assert {r["county_code"] for r in found} == {WANGKUI}
    assert {r["county_code"] for r in workers_mod.find(ctx.db, ctx.city, wk["name"][:1])} > {
        WANGKUI
    }
    # an institution finds by name only the workers enrolled with it
    enrolled = {
        r["worker_id"]
        for r in ctx.db.query(
            "SELECT e.worker_id FROM enrolments e JOIN sessions s ON s.id = e.session_id "
            "WHERE s.institution_id = ?",
            [ctx.wk_inst.institution_id],
        )
    }
    hits = workers_mod.find(ctx.db, ctx.wk_inst, wk["name"][:1])
    assert {r["id"] for r in hits} <= enrolled
    not_enrolled = one(
        ctx.db,
        "SELECT * FROM workers WHERE county_code = ? AND id NOT IN (SELECT worker_id FROM enrolments)",
        [WANGKUI],
    )
    assert not_enrolled["id"] not in {
        r["id"] for r in workers_mod.find(ctx.db, ctx.wk_inst, not_enrolled["name"])
    }
    with pytest.raises(ScopeError):
        workers_mod.get(ctx.db, ctx.wk_inst, not_enrolled["id"])
    with pytest.raises(ScopeError):
        workers_mod.get(ctx.db, ctx.bl_staff, not_enrolled["id"])


def test_record_unregistered_worker_is_flagged(ctx):
    form = session_form(ctx.db, WANGKUI)
    number = idnumber.make(WANGKUI, dt.date(1980, 5, 1), 123)
    wid = workers_mod.record_unregistered(
        ctx.db,
        ctx.wk_staff,
        id_number=number,
        name="赵<b>新</b>",
        township_code=form["township_code"],
        village_code=form["village_code"],
        phone="13912345678",
    )
    row = one(ctx.db, "SELECT * FROM workers WHERE id = ?", [wid])
    assert row["registered"] == 0 and row["county_code"] == WANGKUI and row["gender"] == "男"
    log = audit_rows(ctx.db, "workers", wid)
    assert number not in log[0]["after_json"] and "13912345678" not in log[0]["after_json"]
    with pytest.raises(UserError, match="已在台账里"):
        workers_mod.record_unregistered(
            ctx.db,
            ctx.wk_staff,
            id_number=number,
            name="重复",
            township_code=form["township_code"],
            village_code=form["village_code"],
        )
    bl_form = session_form(ctx.db, BEILIN)
    with pytest.raises(UserError, match="本县"):
        workers_mod.record_unregistered(
            ctx.db,
            ctx.wk_staff,
            id_number=idnumber.make(WANGKUI, dt.date(1981, 5, 1), 124),
            name="钱某",
            township_code=bl_form["township_code"],
            village_code=bl_form["village_code"],
        )
    with pytest.raises(UserError, match="校验位"):
        workers_mod.record_unregistered(
            ctx.db,
            ctx.wk_staff,
            id_number="231221198001011234",
            name="孙某",
            township_code=form["township_code"],
            village_code=form["village_code"],
        )
    # enrolled, the unregistered worker shows up flagged in the roster
    sid = new_session(ctx)
    enrol(ctx.db, ctx.wk_inst, sid, wid)
    roster = enrolment.roster(ctx.db, ctx.wk_inst, sid)
    assert [(r["worker_id"], r["registered"]) for r in roster] == [(wid, 0)]


# --- enrolment -------------------------------------------------------------------------------


def test_enrol_withdraw_reenrol_with_history(ctx):
    sid = new_session(ctx)
    wid = workers_in(ctx.db, WANGKUI, 1)[0]
    eid = enrol(ctx.db, ctx.wk_inst, sid, wid)
    with pytest.raises(UserError, match="不能重复报名"):
        enrol(ctx.db, ctx.wk_inst, sid, wid)
    with pytest.raises(UserError, match="退出原因不能为空"):
        enrolment.withdraw(ctx.db, ctx.wk_inst, eid, "")
    enrolment.withdraw(ctx.db, ctx.wk_inst, eid, "外出务工")
    assert enrol(ctx.db, ctx.wk_inst, sid, wid) == eid
    history = enrolment.history(ctx.db, ctx.wk_inst, eid)
    assert [(h["status"], h["reason"]) for h in history] == [
        ("enrolled", None),
        ("withdrawn", "外出务工"),
        ("enrolled", None),
    ]
    assert one(ctx.db, "SELECT status FROM enrolments WHERE id = ?", [eid])["status"] == "enrolled"
    assert [r["action"] for r in audit_rows(ctx.db, "enrolments", eid)] == [
        "enrolled",
        "withdrawn",
        "enrolled",
    ]


def test_capacity_is_never_exceeded(ctx):
    sid = new_session(ctx, capacity=2)
    a, b, c = workers_in(ctx.db, WANGKUI, 3)
    enrol(ctx.db, ctx.wk_inst, sid, a)
    enrol(ctx.db, ctx.wk_inst, sid, b)
    with pytest.raises(UserError, match="名额已满"):
        enrol(ctx.db, ctx.wk_inst, sid, c)
    assert sessions.enrolled_count(ctx.db, sid) == 2


def test_enrolment_refusals(ctx):
    sid = new_session(ctx)
    bl_worker = workers_in(ctx.db, BEILIN, 1)[0]
    with pytest.raises(ScopeError, match="不在本班次所在县"):
        enrolment.enrol(ctx.db, ctx.wk_staff, sid, bl_worker)
    with pytest.raises(ScopeError, match="须输入学员身份证"):  # an institution learns nothing
        enrol(ctx.db, ctx.wk_inst, sid, bl_worker)
    with pytest.raises(UserError, match="没有找到"):
        enrolment.enrol(ctx.db, ctx.wk_staff, sid, 10**9)
    cancelled = new_session(ctx)
    sessions.cancel(ctx.db, ctx.wk_inst, cancelled, "改期")
    wid = workers_in(ctx.db, WANGKUI, 1)[0]
    with pytest.raises(UserError, match="已取消"):
        enrol(ctx.db, ctx.wk_inst, cancelled, wid)
    # the same worker cannot sit two sessions at the same time
    enrol(ctx.db, ctx.wk_inst, sid, wid)
    overlapping = new_session(ctx, start_date="2019-06-10", end_date="2019-06-19")
    with pytest.raises(UserError, match="时间冲突"):
        enrol(ctx.db, ctx.wk_inst, overlapping, wid)


def test_every_enrolment_function_refuses_other_scopes(ctx):
    sid = new_session(ctx)
    wid = workers_in(ctx.db, WANGKUI, 1)[0]
    eid = enrol(ctx.db, ctx.wk_inst, sid, wid)
    bl_worker = workers_in(ctx.db, BEILIN, 1)[0]
    for stranger in (ctx.bl_inst, ctx.bl_staff):
        with pytest.raises(ScopeError):
            enrol(ctx.db, stranger, sid, bl_worker)
        with pytest.raises(ScopeError):
            enrolment.withdraw(ctx.db, stranger, eid, "不想学了")
        with pytest.raises(ScopeError):
            enrolment.roster(ctx.db, stranger, sid)
        with pytest.raises(ScopeError):
            enrolment.history(ctx.db, stranger, eid)
        with pytest.raises(ScopeError):
            enrolment.get(ctx.db, stranger, eid)
    assert sessions.enrolled_count(ctx.db, sid) == 1


def test_concurrent_enrolment_into_last_places(ctx, demo_db_path):
    sid = new_session(ctx, capacity=20)
    already = workers_in(ctx.db, WANGKUI, 17)
    for wid in already:
        enrol(ctx.db, ctx.wk_inst, sid, wid)
    contenders = [
        r["id"]
        for r in ctx.db.query(
            "SELECT id FROM workers WHERE county_code = ? AND id NOT IN "
            "(SELECT worker_id FROM enrolments) ORDER BY id DESC LIMIT 8",
            [WANGKUI],
        )
    ]
    assert len(contenders) == 8
    barrier = threading.Barrier(len(contenders))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(worker_id: int) -> None:
        conn = database.connect(demo_db_path)
        try:
            barrier.wait()
            enrol(conn, ctx.wk_inst, sid, worker_id)
            result = "ok"
        except UserError as exc:
            result = str(exc)
        finally:
            conn.conn.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(w,)) for w in contenders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 3
    assert all("名额已满" in o for o in outcomes if o != "ok")
    fresh = database.connect(demo_db_path)
    assert sessions.enrolled_count(fresh, sid) == 20
    fresh.conn.close()


# --- attendance and sign-off -----------------------------------------------------------------


def enrolled_session(ctx, n=2, **overrides):
    sid = new_session(ctx, **overrides)
    eids = [enrol(ctx.db, ctx.wk_inst, sid, wid) for wid in workers_in(ctx.db, WANGKUI, n)]
    return sid, eids


def test_all_present_then_exceptions_latest_row_wins(ctx):
    sid, (a, b) = enrolled_session(ctx)
    assert attendance.mark_all_present(ctx.db, ctx.wk_inst, sid, "2019-06-03") == 2
    assert attendance.mark(ctx.db, ctx.wk_inst, sid, "2019-06-03", {b: False}, {b: "生病"}) == 1
    sheet = {r["enrolment_id"]: r for r in attendance.sheet(ctx.db, ctx.wk_inst, sid, "2019-06-03")}
    assert sheet[a]["present"] is True and sheet[b]["present"] is False
    assert sheet[b]["note"] == "生病"
    # saving the same sheet again writes nothing
    assert attendance.mark(ctx.db, ctx.wk_inst, sid, "2019-06-03", {a: True}) == 0
    history = attendance.day_history(ctx.db, ctx.wk_inst, b)
    assert [(h["day"], h["present"]) for h in history] == [("2019-06-03", 1), ("2019-06-03", 0)]
    untouched = attendance.sheet(ctx.db, ctx.wk_inst, sid, "2019-06-04")
    assert {r["present"] for r in untouched} == {None}


def test_completion_follows_attended_hours_and_corrections(ctx):
    sid, (a, b) = enrolled_session(ctx)  # 10 days, 80 class hours: 8 per day
    session = sessions.get(ctx.db, ctx.wk_inst, sid)
    days = sessions.session_days(session)
    for day in days:
        attendance.mark_all_present(ctx.db, ctx.wk_inst, sid, day)
    attendance.mark(ctx.db, ctx.wk_inst, sid, days[-1], {b: False})
    status = {r["enrolment_id"]: r for r in enrolment.roster(ctx.db, ctx.wk_inst, sid)}
    assert status[a]["status"] == "completed" and status[a]["hours"] == 80
    assert status[b]["status"] == "enrolled" and status[b]["hours"] == 72
    # a correction takes completion back, as new history rows
    attendance.mark(ctx.db, ctx.wk_inst, sid, days[0], {a: False})
    assert one(ctx.db, "SELECT status FROM enrolments WHERE id = ?", [a])["status"] == "enrolled"
    assert [h["status"] for h in enrolment.history(ctx.db, ctx.wk_inst, a)] == [
        "enrolled",
        "completed",
        "enrolled",
    ]
    attendance.mark(ctx.db, ctx.wk_inst, sid, days[0], {a: True})
    assert one(ctx.db, "SELECT status FROM enrolments WHERE id = ?", [a])["status"] == "completed"
    with pytest.raises(UserError, match="已结业，不能退出"):
        enrolment.withdraw(ctx.db, ctx.wk_inst, a, "测试")


def test_attendance_refusals(ctx, monkeypatch):
    draft = new_session(ctx, publish=False)
    with pytest.raises(UserError, match="只有已发布"):
        attendance.mark_all_present(ctx.db, ctx.wk_inst, draft, "2019-06-03")
    sid, (a, b) = enrolled_session(ctx)
    with pytest.raises(UserError, match="不是本班次的上课日"):
        attendance.mark_all_present(ctx.db, ctx.wk_inst, sid, "2019-06-13")
    enrolment.withdraw(ctx.db, ctx.wk_inst, b, "搬家")
    with pytest.raises(UserError, match="已退出"):
        attendance.mark(ctx.db, ctx.wk_inst, sid, "2019-06-03", {b: True})
    other_sid, (other,) = enrolled_session(ctx, n=1, start_date="2019-07-01", end_date="2019-07-10")
    with pytest.raises(UserError, match="不属于本班次"):
        attendance.mark(ctx.db, ctx.wk_inst, sid, "2019-06-03", {other: True})
    monkeypatch.setattr("portal.clock.today", lambda: dt.date(2019, 6, 5))
    with pytest.raises(UserError, match="还没到"):
        attendance.mark_all_present(ctx.db, ctx.wk_inst, sid, "2019-06-06")
    assert (
        one(ctx.db, "SELECT COUNT(*) AS n FROM attendance WHERE enrolment_id IN (?, ?)", [a, b])[
            "n"
        ]
        == 0
    )


def test_card_signoff_and_revocation_are_history_rows(ctx):
    sid, (a, b) = enrolled_session(ctx)
    attendance.sign_card(ctx.db, ctx.wk_inst, a, signed_on="2019-06-12", witnessed_by="刘经办")
    with pytest.raises(UserError, match="原因"):
        attendance.sign_card(
            ctx.db, ctx.wk_inst, a, signed_on="2019-06-12", witnessed_by="刘经办", signed=False
        )
    attendance.sign_card(
        ctx.db,
        ctx.wk_inst,
        a,
        signed_on="2019-06-12",
        witnessed_by="刘经办",
        signed=False,
        note="签错人",
    )
    attendance.sign_card(ctx.db, ctx.wk_inst, a, signed_on="2019-06-13", witnessed_by="刘经办")
    hist = attendance.card_history(ctx.db, ctx.wk_inst, a)
    assert [(h["signed"], h["signed_on"]) for h in hist] == [
        (1, "2019-06-12"),
        (0, "2019-06-12"),
        (1, "2019-06-13"),
    ]
    roster = {r["enrolment_id"]: r for r in enrolment.roster(ctx.db, ctx.wk_inst, sid)}
    assert roster[a]["card_signed"] == 1 and roster[a]["card_signed_on"] == "2019-06-13"
    assert roster[b]["card_signed"] is None
    signs = ctx.db.query("SELECT action FROM audit_log WHERE entity = 'card_signoffs' ORDER BY id")
    assert [r["action"] for r in signs] == ["sign_card", "revoke_card", "sign_card"]
    with pytest.raises(UserError, match="还没有签字"):
        attendance.sign_card(
            ctx.db,
            ctx.wk_inst,
            b,
            signed_on="2019-06-12",
            witnessed_by="刘",
            signed=False,
            note="x",
        )
    with pytest.raises(UserError, match="签字日期"):
        attendance.sign_card(ctx.db, ctx.wk_inst, b, signed_on="2019-05-01", witnessed_by="刘")
    with pytest.raises(UserError, match="经办人不能为空"):
        attendance.sign_card(ctx.db, ctx.wk_inst, b, signed_on="2019-06-12", witnessed_by=" ")
    enrolment.withdraw(ctx.db, ctx.wk_inst, b, "外出")
    with pytest.raises(UserError, match="已退出"):
        attendance.sign_card(ctx.db, ctx.wk_inst, b, signed_on="2019-06-12", witnessed_by="刘")


def test_every_attendance_function_refuses_other_scopes(ctx):
    sid, (a, _b) = enrolled_session(ctx)
    for stranger in (ctx.bl_inst, ctx.bl_staff):
        with pytest.raises(ScopeError):
            attendance.sheet(ctx.db, stranger, sid, "2019-06-03")
        with pytest.raises(ScopeError):
            attendance.mark(ctx.db, stranger, sid, "2019-06-03", {a: True})
        with pytest.raises(ScopeError):
            attendance.mark_all_present(ctx.db, stranger, sid, "2019-06-03")
        with pytest.raises(ScopeError):
            attendance.day_history(ctx.db, stranger, a)
        with pytest.raises(ScopeError):
            attendance.sign_card(ctx.db, stranger, a, signed_on="2019-06-12", witnessed_by="x")
        with pytest.raises(ScopeError):
            attendance.card_history(ctx.db, stranger, a)
    assert one(ctx.db, "SELECT COUNT(*) AS n FROM attendance WHERE enrolment_id = ?", [a])["n"] == 0
    assert (
        one(ctx.db, "SELECT COUNT(*) AS n FROM card_signoffs WHERE enrolment_id = ?", [a])["n"] == 0
    )


# --- accounts and audit log ------------------------------------------------------------------


def test_account_admin_is_city_admin_only(ctx):
    for who in (ctx.wk_staff, ctx.wk_inst):
        with pytest.raises(ScopeError):
            useradmin.list_users(ctx.db, who)
        with pytest.raises(ScopeError):
            useradmin.audit_entries(ctx.db, who)
    plain_city = actor(ctx.db, "city_admin").__class__(
        username="city_clerk", role="city", is_admin=False
    )
    assert useradmin.list_users(ctx.db, plain_city)
    for call in (
        lambda: useradmin.create(
            ctx.db, plain_city, username="newuser", password="qingzhou2019x", role="city"
        ),
        lambda: useradmin.set_active(ctx.db, plain_city, "jigou_beilin", False),
        lambda: useradmin.unlock(ctx.db, plain_city, "jigou_beilin"),
        lambda: useradmin.reset_password(ctx.db, plain_city, "jigou_beilin", "qingzhou2020y"),
    ):
        with pytest.raises(ScopeError):
            call()


def test_admin_creates_deactivates_unlocks_and_resets(ctx):
    inst = institution(ctx.db, "jigou_beilin")
    useradmin.create(
        ctx.db,
        ctx.city,
        username="bl_teacher",
        password="teach2019x",
        role="institution",
        display_name="北林培训老师",
        institution_id=inst["id"],
    )
    assert accounts.authenticate(ctx.db, "bl_teacher", "teach2019x").institution_id == inst["id"]
    with pytest.raises(UserError, match="只有市级账户"):
        useradmin.create(
            ctx.db,
            ctx.city,
            username="x_admin",
            password="qingzhou2019x",
            role="county",
            county="望奎县",
            is_admin=True,
        )
    useradmin.set_active(ctx.db, ctx.city, "bl_teacher", False)
    with pytest.raises(UserError, match="用户名或密码不对"):
        accounts.authenticate(ctx.db, "bl_teacher", "teach2019x")
    useradmin.set_active(ctx.db, ctx.city, "bl_teacher", True)
    with pytest.raises(UserError, match="不能停用自己"):
        useradmin.set_active(ctx.db, ctx.city, "city_admin", False)
    for _ in range(5):
        with pytest.raises(UserError):
            accounts.authenticate(ctx.db, "bl_teacher", "wrong-pass1")
    with pytest.raises(UserError, match="用户名或密码不对"):  # locked: the same answer
        accounts.authenticate(ctx.db, "bl_teacher", "teach2019x")
    useradmin.unlock(ctx.db, ctx.city, "bl_teacher")
    accounts.authenticate(ctx.db, "bl_teacher", "teach2019x")
    useradmin.reset_password(ctx.db, ctx.city, "bl_teacher", "fresh2019y")
    accounts.authenticate(ctx.db, "bl_teacher", "fresh2019y")
    with pytest.raises(UserError, match="没有用户"):
        useradmin.unlock(ctx.db, ctx.city, "nobody")

    entries = useradmin.audit_entries(ctx.db, ctx.city, who="city_admin", entity="users")
    actions = [e["action"] for e in entries]
    assert {"create", "deactivate", "activate", "unlock", "set_password"} <= set(actions)
    assert all("teach2019x" not in (e["after_json"] or "") for e in entries)
    assert all("fresh2019y" not in (e["after_json"] or "") for e in entries)
    only = useradmin.audit_entries(ctx.db, ctx.city, action="unlock")
    assert only and {e["action"] for e in only} == {"unlock"}
    future = useradmin.audit_entries(ctx.db, ctx.city, since=dt.date(2099, 1, 1))
    assert future == []
    assert "users" in useradmin.audit_entities(ctx.db, ctx.city)


def test_site_rebuild_runs_the_site_command_and_records_it(ctx, demo_db_path, monkeypatch):
    import sys

    def fake(code):
        return lambda *args: [sys.executable, "-c", code, *args]

    monkeypatch.setattr(siterebuild, "_command", fake("import sys; print('built', sys.argv[1:])"))
    result = siterebuild.rebuild(ctx.db, ctx.wk_staff, siterebuild.db_file(ctx.db))
    assert result.ok and "已重建" in result.message
    assert str(demo_db_path) in result.output  # the portal's own database file is passed on
    log = one(ctx.db, "SELECT * FROM audit_log WHERE action = 'rebuild_site'")
    assert log["actor"] == "wangkui_staff" and '"ok": true' in log["after_json"]
    monkeypatch.setattr(
        siterebuild, "_command", fake("import sys; sys.exit(0 if '--help' in sys.argv else 3)")
    )
    failed = siterebuild.rebuild(ctx.db, ctx.wk_staff, demo_db_path)
    assert not failed.ok and "构建失败" in failed.message


def test_site_rebuild_is_for_staff_and_explains_when_missing(ctx, demo_db_path, monkeypatch):
    with pytest.raises(ScopeError):
        siterebuild.rebuild(ctx.db, ctx.wk_inst, demo_db_path)
    monkeypatch.setattr(siterebuild, "available", lambda: False)
    result = siterebuild.rebuild(ctx.db, ctx.wk_staff, demo_db_path)
    assert not result.ok and "尚未安装" in result.message


def test_a_failure_mid_action_leaves_nothing_half_written(ctx, monkeypatch):
    sid, (a, b) = enrolled_session(ctx)
    calls = {"n": 0}
    real = attendance.audit.record

    def failing_record(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # after the first attendance row and its log line are written
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(attendance.audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        attendance.mark_all_present(ctx.db, ctx.wk_inst, sid, "2019-06-03")
    monkeypatch.setattr(attendance.audit, "record", real)
    assert (
        one(ctx.db, "SELECT COUNT(*) AS n FROM attendance WHERE enrolment_id IN (?, ?)", [a, b])[
            "n"
        ]
        == 0
    )
    assert not ctx.db.conn.in_transaction
    assert attendance.mark_all_present(ctx.db, ctx.wk_inst, sid, "2019-06-03") == 2


def test_audit_log_shows_id_numbers_masked_to_city_staff(ctx):
    from portal import audit

    number = idnumber.make(WANGKUI, dt.date(1970, 1, 2), 55)
    with database.transaction(ctx.db):
        audit.record(ctx.db, "importer", "update", "workers", 1, {"id_number": number}, None)
    entry = useradmin.audit_entries(ctx.db, ctx.city, who="importer")[0]
    assert number not in entry["before_json"]
    assert idnumber.mask(number) in entry["before_json"]
