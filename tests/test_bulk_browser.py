"""Real Chromium: a training point enrols a class from an uploaded list, the class fills up,
the rest wait, a withdrawal moves the first one up, and the page stays on the same trainee."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from portal_support import actor, session_form, workers_in

from portal import db as database
from portal import idnumber, sessions
from portal.db import one

pytestmark = pytest.mark.browser
WANGKUI = "231221"
WAIT = 30_000


def log_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("suihua2019")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="培训班次").wait_for(timeout=WAIT)


def choose(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=False).first
    box.click()
    box.fill(text)
    page.get_by_role("option").filter(has_text=text).first.click()


def shows(page, label: str, text: str) -> None:
    """Wait until the selectbox ``label`` shows ``text`` (the rerun after a pick has landed)."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).last
    for _ in range(300):
        if text in box.inner_text() + box.locator("input").input_value():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{label} never showed {text!r}")


def success(page, text: str) -> None:
    page.get_by_test_id("stAlertContentSuccess").filter(has_text=text).wait_for(timeout=WAIT)


def test_bulk_enrol_from_a_sheet_then_the_waiting_list_moves_up(
    portal_server, page, demo_db_path, tmp_path
):
    db = database.connect(demo_db_path)
    inst = actor(db, "jigou_wangkui")
    sid = sessions.create(db, inst, session_form(db, WANGKUI, capacity=3, address="批量测试村"))
    sessions.publish(db, inst, sid)
    people = [
        one(db, "SELECT id, id_number, name FROM workers WHERE id = ?", [w])
        for w in workers_in(db, WANGKUI, 4)
    ]
    db.conn.close()
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    for p in people:
        wb.active.append([p["name"], p["id_number"]])
    wb.active.append(["输错的", people[0]["id_number"][:17] + "Y"])
    sheet = tmp_path / "名单.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    sheet.write_bytes(buf.getvalue())

    url = portal_server(demo_db_path)
    log_in(page, url, "jigou_wangkui")
    page.get_by_test_id("stSidebarNav").get_by_text("报名管理", exact=True).click()
    page.get_by_role("heading", name="报名管理").wait_for(timeout=WAIT)
    choose(page, "班次", f"#{sid} ")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(sheet))
    page.get_by_text("名单.xlsx").first.wait_for(timeout=WAIT)
    page.get_by_role("button", name="批量报名", exact=True).click()
    success(page, "批量报名完成")
    summary = page.get_by_test_id("stAlertContentSuccess").inner_text()
    assert "名单共5个身份证号" in summary
    assert "已报名3个" in summary and "已列入候补1个" in summary and "身份证号不对1个" in summary
    page.get_by_text("候补1人").wait_for(timeout=WAIT)
    assert people[0]["id_number"] not in page.content()  # masked for an institution

    # withdraw the second trainee: the first in the queue moves up, the page stays on them
    second = f"{people[1]['name']} {idnumber.mask(people[1]['id_number'])}"
    choose(page, "选择学员", idnumber.mask(people[1]["id_number"])[-4:])
    shows(page, "选择学员", second)
    page.get_by_role("button", name="办理退出").wait_for(timeout=WAIT)
    page.get_by_label("退出原因").fill("外出务工")
    page.get_by_label("退出原因").press("Tab")
    page.get_by_role("button", name="办理退出").click()
    success(page, f"{people[1]['name']}已退出本班次")
    success(page, f"候补的{people[3]['name']}已递补报名")
    page.get_by_text("状态：已退出").wait_for(timeout=WAIT)
    shows(page, "选择学员", second)
    first_box = page.get_by_test_id("stSelectbox").first
    assert f"#{sid} " in first_box.inner_text() + first_box.locator("input").input_value()

    db = database.connect(demo_db_path)
    status = {
        r["worker_id"]: r["status"]
        for r in db.query("SELECT worker_id, status FROM enrolments WHERE session_id = ?", [sid])
    }
    assert status == {
        people[0]["id"]: "enrolled",
        people[1]["id"]: "withdrawn",
        people[2]["id"]: "enrolled",
        people[3]["id"]: "enrolled",
    }
    queue = one(db, "SELECT outcome, left_by FROM waiting_list WHERE session_id = ?", [sid])
    assert queue == {"outcome": "promoted", "left_by": "jigou_wangkui"}
    db.conn.close()


def test_bulk_card_signoff_keeps_the_tab_and_the_trainee(portal_server, page, demo_db_path):
    from portal_support import enrol

    from portal import attendance

    db = database.connect(demo_db_path)
    inst = actor(db, "jigou_wangkui")
    sid = sessions.create(db, inst, session_form(db, WANGKUI, address="签字测试村"))
    sessions.publish(db, inst, sid)
    ids = workers_in(db, WANGKUI, 3)
    eids = [enrol(db, inst, sid, w) for w in ids]
    attendance.mark(db, inst, sid, "2019-06-03", {eids[0]: True, eids[1]: True, eids[2]: False})
    second = one(db, "SELECT name, id_number FROM workers WHERE id = ?", [ids[1]])
    db.conn.close()

    url = portal_server(demo_db_path)
    log_in(page, url, "jigou_wangkui")
    page.get_by_test_id("stSidebarNav").get_by_text("考勤与签字", exact=True).click()
    page.get_by_role("heading", name="考勤与签字").wait_for(timeout=WAIT)
    choose(page, "班次", f"#{sid} ")
    page.get_by_role("tab", name="联系卡签字").click()
    page.get_by_role("button", name="当天出勤的学员全部登记签字").click()
    success(page, "已登记签字2人")
    success(page, "当天缺勤，未登记1人")
    card_tab = page.get_by_role("tab", name="联系卡签字")
    assert card_tab.get_attribute("aria-selected") == "true"  # no jump back to 考勤

    # revoke the second trainee's signature: tab, session and trainee all stay
    choose(page, "学员", idnumber.mask(second["id_number"])[-4:])
    shows(page, "学员", second["name"])
    page.get_by_text("联系卡：已签字").wait_for(timeout=WAIT)
    note = page.get_by_label("备注（撤销时必填）")
    note.fill("签错了人")
    note.press("Tab")
    page.get_by_role("button", name="撤销签字").click()
    success(page, "已撤销签字")
    assert page.get_by_role("tab", name="联系卡签字").get_attribute("aria-selected") == "true"
    page.get_by_text("联系卡：签字已撤销").wait_for(timeout=WAIT)
    shows(page, "学员", second["name"])

    db = database.connect(demo_db_path)
    rows = list(
        db.query(
            "SELECT c.enrolment_id, c.signed FROM card_signoffs c "
            "JOIN enrolments e ON e.id = c.enrolment_id WHERE e.session_id = ? ORDER BY c.id",
            [sid],
        )
    )
    assert [(r["enrolment_id"], r["signed"]) for r in rows] == [
        (eids[0], 1),
        (eids[1], 1),
        (eids[1], 0),
    ]
    db.conn.close()
