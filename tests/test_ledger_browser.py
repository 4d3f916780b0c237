"""台账 and 覆盖进度 in real Chromium: a county clerk uploads a ledger and sees the summary."""

from __future__ import annotations

import pytest

from portal import db as database
from tests.ledger_files import ident, write_csv

pytestmark = pytest.mark.browser
WAIT = 60_000


def log_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("suihua2019")
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("stSidebarNav").wait_for(timeout=WAIT)


def go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=WAIT)


def test_county_clerk_uploads_a_gb18030_ledger(portal_server, page, demo_db_path, tmp_path):
    rows = [
        [1, "浏览器甲", ident(901, year=1990), "望奎", "浏览器测试乡", "一村"],
        [2, "浏览器乙", ident(902, year=1990), "兰西", "某镇", "某村"],
        [3, "", ident(903, year=1990), "望奎", "浏览器测试乡", "一村"],
    ]
    ledger = write_csv(tmp_path / "望奎台账.csv", rows)
    url = portal_server(demo_db_path)
    log_in(page, url, "wangkui_staff")
    go(page, "台账")
    page.get_by_role("tab", name="导入台账").click()
    page.locator("input[type=file]").set_input_files(str(ledger))
    page.get_by_role("button", name="开始导入").click()
    page.get_by_test_id("stAlertContentSuccess").filter(has_text="新增1人").wait_for(timeout=WAIT)
    page.get_by_text("拒收的行").wait_for(timeout=WAIT)
    assert page.get_by_role("button", name="下载拒收行报告").is_visible()
    db = database.connect(demo_db_path)
    got = db.execute(
        "SELECT name, county_code FROM workers WHERE id_number = ?", [ident(901, year=1990)]
    ).fetchone()
    imports = db.execute("SELECT new, rejected, by FROM imports").fetchall()
    db.conn.close()
    assert got == ("浏览器甲", "231221")
    assert imports == [(1, 2, "wangkui_staff")]

    go(page, "覆盖进度")
    page.get_by_text("覆盖率").first.wait_for(timeout=WAIT)
    page.get_by_text("望奎县：各乡镇覆盖进度").wait_for(timeout=WAIT)


def test_a_county_workbook_upload_then_a_failed_one_clears_the_success(
    portal_server, page, demo_db_path, tmp_path
):
    """A multi-sheet workbook (汇总 first, merged 乡镇/村, two-row header): every person in,
    the skipped sheet named; then an HTML table saved as .xls: its message, and no success
    from the import before left on screen."""
    from tests.test_ledger_workbooks import county_workbook

    workbook = county_workbook(tmp_path / "望奎县台账.xlsx")
    url = portal_server(demo_db_path)
    log_in(page, url, "wangkui_staff")
    go(page, "台账")
    page.get_by_role("tab", name="导入台账").click()
    page.locator("input[type=file]").set_input_files(str(workbook))
    page.get_by_role("button", name="开始导入").click()
    success = page.get_by_test_id("stAlertContentSuccess").filter(has_text="新增9人")
    success.wait_for(timeout=WAIT)
    assert "跳过工作表：汇总" in success.inner_text()
    page.get_by_text("拒收的行").wait_for(timeout=WAIT)
    db = database.connect(demo_db_path)
    names = {
        r[0]
        for r in db.execute(
            "SELECT name FROM workers WHERE id_number IN (SELECT id_number FROM workers "
            "WHERE source_file = '望奎县台账.xlsx')"
        )
    }
    db.conn.close()
    assert names == {
        "王大山",
        "李秀英",
        "王小明",
        "赵铁柱",
        "赵二妹",
        "孙有福",
        "钱多多",
        "钱少少",
        "周全",
    }

    fake = tmp_path / "导出.xls"
    fake.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>")
    page.locator("input[type=file]").set_input_files(str(fake))
    page.get_by_role("button", name="开始导入").click()
    page.get_by_test_id("stAlertContentError").filter(has_text="网页").wait_for(timeout=WAIT)
    assert page.get_by_test_id("stAlertContentSuccess").filter(has_text="新增9人").count() == 0
