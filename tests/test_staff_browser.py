"""Issue 14 in real Chromium, as county staff: the report starts in the plan year, a
submit shows its confirmation, and no select widget says "Choose an option"."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

WAIT = 30_000
REPORTS_LINK = re.compile(r"^(月报|月报与季报|reports)$")
SUBSIDIES_LINK = re.compile(r"^(补贴|subsidies)$")
ENGLISH = ("Choose an option", "Choose options", "No options to select")


def log_in(page, url, username):
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("suihua2019")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("（示例）").first.wait_for(timeout=WAIT)


def no_english_placeholder(page) -> None:
    """Neither the visible text nor the markup (placeholders are attributes) says it."""
    body = page.locator("body").inner_text() + page.content()
    for text in ENGLISH:
        assert text not in body, text


def test_county_submits_june_from_the_plan_year_and_sees_the_confirmation(
    portal_server, page, demo_db_path
):
    url = portal_server(demo_db_path)
    log_in(page, url, "wangkui_staff")
    page.get_by_role("link", name=REPORTS_LINK).click()
    page.get_by_text("次月5日").first.wait_for(timeout=WAIT)
    # today is past 2019: the month picker starts in the plan year's last month
    page.get_by_text("2019年12月月报的截止日").wait_for(timeout=WAIT)
    no_english_placeholder(page)
    box = page.get_by_label("月份").first
    box.click()
    box.fill("2019-06")
    page.get_by_role("option").filter(has_text="2019-06").first.click()
    page.get_by_text("2019年6月月报的截止日").wait_for(timeout=WAIT)
    page.get_by_role("button", name="提交月报（提交后锁定）").click()
    page.get_by_test_id("stAlertContentSuccess").filter(
        has_text="已提交望奎县2019年6月月报"
    ).wait_for(timeout=WAIT)
    lock = page.get_by_text(re.compile(r"本月报已于 20\d\d年\d+月\d+日 \d\d:\d\d 由 "))
    lock.first.wait_for(timeout=WAIT)
    assert "wangkui_staff" not in lock.first.inner_text()


def test_school_record_form_asks_for_the_course_length_in_chinese(
    portal_server, page, demo_db_path
):
    url = portal_server(demo_db_path)
    log_in(page, url, "wangkui_staff")
    page.get_by_role("link", name=SUBSIDIES_LINK).click()
    page.get_by_text("各项补贴分别统计").wait_for(timeout=WAIT)
    page.get_by_role("tab", name="录入记录").click()
    box = page.locator('[aria-label="记录类型"]:visible').first  # the open tab's, once drawn
    box.click()
    page.get_by_role("option").filter(has_text="技工院校学生").first.click()
    years = page.get_by_test_id("stSelectbox").filter(has_text="学制（年）")
    years.wait_for(timeout=WAIT)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stSelectbox]')]"
        ".some(e => e.innerText.includes('学制') && e.innerHTML.includes('请选择学制'))",
        timeout=WAIT,
    )
    no_english_placeholder(page)
    page.get_by_role("tab", name="补贴明细").click()
    # remove every chosen kind: the empty multiselect must still speak Chinese
    for kind in ("以工代训职业培训补贴", "技工教育家庭补助", "一次性创业补贴", "创业扶贫奖励补贴"):
        page.get_by_role("button", name=f"Remove {kind}").first.click()
        page.get_by_role("button", name=f"Remove {kind}").wait_for(state="detached", timeout=WAIT)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stMultiSelect]').innerHTML"
        ".includes('请选择（可多选）')",
        timeout=WAIT,
    )
    no_english_placeholder(page)
