"""AppTest runs for issue 14's money, confirmation, Chinese and default fixes on the staff
pages: 补贴, 月报与季报, the audit log, and every page's select widgets."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from portal_support import actor
from streamlit.testing.v1 import AppTest

from portal import audit, clock, idnumber, periods
from portal import db as database
from portal.db import transaction

PAGES = database.ROOT / "portal" / "pages"
ALL_PAGES = sorted(p.stem for p in PAGES.glob("*.py"))


def page(name: str, who) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.session_state.actor = who
    at.session_state.last_active = time.time()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def successes(at) -> list[str]:
    """Success messages as read (messages are Markdown-escaped: the backslashes dropped)."""
    return [str(s.value).replace("\\", "") for s in at.success]


def errors(at) -> list[str]:
    return [str(e.value).replace("\\", "") for e in at.error]


def texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += errors(at) + successes(at)
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


# --- no "Choose an option" anywhere ---------------------------------------------------------


@pytest.mark.parametrize("username", ["city_admin", "wangkui_staff", "jigou_wangkui"])
def test_every_select_widget_on_every_page_has_a_chinese_placeholder(demo_db, username):
    who = actor(demo_db, username)
    seen = 0
    for name in ALL_PAGES:
        at = page(name, who)
        for widget in [*at.selectbox, *at.multiselect]:
            seen += 1
            text = widget.proto.placeholder
            assert text and not text.isascii(), (name, widget.label, text)
    assert seen > 10


# --- defaults in the plan year ---------------------------------------------------------------


def test_period_pickers_start_in_the_plan_year(demo_db):
    assert clock.today().year != periods.plan_year()  # this machine's date is past 2019
    at = page("reports", actor(demo_db, "wangkui_staff"))
    assert at.selectbox(key="m_month").value == "2019-12"
    assert at.selectbox(key="q_quarter").value == "2019-Q4"
    sub = page("subsidies", actor(demo_db, "wangkui_staff"))
    assert sub.text_input(key="sub_as_of").value == "2019-12-31"


# --- confirmations, and no stale success after a failure -------------------------------------


def test_monthly_submit_confirms_and_a_later_failure_leaves_no_success(demo_db):
    at = page("reports", actor(demo_db, "wangkui_staff"))
    at.selectbox(key="m_month").set_value("2019-06").run()
    at.button(key="m_submit").click().run()
    assert any("已提交望奎县2019年6月月报" in s for s in successes(at)), successes(at)
    # the next action fails: only its reason is on screen, not the earlier success
    at.selectbox(key="q_quarter").set_value("2019-Q2").run()
    assert not successes(at)
    at.button(key="q_submit").click().run()
    assert any("请先填写并保存" in e for e in errors(at)), errors(at)
    assert not successes(at)


def test_quarterly_save_submit_and_reopen_confirm(demo_db):
    at = page("reports", actor(demo_db, "wangkui_staff"))
    at.selectbox(key="q_quarter").set_value("2019-Q2").run()
    for area, value in zip(at.text_area, ["进度", "亮点", "典型", "问题"], strict=True):
        area.set_value(value)
    next(b for b in at.button if b.label == "保存草稿").click()
    at.run()
    assert any("已保存2019年第二季度季报草稿" in s for s in successes(at)), successes(at)
    at.button(key="q_submit").click().run()
    assert any("已提交望奎县2019年第二季度季报" in s for s in successes(at)), successes(at)
    lock = " ".join(str(i.value) for i in at.info)
    display = demo_db.execute(
        "SELECT display_name FROM users WHERE username = 'wangkui_staff'"
    ).fetchone()[0]
    assert f"由 {display} 提交" in lock and "wangkui_staff" not in lock
    assert "年" in lock and "T" not in lock.split("提交")[0]
    city = page("reports", actor(demo_db, "city_admin"))
    city.selectbox(key="q_quarter").set_value("2019-Q2").run()
    city.selectbox(key="q_county").set_value("望奎县").run()
    (statuses,) = [d.value for d in city.dataframe if "提交人" in d.value.columns]
    row = statuses[statuses["县（市、区）"] == "望奎县"].iloc[0]
    assert row["提交人"] == display and row["提交时间"].startswith("20") and "年" in row["提交时间"]
    reasons = [t for t in city.text_input if t.label.startswith("退回原因")]
    reasons[-1].set_value("请补充典型案例")
    [b for b in city.button if b.label == "退回给县里修改"][-1].click()
    city.run()
    assert any("已退回望奎县的季报" in s for s in successes(city)), successes(city)
    # the confirmation is shown once: the next run does not repeat it
    city.selectbox(key="m_month").set_value("2019-06").run()
    assert not successes(city)


def test_monthly_reopen_confirms(demo_db):
    county = page("reports", actor(demo_db, "wangkui_staff"))
    county.selectbox(key="m_month").set_value("2019-06").run()
    county.button(key="m_submit").click().run()
    city = page("reports", actor(demo_db, "city_admin"))
    city.selectbox(key="m_month").set_value("2019-06").run()
    city.selectbox(key="m_county").set_value("望奎县").run()
    reason = next(t for t in city.text_input if t.label.startswith("退回原因"))
    reason.set_value("请核对")
    reason.set_value("")
    next(b for b in city.button if b.label == "退回给县里修改").click()
    city.run()
    assert any("退回原因" in e for e in errors(city)) and not successes(city), errors(city)
    reason = next(t for t in city.text_input if t.label.startswith("退回原因"))
    reason.set_value("请核对")
    next(b for b in city.button if b.label == "退回给县里修改").click()
    city.run()
    assert any("已退回望奎县的月报" in s for s in successes(city)), successes(city)
    assert not errors(city)
    assert "举办班次的算法" in texts(city)


# --- 补贴: 学制, per-type numbers -------------------------------------------------------------


def test_school_record_is_entered_with_its_course_length(demo_db):
    number = demo_db.execute(
        "SELECT id_number FROM workers WHERE county_code = '231221' AND registered = 1 "
        "AND id NOT IN (SELECT worker_id FROM school_students) LIMIT 1"
    ).fetchone()[0]
    at = page("subsidies", actor(demo_db, "wangkui_staff"))
    at.selectbox(key="new_table").set_value("school_students").run()
    at.text_input(key="new_id_number").set_value(number)
    next(t for t in at.text_input if t.label == "学校").set_value("绥化技师学院")
    next(t for t in at.text_input if t.label == "入学日期").set_value("2019/9/1")
    save = next(b for b in at.button if b.label == "保存")
    save.click()
    at.run()
    assert any("请填写学制" in e for e in errors(at)), errors(at)
    years = next(s for s in at.selectbox if s.label == "学制（年）")
    assert years.value is None and years.proto.placeholder == "请选择学制"
    years.set_value(3)
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert any("已保存技工院校学生记录（编号 技工学生-" in s for s in successes(at)), successes(at)
    assert not errors(at)
    row = demo_db.execute(
        "SELECT course_years FROM school_students WHERE worker_id = "
        "(SELECT id FROM workers WHERE id_number = ?)",
        [number],
    ).fetchone()
    assert row == (3,)
    warning = " ".join(str(w.value) for w in at.warning)
    assert "没有登记离校（毕业）日期" in warning
    summary = at.dataframe[0].value
    school = summary[summary["补贴项目"] == "技工教育家庭补助"].iloc[0]
    assert school["记录数"] >= 1 and school["已定标准金额（元）"] % 3000 == 0


# --- the audit log ---------------------------------------------------------------------------


def test_audit_log_reads_in_chinese_with_names_and_masked_numbers(demo_db):
    number = idnumber.make("231221", dt.date(1980, 5, 1), 9)
    with transaction(demo_db):
        audit.record(
            demo_db, "wangkui_staff", "update", "workers", 5,
            {"phone": "13912345678", "wants_training": "no"},
            {"phone": "13800001111", "wants_training": "yes", "id_number": number},
        )  # fmt: skip
    at = page("accounts", actor(demo_db, "city_admin"))
    next(t for t in at.text_input if t.label.startswith("操作人")).input("wangkui_staff")
    at.run()
    log = at.dataframe[1].value
    first = log.iloc[0]
    display = demo_db.execute(
        "SELECT display_name FROM users WHERE username = 'wangkui_staff'"
    ).fetchone()[0]
    assert first["操作人"] == display
    assert first["对象"] == "劳动力台账" and first["操作"] == "更新"
    assert first["修改前"] == "联系电话：139****5678；培训意愿：无"
    assert first["修改后"].startswith("联系电话：138****1111；培训意愿：有；身份证号：")
    assert number not in first["修改后"] and idnumber.mask(number) in first["修改后"]
    assert "年" in first["时间"] and "T" not in first["时间"]
    for column in ("修改前", "修改后"):
        assert not any("{" in str(v) or '"' in str(v) for v in log[column]), list(log[column])
    # the object and action filters list Chinese names
    entity = at.selectbox(key="log_entity")
    assert "劳动力台账" in [entity.format_func(o) for o in entity.options] or "劳动力台账" in (
        entity.options
    )
    stored = demo_db.execute("SELECT after_json FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert "13800001111" not in stored[0] and json.loads(stored[0])["phone"] == "138****1111"


def test_audit_log_date_filters_are_typed_whole_and_refuse_a_wrong_date(demo_db):
    at = page("accounts", actor(demo_db, "city_admin"))
    at.text_input(key="log_since").input("2099年1月1日").run()
    assert any(c.value.startswith("最近 0 条") for c in at.caption), [c.value for c in at.caption]
    at.text_input(key="log_since").input("").run()
    assert not any(c.value.startswith("最近 0 条") for c in at.caption)
    at.text_input(key="log_until").input("2019-13-45").run()
    assert any("没有13月45日" in e.value for e in at.error), [e.value for e in at.error]
    assert not any(c.value.startswith("最近") for c in at.caption)
