"""The three lists, targets, ledger edits and coverage against the hand-counted fixture.

Fixture (tests/ledger_fixture.py), 望奎县: 镇甲/村甲一 w1 willing+completed, w2 willing+enrolled,
w3 willing, w4 not willing, w5 unknown+completed; 镇甲/村甲二 w6 willing+completed twice, w7
willing+withdrawn; 镇乙/村乙一 w8 willing. 兰西县: w9 willing+completed, w10 willing.
Completed sessions: s1 (望奎, 镇甲, 村甲一, 家政), s2 (望奎, 镇甲, 实用), s4 (兰西); s3 published.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from portal import clock, coverage
from portal.errors import ScopeError, UserError
from portal.ledger import lists, records, targets
from portal.scope import Actor
from tests import ledger_fixture

WANGKUI = Actor("wk", "county", county_code="231221", display_name="望奎县")
LANXI = Actor("lx", "county", county_code="231222", display_name="兰西县")
CITY = Actor("city", "city", display_name="市局")
INSTITUTION = Actor("jg", "institution", institution_id=1)


@pytest.fixture
def world(db):
    return ledger_fixture.build(db)


def cells(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_a_limited_demand_list_holds_the_first_rows_and_counts_them_all(db, world):
    """The page shows 2,000 rows of a county's list: it holds those and counts the rest."""
    whole = lists.demand_list(db, WANGKUI)
    first = lists.demand_list(db, WANGKUI, limit=2)
    assert first.rows == whole.rows[:2] and first.count == len(whole.rows) == 4
    assert lists.demand_list(db, WANGKUI, limit=10).count == 4
    assert first.records(1) == whole.records()[:1]


def test_demand_list(db, world):
    table = lists.demand_list(db, WANGKUI)
    names = [r[3] for r in table.rows]
    assert sorted(names) == ["人w2", "人w3", "人w7", "人w8"]
    by_name = {r[3]: r for r in table.rows}
    assert by_name["人w2"][9] == "已报名" and by_name["人w7"][9] == "未报名"
    assert by_name["人w3"][6] == world["w3_id"]  # county staff see the full number
    city = lists.demand_list(db, CITY)
    assert len(city.rows) == 5
    assert {r[6] for r in city.rows} == {
        "231221********" + world[k][-4:] for k in ("w2_id", "w3_id", "w7_id", "w8_id")
    } | {"231222********" + world["w10_id"][-4:]}
    assert [r[3] for r in lists.demand_list(db, CITY, county="兰西").rows] == ["人w10"]
    assert [r[3] for r in lists.demand_list(db, WANGKUI, county="兰西").rows] == []
    assert sorted(r[3] for r in lists.demand_list(db, WANGKUI, trade="育婴").rows) == [
        "人w2",
        "人w7",
    ]
    assert [r[3] for r in lists.demand_list(db, WANGKUI, village=world["b1"]).rows] == ["人w8"]
    assert lists.demand_list(db, WANGKUI, trade="%").rows == []
    with pytest.raises(ScopeError):
        lists.demand_list(db, INSTITUTION)
    summary = lists.demand_by_trade(db, WANGKUI)
    assert summary.rows == [
        ("望奎县", "镇甲", "育婴员", 2),
        ("望奎县", "镇甲", "家政服务员", 1),
        ("望奎县", "镇乙", "未填", 1),
    ]


def test_trainee_list_and_download(db, world):
    table = lists.trainee_list(db, WANGKUI)
    assert len(table.rows) == 6
    done = lists.trainee_list(db, WANGKUI, status="completed")
    assert sorted(r[0] for r in done.rows) == ["人w1", "人w5", "人w6", "人w6"]
    jia = lists.trainee_list(db, WANGKUI, campaign="jiazheng")
    assert sorted(r[0] for r in jia.rows) == ["人w1", "人w2", "人w5", "人w6"]
    late = lists.trainee_list(db, WANGKUI, date_from="2019-06-01")
    assert sorted(r[0] for r in late.rows) == ["人w2", "人w6", "人w7"]
    assert len(lists.trainee_list(db, LANXI).rows) == 1
    city = lists.trainee_list(db, CITY)
    assert len(city.rows) == 7 and all("*" in r[1] for r in city.rows)
    got = cells(done.xlsx())
    assert got[0][0] == "参训人员清单"
    assert got[1] == list(lists.TRAINEE_HEADERS)
    assert [list(r) for r in done.rows] == got[2:]
    assert got[2][1] == world[{"人w1": "w1_id", "人w5": "w5_id", "人w6": "w6_id"}[got[2][0]]]


