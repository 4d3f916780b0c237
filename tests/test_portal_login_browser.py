import pytest

pytestmark = pytest.mark.browser


def test_login_page_serves_and_accepts_demo_account(portal_server, page, demo_db_path):
    url = portal_server(demo_db_path)
    page.goto(url)
    page.get_by_label("用户名").fill("wangkui_staff")
    page.get_by_label("密码").fill("suihua2019")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("望奎县劳动就业服务局（示例）").first.wait_for(timeout=20000)


def test_wrong_password_is_refused(portal_server, page, demo_db_path):
    url = portal_server(demo_db_path)
    page.goto(url)
    page.get_by_label("用户名").fill("wangkui_staff")
    page.get_by_label("密码").fill("wrong-password1")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("用户名或密码不对").wait_for(timeout=20000)
