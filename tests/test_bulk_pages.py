"""AppTest runs of 报名管理 and 考勤与签字 for bulk work and the traps after a write."""

from __future__ import annotations

import datetime as dt
import io
import time

import pypdf
import pytest
from openpyxl import Workbook
from portal_support import actor, enrol, session_form, workers_in
from streamlit.testing.v1 import AppTest

from portal import attendance, idnumber, sessions
from portal import db as database
from portal.db import one

PAGES = database.ROOT / "portal" / "pages"
WANGKUI = "231221"


def page(name: str, who) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.session_state.actor = who
    at.session_state.last_active = time.time()
    at.run()
    assert not at.exception, at.exception
    return at


def by_label(widgets, label):
    found = [w for w in widgets if w.label == label]
    assert found, f"no widget {label!r} among {[w.label for w in widgets]}"
    return found[0]


def texts(at) -> str:
    parts = [e.value for e in (*at.success, *at.error, *at.warning, *at.info)]
    parts += [str(m.value) for m in at.markdown] + [str(c.value) for c in at.caption]
    return "\n".join(parts)


def frame_with(at, column):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found[0]


@pytest.fixture
def inst(demo_db):
    return actor(demo_db, "jigou_wangkui")


def published(db, who, **overrides) -> int:
    sid = sessions.create(db, who, session_form(db, WANGKUI, **overrides))
    sessions.publish(db, who, sid)
    return sid


def numbers(db, ids):
    return [one(db, "SELECT id_number FROM workers WHERE id = ?", [w])["id_number"] for w in ids]


def test_bulk_enrol_by_pasting_shows_every_row_and_fills_the_waiting_list(
    demo_db_path, demo_db, inst
):
    sid = published(demo_db, inst, capacity=2)
    ids = workers_in(demo_db, WANGKUI, 3)
    nums = numbers(demo_db, ids)
    at = page("enrolment", inst)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.text_area, "身份证号（每行一个）").input("\n".join([*nums, "", nums[0][:17] + "X"]))
    by_label(at.button, "批量报名").click()
    at.run()
    assert not at.exception
    assert "名单共4个身份证号" in texts(at) and "1个空行" in texts(at)
    result = frame_with(at, "结果")
    assert list(result["结果"]) == ["已报名", "已报名", "名额已满，已列入候补", "身份证号不对"]
    assert list(result["位置"]) == ["第1行", "第2行", "第3行", "第5行"]
    assert not any(n in " ".join(result["身份证号"]) for n in nums)  # masked for institutions
    assert sessions.enrolled_count(demo_db, sid) == 2
    queue = frame_with(at, "候补位次")
    assert list(queue["状态"]) == ["候补中"] and list(queue["候补位次"]) == [1]
    assert "候补1人" in texts(at)
    assert by_label(at.download_button, "下载逐行结果（.xlsx）")


def test_bulk_enrol_from_an_uploaded_sheet(demo_db_path, demo_db, inst):
    sid = published(demo_db, inst)
    nums = numbers(demo_db, workers_in(demo_db, WANGKUI, 2))
    wb = Workbook()
    wb.active.append(["序号", "姓名", "身份证号"])
    for i, n in enumerate(nums, 1):
        wb.active.append([i, "某", n])
    buf = io.BytesIO()
    wb.save(buf)
    at = page("enrolment", inst)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    at.file_uploader[0].set_value(("名单.xlsx", buf.getvalue(), "application/vnd.ms-excel"))
    at.run()
    by_label(at.button, "批量报名").click()
    at.run()
    assert not at.exception
    assert list(frame_with(at, "结果")["位置"]) == ["表格第2行", "表格第3行"]
    assert sessions.enrolled_count(demo_db, sid) == 2


