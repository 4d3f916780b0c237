"""Bulk work of a training point, against a real SQLite file: list enrolment with a per-row
result, the waiting list, proof of identity for institutions, bulk card sign-off, sign-in sheet."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from openpyxl import Workbook
from portal_support import actor, enrol, session_form, workers_in

from portal import attendance, audit, enrolment, id_list, idnumber, sessions, signin_sheet
from portal import workers as workers_mod
from portal.db import one
from portal.errors import ScopeError, UserError

WANGKUI = "231221"
BEILIN = "231202"


@pytest.fixture
def ctx(demo_db):
    class Ctx:
        db = demo_db
        inst = actor(demo_db, "jigou_wangkui")
        bl_inst = actor(demo_db, "jigou_beilin")
        staff = actor(demo_db, "wangkui_staff")
        bl_staff = actor(demo_db, "beilin_staff")

    return Ctx


def new_session(ctx, **overrides) -> int:
    sid = sessions.create(ctx.db, ctx.inst, session_form(ctx.db, WANGKUI, **overrides))
    sessions.publish(ctx.db, ctx.inst, sid)
    return sid


def numbers(db, ids) -> list[str]:
    return [one(db, "SELECT id_number FROM workers WHERE id = ?", [w])["id_number"] for w in ids]


def count(db, sql, params=()) -> int:
    return one(db, f"SELECT COUNT(*) AS n FROM ({sql})", params)["n"]


# --- lists of ID numbers ---------------------------------------------------------------------


def test_pasted_list_keeps_line_numbers_and_counts_blank_lines():
    found = id_list.from_text("231221198001011231\n\n  231221198001011232 张三\n\t\n")
    assert [(e.line, e.value) for e in found.entries] == [
        (1, "231221198001011231"),
        (3, "231221198001011232"),
    ]
    assert found.blank == 2
    with pytest.raises(UserError, match="名单里没有身份证号"):
        id_list.from_text(" \n\n")
    with pytest.raises(UserError, match="一次最多"):
        id_list.from_text("\n".join(["x"] * (id_list.MAX_ENTRIES + 1)))


def test_uploaded_sheets_use_the_id_column_and_keep_number_cells():
    wb = Workbook()
    ws = wb.active
    ws.append(["花名册"])
    ws.append(["姓名", "身份证号码", "电话"])
    ws.append(["甲", "231221198001011231", "139"])
    ws.append(["乙", 231221198001011232, "138"])  # stored as a number by the spreadsheet
    ws.append(["丙", None, "137"])  # a person without a number: counted, not lost
    buf = io.BytesIO()
    wb.save(buf)
    found = id_list.from_file("名单.xlsx", buf.getvalue())
    assert [e.line for e in found.entries] == [3, 4]
    assert found.entries[0].value == "231221198001011231"
    assert isinstance(found.entries[1].value, (int, float))  # digits already lost: say so
    with pytest.raises(idnumber.IdNumberError, match="存成了数字"):
        idnumber.parse(found.entries[1].value)
    assert found.blank == 1 and found.label(found.entries[0]) == "表格第3行"
    csv_gbk = "身份证号,姓名\n231221198001011231,甲\n".encode("gb18030")
    assert [e.value for e in id_list.from_file("a.csv", csv_gbk).entries] == ["231221198001011231"]
    headless = b"231221198001011231\n231221198001011232\n"
    assert len(id_list.from_file("b.csv", headless).entries) == 2
    with pytest.raises(UserError, match=r"不是 \.xlsx 或 \.csv"):
        id_list.from_file("名单.xls", b"\xd0\xcf\x11\xe0")
    with pytest.raises(UserError, match="打不开"):
        id_list.from_file("坏的.xlsx", b"not a zip")


# --- bulk enrolment ----------------------------------------------------------------------------


def test_bulk_enrolment_reports_every_row(ctx):
    sid = new_session(ctx, capacity=3)
    a, b, c, d = workers_in(ctx.db, WANGKUI, 4)
    na, nb, nc, nd = numbers(ctx.db, [a, b, c, d])
    enrol(ctx.db, ctx.inst, sid, a)
    other_county = numbers(ctx.db, workers_in(ctx.db, BEILIN, 1))[0]
    nowhere = idnumber.make(WANGKUI, dt.date(1970, 1, 1), 991)
    wrong_digit = nb[:17] + ("1" if nb[17] != "1" else "2")
    text = "\n".join([na, nb, nb, other_county, nowhere, wrong_digit, "", nc, nd, "12345"])
    found = id_list.from_text(text)
    rows = enrolment.bulk_enrol(ctx.db, ctx.inst, sid, found)
    got = [(r.where, r.result) for r in rows]
    assert got == [
        ("第1行", "already"),
        ("第2行", "enrolled"),
        ("第3行", "duplicate"),
        ("第4行", "not_found"),
        ("第5行", "not_found"),
        ("第6行", "bad_id"),
        ("第8行", "enrolled"),
        ("第9行", "waiting"),
        ("第10行", "bad_id"),
    ]
    # another county's person gets exactly the answer of a number that exists nowhere
    assert rows[3].detail == rows[4].detail
    assert "校验位" in rows[5].detail and "18位" in rows[8].detail
    assert "候补第1位" in rows[7].detail
    # an institution sees the numbers masked in the result
    assert all(r.id_shown in (idnumber.mask(r.id_shown),) or "*" in r.id_shown for r in rows[:8])
    assert nb not in {r.id_shown for r in rows}
    summary = enrolment.bulk_summary(rows, found.blank)
    assert summary.startswith("名单共9个身份证号：") and "1个空行" in summary
    assert sessions.enrolled_count(ctx.db, sid) == 3
    queue = enrolment.waiting_list(ctx.db, ctx.inst, sid)
    assert [(q["worker_id"], q["position"]) for q in queue] == [(d, 1)]
    assert count(ctx.db, "SELECT 1 FROM audit_log WHERE entity = 'waiting_list'") == 1
    # county staff see full numbers
    staff_rows = enrolment.bulk_enrol(ctx.db, ctx.staff, sid, id_list.from_text(nb))
    assert staff_rows[0].id_shown == nb and staff_rows[0].result == "already"


def test_bulk_enrolment_is_one_transaction(ctx, monkeypatch):
    sid = new_session(ctx)
    ids = workers_in(ctx.db, WANGKUI, 3)
    real = audit.record
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        enrolment.bulk_enrol(
            ctx.db, ctx.inst, sid, id_list.from_text("\n".join(numbers(ctx.db, ids)))
        )
    assert sessions.enrolled_count(ctx.db, sid) == 0
    assert (
        count(
            ctx.db,
            "SELECT 1 FROM enrolment_events e JOIN enrolments n ON n.id = e.enrolment_id WHERE n.session_id = ?",
            [sid],
        )
        == 0
    )


def test_bulk_enrolment_refuses_other_scopes_and_closed_sessions(ctx):
    sid = new_session(ctx)
    text = id_list.from_text(numbers(ctx.db, workers_in(ctx.db, WANGKUI, 1))[0])
    for stranger in (ctx.bl_inst, ctx.bl_staff):
        with pytest.raises(ScopeError):
            enrolment.bulk_enrol(ctx.db, stranger, sid, text)
    sessions.cancel(ctx.db, ctx.inst, sid, "改期")
    with pytest.raises(UserError, match="已取消"):
        enrolment.bulk_enrol(ctx.db, ctx.inst, sid, text)
    assert sessions.enrolled_count(ctx.db, sid) == 0


# --- waiting list ------------------------------------------------------------------------------


def test_withdrawal_moves_the_waiting_list_up_in_order(ctx):
    sid = new_session(ctx, capacity=2)
    a, b, c, d = workers_in(ctx.db, WANGKUI, 4)
    ea = enrol(ctx.db, ctx.inst, sid, a)
    enrol(ctx.db, ctx.inst, sid, b)
    with pytest.raises(UserError, match="名额已满"):
        enrol(ctx.db, ctx.inst, sid, c)
    nc, nd = numbers(ctx.db, [c, d])
    assert enrolment.enrol_or_wait(ctx.db, ctx.inst, sid, c, id_number=nc).position == 1
    assert enrolment.join_waiting_list(ctx.db, ctx.inst, sid, d, id_number=nd) == 2
    with pytest.raises(UserError, match="已在本班次的候补名单"):
        enrolment.join_waiting_list(ctx.db, ctx.inst, sid, d, id_number=nd)
    moved = enrolment.withdraw(ctx.db, ctx.inst, ea, "外出务工")
    assert moved == [
        {
            "name": moved[0]["name"],
            "outcome": "promoted",
            "reason": "有名额空出，按候补顺序递补报名",
        }
    ]
    status = {r["worker_id"]: r["status"] for r in enrolment.roster(ctx.db, ctx.inst, sid)}
    assert status == {a: "withdrawn", b: "enrolled", c: "enrolled"}
    queue = enrolment.waiting_list(ctx.db, ctx.inst, sid)
    assert [(q["worker_id"], q["position"], q["outcome"]) for q in queue] == [
        (d, 1, None),
        (c, None, "promoted"),
    ]
    promoted = one(
        ctx.db, "SELECT * FROM waiting_list WHERE worker_id = ? AND session_id = ?", [c, sid]
    )
    assert promoted["enrolment_id"] and promoted["left_by"] == ctx.inst.username
    actions = [
        r["action"]
        for r in ctx.db.query(
            "SELECT action FROM audit_log WHERE entity = 'waiting_list' ORDER BY id"
        )
    ]
    assert actions == ["wait", "wait", "promoted"]


def test_promotion_is_in_the_withdrawal_transaction(ctx, monkeypatch):
    sid = new_session(ctx, capacity=1)
    a, b = workers_in(ctx.db, WANGKUI, 2)
    ea = enrol(ctx.db, ctx.inst, sid, a)
    enrolment.enrol_or_wait(ctx.db, ctx.inst, sid, b, id_number=numbers(ctx.db, [b])[0])

    def broken(*args, **kwargs):
        raise RuntimeError("crash while promoting")

    monkeypatch.setattr(enrolment, "_leave_waiting", broken)
    with pytest.raises(RuntimeError):
        enrolment.withdraw(ctx.db, ctx.inst, ea, "外出")
    assert one(ctx.db, "SELECT status FROM enrolments WHERE id = ?", [ea])["status"] == "enrolled"
    assert count(ctx.db, "SELECT 1 FROM enrolments WHERE session_id = ?", [sid]) == 1
    assert (
        one(ctx.db, "SELECT outcome FROM waiting_list WHERE worker_id = ?", [b])["outcome"] is None
    )


def test_a_waiting_person_with_a_clash_is_dropped_with_the_reason_and_the_next_moves_up(ctx):
    sid = new_session(ctx, capacity=1)
    a, b, c = workers_in(ctx.db, WANGKUI, 3)
    ea = enrol(ctx.db, ctx.inst, sid, a)
    nb, nc = numbers(ctx.db, [b, c])
    enrolment.enrol_or_wait(ctx.db, ctx.inst, sid, b, id_number=nb)
    enrolment.enrol_or_wait(ctx.db, ctx.inst, sid, c, id_number=nc)
    same_time = new_session(ctx, start_date="2019-06-05", end_date="2019-06-14")
    enrol(ctx.db, ctx.inst, same_time, b)  # b found another class at the same time meanwhile
    moved = enrolment.withdraw(ctx.db, ctx.inst, ea, "生病")
    assert [m["outcome"] for m in moved] == ["dropped", "promoted"]
    assert "时间冲突" in moved[0]["reason"]
    rows = {q["worker_id"]: q for q in enrolment.waiting_list(ctx.db, ctx.inst, sid)}
    assert rows[b]["outcome"] == "dropped" and "时间冲突" in rows[b]["outcome_reason"]
    assert rows[c]["outcome"] == "promoted"


def test_capacity_rise_promotion_removal_and_scope(ctx):
    sid = new_session(ctx, capacity=1)
    a, b, c = workers_in(ctx.db, WANGKUI, 3)
    enrol(ctx.db, ctx.inst, sid, a)
    nb, nc = numbers(ctx.db, [b, c])
    enrolment.enrol_or_wait(ctx.db, ctx.inst, sid, b, id_number=nb)
    enrolment.enrol_or_wait(ctx.db, ctx.inst, sid, c, id_number=nc)
    queue = enrolment.waiting_list(ctx.db, ctx.inst, sid)
    for stranger in (ctx.bl_inst, ctx.bl_staff):
        with pytest.raises(ScopeError):
            enrolment.waiting_list(ctx.db, stranger, sid)
        with pytest.raises(ScopeError):
            enrolment.remove_waiting(ctx.db, stranger, queue[0]["id"], "x")
        with pytest.raises(ScopeError):
            enrolment.promote_waiting(ctx.db, stranger, sid)
    with pytest.raises(UserError, match="移出原因不能为空"):
        enrolment.remove_waiting(ctx.db, ctx.inst, queue[0]["id"], " ")
    enrolment.remove_waiting(ctx.db, ctx.inst, queue[0]["id"], "已报别的班")
    sessions.edit(ctx.db, ctx.inst, sid, {"capacity": 3})
    moved = enrolment.promote_waiting(ctx.db, ctx.inst, sid)
    assert [m["outcome"] for m in moved] == ["promoted"]
    final = {q["worker_id"]: q["outcome"] for q in enrolment.waiting_list(ctx.db, ctx.inst, sid)}
    assert final == {b: "removed", c: "promoted"}
    assert sessions.enrolled_count(ctx.db, sid) == 2
    with pytest.raises(UserError, match="还有名额"):
        enrolment.join_waiting_list(ctx.db, ctx.inst, sid, b, id_number=nb)


# --- proof of identity for institutions ----------------------------------------------------


def test_institution_cannot_enrol_a_guessed_worker_number(ctx):
    sid = new_session(ctx)
    wid = workers_in(ctx.db, WANGKUI, 1)[0]
    number = numbers(ctx.db, [wid])[0]
    for call in (enrolment.enrol, enrolment.enrol_or_wait, enrolment.join_waiting_list):
        with pytest.raises(ScopeError) as guessed:
            call(ctx.db, ctx.inst, sid, wid)
        with pytest.raises(ScopeError) as missing:
            call(ctx.db, ctx.inst, sid, 10**9)
        assert str(guessed.value) == str(missing.value) == enrolment.NEED_ID_CARD
        with pytest.raises(ScopeError):  # a wrong number is no proof either
            call(
                ctx.db, ctx.inst, sid, wid, id_number=idnumber.make(WANGKUI, dt.date(1990, 1, 1), 5)
            )
    # another county's person, even with their number, gets the same answer as nobody
    bl = workers_in(ctx.db, BEILIN, 1)[0]
    with pytest.raises(ScopeError) as elsewhere:
        enrolment.enrol(ctx.db, ctx.inst, sid, bl, id_number=numbers(ctx.db, [bl])[0])
    assert str(elsewhere.value) == enrolment.NEED_ID_CARD
    with pytest.raises(ScopeError):
        workers_mod.get(ctx.db, ctx.inst, wid)  # and the record stays closed
    assert sessions.enrolled_count(ctx.db, sid) == 0
    # with the number from the card it works, full-width digits and spaces included
    typed = " ".join(number[i : i + 6] for i in range(0, 18, 6))
    eid = enrolment.enrol(ctx.db, ctx.inst, sid, wid, id_number=typed)
    assert workers_mod.get(ctx.db, ctx.inst, wid)["id"] == wid
    # someone on its own rolls (what its name search finds) can go into another class by id
    enrolment.withdraw(ctx.db, ctx.inst, eid, "改报")
    later = new_session(ctx, start_date="2019-07-01", end_date="2019-07-10")
    assert enrolment.enrol(ctx.db, ctx.inst, later, wid)
    # county staff keep enrolling from their ledger search
    staff_wid = workers_in(ctx.db, WANGKUI, 1)[0]
    assert enrolment.enrol(ctx.db, ctx.staff, sid, staff_wid)


def test_registering_an_id_with_a_wrong_check_digit_is_refused(ctx):
    from portal import registrations

    sid = new_session(ctx)
    form = session_form(ctx.db, WANGKUI)
    place = {"township_code": form["township_code"], "village_code": form["village_code"]}
    good = idnumber.make(WANGKUI, dt.date(1988, 8, 8), 321)
    typo = good[:17] + ("0" if good[17] != "0" else "1")
    attempts = [
        lambda: workers_mod.record_unregistered(
            ctx.db, ctx.staff, id_number=typo, name="错号", **place
        ),
        lambda: registrations.submit(ctx.db, ctx.inst, sid, id_number=typo, name="错号", **place),
    ]
    for attempt in attempts:
        with pytest.raises(UserError, match="不能登记：身份证号校验位") as err:
            attempt()
        assert "核对" in str(err.value)
    assert one(ctx.db, "SELECT id FROM workers WHERE name = '错号'") is None
    assert one(ctx.db, "SELECT id FROM registration_requests WHERE name = '错号'") is None


# --- bulk card sign-off --------------------------------------------------------------------


def test_bulk_card_signoff_for_a_class_day(ctx):
    sid = new_session(ctx)
    a, b, c, d = (enrol(ctx.db, ctx.inst, sid, w) for w in workers_in(ctx.db, WANGKUI, 4))
    day = "2019-06-04"
    attendance.mark(ctx.db, ctx.inst, sid, day, {a: True, b: True, c: False})
    attendance.sign_card(ctx.db, ctx.inst, b, signed_on="2019-06-03", witnessed_by="刘经办")
    results = attendance.sign_cards_for_day(ctx.db, ctx.inst, sid, day, witnessed_by="王经办")
    assert [(r["enrolment_id"], r["result"]) for r in results] == [
        (a, "signed"),
        (b, "already"),
        (c, "absent"),
        (d, "unmarked"),
    ]
    assert "2019-06-03" in results[1]["detail"]
    assert attendance.card_summary(results) == (
        "当天在读4人：已登记签字1人，之前已签字1人，当天缺勤，未登记1人，当天未记考勤，未登记1人。"
    )
    card = one(ctx.db, "SELECT * FROM card_signoffs WHERE enrolment_id = ?", [a])
    assert card["signed_on"] == day and card["witnessed_by"] == "王经办"
    assert card["by"] == ctx.inst.username
    again = attendance.sign_cards_for_day(ctx.db, ctx.inst, sid, day, witnessed_by="王经办")
    assert [r["result"] for r in again] == ["already", "already", "absent", "unmarked"]
    assert count(ctx.db, "SELECT 1 FROM card_signoffs WHERE enrolment_id IN (?, ?)", [a, b]) == 2
    assert count(ctx.db, "SELECT 1 FROM audit_log WHERE action = 'sign_card'") >= 2
    with pytest.raises(UserError, match="经办人不能为空"):
        attendance.sign_cards_for_day(ctx.db, ctx.inst, sid, day, witnessed_by="")
    with pytest.raises(UserError, match="不是本班次的上课日"):
        attendance.sign_cards_for_day(ctx.db, ctx.inst, sid, "2019-07-01", witnessed_by="王")
    for stranger in (ctx.bl_inst, ctx.bl_staff):
        with pytest.raises(ScopeError):
            attendance.sign_cards_for_day(ctx.db, stranger, sid, day, witnessed_by="x")


# --- sign-in sheet -------------------------------------------------------------------------


def test_sign_in_sheet_pdf_reads_back_masked_and_escaped(ctx):
    sid = new_session(ctx, address="和平村<b>活动室</b>")
    ids = workers_in(ctx.db, WANGKUI, 3)
    eids = [enrol(ctx.db, ctx.inst, sid, w) for w in ids]
    ctx.db.execute("UPDATE workers SET name = '<i>赵</i>' WHERE id = ?", [ids[0]])
    enrolment.withdraw(ctx.db, ctx.inst, eids[2], "外出")
    pdf = signin_sheet.render(ctx.db, ctx.inst, sid, "2019-06-05")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages)
    full = numbers(ctx.db, ids)
    assert "技能扶贫培训签到表" in text and "本人签名" in text
    assert "2019年6月5日（星期三）" in text
    assert idnumber.mask(full[0]) in text and idnumber.mask(full[1]) in text
    assert not any(n in text for n in full)
    assert idnumber.mask(full[2]) not in text  # withdrawn: not on the sheet
    assert "<i>赵</i>" in text and "和平村<b>活动室</b>" in text  # shown as typed, not as markup
    assert "在读学员2人" in text
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
        for f in [f.get_object()]
    }
    assert any(f.endswith("+Noto-Sans-CJK-SC") for f in fonts), fonts
    assert str(reader.trailer["/Root"].get("/Lang")) == "zh-CN"
    # a day outside the session is refused; another institution gets nothing
    with pytest.raises(UserError, match="不是本班次的上课日"):
        signin_sheet.render(ctx.db, ctx.inst, sid, "2019-06-20")
    with pytest.raises(ScopeError):
        signin_sheet.render(ctx.db, ctx.bl_inst, sid, "2019-06-05")
    assert "231221" not in signin_sheet.file_name(sid, "2019-06-05")


# --- institutions submit people not in a ledger ------------------------------------------------


def test_institution_submission_gives_the_same_answer_whether_the_id_is_elsewhere(ctx):
    from portal import registrations

    sid = new_session(ctx)
    form = session_form(ctx.db, WANGKUI)
    place = {"township_code": form["township_code"], "village_code": form["village_code"]}
    free = idnumber.make(WANGKUI, dt.date(1986, 6, 6), 411)
    elsewhere = numbers(ctx.db, workers_in(ctx.db, BEILIN, 1))[0]
    before = count(ctx.db, "SELECT 1 FROM workers")
    answers = []
    for number in (free, elsewhere):
        rid = registrations.submit(ctx.db, ctx.inst, sid, id_number=number, name="新人", **place)
        answers.append(
            one(ctx.db, "SELECT status, worker_id FROM registration_requests WHERE id = ?", [rid])
        )
    assert answers[0] == answers[1] == {"status": "pending", "worker_id": None}
    assert count(ctx.db, "SELECT 1 FROM workers") == before  # nothing recorded yet
    mine = registrations.listing(ctx.db, ctx.inst)
    assert {r["in_ledger"] for r in mine} == {None}
    assert {r["id_shown"] for r in mine} == {idnumber.mask(free), idnumber.mask(elsewhere)}
    log = [
        r["after_json"]
        for r in ctx.db.query(
            "SELECT after_json FROM audit_log WHERE entity = 'registration_requests'"
        )
    ]
    assert log and not any(free in j or elsewhere in j for j in log)
    # refusals that depend only on its own county, or on the number itself
    own = numbers(ctx.db, workers_in(ctx.db, WANGKUI, 1))[0]
    with pytest.raises(UserError, match="已在本县"):
        registrations.submit(ctx.db, ctx.inst, sid, id_number=own, name="甲", **place)
    with pytest.raises(UserError, match="已经提交过"):
        registrations.submit(ctx.db, ctx.inst, sid, id_number=free, name="新人", **place)
    with pytest.raises(UserError, match="校验位"):
        registrations.submit(
            ctx.db,
            ctx.inst,
            sid,
            id_number=free[:17] + ("1" if free[17] != "1" else "2"),
            name="乙",
            **place,
        )
    with pytest.raises(ScopeError):
        workers_mod.record_unregistered(ctx.db, ctx.inst, id_number=free, name="新人", **place)

    # county staff see where the number already is, record the free one, turn down the other
    staff_view = {r["id_number"]: r for r in registrations.listing(ctx.db, ctx.staff)}
    assert staff_view[elsewhere]["in_ledger"] == "北林区" and staff_view[free]["in_ledger"] is None
    for outsider in (ctx.inst, ctx.bl_staff):
        with pytest.raises(ScopeError):
            registrations.approve(ctx.db, outsider, staff_view[free]["id"])
    with pytest.raises(UserError, match="北林区的台账里"):
        registrations.approve(ctx.db, ctx.staff, staff_view[elsewhere]["id"])
    message = registrations.approve(ctx.db, ctx.staff, staff_view[free]["id"])
    assert "已登记并报名" in message
    worker = one(ctx.db, "SELECT * FROM workers WHERE id_number = ?", [free])
    assert worker["registered"] == 0 and worker["county_code"] == WANGKUI
    assert (
        one(
            ctx.db,
            "SELECT status FROM enrolments WHERE worker_id = ? AND session_id = ?",
            [worker["id"], sid],
        )["status"]
        == "enrolled"
    )
    with pytest.raises(UserError, match="驳回原因不能为空"):
        registrations.reject(ctx.db, ctx.staff, staff_view[elsewhere]["id"], "")
    registrations.reject(ctx.db, ctx.staff, staff_view[elsewhere]["id"], "请由户籍所在县安排培训")
    final = {
        r["id_shown"]: (r["status"], r["decision_note"])
        for r in registrations.listing(ctx.db, ctx.inst)
    }
    assert final[idnumber.mask(elsewhere)] == ("rejected", "请由户籍所在县安排培训")
    assert final[idnumber.mask(free)][0] == "approved"
    with pytest.raises(UserError, match="已处理过"):
        registrations.approve(ctx.db, ctx.staff, staff_view[free]["id"])


def test_cancelling_a_session_tells_everyone_waiting(ctx):
    sid = new_session(ctx, capacity=1)
    a, b, c = workers_in(ctx.db, WANGKUI, 3)
    enrol(ctx.db, ctx.inst, sid, a)
    for w in (b, c):
        enrolment.enrol_or_wait(ctx.db, ctx.inst, sid, w, id_number=numbers(ctx.db, [w])[0])
    sessions.cancel(ctx.db, ctx.inst, sid, "老师生病")
    rows = enrolment.waiting_list(ctx.db, ctx.inst, sid)
    assert [(r["worker_id"], r["outcome"], r["outcome_reason"]) for r in rows] == [
        (b, "dropped", "班次已取消，未能递补"),
        (c, "dropped", "班次已取消，未能递补"),
    ]
    assert (
        count(
            ctx.db, "SELECT 1 FROM audit_log WHERE entity = 'waiting_list' AND action = 'dropped'"
        )
        == 2
    )