def test_targets_and_task_list(db, world, monkeypatch):
    # before s3's last day (2019-07-05): s3 is published, nobody completed, so not yet held
    monkeypatch.setattr(clock, "today", lambda: dt.date(2019, 6, 25))
    targets.set_target(db, WANGKUI, year=2019, county="望奎县", target=5)
    targets.set_target(
        db, WANGKUI, year=2019, county="望奎县", institution_id=world["i1"], target=3
    )
    targets.set_target(
        db,
        WANGKUI,
        year=2019,
        county="望奎县",
        township_code=world["a"],
        campaign_code="jiazheng",
        target=3,
    )
    tid = targets.set_target(
        db, WANGKUI, year=2019, county="望奎县", township_code=world["b"], target=2
    )
    assert (
        targets.set_target(
            db, WANGKUI, year=2019, county="望奎县", township_code=world["b"], target=1
        )
        == tid
    )  # same key: updated
    targets.set_target(db, LANXI, year=2019, county="兰西", target=1)
    rows = targets.progress(db, WANGKUI)
    assert [(r["target"], r["trained"], r["sessions_held"], r["met"]) for r in rows] == [
        (5, 3, 2, False),
        (3, 3, 2, True),
        (3, 3, 1, True),
        (1, 0, 0, False),
    ]
    table = targets.task_list(db, CITY)
    assert len(table.rows) == 5 and table.rows[0][7] == "60%"
    got = cells(table.xlsx())
    assert got[2] == [2019, "望奎县", "全部", "全部", "全部", 5, 3, "60%", 2, "未完成"]
    audit = list(db.query("SELECT action FROM audit_log WHERE entity = 'targets' ORDER BY id"))
    assert [a["action"] for a in audit] == ["create"] * 4 + ["update", "create"]
    with pytest.raises(ScopeError):
        targets.set_target(db, WANGKUI, year=2019, county="兰西", target=1)
    with pytest.raises(ScopeError):
        targets.set_target(db, CITY, year=2019, county="兰西", target=1)
    with pytest.raises(UserError, match="乡镇"):
        targets.set_target(
            db, WANGKUI, year=2019, county="望奎", township_code=world["c"], target=1
        )
    with pytest.raises(UserError, match="目标人数"):
        targets.set_target(db, WANGKUI, year=2019, county="望奎", target=-1)
    targets.delete_target(db, WANGKUI, tid)
    assert len(targets.progress(db, WANGKUI)) == 3


def test_coverage_drill_down(db, world):
    targets.set_target(db, WANGKUI, year=2019, county="望奎县", target=5)
    targets.set_target(
        db,
        WANGKUI,
        year=2019,
        county="望奎县",
        township_code=world["a"],
        campaign_code="jiazheng",
        target=3,
    )
    targets.set_target(db, WANGKUI, year=2019, county="望奎县", township_code=world["b"], target=1)
    city = {r["name"]: r for r in coverage.area_summary(db)}
    assert len(city) == 10
    wk = city["望奎县"]
    assert (wk["workers"], wk["willing"], wk["trained"], wk["trained_willing"]) == (8, 6, 3, 2)
    assert wk["coverage"] == pytest.approx(2 / 6)
    # s3 is only published, but its last day has passed: held, as the reports count it
    assert (wk["sessions_held"], wk["targets"], wk["targets_met"]) == (3, 3, 1)
    lx = city["兰西县"]
    assert (lx["workers"], lx["willing"], lx["trained_willing"], lx["sessions_held"]) == (
        2,
        2,
        1,
        1,
    )
    assert city["海伦市"]["coverage"] is None and city["海伦市"]["workers"] == 0
    towns = {r["name"]: r for r in coverage.area_summary(db, "231221")}
    assert (
        towns["镇甲"]["workers"],
        towns["镇甲"]["willing"],
        towns["镇甲"]["trained"],
        towns["镇甲"]["trained_willing"],
        towns["镇甲"]["sessions_held"],
    ) == (7, 5, 3, 2, 2)
    assert (towns["镇甲"]["targets"], towns["镇甲"]["targets_met"]) == (1, 1)
    assert (towns["镇乙"]["willing"], towns["镇乙"]["coverage"], towns["镇乙"]["targets_met"]) == (
        1,
        0,
        0,
    )
    assert towns["镇乙"]["sessions_held"] == 1  # s3
    villages = {r["name"]: r for r in coverage.area_summary(db, world["a"])}
    assert (
        villages["村甲一"]["workers"],
        villages["村甲一"]["willing"],
        villages["村甲一"]["trained"],
        villages["村甲一"]["trained_willing"],
        villages["村甲一"]["sessions_held"],
    ) == (5, 3, 2, 1, 1)
    assert villages["村甲二"]["coverage"] == 0.5 and villages["村甲二"]["sessions_held"] == 0
    total = coverage.totals(list(city.values()))
    assert (total["workers"], total["willing"], total["trained_willing"]) == (10, 8, 3)
    # the public summary keeps its keys and agrees
    public = {r["county"]: r for r in coverage.county_summary(db)}
    assert public["望奎县"]["trained_willing"] == 2 and public["望奎县"]["sessions_held"] == 3
    visit = coverage.untrained_willing(db, WANGKUI, world["a1"])
    assert [(r[0], r[7]) for r in visit.rows] == [("人w2", "已报名"), ("人w3", "未报名")]
    assert visit.rows[0][3] == world["w2_id"]
    assert "*" in coverage.untrained_willing(db, CITY, world["a1"]).rows[0][3]
    with pytest.raises(ScopeError):
        coverage.untrained_willing(db, LANXI, world["a1"])
    with pytest.raises(UserError):
        coverage.untrained_willing(db, WANGKUI, world["a"])


