"""Monthly and quarterly reports: figures against a hand-counted fixture, locking and
reopening, lateness, scope, the files read back (xlsx cell by cell, PDF as text), hostile text."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess

import openpyxl
import pytest
import reportkit as kit
from pypdf import PdfReader

from portal import clock
from portal.errors import ScopeError, UserError
from portal.reports import figures, monthly, quarterly, render
from portal.scope import SYSTEM

D = dt.date
AFTER_JUNE = D(2019, 7, 3)


@pytest.fixture
def town(db):
    """望奎县 workers A–E, 北林区 worker F; sessions S1–S6; subsidy records. See the counts
    in the comments: every expected figure below is counted from them by hand."""
    w = {
        "A": kit.worker(db, name="甲"),  # registered, willing
        "B": kit.worker(db, name="乙"),  # registered, willing
        "C": kit.worker(db, name="丙", wants="no"),  # registered, not willing
        "D": kit.worker(db, name="丁", registered=0),  # not registered
        "E": kit.worker(db, name="戊"),  # registered, willing, never trained
        "F": kit.worker(db, "北林区", name="己"),
    }
    wk, bl = kit.institution(db), kit.institution(db, "北林区")
    s1 = kit.session(db, wk, "jz-jiazheng", "2019-05-20", "2019-05-29")  # vocational 80 h
    s2 = kit.session(db, wk, "sy-zhongzhi", "2019-06-01", "2019-06-03")  # practical, 3 days
    s3 = kit.session(db, wk, "ts-bianzhi", "2019-06-28", "2019-07-02")  # ends in July
    s4 = kit.session(db, wk, "cy-geti", "2019-06-10", "2019-06-15", status="published")
    kit.session(db, wk, "jt-dianxing", "2019-06-05", "2019-06-05", status="cancelled")
    s6 = kit.session(db, bl, "sy-yangzhi", "2019-06-10", "2019-06-12", county="北林区")
    for s, who, status in [
        (s1, "A", "completed"), (s1, "B", "completed"), (s1, "D", "completed"),
        (s1, "C", "withdrawn"), (s2, "A", "completed"), (s2, "C", "completed"),
        (s3, "B", "completed"), (s4, "E", "enrolled"), (s6, "A", "completed"),
        (s6, "F", "completed"),
    ]:  # fmt: skip
        kit.enrol(db, s, w[who]["id"], status)
    kit.record(db, "startups", w["A"], kind="sole", business_name="小卖部",
               registered_on="2019-01-01")  # due 2019-07-01: 5000 in July  # fmt: skip
    kit.record(db, "startups", w["B"], kind="enterprise", business_name="农业公司",
               registered_on="2018-12-15")  # due 2019-06-15: 10000 in June  # fmt: skip
    kit.record(db, "employer_rewards", w["C"], employer="合作社", employer_type="农民合作社",
               employed_since="2018-06-20")  # due 2019-06-20: 1000 in June  # fmt: skip
    kit.record(db, "employer_rewards", w["D"], employer="合作社", employer_type="农民合作社",
               employed_since="2018-06-01")  # not registered: nothing  # fmt: skip
    kit.record(db, "work_training_placements", w["E"], employer="车间", employer_type="扶贫车间",
               start_date="2019-04-15")  # months done 05-15, 06-15  # fmt: skip
    kit.record(db, "school_students", w["A"], school="技师学院",
               enrol_date="2019-06-01", course_years=3)  # year 1 in June: 3000  # fmt: skip
    kit.record(db, "school_students", w["B"], school="技师学院",
               enrol_date="2018-09-01", course_years=3)  # year 1 before the plan, 2 in Sep  # fmt: skip
    return w


def trimmed(row) -> list:
    """A row's values without the empty cells openpyxl pads it with on the right."""
    values = [c.value for c in row]
    while values and values[-1] is None:
        values.pop()
    return values


def by_code(f):
    return {c["code"]: c for c in f["campaigns"]}


def subsidy(f, kind):
    return next(s for s in f["subsidies"] if s["kind"] == kind)


