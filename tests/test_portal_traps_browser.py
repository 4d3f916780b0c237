"""Real Chromium against a real portal: the traps a clerk fell into, each driven as they would."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WAIT = 30000


def log_in(page, username="wangkui_staff", password="suihua2019"):
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def heading(page, text):
    page.get_by_role("heading", name=text).first.wait_for(timeout=WAIT)


def test_refresh_keeps_the_login_and_the_page(portal_server, page, demo_db_path):
    url = portal_server(demo_db_path)
    page.goto(url)
    log_in(page)
    heading(page, "培训班次")
    page.get_by_role("link", name="覆盖进度").first.click()
    heading(page, "覆盖进度")
    assert page.url.endswith("/coverage")
    cookie = [c for c in page.context.cookies() if c["name"] == "suihua_portal_session"]
    assert cookie and cookie[0]["sameSite"] == "Strict"
    assert cookie[0]["value"] not in page.url
    page.reload()
    heading(page, "覆盖进度")
    assert page.get_by_role("button", name="登录", exact=True).count() == 0
    # logging out ends the session on the server: a refresh shows the log-in form again
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="登录", exact=True).wait_for(timeout=WAIT)
    page.reload()
    page.get_by_role("button", name="登录", exact=True).wait_for(timeout=WAIT)


def test_deep_link_opens_the_page_asked_for_after_login(portal_server, page, demo_db_path):
    url = portal_server(demo_db_path)
    page.goto(url + "/reports")
    log_in(page)
    heading(page, "月报")
    assert page.url.endswith("/reports")
    # The cookie is written by the page's script just after the page is drawn: wait for it,
    # as a clerk's next click would, then an address opened in a new tab is already logged in.
    page.wait_for_function("document.cookie.includes('suihua_portal_session=')", timeout=WAIT)
    other = page.context.new_page()
    other.goto(url + "/subsidies")
    heading(other, "补贴")


def open_accounts(page, url):
    page.goto(url + "/accounts")
    log_in(page, "city_admin")
    heading(page, "账户与日志")


def test_new_account_after_tab_then_submit(portal_server, page, demo_db_path):
    url = portal_server(demo_db_path)
    open_accounts(page, url)
    page.get_by_label("用户名（英文字母、数字）").fill("zhao_clerk")
    page.keyboard.press("Tab")
    page.get_by_label("名称（显示在页面上）").fill("赵办事员")
    page.keyboard.press("Tab")
    page.get_by_label("初始密码").fill("qingzhou2019x")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="新建账户", exact=True).click()
    page.get_by_text("已新建账户 zhao_clerk").wait_for(timeout=WAIT)
    from portal import db as database

    row = (
        database.connect(demo_db_path)
        .execute("SELECT display_name FROM users WHERE username = 'zhao_clerk'")
        .fetchone()
    )
    assert row == ("赵办事员",)


def test_reset_password_after_tab_then_submit(portal_server, page, demo_db_path):
    from portal import accounts
    from portal import db as database

    url = portal_server(demo_db_path)
    open_accounts(page, url)
    box = page.get_by_label("新密码（至少8位，含字母和数字）")
    box.fill("qingzhou2020y")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="重设密码", exact=True).click()
    page.get_by_text("的密码，请当面或电话告知本人").wait_for(timeout=WAIT)
    first = (
        database.connect(demo_db_path)
        .execute("SELECT username FROM users ORDER BY role, username LIMIT 1")
        .fetchone()[0]
    )
    assert accounts.authenticate(database.connect(demo_db_path), first, "qingzhou2020y")


def test_typing_a_whole_date_saves_that_date(portal_server, page, demo_db_path):
    from portal import db as database

    url = portal_server(demo_db_path)
    page.goto(url + "/sessions")
    log_in(page, "jigou_wangkui")
    heading(page, "培训班次")
    page.get_by_text("新建班次").first.click()
    start = page.get_by_role("textbox", name="开班日期").first
    start.fill("2019年6月3日")
    page.keyboard.press("Tab")
    page.get_by_text("读作 2019年6月3日").wait_for(timeout=WAIT)
    end = page.get_by_role("textbox", name="结束日期").first
    end.fill("20190611")
    page.keyboard.press("Tab")
    page.get_by_label("培训地点").first.fill("新华村村委会")
    page.keyboard.press("Tab")
    page.get_by_label("课时", exact=True).first.fill("72")
    page.keyboard.press("Tab")
    page.get_by_label("联系电话").first.fill("0455-5123456")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="保存为草稿").click()
    page.get_by_text("已保存为草稿").wait_for(timeout=WAIT)
    row = (
        database.connect(demo_db_path)
        .execute(
            "SELECT start_date, end_date FROM sessions WHERE created_by = 'jigou_wangkui' "
            "ORDER BY id DESC LIMIT 1"
        )
        .fetchone()
    )
    assert tuple(row) == ("2019-06-03", "2019-06-11")


def test_a_date_it_cannot_read_is_named_and_nothing_saved(portal_server, page, demo_db_path):
    url = portal_server(demo_db_path)
    page.goto(url + "/sessions")
    log_in(page, "jigou_wangkui")
    heading(page, "培训班次")
    page.get_by_text("新建班次").first.click()
    page.get_by_role("textbox", name="开班日期").first.fill("6/3/2019")
    page.keyboard.press("Tab")
    page.get_by_text("开班日期“6/3/2019”看不懂").first.wait_for(timeout=WAIT)


def test_page_stays_on_the_session_after_publish(portal_server, page, demo_db_path):
    from portal_support import actor, session_form

    from portal import db as database
    from portal import sessions

    db = database.connect(demo_db_path)
    inst = actor(db, "jigou_wangkui")
    ids = [sessions.create(db, inst, session_form(db, "231221")) for _ in range(3)]
    db.conn.close()
    middle = ids[1]
    url = portal_server(demo_db_path)
    page.goto(url + "/sessions")
    log_in(page, "jigou_wangkui")
    heading(page, "培训班次")
    page.get_by_label("选择班次查看或操作").click()
    page.keyboard.type(f"#{middle} ")
    page.get_by_role("option").filter(has_text=f"#{middle} ").first.click()
    heading(page, f"#{middle} ")
    page.get_by_role("button", name="发布班次").click()
    page.get_by_text("班次已发布").wait_for(timeout=WAIT)
    heading(page, f"#{middle} ")
    assert page.get_by_text("状态：已发布").count() == 1


def test_sessions_page_at_phone_width(portal_server, browser, demo_db_path, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    url = portal_server(demo_db_path)
    phone.goto(url + "/sessions")
    log_in(phone, "jigou_wangkui")
    heading(phone, "培训班次")
    table = phone.get_by_test_id("stDataFrame").first
    table.wait_for(timeout=WAIT)
    phone.screenshot(path=str(tmp_path / "sessions-390.png"))
    # 新建班次 and the start of the list are on the first screen, the page never scrolls sideways
    new = phone.get_by_text("新建班次", exact=True).first.bounding_box()
    assert new and new["y"] + new["height"] < 844
    box = table.bounding_box()
    assert box["y"] < 844 and box["x"] + box["width"] <= 390 + 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    text = table.inner_text()
    assert "培训机构" not in text and "县（市、区）" not in text  # redundant for an institution
    context.close()
