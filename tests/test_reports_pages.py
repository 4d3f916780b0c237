"""The 补贴 and 月报/季报 pages driven in-process with Streamlit's AppTest."""

from __future__ import annotations

import pytest
import reportkit as kit
from streamlit.testing.v1 import AppTest

from build import ROOT

PAGES = ROOT / "portal" / "pages"


def page(name: str, actor) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.session_state.actor = actor
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.error] + [e.value for e in at.success]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


def field(at, label: str):
    """The text box with this label (dates are typed as text, see portal/datefield.py)."""
    return next(t for t in at.text_input if t.label == label)


@pytest.fixture
def wangkui_worker(demo_db):
    row = demo_db.execute(
        "SELECT id_number FROM workers WHERE county_code = '231221' AND registered = 1 "
        "AND id NOT IN (SELECT worker_id FROM work_training_placements) LIMIT 1"
    ).fetchone()
    return row[0]


def test_pages_need_staff(demo_db_path):
    at = page("subsidies", kit.INSTITUTION)
    assert "仅供县、市工作人员" in texts(at)
    at = page("reports", kit.INSTITUTION)
    assert "仅供县、市工作人员" in texts(at)


def test_subsidy_lines_show_rule_and_document(demo_db_path):
    at = page("subsidies", kit.WANGKUI)
    summary = at.dataframe[0].value
    assert list(summary["补贴项目"]) == [
        "以工代训职业培训补贴", "技工教育家庭补助", "一次性创业补贴", "创业扶贫奖励补贴",
    ]  # fmt: skip
    df = at.dataframe[1].value
    assert len(df) > 0
    assert df["文件编号"].str.contains("绥人社发〔2019〕18号").all()
    assert set(df["依据规定"]) <= {
        "以工代训职业培训补贴", "技工教育家庭补助", "一次性创业补贴（创办企业）",
        "一次性创业补贴（个体经营）", "创业扶贫奖励补贴",
    }  # fmt: skip
    assert not df["身份证号"].str.contains(r"\*").any()  # county staff see full numbers
    records = at.dataframe[2].value
    assert list(records.columns)[:4] == ["编号", "姓名", "身份证号", "吸纳单位"]
    assert records["编号"].str.startswith("以工代训-").all()
    city = page("subsidies", kit.CITY)
    city_df = city.dataframe[1].value
    assert len(city_df) > len(df) and city_df["身份证号"].str.contains(r"\*").all()


def test_county_staff_enter_a_placement(demo_db, wangkui_worker):
    at = page("subsidies", kit.WANGKUI)
    at.text_input(key="new_id_number").set_value(wangkui_worker)
    field(at, "吸纳单位").set_value("示例扶贫车间二号")
    field(at, "以工代训开始日期").set_value("2019-05-06")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert "已保存" in texts(at), texts(at)
    row = demo_db.execute(
        "SELECT employer, start_date, created_by FROM work_training_placements "
        "WHERE worker_id = (SELECT id FROM workers WHERE id_number = ?)",
        [wangkui_worker],
    ).fetchone()
    assert row == ("示例扶贫车间二号", "2019-05-06", "wangkui_staff")


def placement(db, id_number: str):
    return db.execute(
        "SELECT start_date FROM work_training_placements "
        "WHERE worker_id = (SELECT id FROM workers WHERE id_number = ?)",
        [id_number],
    ).fetchall()


def test_a_whole_chinese_date_is_saved_as_typed(demo_db, wangkui_worker):
    at = page("subsidies", kit.WANGKUI)
    at.text_input(key="new_id_number").set_value(wangkui_worker)
    field(at, "吸纳单位").set_value("示例扶贫车间三号")
    field(at, "以工代训开始日期").set_value("2019年6月1日")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert "已保存" in texts(at), texts(at)
    assert placement(demo_db, wangkui_worker) == [("2019-06-01",)]