def test_june_figures_match_the_hand_count(db, town):
    f = monthly.view(db, kit.WANGKUI, "望奎县", "2019-06")["figures"]
    c = by_code(f)
    # trained in June: shiyong A (S2 and 北林's S6, once) and C; S3 ends in July
    assert (c["jiazheng"]["trained_period"], c["jiazheng"]["trained_to_date"]) == (0, 2)
    assert (c["shiyong"]["trained_period"], c["shiyong"]["trained_to_date"]) == (2, 2)
    assert (c["tese"]["trained_period"], c["tese"]["trained_to_date"]) == (0, 0)
    assert f["total"] == {
        "trained_period": 2,  # A, C
        "trained_to_date": 3,  # A, B, C (D is not registered)
        # S2, and S4: published, never marked 已结束, but its last day has passed
        # (S6 is 北林's, S5 cancelled)
        "sessions_period": 2,
        "sessions_to_date": 3,  # S1, S2, S4
    }
    assert (c["shiyong"]["sessions_period"], c["jiazheng"]["sessions_to_date"]) == (1, 1)
    assert c["chuangye"]["sessions_period"] == 1  # S4
    assert f["coverage"]["willing"] == 3  # A, B, E
    assert f["coverage"]["trained_willing"] == 2  # A, B
    assert figures.coverage_text(f["coverage"]["rate"]) == "66.7%"
    training = subsidy(f, "training")
    # June: S2 A and C 3 days each, S6 A 3 days; to date also S1 A and B 80 h each
    assert training["period"]["persons"] == 3 and training["period"]["quantity"] == "9天"
    assert training["to_date"]["persons"] == 5
    assert training["to_date"]["quantity"] == "160课时、9天"
    assert "规定标准执行" in training["period"]["text"] and training["period"]["amount"] == 0
    assert subsidy(f, "startup")["period"] == {
        "persons": 1, "quantity": "1户", "amount": 10000, "unpriced": 0, "text": "10000元",
    }  # fmt: skip
    assert subsidy(f, "employer_reward")["period"]["amount"] == 1000
    assert subsidy(f, "employer_reward")["to_date"]["persons"] == 1  # D does not count
    wt = subsidy(f, "work_training")
    assert (wt["period"]["quantity"], wt["to_date"]["quantity"]) == ("1月", "2月")
    assert subsidy(f, "school")["period"]["amount"] == 3000  # B's first year predates the plan
    assert "绥人社发〔2019〕18号" in subsidy(f, "school")["documents"]


def test_july_and_quarter_figures(db, town):
    july = monthly.view(db, kit.WANGKUI, "望奎", "2019-07")["figures"]
    assert by_code(july)["tese"]["trained_period"] == 1  # B in S3
    assert july["total"]["sessions_period"] == 1
    assert subsidy(july, "startup")["period"]["amount"] == 5000  # A's shop, due 07-01
    assert subsidy(july, "startup")["to_date"]["amount"] == 15000
    q2 = quarterly.view(db, kit.WANGKUI, "望奎县", "2019-Q2")["figures"]
    assert (q2["start"], q2["end"]) == ("2019-04-01", "2019-06-30")
    assert q2["total"]["trained_period"] == 3 and q2["total"]["sessions_period"] == 3
    assert subsidy(q2, "work_training")["period"]["quantity"] == "2月"