def test_withdrawal_keeps_the_chosen_trainee_and_promotes_the_next_in_line(
    demo_db_path, demo_db, inst
):
    sid = published(demo_db, inst, capacity=2)
    a, b, c = workers_in(demo_db, WANGKUI, 3)
    enrol(demo_db, inst, sid, a)
    eb = enrol(demo_db, inst, sid, b)
    at = page("enrolment", inst)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.text_input, "身份证号或姓名").input(numbers(demo_db, [c])[0])
    at.run()
    by_label(at.button, "名额已满，列入候补名单").click()
    at.run()
    assert "已列入候补名单第1位" in texts(at)
    by_label(at.selectbox, "选择学员").set_value(eb)  # the second trainee, not the first
    at.run()
    by_label(at.text_input, "退出原因").input("外出务工")
    by_label(at.button, "办理退出").click()
    at.run()
    assert not at.exception
    assert "已退出本班次" in texts(at) and "已递补报名" in texts(at)
    assert by_label(at.selectbox, "班次").value == sid
    assert by_label(at.selectbox, "选择学员").value == eb  # still the same person
    assert "状态：已退出" in texts(at)
    assert list(frame_with(at, "候补位次")["状态"]) == ["已递补报名"]
    assert one(
        demo_db, "SELECT status FROM enrolments WHERE worker_id = ? AND session_id = ?", [c, sid]
    )


def test_a_wrong_check_digit_is_not_offered_for_registration(demo_db_path, demo_db, inst):
    published(demo_db, inst)
    good = numbers(demo_db, workers_in(demo_db, WANGKUI, 1))[0]
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    at = page("enrolment", inst)
    by_label(at.text_input, "身份证号或姓名").input(wrong)
    at.run()
    assert "校验位" in texts(at)
    assert "可在下方登记" not in texts(at)
    nowhere = idnumber.make(WANGKUI, dt.date(1977, 7, 7), 17)
    by_label(at.text_input, "身份证号或姓名").input(nowhere)
    at.run()
    assert "可在下方登记" in texts(at)


def test_attendance_page_bulk_signoff_and_the_selection_stays(demo_db_path, demo_db, inst):
    sid = published(demo_db, inst)
    eids = [enrol(demo_db, inst, sid, w) for w in workers_in(demo_db, WANGKUI, 3)]
    attendance.mark(
        demo_db, inst, sid, "2019-06-03", {eids[0]: True, eids[1]: True, eids[2]: False}
    )
    at = page("attendance", inst)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.button, "当天出勤的学员全部登记签字").click()
    at.run()
    assert not at.exception
    assert "已登记签字2人" in texts(at) and "当天缺勤，未登记1人" in texts(at)
    assert list(frame_with(at, "结果")["结果"]) == ["已登记签字", "已登记签字", "当天缺勤，未登记"]
    # sign one trainee (not the first) by hand: the page stays on that trainee and session
    by_label(at.selectbox, "学员").set_value(eids[2])
    by_label(at.text_input, "经办人").input("刘经办")
    by_label(at.button, "登记已签字").click()
    at.run()
    assert not at.exception
    assert by_label(at.selectbox, "班次").value == sid
    assert by_label(at.selectbox, "学员").value == eids[2]
    assert any("联系卡：已签字" in c.value for c in at.caption)


def test_card_signoff_date_is_typed_whole_and_an_impossible_one_is_refused(
    demo_db_path, demo_db, inst
):
    sid = published(demo_db, inst)
    eid = enrol(demo_db, inst, sid, workers_in(demo_db, WANGKUI, 1)[0])
    start = one(demo_db, "SELECT start_date FROM sessions WHERE id = ?", [sid])["start_date"]
    day = dt.date.fromisoformat(start)
    at = page("attendance", inst)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.text_input, "签字日期").input("2019-13-45")
    by_label(at.button, "登记已签字").click()
    at.run()
    shown = [e.value for e in at.error]
    assert any("没有13月45日" in e for e in shown) and any("没有登记" in e for e in shown), shown
    signoffs = "SELECT signed_on FROM card_signoffs WHERE enrolment_id = ?"
    assert demo_db.execute(signoffs, [eid]).fetchall() == []
    by_label(at.text_input, "签字日期").input(f"{day.year}年{day.month}月{day.day}日")
    by_label(at.button, "登记已签字").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert demo_db.execute(signoffs, [eid]).fetchall() == [(start,)]