def test_ledger_table_and_audited_edit(db, world):
    table = records.ledger_table(db, WANGKUI)
    assert len(table.rows) == 8 and table.rows[0][4] == world["w1_id"]
    assert len(records.ledger_table(db, CITY).rows) == 10
    assert all("*" in r[4] for r in records.ledger_table(db, CITY).rows)
    assert [r[1] for r in records.ledger_table(db, WANGKUI, search="w6").rows] == ["人w6"]
    assert [r[1] for r in records.ledger_table(db, WANGKUI, search=world["w3_id"][-4:]).rows] == [
        "人w3"
    ]
    assert records.ledger_table(db, WANGKUI, search="人w9").rows == []  # other county
    assert records.ledger_table(db, WANGKUI, search="%").rows == []
    changed = records.update_worker(
        db,
        WANGKUI,
        world["w3"],
        {
            "phone": "0455-8123456",
            "wants_training": "no",
            "village": "村甲二",
            "notes": "<b>x</b>",
            "name": "人w3",
        },
    )
    assert set(changed) == {"phone", "wants_training", "village_code", "notes"}
    w = records.get_worker(db, WANGKUI, world["w3"])
    assert (w["phone"], w["village"], w["notes"], w["id_number"]) == (
        "0455-8123456",
        "村甲二",
        "<b>x</b>",
        world["w3_id"],
    )
    assert "*" in records.get_worker(db, CITY, world["w3"])["id_number"]
    log = list(db.query("SELECT * FROM audit_log WHERE entity = 'workers'"))
    assert (
        len(log) == 1
        and log[0]["actor"] == "wk"
        and '"wants_training": "yes"' in log[0]["before_json"]
    )
    assert records.update_worker(db, WANGKUI, world["w3"], {"phone": "0455-8123456"}) == {}
    with pytest.raises(UserError, match="联系电话"):
        records.update_worker(db, WANGKUI, world["w3"], {"phone": "123"})
    with pytest.raises(UserError, match="不能在这里修改"):
        records.update_worker(db, WANGKUI, world["w3"], {"id_number": "1"})
    with pytest.raises(ScopeError):
        records.update_worker(db, LANXI, world["w3"], {"phone": "13900000000"})
    with pytest.raises(ScopeError):
        records.update_worker(db, CITY, world["w3"], {"phone": "13900000000"})
    with pytest.raises(ScopeError):
        records.get_worker(db, LANXI, world["w3"])
    assert len(list(db.query("SELECT * FROM audit_log WHERE entity = 'workers'"))) == 1


