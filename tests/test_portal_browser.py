"""The portal in real Chromium: an institution's day, from a new session to the signed card."""

from __future__ import annotations

import re

import pytest
from portal_support import workers_in

from portal import db as database
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
    """Pick the option of a Streamlit selectbox that contains ``text``."""
    box = page.get_by_label(label, exact=False).first
    box.click()
    box.fill(text)
    page.get_by_role("option").filter(has_text=text).first.click()


def fill(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True).last
    field.fill(value)
    field.press("Enter")


def success(page, text: str) -> None:
    page.get_by_test_id("stAlertContentSuccess").filter(has_text=text).wait_for(timeout=WAIT)


def go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).wait_for(timeout=WAIT)


def test_institution_session_to_signed_card(portal_server, page, demo_db_path):
    db = database.connect(demo_db_path)
    pupils = [
        one(db, "SELECT id, id_number, name FROM workers WHERE id = ?", [w])
        for w in workers_in(db, WANGKUI, 2)
    ]
    db.conn.close()
    url = portal_server(demo_db_path)
    log_in(page, url, "jigou_wangkui")

    # a new session (the first form on the page): defaults are a valid 10-day course from 1 April
    page.get_by_text("新建班次", exact=True).click()
    page.get_by_label("培训地点").first.fill("浏览器测试村村委会")
    page.get_by_label("联系电话").first.fill("0455-5123456")
    page.get_by_label("联系电话").first.press("Tab")
    page.get_by_role("button", name="保存为草稿").click()
    page.get_by_test_id("stAlertContentSuccess").filter(has_text="已保存为草稿").wait_for(
        timeout=WAIT
    )
    text = page.get_by_test_id("stAlertContentSuccess").inner_text()
    session_id = int(re.search(r"班次编号 (\d+)", text).group(1))

    choose(page, "选择班次查看或操作", f"#{session_id} ")
    page.get_by_role("button", name="发布班次").click()
    success(page, "班次已发布")

    # enrol two workers found by their ID numbers
    go(page, "报名管理")
    choose(page, "班次", f"#{session_id} ")
    for pupil in pupils:
        fill(page, "身份证号或姓名", pupil["id_number"])
        page.get_by_role("button", name="报名到本班次").click()
        success(page, f"{pupil['name']}已报名")
    page.get_by_text("剩余28个名额").wait_for(timeout=WAIT)

    # attendance on the first day, then the contact card
    go(page, "考勤与签字")
    choose(page, "班次", f"#{session_id} ")
    page.get_by_role("button", name="全部出勤").click()
    success(page, "已记全部出勤（2条）")
    page.get_by_text(f"{pupils[1]['name']} ", exact=False).first.click()  # uncheck: absent
    page.get_by_role("button", name="保存考勤").click()
    success(page, "考勤已保存（新增1条记录）")
    page.get_by_role("tab", name="联系卡签字").click()
    page.get_by_role("button", name="登记已签字").click()
    success(page, "联系卡签字")

    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="登录", exact=True).wait_for(timeout=WAIT)
    page.get_by_role("heading", name="考勤与签字").wait_for(state="detached", timeout=WAIT)

    db = database.connect(demo_db_path)
    assert one(db, "SELECT status FROM sessions WHERE id = ?", [session_id])["status"] == (
        "published"
    )
    marks = list(
        db.query(
            "SELECT a.present FROM attendance a JOIN enrolments e ON e.id = a.enrolment_id "
            "WHERE e.session_id = ? AND a.day = '2019-04-01' ORDER BY a.id",
            [session_id],
        )
    )
    assert [m["present"] for m in marks] == [1, 1, 0]  # the correction is a new row
    cards = list(
        db.query(
            "SELECT c.signed FROM card_signoffs c JOIN enrolments e ON e.id = c.enrolment_id "
            "WHERE e.session_id = ?",
            [session_id],
        )
    )
    assert [c["signed"] for c in cards] == [1]
    db.conn.close()

    # another institution neither lists it nor opens it by link
    other = page.context.browser.new_context(locale="zh-CN").new_page()
    log_in(other, url, "jigou_beilin")
    other.get_by_label("选择班次查看或操作").first.click()
    assert other.get_by_role("option").filter(has_text=f"#{session_id} ").count() == 0
    other.goto(f"{url}/?session={session_id}")  # still logged in: the session lives on the server
    other.get_by_text("无权查看或修改该培训班次").wait_for(timeout=WAIT)
    assert other.get_by_text("浏览器测试村村委会").count() == 0
    other.context.close()