def test_attendance_page_prints_the_sign_in_sheet(demo_db_path, demo_db, inst):
    sid = published(demo_db, inst)
    wid = workers_in(demo_db, WANGKUI, 1)[0]
    enrol(demo_db, inst, sid, wid)
    worker = one(demo_db, "SELECT name, id_number FROM workers WHERE id = ?", [wid])
    at = page("attendance", inst)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.selectbox, "签到表日期").set_value(dt.date(2019, 6, 12))
    by_label(at.button, "生成签到表").click()
    at.run()
    assert not at.exception
    assert by_label(at.download_button, "下载签到表")
    kept = at.session_state["signin_pdf"]
    text = pypdf.PdfReader(io.BytesIO(kept[2])).pages[0].extract_text()
    assert "2019年6月12日" in text and worker["name"] in text
    assert worker["id_number"] not in text and idnumber.mask(worker["id_number"]) in text


def test_a_name_with_braces_does_not_break_the_messages(demo_db_path, demo_db, inst):
    sid = published(demo_db, inst)
    wid = workers_in(demo_db, WANGKUI, 1)[0]
    eid = enrol(demo_db, inst, sid, wid)
    demo_db.execute("UPDATE workers SET name = '{0}王{name}' WHERE id = ?", [wid])
    attendance.mark(demo_db, inst, sid, "2019-06-03", {eid: True})
    at = page("enrolment", inst)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.text_input, "退出原因").input("外出")
    by_label(at.button, "办理退出").click()
    at.run()
    assert not at.exception, at.exception
    assert "王" in texts(at) and "已退出本班次" in texts(at)


def test_a_pasted_list_and_an_uploaded_sheet_together_are_refused(demo_db_path, demo_db, inst):
    sid = published(demo_db, inst)
    nums = numbers(demo_db, workers_in(demo_db, WANGKUI, 2))
    at = page("enrolment", inst)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.text_area, "身份证号（每行一个）").input(nums[0])
    at.file_uploader[0].set_value(("名单.csv", f"身份证号\n{nums[1]}\n".encode(), "text/csv"))
    at.run()
    by_label(at.button, "批量报名").click()
    at.run()
    assert "一次只按一种名单报名" in texts(at)
    assert sessions.enrolled_count(demo_db, sid) == 0


def test_county_staff_register_directly_but_not_a_wrong_check_digit(demo_db_path, demo_db, inst):
    sid = published(demo_db, inst)
    staff = page("enrolment", actor(demo_db, "wangkui_staff"))
    by_label(staff.selectbox, "班次").set_value(sid)
    staff.run()
    good = idnumber.make(WANGKUI, dt.date(1990, 2, 2), 88)
    typo = good[:17] + ("1" if good[17] != "1" else "2")
    by_label(staff.text_input, "身份证号").input(typo)
    by_label(staff.text_input, "姓名").input("输错号")
    by_label(staff.button, "登记并报名").click()
    staff.run()
    assert "不能登记：身份证号校验位" in texts(staff)
    assert one(demo_db, "SELECT id FROM workers WHERE name = '输错号'") is None
    by_label(staff.text_input, "身份证号").input(good)
    by_label(staff.button, "登记并报名").click()
    staff.run()
    assert "已登记为未建档人员" in texts(staff) and "此人已报名" in texts(staff)
    row = one(demo_db, "SELECT id, registered FROM workers WHERE id_number = ?", [good])
    assert row["registered"] == 0
    assert one(
        demo_db,
        "SELECT 1 AS x FROM enrolments WHERE worker_id = ? AND session_id = ?",
        [row["id"], sid],
    )
