"""摸清底数: figures against the hand-counted world of tests/baseline_fixture.py, the 两后生
list and who may see it, the .xlsx and PDF read back, build.py baseline, and the page."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from build import ROOT
from portal import db as database
from portal.baseline import census, export, groups, pupils, tables
from portal.errors import ScopeError, UserError
from portal.scope import SYSTEM, Actor
from tests import baseline_fixture

WANGKUI = Actor("wk", "county", county_code="231221", display_name="望奎县劳动就业服务局")
LANXI = Actor("lx", "county", county_code="231222", display_name="兰西县劳动就业服务局")
CITY = Actor("city", "city", display_name="市局")
PAGE = str(ROOT / "portal" / "pages" / "baseline.py")
LEDGER = str(ROOT / "portal" / "pages" / "ledger.py")


@pytest.fixture
def world(db):
    return baseline_fixture.build(db)


def statuses(r):
    return {g: n for g, n in r["status"] if n}


def test_wordings_are_grouped_and_unknown_is_its_own_group():
    assert groups.status_group("在家务农") == "务农"
    assert groups.status_group("外出务工") == "外出务工"
    assert groups.status_group("季节性务工") == "季节性、临时务工"
    assert groups.status_group("未就业") == "未就业"
    assert groups.status_group(" ") == groups.UNKNOWN and groups.status_group(None) == "未登记"
    assert groups.status_group("是") == groups.OTHER_STATUS  # 是否失业: needs the header
    assert groups.education_group("初中毕业") == "初中"
    assert groups.education_group("中专") == "高中（含中专、技校、职高）"
    assert groups.education_group("半文盲") == "文盲或半文盲"
    assert groups.trades("家政服务员、育婴员，家政服务员") == ["家政服务员", "育婴员"]


def test_age_bands_turn_on_the_birthday():
    import datetime as dt

    assert groups.years_before(dt.date(2020, 2, 29), 1) == dt.date(2019, 2, 28)
    assert groups.thresholds(dt.date(2019, 3, 31))[0] == "2003-03-31"


def test_county_figures_match_the_hand_count(db, world):
    r = census.census(db, SYSTEM, "231221")
    t = r["total"]
    # p1–p8; p9 is not registered and only named in the notes
    assert t["workers"] == 8 and r["unregistered"] == 1
    assert t["women"] == 4  # p1 p3 p6 p8
    assert statuses(r) == {
        "未就业": 1,  # p1
        "在校学生": 1,  # p2
        "外出务工": 1,  # p3
        "务农": 1,  # p4
        "未登记": 1,  # p5 (blank)
        "季节性、临时务工": 1,  # p6 打零工
        "其他（请核实）": 2,  # p7 =HYPERLINK, p8 是
    }
    assert t["unemployed"] == 1
    # 未满16 p2; 16–25 p1 (16 that day) p3; 26–35 p8; 36–45 p6; 46–55 p7; 56–60 p5; >60 p4
    assert t["age"] == [1, 2, 1, 1, 1, 1, 1]
    assert r["status_age"]["未就业"] == [0, 1, 0, 0, 0, 0, 0]
    assert {g: n for g, n in r["education"] if n} == {
        "初中": 3,  # p1 p2 p8(初中毕业)
        "高中（含中专、技校、职高）": 1,
        "小学": 1,
        "未登记": 1,
        "文盲或半文盲": 1,
        "大专及以上": 1,
    }
    assert (t["train_yes"], t["train_no"]) == (5, 2)  # p5 unknown
    assert (t["job_yes"], t["job_no"]) == (4, 2)  # p2 p5 unknown
    assert t["liang_hou_sheng"] == 2  # p1 p3
    assert (r["in_school"], r["lhs_in_school"]) == (1, 1)  # p3 only on 2019-03-31
    assert [(c["name"], c["workers"], c["unemployed"]) for c in r["children"]] == [
        ("镇甲", 7, 1),
        ("镇乙", 1, 0),
    ]
    assert sorted(r["other_wordings"]) == [
        ("就业状态", '=HYPERLINK("x")', 1),
        ("就业状态", "是", 1),
    ]


def test_trades_per_township_and_the_untrained_count(db, world):
    r = census.census(db, SYSTEM, "231221")
    got = [(x["township"], x["rank"], x["trade"], x["wanted"], x["untrained"]) for x in r["trades"]]
    assert got == [
        ("镇甲", 1, "家政服务员", 2, 2),  # p1 p3
        ("镇甲", 2, "育婴员", 2, 1),  # p1 p6 (p6 completed a training)
        ("镇甲", 3, "食用菌种植", 1, 1),  # p7
        ("镇乙", 1, "未填", 1, 1),  # p8; p9 is not registered
    ]


def test_another_date_moves_ages_and_school(db, world):
    r = census.census(db, SYSTEM, "231221", "2019-10-01")
    # p2 turns 16, p3 26, p5 61
    assert r["total"]["age"] == [0, 2, 2, 1, 1, 0, 2]
    assert r["in_school"] == 2 and r["at"] == "2019-10-01"
    with pytest.raises(UserError, match="年-月-日"):
        census.census(db, SYSTEM, "231221", "2019/10/1")


def test_city_township_and_village_scopes(db, world):
    city = census.census(db, CITY)
    assert city["total"]["workers"] == 9 and city["child_level"] == "county"
    by_county = {c["name"]: c["workers"] for c in city["children"]}
    assert by_county["望奎县"] == 8 and by_county["兰西县"] == 1 and len(by_county) == 10
    _, town, village = world["p6_place"]
    t = census.census(db, CITY, town)
    assert t["total"]["workers"] == 7 and [c["workers"] for c in t["children"]] == [5, 2]
    v = census.census(db, CITY, village)
    assert v["total"]["workers"] == 2 and v["child_level"] is None
    assert sum(x["wanted"] for x in v["trades"]) == 2


def test_scope_county_staff_and_institutions(db, world):
    assert census.census(db, WANGKUI)["area"]["code"] == "231221"  # their county by default
    with pytest.raises(ScopeError):
        census.census(db, WANGKUI, world["p10_place"][1])
    with pytest.raises(ScopeError):
        census.census(db, Actor("jg", "institution", institution_id=world["technical_school"]))


def test_pupil_list_access_and_masking(db, world):
    staff = pupils.pupil_list(db, WANGKUI)
    assert [r[3] for r in staff.rows] == ["人p1", "人p3"]
    assert world["p1_id"] in staff.rows[0]
    assert staff.rows[1][-1] == "望奎县某技工学校" and staff.rows[0][-1] == "未入学"
    school = Actor("xx", "institution", institution_id=world["technical_school"])
    listed = pupils.pupil_list(db, school)
    assert [r[3] for r in listed.rows] == ["人p1", "人p3"]
    assert "联系电话" not in listed.headers
    assert all(world[k] not in str(listed.rows) for k in ("p1_id", "p3_id"))
    assert listed.rows[0][7] == world["p1_id"][:6] + "********" + world["p1_id"][-4:]
    with pytest.raises(ScopeError, match="本县"):
        pupils.pupil_list(db, school, world["p10_place"][0])
    with pytest.raises(ScopeError, match="技工院校"):
        pupils.pupil_list(db, Actor("jg", "institution", institution_id=world["training"]))
    assert [r[3] for r in pupils.pupil_list(db, CITY).rows] == ["人p1", "人p3", "人p10"]


def test_xlsx_is_formula_safe_and_holds_every_table(db, world, tmp_path):
    r = census.census(db, SYSTEM, "231221")
    out = export.write(r, tmp_path / "b.xlsx", pupils.pupil_list(db, CITY, "231221"))
    wb = load_workbook(out)
    assert wb.sheetnames == ["底数", "两后生名单"]
    cells = [c for row in wb["底数"].iter_rows() for c in row if c.value is not None]
    values = [c.value for c in cells]
    assert '\'=HYPERLINK("x")' in values and not any(c.data_type == "f" for c in cells)
    for table in tables.all_tables(r):
        assert table.title in values
    rows = list(wb["底数"].iter_rows(values_only=True))
    status_row = next(row for row in rows if row[0] == "其他（请核实）")
    assert status_row[1] == 2
    pupil_rows = list(wb["两后生名单"].iter_rows(values_only=True))
    assert sum(1 for row in pupil_rows if row[3] in ("人p1", "人p3")) == 2


def test_pdf_reads_back(db, world, tmp_path):
    r = census.census(db, SYSTEM, "231221")
    out = export.write(r, tmp_path / "b.pdf", pupils.pupil_list(db, CITY, "231221"))
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(out).pages))
    assert "望奎县建档立卡贫困劳动力底数" in text
    assert "其他（请核实）" in text and "=HYPERLINK" in text and "人p3" in text
    assert "另有未建档人员1人" in text
    assert world["p1_id"] not in text


def test_cli_writes_a_county_and_refuses_bad_input(run_cli, db_path, world, tmp_path):
    out = tmp_path / "望奎.xlsx"
    result = run_cli("baseline", "--county", "望奎", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "登记劳动力8人" in result.output and out.exists()
    result = run_cli("baseline", "--at", "2019-13-01", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "年-月-日" in result.output
    result = run_cli("baseline", "--out", str(tmp_path / "x.doc"))
    assert result.exit_code == 1 and ".xlsx 或 .pdf" in result.output
    assert "python build.py baseline" in run_cli("baseline", "--help").output


def page(actor: Actor, path: str = PAGE, **params) -> AppTest:
    at = AppTest.from_file(path, default_timeout=60)
    at.session_state["actor"] = actor
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


def test_page_city_drills_down_to_a_village(db_path, world):
    at = page(CITY)
    assert metrics(at)[:2] == ["9", "2"]  # 未就业: p1 p10 (p9 is not registered)
    at.selectbox(key="bl_county").select("望奎县").run()
    assert metrics(at)[0] == "8"
    at.selectbox(key="bl_township").select("镇甲").run()
    assert metrics(at)[0] == "7"
    at.selectbox(key="bl_village").select("村甲二").run()
    assert metrics(at)[0] == "2" and not at.exception


def test_page_county_sees_only_its_county(db_path, world):
    at = page(WANGKUI)
    assert metrics(at)[0] == "8"
    assert not [s for s in at.selectbox if s.key == "bl_county"]
    at = page(LANXI)
    assert metrics(at)[0] == "1"


def test_page_age_date_is_typed_whole_and_an_impossible_one_stops_the_page(db_path, world):
    at = page(CITY)
    at.text_input(key="bl_at").input("2019年3月31日").run()
    assert metrics(at)[:2] == ["9", "2"] and not at.error
    at.text_input(key="bl_at").input("2019-02-30").run()
    assert any("没有2月30日" in e.value for e in at.error), [e.value for e in at.error]
    assert not metrics(at) and not at.exception


def test_page_institutions(db_path, world):
    at = page(Actor("jg", "institution", institution_id=world["training"]))
    assert "仅供县、市工作人员和技工院校" in at.error[0].value and not at.dataframe
    at = page(Actor("xx", "institution", institution_id=world["technical_school"]))
    listed = at.dataframe[0].value
    assert list(listed["姓名"]) == ["人p1", "人p3"] and not metrics(at)
    assert all("********" in v for v in listed["身份证号"])


def test_trade_link_opens_the_filtered_demand_list(db_path, world):
    r = census.census(database.connect(db_path), SYSTEM, "231221")
    link = next(
        tables.demand_link(x["township_code"], x["trade"]) for x in r["trades"] if x["rank"] == 2
    )
    assert link.startswith("ledger?township=")
    params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    at = page(WANGKUI, LEDGER, **params)
    listed = at.dataframe[0].value
    assert list(listed["姓名"]) == ["人p1"]  # 育婴员 in 镇甲, untrained: p6 completed
    assert any("想学“育婴员”（1人）" in s.value for s in at.subheader)
    at = page(LANXI, LEDGER, **params)  # another county's township: nobody shown
    assert any("（0人）" in s.value for s in at.subheader)


def test_progress_page_shows_only_the_city_structure(db, world, tmp_path):
    import datetime as dt

    from portal.sitebuild import progress, render
    from portal.sitebuild.context import site_context

    env = render.environment()
    progress.write(tmp_path, env, site_context(dt.date(2019, 6, 1), False), db)
    page_text = (tmp_path / "jinzhan" / "index.md").read_text(encoding="utf-8")
    assert "共 **9** 人" in page_text and "2019年3月31日" in page_text
    # city ages: p2 | p1 p3 p10 | p8 | p6 | p7 | p5 | p4
    for label, n in (("未满16岁", 1), ("16–25岁", 3), ("60岁以上", 1)):
        assert f'<th scope="row">{label}</th><td>{n}</td>' in page_text
    assert '<th scope="row">未就业</th><td>2</td>' in page_text  # p1 p10
    assert "HYPERLINK" not in page_text  # the wording itself stays inside the portal
    for key in ("p1", "p3", "p10"):
        assert world[f"{key}_id"] not in page_text and f"人{key}" not in page_text


def test_cached_figures_follow_every_write(db, world):
    """City and county figures are cached per county; updates, deletes and inserts (by any
    connection) show at once."""
    city = census.census(db, CITY)
    assert census.census(db, CITY) == city  # the cached answer is the same answer
    db.execute("UPDATE workers SET work_status = '务农' WHERE id = ?", [world["p1"]])
    db.conn.commit()
    assert statuses(census.census(db, SYSTEM, "231221"))["务农"] == 2
    assert census.census(db, CITY)["total"]["unemployed"] == 1  # p10 only
    db.execute("DELETE FROM school_students")
    db.execute("DELETE FROM workers WHERE id = ?", [world["p10"]])
    db.conn.commit()
    assert census.census(db, CITY)["total"]["workers"] == 8
    other = database.connect(db.execute("PRAGMA database_list").fetchone()[2])
    with database.transaction(other):
        other.execute(
            "INSERT INTO workers (id_number, name, gender, birth_date, county_code, "
            "township_code, village_code, work_status, created_at, created_by, updated_at, "
            "updated_by) VALUES (?, '新人', '女', '2000-01-01', ?, ?, ?, '未就业', 't', 't', 't', 't')",
            [world["p10_id"], *world["p10_place"]],
        )
    other.conn.close()
    assert census.census(db, CITY)["total"]["workers"] == 9
    cached = census.census(db, CITY)
    census.forget()
    assert census.census(db, CITY) == cached
    assert cached["total"]["unemployed"] == 1  # the newcomer; p1 now farms


def test_village_trade_link_keeps_the_village(db_path, world):
    _, town, village = world["p6_place"]  # 村甲二: p6 (育婴员, trained) and p7
    link = tables.demand_link(town, "食用菌种植", village)
    params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert params == {"township": town, "trade": "食用菌种植", "village": village}
    at = page(WANGKUI, LEDGER, **params)
    assert list(at.dataframe[0].value["姓名"]) == ["人p7"]
    assert tables.demand_link(town, "未填") is None


def test_demo_has_one_technical_school_and_its_page_shows_its_county(demo_db, demo_db_path):
    kinds = dict(demo_db.execute("SELECT name, kind FROM institutions").fetchall())
    assert [n for n, k in kinds.items() if k == "technical_school"] == [
        "海伦市技工学校培训部（示例）"
    ]
    school = demo_db.execute(
        "SELECT id FROM institutions WHERE kind = 'technical_school'"
    ).fetchone()[0]
    at = page(Actor("hl", "institution", institution_id=school))
    listed = at.dataframe[0].value
    assert len(listed) > 0 and set(listed["县（市、区）"]) == {"海伦市"}


def test_figures_counted_inside_a_rolled_back_write_are_not_kept(db, world):
    census.forget()
    db.conn.execute("BEGIN")
    db.execute("UPDATE workers SET work_status = '务农' WHERE id = ?", [world["p1"]])
    assert census.census(db, SYSTEM, "231221")["total"]["unemployed"] == 0
    db.conn.rollback()
    db.execute("UPDATE workers SET notes = 'x' WHERE id = ?", [world["p2"]])  # same version
    db.conn.commit()
    assert census.census(db, SYSTEM, "231221")["total"]["unemployed"] == 1


def test_menu_shows_the_page_to_staff_and_technical_schools_only(db, world):
    from portal import navigation

    def titles(actor, conn=db):
        return [p.title for p in navigation.pages_for(actor, conn)]

    assert "摸清底数" in titles(CITY) and "摸清底数" in titles(WANGKUI)
    school = Actor("xx", "institution", institution_id=world["technical_school"])
    training = Actor("jg", "institution", institution_id=world["training"])
    assert "摸清底数" in titles(school)
    ordinary = titles(training)
    assert "摸清底数" not in ordinary and ordinary[:3] == ["培训班次", "报名管理", "考勤与签字"]
    # without a connection the portal's own database (PORTAL_DB) answers
    assert "摸清底数" not in titles(training, None) and "摸清底数" in titles(school, None)


def ages(r) -> dict:
    return dict(zip(r["age_bands"], r["total"]["age"], strict=True))


def test_kept_counts_follow_the_plans_census_date(db, world, monkeypatch):
    """The counts kept by triggers are for the plan's census end date; when plan.yml's date
    moves they are counted again, and any other day is counted from the ledger."""
    import datetime as dt

    from portal import catalogue
    from portal.baseline import kept

    assert kept.kept_day(db) == dt.date(2019, 3, 31)
    assert ages(census.census(db, CITY))["未满16岁"] == 1  # p2, 16 on 1 April 2019
    later = census.census(db, CITY, at="2019-04-01")  # another day: from the ledger
    assert ages(later)["未满16岁"] == 0 and kept.kept_day(db) == dt.date(2019, 3, 31)
    start = catalogue.census_period()[0]
    monkeypatch.setattr(catalogue, "census_period", lambda: (start, dt.date(2019, 4, 1)))
    moved = census.census(db, CITY)  # the plan's date moved: counted again and kept
    assert kept.kept_day(db) == dt.date(2019, 4, 1) and moved["at"] == "2019-04-01"
    assert moved == later
    db.execute("UPDATE workers SET birth_date = '2004-01-01' WHERE id = ?", [world["p2"]])
    db.conn.commit()
    assert ages(census.census(db, CITY))["未满16岁"] == 1  # the triggers count for the new day


def test_warm_up_keeps_the_counts_for_the_plans_date(db, db_path, world):
    """A database whose kept counts are for another day (plan.yml changed since) is counted
    again at portal start, not at the first view."""
    import datetime as dt

    from portal.baseline import kept

    kept.sync(db, dt.date(2018, 1, 1))
    assert not kept.is_current(db, census.default_date())
    census.count_in_background(db_path).join()
    assert kept.is_current(db, census.default_date())
    first = census.census(db, CITY)
    assert first["total"]["workers"] == 9 and first["total"]["unemployed"] == 2


def school(counts: dict) -> tuple[int, int, int, int]:
    """(两后生, with the wish, with the wish and not at a technical school, all with the wish)."""
    return (
        counts["liang_hou_sheng"],
        counts["lhs_school_yes"],
        counts["lhs_school_gap"],
        counts["school_yes"],
    )


def test_school_wish_figures_match_the_hand_count(db, world):
    # 两后生 p1 p3 (望奎) and p10 (兰西, wish not recorded); with the wish p1 p3 and p2 (not a
    # 两后生); p9 wishes too but is not registered. p3 is at a technical school since 2018.
    r = census.census(db, SYSTEM, "231221")
    assert school(r["total"]) == (2, 2, 1, 3)  # the gap: p1
    assert [(c["name"], *school(c)) for c in r["children"]] == [
        ("镇甲", 2, 2, 1, 3),
        ("镇乙", 0, 0, 0, 0),
    ]
    city = census.census(db, CITY)
    assert school(city["total"]) == (3, 2, 1, 3)
    by_county = {c["name"]: school(c) for c in city["children"]}
    assert by_county["望奎县"] == (2, 2, 1, 3) and by_county["兰西县"] == (1, 0, 0, 0)
    assert sum(c[2] for c in by_county.values()) == 1
    _, town, village = world["p1_place"]
    v = census.census(db, CITY, village)  # 村甲一: p1 p2 p3
    assert school(v["total"]) == (2, 2, 1, 3) and school(v["children"][0]) == (2, 2, 1, 3)
    t = census.census(db, CITY, town)
    assert [school(c) for c in t["children"]] == [(2, 2, 1, 3), (0, 0, 0, 0)]
    # p1 starts at a technical school in September: nobody with the wish is left to place
    later = census.census(db, SYSTEM, "231221", "2019-10-01")
    assert school(later["total"]) == (2, 2, 0, 3)
    assert [school(c) for c in later["children"]] == [(2, 2, 0, 3), (0, 0, 0, 0)]


def test_school_wish_figures_follow_an_edit_and_a_school_record(db, world):
    """A changed wish bumps the county (migration 080's trigger), so the cached figures are
    counted again; a school record is never cached at all."""
    from portal.ledger import records

    census.forget()
    assert school(census.census(db, WANGKUI)["total"]) == (2, 2, 1, 3)
    changed = records.update_worker(db, WANGKUI, world["p1"], {"wants_school": "no"})
    assert changed == {"wants_school": "no"}
    assert school(census.census(db, WANGKUI)["total"]) == (2, 1, 0, 2)  # p3 placed, p2
    assert school(census.census(db, CITY)["total"]) == (3, 1, 0, 2)
    db.execute("DELETE FROM school_students WHERE worker_id = ?", [world["p3"]])
    db.conn.commit()
    assert school(census.census(db, WANGKUI)["total"]) == (2, 1, 1, 2)  # p3 no longer placed
    audit = db.execute(
        "SELECT before_json, after_json FROM audit_log WHERE entity = 'workers' AND entity_id = ?",
        [world["p1"]],
    ).fetchall()
    assert [tuple(map(json.loads, a)) for a in audit] == [
        ({"wants_school": "yes"}, {"wants_school": "no"})
    ]
    with pytest.raises(UserError, match="就读技工院校意愿只能是"):
        records.update_worker(db, WANGKUI, world["p1"], {"wants_school": "maybe"})


def test_pupil_list_shows_the_wish_and_can_list_only_those_with_it(db, world):
    listed = pupils.pupil_list(db, CITY)
    wish = listed.headers.index("就读技工院校意愿")
    assert listed.headers[-1] == "技工院校在读" and wish == len(listed.headers) - 2
    assert [(r[3], r[wish]) for r in listed.rows] == [
        ("人p1", "是"),
        ("人p3", "是"),
        ("人p10", "未登记"),
    ]
    wishing = pupils.pupil_list(db, CITY, wishing=True)
    assert [r[3] for r in wishing.rows] == ["人p1", "人p3"]
    assert "有就读技工院校意愿的两后生" in wishing.title
    db.execute("UPDATE workers SET wants_school = 'no' WHERE id = ?", [world["p3"]])
    db.conn.commit()
    school_actor = Actor("xx", "institution", institution_id=world["technical_school"])
    mine = pupils.pupil_list(db, school_actor, wishing=True)
    assert [r[3] for r in mine.rows] == ["人p1"]
    assert [r[wish - 1] for r in pupils.pupil_list(db, school_actor).rows] == ["是", "否"]


def test_school_wish_figures_in_the_tables_xlsx_and_pdf(db, world, tmp_path):
    r = census.census(db, SYSTEM, "231221")
    summary = {row[0]: row[1:] for row in tables.summary(r).rows}
    assert summary["两后生"] == (2, "25.0%")
    assert summary["其中有就读技工院校意愿"] == (2, "100.0%")
    assert summary["其中有意愿、尚未在读技工院校（2019-03-31）"] == (1, "50.0%")
    assert summary["有就读技工院校意愿（全部）"] == (3, "37.5%")
    kids = tables.children(r)
    at = kids.headers.index("两后生有就读技工院校意愿")
    assert kids.headers[at : at + 3] == tables.SCHOOL_HEADERS
    assert [(row[0], *row[at : at + 3]) for row in kids.rows] == [
        ("镇甲", 2, 1, 3),
        ("镇乙", 0, 0, 0),
        ("合计", 2, 1, 3),
    ]
    out = export.write(r, tmp_path / "b.xlsx", pupils.pupil_list(db, CITY, "231221"))
    rows = list(load_workbook(out)["底数"].iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "乡镇")
    total = next(row for row in rows if row[0] == "合计")
    at = header.index("其中尚未在读技工院校")
    assert (total[at - 1], total[at], total[at + 1]) == (2, 1, 3)
    listed = list(load_workbook(out)["两后生名单"].iter_rows(values_only=True))
    assert "就读技工院校意愿" in next(row for row in listed if row[3] == "姓名")
    pdf = export.write(r, tmp_path / "b.pdf", pupils.pupil_list(db, CITY, "231221"))
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert "其中有意愿、尚未在读技工院校" in text and "就读技工院校意愿" in text
    assert "台账没有“想读技工院校”一栏" not in text


def test_page_shows_the_school_figures_and_filters_the_list(db_path, world):
    at = page(WANGKUI)
    school_metrics = {m.label: m.value for m in at.metric}
    assert school_metrics["两后生有就读意愿"] == "2"
    assert school_metrics["其中尚未在读技工院校"] == "1"
    assert school_metrics["有就读意愿（全部）"] == "3"
    listed = at.dataframe[-1].value
    assert list(listed["姓名"]) == ["人p1", "人p3"]
    assert list(listed["就读技工院校意愿"]) == ["是", "是"]
    at = page(CITY)
    assert list(at.dataframe[-1].value["姓名"]) == ["人p1", "人p3", "人p10"]
    at.checkbox(key="bl_pupils_wish").check().run()
    assert list(at.dataframe[-1].value["姓名"]) == ["人p1", "人p3"] and not at.exception
    school_page = page(Actor("xx", "institution", institution_id=world["technical_school"]))
    school_page.checkbox(key="bl_pupils_wish").check().run()
    assert list(school_page.dataframe[0].value["就读技工院校意愿"]) == ["是", "是"]
