"""AppTest: the 台账 and 覆盖进度 pages for county, city and institution accounts."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from build import ROOT
from portal.ledger.importer import import_ledger
from portal.scope import Actor
from tests import ledger_fixture
from tests.ledger_files import ident, write_csv

WANGKUI = Actor("wk", "county", county_code="231221", display_name="望奎县劳动就业服务局")
CITY = Actor("city", "city", display_name="市局")
INSTITUTION = Actor("jg", "institution", institution_id=1, display_name="机构")
LEDGER = str(ROOT / "portal" / "pages" / "ledger.py")
COVERAGE = str(ROOT / "portal" / "pages" / "coverage.py")


@pytest.fixture
def world(db):
    return ledger_fixture.build(db)


def page(path: str, actor: Actor) -> AppTest:
    at = AppTest.from_file(path, default_timeout=60)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception, at.exception
    return at


def by_label(widgets, label):
    return next(w for w in widgets if w.label == label)


def test_institution_accounts_are_turned_away(db_path):
    at = page(LEDGER, INSTITUTION)
    assert "仅供县、市工作人员" in at.error[0].value
    at = page(COVERAGE, INSTITUTION)
    assert "仅供县、市工作人员" in at.error[0].value


def test_county_staff_see_full_ids_and_edit_a_record(db, world):
    at = page(LEDGER, WANGKUI)
    ledger = at.dataframe[0].value
    assert len(ledger) == 8 and set(ledger["县（市、区）"]) == {"望奎县"}
    assert world["w1_id"] in set(ledger["身份证号"])
    at.text_input(key="ledger_search").input("w3").run()
    assert list(at.dataframe[0].value["姓名"]) == ["人w3"]
    by_label(at.text_input, "联系电话").input("0455-8123456")
    by_label(at.text_input, "培训需求（工种）").input("<script>x</script>")
    submit = next(b for b in at.button if b.label == "保存修改")
    submit.click().run()
    assert not at.exception
    assert any("已保存" in s.value for s in at.success)
    row = next(
        iter(db.query("SELECT phone, wanted_trade FROM workers WHERE id = ?", [world["w3"]]))
    )
    assert row == {"phone": "0455-8123456", "wanted_trade": "<script>x</script>"}
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'workers'").fetchone()[0] == 1
    # a bad phone is refused with the reason, nothing saved
    by_label(at.text_input, "联系电话").input("12")
    next(b for b in at.button if b.label == "保存修改").click().run()
    assert any("联系电话" in e.value for e in at.error), (
        at.error,
        at.success,
        at.info,
        [(t.label, t.value) for t in at.text_input],
    )
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'workers'").fetchone()[0] == 1


def test_city_staff_see_masked_ids_and_no_edit_form(db, world):
    at = page(LEDGER, CITY)
    ledger = at.dataframe[0].value
    assert len(ledger) == 10
    assert all("********" in v for v in ledger["身份证号"])
    assert not [b for b in at.button if b.label == "保存修改"]
    assert any("县级" in c.value or "各县" in c.value for c in at.caption)


def test_lists_tab_filters_and_counts(db, world):
    at = page(LEDGER, WANGKUI)
    # tabs render together: the first dataframes are the ledger, then the lists tab
    demand = next(
        f for f in at.dataframe if "报名情况" in f.value.columns and "性别" in f.value.columns
    )
    assert sorted(demand.value["姓名"]) == ["人w2", "人w3", "人w7", "人w8"]
    at.radio(key="list_kind").set_value("参训人员清单").run()
    trainees = next(f for f in at.dataframe if "培训机构" in f.value.columns)
    assert len(trainees.value) == 6
    at.selectbox(key="list_status").set_value("completed").run()
    trainees = next(f for f in at.dataframe if "培训机构" in f.value.columns)
    assert sorted(trainees.value["姓名"]) == ["人w1", "人w5", "人w6", "人w6"]
    assert any(d.label.startswith("下载参训人员清单") for d in at.get("download_button"))


def test_targets_form_saves(db, world):
    at = page(LEDGER, WANGKUI)
    by_label(at.number_input, "目标人数").set_value(4)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    assert any("已保存年度任务" in s.value for s in at.success)
    row = next(iter(db.query("SELECT * FROM targets")))
    assert (row["county_code"], row["target"], row["set_by"]) == ("231221", 4, "wk")


def test_import_summary_and_report_shown(db, tmp_path, db_path):
    rows = [
        [1, "张三", ident(1), "望奎", "灵山乡", "东村"],
        [2, "", ident(2), "望奎", "灵山乡", "东村"],
    ]
    result = import_ledger(db, write_csv(tmp_path / "a.csv", rows), WANGKUI)
    at = AppTest.from_file(LEDGER, default_timeout=60)
    at.session_state["actor"] = WANGKUI
    at.session_state["ledger_import"] = result
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["新增"], metrics["拒收"]) == ("1", "1")
    report = next(f for f in at.dataframe if "原因" in f.value.columns).value
    assert list(report["原因"]) == ["缺少姓名。"] and list(report["行号"]) == [4]
    labels = [d.label for d in at.get("download_button")]
    assert "下载拒收行报告" in labels and "下载台账模板" in labels


def test_import_result_names_sheets_unmapped_columns_and_missing_people(db, tmp_path):
    from tests.test_ledger_workbooks import county_workbook

    first = tmp_path / "a.csv"
    first.write_text(
        f"姓名,身份证号,县,乡镇,村\n旧人,{ident(70)},望奎,灵山乡,东村\n", encoding="utf-8"
    )
    import_ledger(db, first, WANGKUI)
    result = import_ledger(db, county_workbook(tmp_path / "望奎县台账.xlsx"), WANGKUI)
    at = AppTest.from_file(LEDGER, default_timeout=60)
    at.session_state["actor"] = WANGKUI
    at.session_state["ledger_import"] = result
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["新增"], metrics["拒收"], metrics["库里有、文件里没有"]) == ("9", "2", "1")
    assert any("“汇总”（汇总或说明表）" in i.value for i in at.info)
    assert any("年龄" in w.value for w in at.warning)
    report = next(f for f in at.dataframe if "原因" in f.value.columns).value
    assert list(report["工作表"]) == ["东郊镇", "东郊镇"] and list(report["行号"]) == [5, 6]
    missing = next(
        f
        for f in at.dataframe
        if "村" in f.value.columns and "原因" not in f.value.columns and len(f.value) == 1
    ).value
    assert list(missing["姓名"]) == ["旧人"] and list(missing["身份证号"]) == [ident(70)]


def test_coverage_drill_down_to_a_village(db, world):
    at = page(COVERAGE, CITY)
    table = at.dataframe[0].value
    assert len(table) == 10
    wk = table[table["县（市、区）"] == "望奎县"].iloc[0]
    assert (wk["劳动力"], wk["有培训意愿"], wk["已培训（有意愿）"], wk["覆盖率"]) == (
        8,
        6,
        2,
        "33.3%",
    )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["劳动力"] == "10" and metrics["覆盖率"] == "37.5%"
    at.selectbox(key="cov_county").set_value("望奎县").run()
    towns = at.dataframe[0].value
    assert list(towns["乡镇"]) == ["镇甲", "镇乙"]
    at.selectbox(key="cov_township").set_value("镇甲").run()
    at.selectbox(key="cov_village").set_value("村甲一").run()
    assert not at.exception
    visit = at.dataframe[1].value
    assert list(visit["姓名"]) == ["人w2", "人w3"]
    assert all("********" in v for v in visit["身份证号"])  # city staff: masked


def test_coverage_defaults_to_the_county_of_county_staff(db, world):
    at = page(COVERAGE, WANGKUI)
    assert at.selectbox(key="cov_county").value == "望奎县"
    assert list(at.dataframe[0].value["乡镇"]) == ["镇甲", "镇乙"]
