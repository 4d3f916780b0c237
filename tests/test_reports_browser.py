"""The 月报 and 补贴 pages in real Chromium: log in, open the page, download the report."""

from __future__ import annotations

import re

import openpyxl
import pytest

pytestmark = pytest.mark.browser

# Until the portal's own navigation lands the pages are linked by file name; afterwards by title.
REPORTS_LINK = re.compile(r"^(月报|reports)$")
SUBSIDIES_LINK = re.compile(r"^(补贴|subsidies)$")


def log_in(page, url, username):
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("suihua2019")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("（示例）").first.wait_for(timeout=20000)


def test_county_downloads_its_monthly_report(portal_server, page, demo_db_path, tmp_path):
    url = portal_server(demo_db_path)
    log_in(page, url, "wangkui_staff")
    page.get_by_role("link", name=REPORTS_LINK).click()
    page.get_by_text("月报与季报").wait_for(timeout=20000)
    page.get_by_text("次月5日").first.wait_for(timeout=20000)
    page.get_by_text("状态：未提交").first.wait_for(timeout=20000)
    with page.expect_download(timeout=20000) as download:
        page.get_by_role("button", name="下载 .xlsx").first.click()
    saved = tmp_path / "m.xlsx"
    download.value.save_as(saved)
    ws = openpyxl.load_workbook(saved).active
    assert ws["A1"].value.startswith("望奎县技能扶贫培训进展情况表")
    assert ws["B2"].value == "望奎县劳动就业部门"


def test_subsidy_page_lists_rules_with_document_numbers(
    portal_server, page, demo_db_path, tmp_path
):
    url = portal_server(demo_db_path)
    log_in(page, url, "wangkui_staff")
    page.get_by_role("link", name=SUBSIDIES_LINK).click()
    page.get_by_text("计入补贴").first.wait_for(timeout=20000)
    page.get_by_test_id("stDataFrame").first.wait_for(timeout=20000)
    with page.expect_download(timeout=20000) as download:
        page.get_by_role("button", name="下载补贴明细（.xlsx）").click()
    saved = tmp_path / "s.xlsx"
    download.value.save_as(saved)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(saved).active.iter_rows()]
    assert rows[0][-2:] == ["依据规定", "文件编号"]
    assert len(rows) > 1 and all(r[-1] == "绥人社发〔2019〕18号" for r in rows[1:])