def test_progress_follows_every_change(db, db_path, world):
    """Target progress is cached until the database changes, by this connection or another."""
    import sqlite3

    targets.set_target(db, WANGKUI, year=2019, county="望奎县", target=4)
    assert targets.progress(db, WANGKUI)[0]["trained"] == 3
    # another connection completes w3 in s2
    other = sqlite3.connect(db_path)
    other.execute(
        "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) "
        "VALUES (?, ?, 'completed', 'now', 't')",
        [world["s2"], world["w3"]],
    )
    other.commit()
    other.close()
    row = targets.progress(db, WANGKUI)[0]
    assert (row["trained"], row["met"]) == (4, True)
    # this connection withdraws it again; the trigger clears the worker's trained flag too
    db.execute("UPDATE enrolments SET status = 'withdrawn' WHERE worker_id = ?", [world["w3"]])
    assert targets.progress(db, WANGKUI)[0]["trained"] == 3
    assert db.execute("SELECT trained FROM workers WHERE id = ?", [world["w3"]]).fetchone() == (0,)
    wk = next(r for r in coverage.area_summary(db) if r["name"] == "望奎县")
    assert wk["trained"] == 3 and wk["targets_met"] == 0


@pytest.fixture
def counted(monkeypatch):
    """The counties achieved.counts had to count again, call by call."""
    from portal.ledger import achieved

    achieved.forget()
    calls: list[str] = []
    real = achieved._count

    def spy(db, county, shapes):
        calls.append(county)
        return real(db, county, shapes)

    monkeypatch.setattr(achieved, "_count", spy)
    return calls


def _trained(db) -> dict[str, int]:
    return {r["county_code"]: r["trained"] for r in targets.progress(db, CITY)}


def test_a_change_recounts_only_its_own_county(db, world, counted):
    targets.set_target(db, WANGKUI, year=2019, county="望奎县", target=4)
    targets.set_target(db, LANXI, year=2019, county="兰西县", target=2)
    assert _trained(db) == {"231221": 3, "231222": 1}
    assert sorted(counted) == ["231221", "231222"]
    counted.clear()
    assert _trained(db) == {"231221": 3, "231222": 1} and counted == []
    # w10 completes s4 in 兰西: only 兰西 is counted again
    db.execute(
        "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) "
        "VALUES (?, ?, 'completed', 'now', 't')",
        [world["s4"], world["w10"]],
    )
    assert _trained(db) == {"231221": 3, "231222": 2} and counted == ["231222"]
    counted.clear()
    # a workers-only write (an import, a note) leaves every count standing
    db.execute("UPDATE workers SET notes = 'x' WHERE id = ?", [world["w1"]])
    assert _trained(db) == {"231221": 3, "231222": 2} and counted == []
    # s1 moves to the next year: only w6 (who also completed s2) still counts for 2019
    db.execute("UPDATE sessions SET end_date = '2020-01-10' WHERE id = ?", [world["s1"]])
    assert _trained(db)["231221"] == 1 and counted == ["231221"]
    counted.clear()
    # a session cancelled after the fact no longer counts
    db.execute("UPDATE sessions SET status = 'cancelled' WHERE id = ?", [world["s4"]])
    assert _trained(db)["231222"] == 0
    # a course moving to another campaign touches every county
    counted.clear()
    course = db.execute("SELECT course_code FROM sessions WHERE id = ?", [world["s2"]]).fetchone()
    db.execute("UPDATE courses SET campaign_code = 'jiazheng' WHERE code = ?", course)
    targets.progress(db, CITY)
    assert sorted(counted) == ["231221", "231222"]


def test_counts_are_shared_between_connections_but_not_between_databases(
    tmp_path, db, db_path, world, counted
):
    targets.set_target(db, WANGKUI, year=2019, county="望奎县", target=4)
    targets.count_in_background(db_path).join(timeout=30)
    assert counted == ["231221"]
    # a new session's connection reuses what the start-up thread counted
    from portal import db as database

    other = database.connect(db_path)
    assert targets.progress(other, WANGKUI)[0]["trained"] == 3 and counted == ["231221"]
    other.conn.close()
    # another database file at the same place is counted for itself
    db.conn.close()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"portal.db{suffix}").unlink(missing_ok=True)
    fresh = database.connect(db_path)
    ledger_fixture.build(fresh)
    targets.set_target(fresh, WANGKUI, year=2019, county="望奎县", target=4)
    fresh.execute("DELETE FROM enrolments WHERE status = 'completed' AND worker_id = 1")
    assert targets.progress(fresh, WANGKUI)[0]["trained"] == 2
    fresh.conn.close()
