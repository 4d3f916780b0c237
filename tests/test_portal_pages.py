"""AppTest runs of the portal pages: each page driven as a user would, checked in the database."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from portal_support import actor, enrol, session_form, workers_in
from streamlit.testing.v1 import AppTest

from portal import attendance, idnumber, login_sessions, sessions
from portal import db as database
from portal.db import one

ROOT = database.ROOT
PAGES = ROOT / "portal" / "pages"
WANGKUI = "231221"


def page(name: str, who, db_path) -> AppTest:
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


def by_prefix(widgets, prefix):
    found = [w for w in widgets if (w.key or "").startswith(prefix)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def texts(at) -> str:
    parts = [e.value for e in (*at.success, *at.error, *at.warning, *at.info)]
    parts += [str(m.value) for m in at.markdown] + [str(c.value) for c in at.caption]
    parts += [str(t.value) for t in at.text]
    return "\n".join(parts)


@pytest.fixture
def inst(demo_db):
    return actor(demo_db, "jigou_wangkui")


def new_published_session(db, who, **overrides) -> int:
    sid = sessions.create(db, who, session_form(db, WANGKUI, **overrides))
    sessions.publish(db, who, sid)
    return sid


# --- app: log-in, navigation, expiry ----------------------------------------------------------


def test_app_login_navigation_and_demo_notice(demo_db_path):
    at = AppTest.from_file(str(ROOT / "portal" / "app.py"), default_timeout=60)
    at.run()
    assert "示例数据" in texts(at)
    at.text_input[0].input("jigou_wangkui")
    at.text_input[1].input("suihua2019")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert at.session_state.actor.username == "jigou_wangkui"
    assert at.title[0].value == "培训班次"  # the first page of the role opens


def test_app_log_out_returns_to_the_login_form(demo_db_path, demo_db, inst):
    at = AppTest.from_file(str(ROOT / "portal" / "app.py"), default_timeout=60)
    token = login_sessions.start(demo_db, "jigou_wangkui")
    at.session_state.login_token = token
    at.run()
    assert at.title[0].value == "培训班次"
    by_label(at.button, "退出登录").click()
    at.run()
    assert "actor" not in at.session_state  # the login form itself: see the browser test
    assert login_sessions.resume(demo_db, token) == (None, None)  # revoked on the server
    row = one(demo_db, "SELECT revoked_why FROM login_sessions ORDER BY id DESC LIMIT 1")
    assert row["revoked_why"] == "logout"


def test_app_idle_session_expires(demo_db, demo_db_path, inst):
    at = AppTest.from_file(str(ROOT / "portal" / "app.py"), default_timeout=60)
    at.session_state.login_token = login_sessions.start(
        demo_db, "jigou_wangkui", now=dt.datetime.now() - dt.timedelta(minutes=31)
    )
    at.run()
    assert "actor" not in at.session_state
    assert "已自动退出" in texts(at)
    assert at.button[0].label == "登录"


def test_app_logs_out_a_deactivated_account(demo_db, demo_db_path, inst):
    token = login_sessions.start(demo_db, "jigou_wangkui")
    demo_db.execute("UPDATE users SET active = 0 WHERE username = 'jigou_wangkui'")
    demo_db.conn.commit()
    at = AppTest.from_file(str(ROOT / "portal" / "app.py"), default_timeout=60)
    at.session_state.login_token = token
    at.session_state.actor = inst  # even a Streamlit session still holding the actor
    at.run()
    assert "actor" not in at.session_state


def test_navigation_offers_each_role_its_pages(demo_db):
    from portal import navigation

    titles = {
        u: [p.title for p in navigation.pages_for(actor(demo_db, u))]
        for u in ("jigou_wangkui", "wangkui_staff", "city_admin")
    }
    assert titles["jigou_wangkui"][:3] == ["培训班次", "报名管理", "考勤与签字"]
    assert "账户与日志" not in titles["jigou_wangkui"]
    assert "账户与日志" not in titles["wangkui_staff"]
    assert "账户与日志" in titles["city_admin"]


# --- 培训班次 --------------------------------------------------------------------------------


def test_sessions_page_create_and_publish(demo_db, demo_db_path, inst):
    at = page("sessions", inst, demo_db_path)
    assert "重建公开网站" not in [b.label for b in at.button]  # staff only
    at.text_input(key="new_address").input("新华村村委会<script>x</script>")
    at.text_input(key="new_start").input("2019年6月3日").run()  # a whole date, typed
    assert "读作 2019年6月3日" in texts(at)
    assert by_prefix(at.text_input, "new_end").value == "2019-06-12"  # follows the start
    by_prefix(at.text_input, "new_end").input("2019-06-11")
    at.text_input(key="new_phone").input("0455-5123456")
    at.number_input(key="new_cap").set_value(0)
    by_label(at.button, "保存为草稿").click()
    at.run()
    assert "课时与天数不符" in texts(at)  # 9 full days hold 72 class hours, not 80
    assert "招生人数至少为1人" in texts(at)  # named at the same time: every problem at once
    # a shorter course brings its own hours and end date as defaults
    at.selectbox(key="new_course").set_value("sy-zhongzhi")
    at.run()
    assert by_prefix(at.number_input, "new_hours").value == 24
    at.selectbox(key="new_course").set_value("jz-jiazheng")
    at.run()
    assert by_prefix(at.text_input, "new_end").value == "2019-06-12"  # 10 full days
    by_prefix(at.text_input, "new_end").input("20190611")
    by_prefix(at.number_input, "new_hours").set_value(72)
    by_label(at.button, "保存为草稿").click()
    at.run()
    assert "招生人数至少为1人" in texts(at)
    at.number_input(key="new_cap").set_value(25)
    by_label(at.button, "保存为草稿").click()
    at.run()
    assert not at.exception
    row = one(demo_db, "SELECT * FROM sessions WHERE created_by = 'jigou_wangkui'")
    assert row["status"] == "draft" and row["capacity"] == 25
    assert (row["start_date"], row["end_date"], row["class_hours"]) == (
        "2019-06-03",
        "2019-06-11",
        72,
    )
    assert row["address"] == "新华村村委会<script>x</script>"
    assert f"班次编号 {row['id']}" in texts(at)

    by_label(at.selectbox, "选择班次查看或操作").set_value(row["id"])
    at.run()
    by_label(at.button, "发布班次").click()
    at.run()
    assert "班次已发布" in texts(at)
    assert one(demo_db, "SELECT status FROM sessions WHERE id = ?", [row["id"]])["status"] == (
        "published"
    )


def test_sessions_page_lists_only_own_sessions_and_calendar(demo_db, demo_db_path, inst):
    other = actor(demo_db, "jigou_beilin")
    at = page("sessions", other, demo_db_path)
    options = by_label(at.selectbox, "选择班次查看或操作").options
    own = {r["id"] for r in sessions.list_sessions(demo_db, other)}
    assert options and len(options) == len(own)
    assert all("望奎" not in o for o in options)
    at.radio(key="view").set_value("日历")
    by_label(at.selectbox, "月份").set_value("2019-05")
    at.run()
    assert not at.exception
    table = at.table[0].value
    assert list(table.columns) == [f"周{d}" for d in "一二三四五六日"]
    assert "1日" in table.iloc[0]["周三"]  # 1 May 2019 was a Wednesday


def test_sessions_page_site_rebuild_for_staff_explains_missing_builder(
    demo_db, demo_db_path, monkeypatch
):
    from portal import siterebuild

    monkeypatch.setattr(siterebuild, "available", lambda: False)
    at = page("sessions", actor(demo_db, "wangkui_staff"), demo_db_path)
    by_label(at.button, "重建公开网站").click()
    at.run()
    assert "尚未安装" in texts(at)


# --- 报名管理 --------------------------------------------------------------------------------


def test_enrolment_page_find_enrol_withdraw(demo_db, demo_db_path, inst):
    sid = new_published_session(demo_db, inst)
    wid = workers_in(demo_db, WANGKUI, 1)[0]
    worker = one(demo_db, "SELECT * FROM workers WHERE id = ?", [wid])
    at = page("enrolment", inst, demo_db_path)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.text_input, "身份证号或姓名").input(worker["id_number"])
    at.run()
    result = by_label(at.radio, "查找结果")
    assert idnumber.mask(worker["id_number"]).replace("*", "\\*") in result.options[0]
    assert worker["id_number"] not in result.options[0]  # institutions see it masked
    by_label(at.button, "报名到本班次").click()
    at.run()
    assert "已报名" in texts(at)
    eid = one(demo_db, "SELECT id FROM enrolments WHERE session_id = ?", [sid])["id"]
    # enrolling again is refused with a message
    by_label(at.button, "报名到本班次").click()
    at.run()
    assert "不能重复报名" in texts(at)
    by_label(at.text_input, "退出原因").input("外出务工")
    by_label(at.button, "办理退出").click()
    at.run()
    assert one(demo_db, "SELECT status FROM enrolments WHERE id = ?", [eid])["status"] == (
        "withdrawn"
    )
    history = at.table[0].value
    assert list(history["状态"]) == ["已报名", "已退出"]


def test_enrolment_page_records_unregistered_person(demo_db, demo_db_path, inst):
    sid = new_published_session(demo_db, inst)
    at = page("enrolment", inst, demo_db_path)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    number = idnumber.make(WANGKUI, dt.date(1985, 3, 3), 222)
    by_label(at.text_input, "身份证号").input(number)
    by_label(at.text_input, "姓名").input("新学员")
    by_label(at.button, "提交登记").click()
    at.run()
    assert "已提交登记" in texts(at)
    assert one(demo_db, "SELECT * FROM workers WHERE id_number = ?", [number]) is None
    assert "待县里核实" in list(at.dataframe[0].value["状态"])
    # the county checks and records the person, who is then enrolled
    staff = page("enrolment", actor(demo_db, "wangkui_staff"), demo_db_path)
    by_label(staff.button, "核实无误，登记并报名").click()
    staff.run()
    assert "已登记并报名" in texts(staff)
    row = one(demo_db, "SELECT * FROM workers WHERE id_number = ?", [number])
    assert row["registered"] == 0
    assert one(demo_db, "SELECT status FROM enrolments WHERE worker_id = ?", [row["id"]])
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    (roster,) = [d.value for d in at.dataframe if "建档立卡" in d.value.columns]
    assert "否（不享受扶贫补贴）" in list(roster["建档立卡"])
    decided = [
        d.value for d in at.dataframe if "说明" in d.value.columns and "培训机构" in d.value.columns
    ]
    assert list(decided[0]["状态"]) == ["已登记"]


def test_enrolment_page_county_staff_sees_full_id(demo_db, demo_db_path, inst):
    sid = new_published_session(demo_db, inst)
    wid = workers_in(demo_db, WANGKUI, 1)[0]
    enrol(demo_db, inst, sid, wid)
    number = one(demo_db, "SELECT id_number FROM workers WHERE id = ?", [wid])["id_number"]
    staff = page("enrolment", actor(demo_db, "wangkui_staff"), demo_db_path)
    by_label(staff.selectbox, "班次").set_value(sid)
    staff.run()
    assert number in list(staff.dataframe[0].value["身份证号"])
    mine = page("enrolment", inst, demo_db_path)
    by_label(mine.selectbox, "班次").set_value(sid)
    mine.run()
    assert list(mine.dataframe[0].value["身份证号"]) == [idnumber.mask(number)]


# --- 考勤与签字 ------------------------------------------------------------------------------


def test_attendance_page_all_present_exception_and_card(demo_db, demo_db_path, inst):
    sid = new_published_session(demo_db, inst)
    a, b = (enrol(demo_db, inst, sid, w) for w in workers_in(demo_db, WANGKUI, 2))
    at = page("attendance", inst, demo_db_path)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    by_label(at.button, "全部出勤").click()
    at.run()
    assert "已记全部出勤（2条）" in texts(at)
    boxes = [c for c in at.checkbox if c.key.startswith(f"p_{sid}_")]
    assert [c.value for c in boxes] == [True, True]
    boxes[1].uncheck()
    note = [t for t in at.text_input if t.key.startswith(f"n_{sid}_2019-06-03_{b}_")]
    note[0].input("生病")
    at.button(key="FormSubmitter:" + f"roll_{sid}_2019-06-03-保存考勤").click()
    at.run()
    assert not at.exception
    sheet = {r["enrolment_id"]: r for r in attendance.sheet(demo_db, inst, sid, "2019-06-03")}
    assert sheet[a]["present"] is True and sheet[b]["present"] is False
    assert sheet[b]["note"] == "生病"
    rows = demo_db.execute("SELECT COUNT(*) FROM attendance WHERE enrolment_id = ?", [b]).fetchone()
    assert rows[0] == 2  # the first mark stays, the correction is a new row

    by_label(at.selectbox, "学员").set_value(a)
    by_label(at.text_input, "经办人").input("刘经办")
    by_label(at.button, "登记已签字").click()
    at.run()
    assert "联系卡签字" in texts(at)
    card = one(demo_db, "SELECT * FROM card_signoffs WHERE enrolment_id = ?", [a])
    assert card["signed"] == 1 and card["witnessed_by"] == "刘经办"


# --- 账户与日志 ------------------------------------------------------------------------------


def test_accounts_page_refuses_county_staff(demo_db, demo_db_path):
    at = page("accounts", actor(demo_db, "wangkui_staff"), demo_db_path)
    assert "仅供市级工作人员" in texts(at)
    assert not at.dataframe


def test_accounts_page_admin_creates_account_and_reads_log(demo_db, demo_db_path):
    at = page("accounts", actor(demo_db, "city_admin"), demo_db_path)
    assert "jigou_wangkui" in list(at.dataframe[0].value["用户名"])
    by_label(at.selectbox, "角色").set_value("county")
    at.run()
    by_label(at.text_input, "用户名（英文字母、数字）").input("lanxi_staff")
    by_label(at.text_input, "名称（显示在页面上）").input("兰西县就业局")
    by_label(at.text_input, "初始密码").input("short")
    by_label(at.selectbox, "所属县（市、区）").set_value("兰西县")
    by_label(at.button, "新建账户").click()
    at.run()
    assert "密码至少8位" in texts(at)
    by_label(at.text_input, "初始密码").input("lanxi2019ok")
    by_label(at.button, "新建账户").click()
    at.run()
    assert "已新建账户 lanxi\\_staff" in texts(at)
    row = one(demo_db, "SELECT * FROM users WHERE username = 'lanxi_staff'")
    assert row["role"] == "county" and row["county_code"] == "231222"
    by_label(at.text_input, "操作人（用户名）").input("city_admin")
    at.run()
    log = at.dataframe[1].value
    assert "新建" in list(log["操作"])
    assert all("lanxi2019ok" not in str(v) for v in log["修改后"])


def test_sessions_page_link_to_another_institutions_session_is_refused(demo_db, demo_db_path, inst):
    sid = new_published_session(demo_db, inst, address="望奎某村活动室")
    at = AppTest.from_file(str(PAGES / "sessions.py"), default_timeout=60)
    at.session_state.actor = actor(demo_db, "jigou_beilin")
    at.session_state.last_active = time.time()
    at.query_params["session"] = str(sid)
    at.run()
    assert "无权查看或修改该培训班次" in texts(at)
    assert "望奎某村活动室" not in texts(at)
    assert not [b for b in at.button if b.label == "发布班次"]
    mine = AppTest.from_file(str(PAGES / "sessions.py"), default_timeout=60)
    mine.session_state.actor = inst
    mine.session_state.last_active = time.time()
    mine.query_params["session"] = str(sid)
    mine.run()
    assert "望奎某村活动室" in texts(mine)


def test_stored_markdown_is_shown_as_text(demo_db, demo_db_path, inst):
    from portal import views

    assert views.md("[点我](http://x.example) :red[警告]") == (
        "\\[点我\\]\\(http\\://x\\.example\\) \\:red\\[警告\\]"
    )
    sid = new_published_session(demo_db, inst)
    wid = workers_in(demo_db, WANGKUI, 1)[0]
    demo_db.execute("UPDATE workers SET name = '[点我](http://x.example)' WHERE id = ?", [wid])
    demo_db.conn.commit()
    enrol(demo_db, inst, sid, wid)
    at = page("attendance", inst, demo_db_path)
    by_label(at.selectbox, "班次").set_value(sid)
    at.run()
    label = [c.label for c in at.checkbox if c.key.startswith(f"p_{sid}_")][0]
    assert label.startswith("\\[点我\\]\\(http\\://x\\.example\\)")


def test_sessions_page_stays_on_the_session_after_publish_cancel_complete(
    demo_db, demo_db_path, inst
):
    drafts = [sessions.create(demo_db, inst, session_form(demo_db, WANGKUI)) for _ in range(3)]
    middle = drafts[1]
    at = page("sessions", inst, demo_db_path)
    at.selectbox(key="filter_status").set_value("draft").run()
    by_label(at.selectbox, "选择班次查看或操作").set_value(middle).run()
    by_label(at.button, "发布班次").click().run()
    assert "班次已发布" in texts(at)
    # no longer a draft, so out of the filtered list, yet still the session shown
    assert by_label(at.selectbox, "选择班次查看或操作").value == middle
    assert at.subheader[0].value.startswith(f"#{middle} ")
    assert at.selectbox(key="filter_status").value == "draft"  # the filter is kept too
    by_label(at.button, "标记为已结束").click().run()
    assert "已标记为已结束" in texts(at)
    assert at.subheader[0].value.startswith(f"#{middle} ")
    last = drafts[2]
    by_label(at.selectbox, "选择班次查看或操作").set_value(last).run()
    at.text_input(key=f"cancel_reason_{last}").input("报名人数不足")
    at.button(key=f"cancel_{last}").click().run()
    assert "班次已取消" in texts(at)
    assert at.subheader[0].value.startswith(f"#{last} ")
    statuses = [
        one(demo_db, "SELECT status FROM sessions WHERE id = ?", [i])["status"] for i in drafts
    ]
    assert statuses == ["draft", "completed", "cancelled"]


def test_session_list_leaves_out_columns_that_say_nothing(demo_db, demo_db_path, inst):
    from portal import views

    sessions.create(demo_db, inst, session_form(demo_db, WANGKUI))
    rows = sessions.list_sessions(demo_db, inst)
    assert {"培训机构", "县（市、区）"}.isdisjoint(views.session_table(rows, "institution")[0])
    staff = views.session_table(rows, "county")[0]
    assert "培训机构" in staff and "县（市、区）" not in staff
    assert "县（市、区）" in views.session_table(rows, "city")[0]
    at = page("sessions", inst, demo_db_path)
    assert "培训机构" not in list(at.dataframe[0].value.columns)
    assert at.expander[0].label == "新建班次"  # the first thing under the title
    assert list(at.dataframe[0].value.columns)[:4] == ["编号", "课程", "日期", "状态"]