def test_a_class_with_people_trained_counts_as_held_before_it_is_marked_ended(db, monkeypatch):
    """The issue: 3 people trained in a class but 0 classes held, because nobody had clicked
    标记为已结束. A published class counts as held once someone completed or its end passed."""
    monkeypatch.setattr(clock, "today", lambda: dt.date(2019, 6, 20))
    inst = kit.institution(db)
    trained = kit.session(db, inst, "jz-jiazheng", "2019-06-01", "2019-06-20", status="published")
    for _ in range(3):
        kit.enrol(db, trained, kit.worker(db)["id"], "completed")
    later = kit.session(db, inst, "sy-zhongzhi", "2019-06-21", "2019-06-25", status="published")
    kit.enrol(db, later, kit.worker(db)["id"], "enrolled")  # ends after today, nobody done yet
    past = kit.session(db, inst, "ts-bianzhi", "2019-06-02", "2019-06-05", status="published")
    kit.enrol(db, past, kit.worker(db)["id"], "enrolled")  # end date passed: held
    kit.session(db, inst, "cy-geti", "2019-06-02", "2019-06-05", status="draft")  # never held
    f = figures.period_figures(db, kit.WANGKUI, "231221", dt.date(2019, 6, 1), dt.date(2019, 6, 30))
    assert f["total"]["trained_period"] == 3
    assert f["total"]["sessions_period"] == 2  # the trained class and the past one
    assert any("标记为已结束" in d for d in figures.DEFINITIONS)


def test_bad_periods_are_refused():
    for bad in ("2019-13", "2019/05", "", "五月"):
        with pytest.raises(UserError, match="2019-05"):
            monthly.parse_month(bad)
    assert quarterly.parse_quarter("2019q4")[0] == "2019-Q4"
    with pytest.raises(UserError, match="2019-Q2"):
        quarterly.parse_quarter("2019-Q5")


def test_submit_freezes_and_locks_until_the_city_reopens(db, town, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: "2019-07-03T10:00:00")
    r = monthly.submit(db, kit.WANGKUI, "望奎县", "2019-06", today=AFTER_JUNE)
    assert r["status"] == "submitted" and r["figures"]["total"]["trained_period"] == 2
    assert "2019年7月3日 10:00" in r["lock"] and "wangkui_staff" in r["lock"]
    assert "已锁定" in r["lock"] and "退回" in r["lock"]
    # a late correction in the data does not change the submitted report
    kit.enrol(db, db.execute("SELECT id FROM sessions WHERE course_code='sy-zhongzhi'").fetchone()[0],
              town["E"]["id"])  # fmt: skip
    assert monthly.view(db, kit.CITY, "望奎", "2019-06")["figures"]["total"]["trained_period"] == 2
    with pytest.raises(UserError, match="已锁定"):
        monthly.submit(db, kit.WANGKUI, "望奎县", "2019-06", today=AFTER_JUNE)
    with pytest.raises(ScopeError):
        monthly.reopen(db, kit.WANGKUI, "望奎县", "2019-06", "想改")
    with pytest.raises(UserError, match="退回原因不能为空"):
        monthly.reopen(db, kit.CITY, "望奎县", "2019-06", "  ")
    monthly.reopen(db, kit.CITY, "望奎县", "2019-06", "6月培训人数漏报")
    r = monthly.view(db, kit.WANGKUI, "望奎县", "2019-06")
    assert r["status"] == "draft" and r["lock"] is None
    assert (r["reopened_by"], r["reopen_reason"]) == ("city_admin", "6月培训人数漏报")
    assert r["figures"]["total"]["trained_period"] == 3  # live again: E now counts
    log = db.execute(
        "SELECT actor, action, after_json FROM audit_log WHERE entity = 'monthly_reports' "
        "ORDER BY id"
    ).fetchall()
    assert [(a, b) for a, b, _ in log] == [("wangkui_staff", "submit"), ("city_admin", "reopen")]
    assert json.loads(log[1][2])["reason"] == "6月培训人数漏报"
    monthly.submit(db, kit.WANGKUI, "望奎县", "2019-06", today=AFTER_JUNE)
    frozen = json.loads(db.execute("SELECT figures_json FROM monthly_reports").fetchone()[0])
    assert frozen["total"]["trained_period"] == 3


