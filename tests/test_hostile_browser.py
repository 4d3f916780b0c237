"""Hostile text in every stored field, seen in real Chromium: nothing runs, nothing leaks to logs.

A worker's name, a session's address, trainer and notes, an institution's name hold script,
HTML, Markdown links, bidi overrides and emoji. Staff and institutions open every page; no
script may run and no dialog may open. The portal's server log, captured the whole time, must
hold no ID number, phone or name from the database.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

pytestmark = pytest.mark.browser
WAIT = 30_000
HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>[点我](javascript:window.__xss=3) :red[红] \u202e反向 😀'


def _poison(db_path) -> int:
    conn = sqlite3.connect(db_path)
    inst = conn.execute(
        "SELECT institution_id FROM users WHERE username = 'jigou_wangkui'"
    ).fetchone()[0]
    session_id = conn.execute(
        "SELECT id FROM sessions WHERE institution_id = ? AND status = 'published' ORDER BY id LIMIT 1",
        [inst],
    ).fetchone()[0]
    conn.execute(
        "UPDATE sessions SET address = ?, trainer = ?, notes = ? WHERE institution_id = ?",
        ["村委会" + HOSTILE, "老师" + HOSTILE, HOSTILE, inst],
    )
    conn.execute(
        "UPDATE workers SET name = substr(name, 1, 2) || ? WHERE id IN "
        "(SELECT worker_id FROM enrolments WHERE session_id = ?)",
        [HOSTILE, session_id],
    )
    conn.execute("UPDATE institutions SET address = ? WHERE id = ?", [HOSTILE, inst])
    conn.commit()
    conn.close()
    return session_id


@pytest.fixture
def logged_portal(portal_server, demo_db_path, tmp_path):
    log = tmp_path / "portal.log"
    return portal_server(demo_db_path, log=log), log


def _visit_every_page(page, url, username, extra=()):
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("suihua2019")
    page.get_by_role("button", name="登录").click()
    nav = page.get_by_test_id("stSidebarNav")
    nav.wait_for(timeout=WAIT)
    titles = [t.split("\n")[-1].strip() for t in nav.get_by_role("link").all_inner_texts()]
    assert titles
    for title in titles:
        nav.get_by_role("link").filter(has_text=title).first.click()
        page.get_by_role("heading", name=title).first.wait_for(timeout=WAIT)
        page.wait_for_timeout(800)
        for action in extra:
            action(page, title)
    return titles


def _open_first_expander(page, title):
    if title in ("培训班次", "考勤与签字", "报名管理"):
        expanders = page.get_by_test_id("stExpander")
        if expanders.count():
            expanders.first.click()
            page.wait_for_timeout(500)


def test_no_script_runs_and_no_personal_data_in_logs(logged_portal, browser, demo_db_path):
    session_id = _poison(demo_db_path)
    url, log = logged_portal
    dialogs = []
    for username in ("jigou_wangkui", "wangkui_staff", "city_admin"):
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        _visit_every_page(page, url, username, extra=(_open_first_expander,))
        if username == "jigou_wangkui":  # the poisoned session opened directly
            page.goto(f"{url}/?session={session_id}")
            page.wait_for_timeout(2500)
        assert page.evaluate("window.__xss") is None, username
        assert "javascript:" not in " ".join(
            page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        )
        context.close()
    assert dialogs == []

    text = log.read_text(encoding="utf-8", errors="replace")
    assert "127.0.0.1" in text, "the server's log was not captured"
    conn = sqlite3.connect(demo_db_path)
    ids = {r[0] for r in conn.execute("SELECT id_number FROM workers")}
    phones = {r[0] for r in conn.execute("SELECT phone FROM workers WHERE phone IS NOT NULL")}
    names = {r[0] for r in conn.execute("SELECT name FROM workers") if len(r[0]) >= 3}
    for number in re.findall(r"\d{17}[\dX]", text):
        assert number not in ids
    for phone in re.findall(r"1\d{10}", text):
        assert phone not in phones
    assert not [n for n in names if n in text]
    assert "suihua2019" not in text
