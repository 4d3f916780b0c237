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
    # an address opened in a new tab of the same browser is already logged in
    other = page.context.new_page()
    other.goto(url + "/subsidies")
    heading(other, "补贴")