def test_who_may_submit_and_when(db, town):
    with pytest.raises(ScopeError, match="县（市、区）劳动就业部门提交"):
        monthly.submit(db, kit.CITY, "望奎县", "2019-06", today=AFTER_JUNE)
    with pytest.raises(ScopeError):
        monthly.submit(db, kit.BEILIN, "望奎县", "2019-06", today=AFTER_JUNE)
    with pytest.raises(UserError, match="还没过完"):
        monthly.submit(db, kit.WANGKUI, "望奎县", "2019-06", today=D(2019, 6, 29))
    assert monthly.submit(db, kit.WANGKUI, "望奎县", "2019-06", today=D(2019, 6, 30))
    with pytest.raises(UserError, match="尚未提交"):
        monthly.reopen(db, kit.CITY, "北林区", "2019-06", "无")


def test_county_sees_only_its_own(db, town):
    with pytest.raises(ScopeError):
        monthly.view(db, kit.BEILIN, "望奎县", "2019-06")
    with pytest.raises(ScopeError):
        monthly.city_overview(db, kit.WANGKUI, "2019-06")
    with pytest.raises(ScopeError):
        quarterly.view(db, kit.BEILIN, "望奎县", "2019-Q2")
    with pytest.raises(ScopeError):
        quarterly.save(db, kit.BEILIN, "望奎县", "2019-Q2", {"progress": "x"})
    with pytest.raises(ScopeError):
        quarterly.save(db, kit.CITY, "望奎县", "2019-Q2", {"progress": "x"})
    with pytest.raises(ScopeError):
        figures.period_figures(db, kit.INSTITUTION, "231221", D(2019, 6, 1), D(2019, 6, 30))
    assert [r["county"] for r in quarterly.statuses(db, kit.BEILIN, "2019-Q2")] == ["北林区"]
    assert len(quarterly.statuses(db, kit.CITY, "2019-Q2")) == 10


def test_city_overview_late_counties_and_sum(db, town, monkeypatch):
    on_time = monthly.city_overview(db, kit.CITY, "2019-06", today=D(2019, 7, 5))
    assert on_time["due"] == "2019-07-05" and on_time["late"] == []
    monkeypatch.setattr(clock, "now", lambda: "2019-07-08T09:30:00")
    monthly.submit(db, kit.WANGKUI, "望奎县", "2019-06", today=D(2019, 7, 8))
    o = monthly.city_overview(db, kit.CITY, "2019-06", today=D(2019, 7, 6))
    assert len(o["late"]) == 9 and "望奎县" not in o["late"] and "北林区" in o["late"]
    rows = {r["county"]: r for r in o["rows"]}
    assert render.city_rows(o)[1][:3] == ["望奎县", "逾期提交", "2019年7月8日 09:30"]
    assert rows["北林区"]["figures"]["total"]["trained_period"] == 1  # F
    s = o["sum"]
    assert s["total"]["trained_period"] == 3  # 望奎 A, C + 北林 F
    assert s["total"]["sessions_period"] == 3  # S2 + S4 (end date passed) + S6
    assert s["coverage"]["willing"] == 4 and s["coverage"]["trained_willing"] == 3
    assert by_code(s)["shiyong"]["trained_period"] == 3
    assert subsidy(s, "startup")["period"]["amount"] == 10000


