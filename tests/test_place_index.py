"""The one place index on workers (migration 097) serves every query that filters on a place.

Each portal function that picks workers by township or village is run on the demo database
with every SQL statement it executes traced; each statement that reads ``workers`` is then
explained, and its plan must reach workers through an index, never a full SCAN of the table
or of one of its indexes (a SEARCH on the place codes).
"""

from __future__ import annotations

import re

import pytest

from portal import areas, coverage
from portal.baseline import census, pupils
from portal.ledger import lists, records
from portal.packs import batches
from portal.scope import Actor

CITY = Actor("t_city", "city", is_admin=True)


def _place(db) -> tuple[dict, dict, dict]:
    """The village with the most workers wanting training, its township and county."""
    code = db.execute(
        "SELECT village_code FROM workers WHERE wants_training = 'yes' "
        "GROUP BY village_code ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    village = areas.get(db, code)
    township = areas.get(db, village["parent_code"])
    return areas.get(db, township["parent_code"]), township, village


def _traced(db, call) -> list[str]:
    """Every statement ``call`` runs that reads the workers table, parameters bound."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        db.conn.set_trace_callback(None)
    return [s for s in seen if re.search(r"\b(FROM|JOIN)\s+workers\b", s, re.I)]


def _full_scans(db, sql: str) -> list[str]:
    plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert plan, sql
    # "SCAN w USING COVERING INDEX ..." walks every entry of the index: a full scan too.
    return [d for d in plan if re.fullmatch(r"SCAN (workers|w)( .*)?", d)]


def _calls(db):
    county, township, village = _place(db)
    own = Actor("t_county", "county", county_code=county["code"])
    path_t = areas.full_name(db, township["code"])
    path_v = areas.full_name(db, village["code"])
    return {
        "coverage.untrained_willing": lambda: coverage.untrained_willing(db, own, village["code"]),
        "lists.demand_list village": lambda: lists.demand_list(db, CITY, village=village["code"]),
        "lists.demand_list township": lambda: lists.demand_list(
            db, CITY, township=township["code"]
        ),
        "lists.demand_by_trade": lambda: lists.demand_by_trade(db, CITY, township=township["code"]),
        "lists.trainee_list": lambda: lists.trainee_list(db, CITY, village=village["code"]),
        "records.ledger_table village": lambda: records.ledger_table(
            db, CITY, village=village["code"]
        ),
        "records.ledger_table township": lambda: records.ledger_table(
            db, own, township=township["code"]
        ),
        "packs village": lambda: batches.select_workers(db, own, village=path_v),
        "packs township": lambda: batches.select_workers(db, CITY, township=path_t),
        "baseline census village": lambda: census.census(db, CITY, village["code"]),
        "baseline pupils township": lambda: pupils.pupil_list(db, CITY, township["code"]),
    }


@pytest.mark.parametrize(
    "name",
    [
        "coverage.untrained_willing",
        "lists.demand_list village",
        "lists.demand_list township",
        "lists.demand_by_trade",
        "lists.trainee_list",
        "records.ledger_table village",
        "records.ledger_table township",
        "packs village",
        "packs township",
        "baseline census village",
        "baseline pupils township",
    ],
)
def test_a_place_filter_reaches_workers_through_an_index(demo_db, name):
    census.forget()
    statements = _traced(demo_db, _calls(demo_db)[name])
    assert statements, f"{name} read no workers"
    place = [s for s in statements if re.search(r"(township|village)_code\s*=", s)]
    assert place, f"{name}: no statement filtered workers by a place"
    for sql in place:
        assert _full_scans(demo_db, sql) == [], sql


def test_the_four_place_indexes_are_one(demo_db):
    names = {
        r[0]
        for r in demo_db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'workers'"
        )
    }
    assert "workers_place" in names
    assert "workers_unregistered" in names
    assert not names & {"workers_village", "workers_township", "workers_county", "workers_coverage"}
    columns = [r[2] for r in demo_db.execute("PRAGMA index_info(workers_place)")]
    assert columns == [
        "county_code",
        "township_code",
        "village_code",
        "registered",
        "wants_training",
        "trained",
    ]


def test_a_filter_on_a_village_alone_would_scan_every_worker(demo_db):
    """Why the parent codes are added: without them the one index cannot be used."""
    _, _, village = _place(demo_db)
    sql = f"SELECT id FROM workers WHERE village_code = '{village['code']}'"
    assert _full_scans(demo_db, sql)
    more, params = areas.place_filter("", "village", village["code"])
    assert params == [village["code"][:6], village["code"][:9], village["code"]]
    rows = demo_db.execute(f"SELECT id FROM workers WHERE 1{more} ORDER BY id", params).fetchall()
    assert rows == demo_db.execute(f"{sql} ORDER BY id").fetchall() != []


def test_every_worker_row_has_codes_that_nest(demo_db):
    """place_filter derives the parents from the code's prefix: the demo rows must nest so."""
    bad = demo_db.execute(
        "SELECT COUNT(*) FROM workers WHERE substr(village_code, 1, 9) != township_code "
        "OR substr(township_code, 1, 6) != county_code"
    ).fetchone()[0]
    assert bad == 0


def test_the_workers_outside_the_ledger_are_counted_from_their_own_index(demo_db):
    """The baseline counts them for the city too: a search of the small partial index."""
    for where in ("", " AND w.county_code = '231221'"):
        sql = f"SELECT COUNT(*) FROM workers w WHERE w.registered = 0{where}"
        plan = " ".join(r[3] for r in demo_db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "SEARCH w USING COVERING INDEX workers_unregistered" in plan, plan