def test_an_impossible_date_is_refused_and_nothing_is_written(demo_db, wangkui_worker):
    before = demo_db.execute("SELECT count(*) FROM work_training_placements").fetchone()[0]
    audits = demo_db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    at = page("subsidies", kit.WANGKUI)
    at.text_input(key="new_id_number").set_value(wangkui_worker)
    field(at, "吸纳单位").set_value("示例扶贫车间四号")
    field(at, "以工代训开始日期").set_value("2019-13-45")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    shown = [e.value for e in at.error]
    assert any("没有13月45日" in e for e in shown), shown
    assert any("没有保存" in e for e in shown), shown
    assert "已保存" not in texts(at)
    assert placement(demo_db, wangkui_worker) == []
    assert demo_db.execute("SELECT count(*) FROM work_training_placements").fetchone()[0] == before
    assert demo_db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audits


def test_an_unreadable_optional_end_date_is_not_saved_as_empty(demo_db, wangkui_worker):
    at = page("subsidies", kit.WANGKUI)
    at.text_input(key="new_id_number").set_value(wangkui_worker)
    field(at, "吸纳单位").set_value("示例扶贫车间五号")
    field(at, "以工代训开始日期").set_value("2019-06-01")
    field(at, "以工代训结束日期（未结束可不填，最长6个月）").set_value("六月底")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert any("没有保存" in e.value for e in at.error), [e.value for e in at.error]
    assert placement(demo_db, wangkui_worker) == []


def test_other_countys_worker_is_not_found(demo_db):
    other = demo_db.execute("SELECT id_number FROM workers WHERE county_code = '231202'").fetchone()
    at = page("subsidies", kit.WANGKUI)
    at.text_input(key="new_id_number").set_value(other[0])
    field(at, "吸纳单位").set_value("车间")
    field(at, "以工代训开始日期").set_value("2019-05-06")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert "管辖范围内的台账里没有" in texts(at)


def test_county_submits_monthly_report_and_it_locks(demo_db):
    at = page("reports", kit.WANGKUI)
    at.selectbox(key="m_month").set_value("2019-06").run()
    assert "状态：未提交" in texts(at)
    assert "次月5日" in texts(at)
    at.button(key="m_submit").click().run()
    assert "已锁定" in texts(at), texts(at)
    assert not any(b.key == "m_submit" for b in at.button)
    status = demo_db.execute(
        "SELECT status, submitted_by FROM monthly_reports WHERE county_code = '231221' "
        "AND month = '2019-06'"
    ).fetchone()
    assert status == ("submitted", "wangkui_staff")


def test_city_sees_late_counties_and_reopens(demo_db):
    at = page("reports", kit.WANGKUI)
    at.selectbox(key="m_month").set_value("2019-06").run()
    at.button(key="m_submit").click().run()
    city = page("reports", kit.CITY)
    city.selectbox(key="m_month").set_value("2019-06").run()
    warning = " ".join(w.value for w in city.warning)
    assert "逾期未提交" in warning and "北林区" in warning and "望奎县" not in warning
    overview = city.dataframe[0].value
    assert list(overview["县（市、区）"])[:2] == ["北林区", "望奎县"]
    assert list(overview["状态"])[1] in ("已提交", "逾期提交")
    city.selectbox(key="m_county").set_value("望奎县").run()
    assert "已锁定" in texts(city)
    form_input = next(t for t in city.text_input if t.label.startswith("退回原因"))
    form_input.set_value("请核对6月培训人数")
    next(b for b in city.button if b.label == "退回给县里修改").click()
    city.run()
    assert demo_db.execute(
        "SELECT status, reopen_reason FROM monthly_reports WHERE county_code = '231221'"
    ).fetchone() == ("draft", "请核对6月培训人数")


def test_quarterly_text_is_saved_and_shown_as_text(demo_db):
    at = page("reports", kit.WANGKUI)
    at.selectbox(key="q_quarter").set_value("2019-Q2").run()
    hostile = "<script>alert(1)</script>=1+1"
    for area, value in zip(at.text_area, [hostile, "亮点", "典型", "问题"], strict=True):
        area.set_value(value)
    next(b for b in at.button if b.label == "保存草稿").click()
    at.run()
    assert demo_db.execute(
        "SELECT progress FROM quarterly_reports WHERE county_code = '231221'"
    ).fetchone() == (hostile,)
    at.button(key="q_submit").click().run()
    assert "已锁定" in texts(at)
    city = page("reports", kit.CITY)
    city.selectbox(key="q_quarter").set_value("2019-Q2").run()
    city.selectbox(key="q_county").set_value("望奎县").run()
    assert hostile in [t.value for t in city.text]  # st.text: shown as typed, never as HTML