def test_monthly_xlsx_cell_by_cell(db, town, tmp_path):
    r = monthly.submit(db, kit.WANGKUI, "望奎县", "2019-06", today=AFTER_JUNE)
    out = render.write("monthly", r, tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "月报"
    assert ws["A1"].value == "望奎县技能扶贫培训进展情况表（2019年6月）"
    assert [ws["A3"].value, ws["B3"].value] == ["统计期", "2019-06-01 至 2019-06-30"]
    assert ws["B4"].value == "已提交（已锁定）" and "已锁定" in ws["B5"].value
    values = [trimmed(row) for row in ws.iter_rows()]
    head = values.index(render.CAMPAIGN_HEADERS)
    assert values[head + 1][:5] == ["巾帼家政培训活动", 0, 2, 0, 1]
    assert values[head + 2][:5] == ["实用技能培训活动", 2, 2, 1, 1]
    assert values[head + 8][:5] == ["合计（同一人只算一次）", 2, 3, 2, 3]
    cov = values.index(["有培训意愿的建档立卡贫困劳动力", "截至期末已培训", "覆盖率"])
    assert values[cov + 1][:3] == [3, 2, "66.7%"]
    sub = values.index(render.SUBSIDY_HEADERS)
    assert values[sub + 1][:4] == ["培训补贴", 3, "9天", values[sub + 1][3]]
    assert values[sub + 1][3].startswith("按《绥化市就业补助资金管理和使用实施细则》")
    startup = next(v for v in values[sub:] if v[0] == "一次性创业补贴")
    assert startup == ["一次性创业补贴", 1, "1户", "10000元", 1, "1户", "10000元",
                       "绥人社发〔2019〕18号"]  # fmt: skip
    assert values[sub + 1][4:6] == [5, "160课时、9天"]
    assert any(v and str(v[0]).endswith(monthly.LATE_RULE) for v in values)


def test_monthly_pdf_reads_back(db, town, tmp_path):
    r = monthly.view(db, kit.WANGKUI, "望奎县", "2019-06")
    out = render.write("monthly", r, tmp_path / "m.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "望奎县技能扶贫培训进展情况表（2019年6月）" in text
    assert "2019-06-01 至 2019-06-30" in text and "未提交" in text
    assert "66.7%" in text and "10000元" in text and "实用技能培训活动" in text
    assert "次月5日" in text
    fonts = {
        str(f["/BaseFont"])
        for page in PdfReader(out).pages
        for f in page["/Resources"]["/Font"].get_object().values()
        for f in [f.get_object()]
    }
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts


HOSTILE = {
    "progress": '<script>alert("x")</script><img src="file:///etc/passwd">进度良好',
    "highlights": '=HYPERLINK("http://evil.example","点我")',
    "model_cases": "@SUM(A1)\n第二行 😀 \u202e反向\u202c",
    "problems": "+1 问题\t和建议" + "很长" * 2000,
}


def test_quarterly_hostile_text_is_escaped_in_pdf_and_xlsx(db, town, tmp_path):
    quarterly.save(db, kit.WANGKUI, "望奎县", "2019-Q2", HOSTILE)
    quarterly.submit(db, kit.WANGKUI, "望奎县", "2019-Q2", today=AFTER_JUNE)
    q = quarterly.view(db, kit.CITY, "望奎县", "2019-Q2")
    assert q["status"] == "submitted" and "\u202e" not in q["model_cases"]
    html = render.quarterly_html(q)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img" not in html
    out = render.write("quarterly", q, tmp_path / "q.pdf")
    reader = PdfReader(out)
    text = "".join(page.extract_text() for page in reader.pages)
    assert '<script>alert("x")</script>' in text.replace("\n", "")
    assert "=HYPERLINK" in text and "😀" in html
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get_object())
    assert "root:" not in text  # nothing read from the server's files
    xlsx = render.write("quarterly", q, tmp_path / "q.xlsx")
    ws = openpyxl.load_workbook(xlsx).active
    cells = {
        row[0].value: row[1] for row in ws.iter_rows() if row[0].value in quarterly.FIELDS.values()
    }
    assert cells["亮点经验"].value == "'" + HOSTILE["highlights"]
    assert cells["亮点经验"].data_type == "s"
    assert cells["优秀典型"].value.startswith("'@SUM(A1)")
    assert cells["问题和建议"].value.startswith("'+1")
    assert cells["工作进度"].value.startswith("<script>")  # text in a cell is inert
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


def test_quarterly_text_too_long_is_refused_and_nothing_saved(db, town):
    with pytest.raises(UserError, match="问题和建议太长了（5001个字），最多5000个字"):
        quarterly.save(db, kit.WANGKUI, "望奎县", "2019-Q2", {"problems": "长" * 5001})
    assert db.execute("SELECT COUNT(*) FROM quarterly_reports").fetchone()[0] == 0


def test_quarterly_submit_needs_all_four_parts_and_locks(db, town):
    quarterly.save(db, kit.WANGKUI, "望奎县", "2019-Q2", {"progress": "已完成"})
    with pytest.raises(UserError, match="亮点经验、优秀典型、问题和建议"):
        quarterly.submit(db, kit.WANGKUI, "望奎县", "2019-Q2", today=AFTER_JUNE)
    with pytest.raises(UserError, match="还没结束"):
        quarterly.submit(db, kit.WANGKUI, "望奎县", "2019-Q2", today=D(2019, 6, 1))
    texts = {f: f"{name}内容" for f, name in quarterly.FIELDS.items()}
    quarterly.save(db, kit.WANGKUI, "望奎县", "2019-Q2", texts)
    quarterly.submit(db, kit.WANGKUI, "望奎县", "2019-Q2", today=AFTER_JUNE)
    with pytest.raises(UserError, match="已锁定"):
        quarterly.save(db, kit.WANGKUI, "望奎县", "2019-Q2", texts)
    quarterly.reopen(db, kit.CITY, "望奎县", "2019-Q2", "补充典型案例")
    q = quarterly.view(db, kit.WANGKUI, "望奎县", "2019-Q2")
    assert (q["status"], q["reopen_reason"], q["reopened_by"]) == (
        "draft", "补充典型案例", "city_admin",
    )  # fmt: skip
    quarterly.save(db, kit.WANGKUI, "望奎县", "2019-Q2", {**texts, "model_cases": "新案例"})
    assert quarterly.view(db, kit.WANGKUI, "望奎县", "2019-Q2")["model_cases"] == "新案例"


def test_city_files(db, town):
    o = monthly.city_overview(db, kit.CITY, "2019-06", today=D(2019, 7, 10))
    ws = openpyxl.load_workbook(io.BytesIO(render.city_xlsx(o))).active
    rows = [trimmed(r) for r in ws.iter_rows()]
    assert rows[2] == render.CITY_HEADERS
    assert rows[3][:2] == ["北林区", "逾期未提交"] and rows[4][:4] == [
        "望奎县",
        "逾期未提交",
        None,
        2,
    ]
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(render.pdf(render.city_html(o)))).pages
    )
    assert "全市合计" in text and "逾期未提交" in text


def test_report_command(run_cli, db, town, tmp_path):
    db.conn.commit()
    path = db.execute("PRAGMA database_list").fetchone()[2]
    result = run_cli("report", "--db", path, "--county", "望奎", "--month", "2019-06",
                     "--out", tmp_path / "m.xlsx")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "望奎县2019年6月月报（未提交）" in result.output
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx").active
    assert ws["A1"].value == "望奎县技能扶贫培训进展情况表（2019年6月）"
    result = run_cli("report", "--db", path, "--county", "望奎县", "--quarter", "2019-Q2",
                     "--out", tmp_path / "q.pdf")  # fmt: skip
    assert result.exit_code == 0 and (tmp_path / "q.pdf").read_bytes().startswith(b"%PDF")
    result = run_cli("report", "--db", path, "--month", "2019-06", "--out", tmp_path / "c.xlsx")
    assert result.exit_code == 0 and "逾期未交" in result.output
    bad = run_cli("report", "--db", path, "--county", "望奎", "--month", "2019-06",
                  "--out", tmp_path / "m.doc")  # fmt: skip
    assert bad.exit_code == 1 and ".xlsx 或 .pdf" in bad.output
    both = run_cli("report", "--db", path, "--month", "2019-06", "--quarter", "2019-Q2",
                   "--out", tmp_path / "x.pdf")  # fmt: skip
    assert both.exit_code == 1 and "中的一个" in both.output
    nowhere = run_cli("report", "--db", path, "--county", "哈尔滨", "--month", "2019-06",
                      "--out", tmp_path / "x.pdf")  # fmt: skip
    assert nowhere.exit_code == 1 and "不是绥化市的县" in nowhere.output


def test_system_actor_sees_every_county(db, town):
    assert monthly.view(db, SYSTEM, "北林区", "2019-06")["figures"]["total"]["trained_period"] == 1
