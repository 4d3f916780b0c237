"""New townships and villages from a ledger get the codes ``areas.ensure_child`` gives.

The importer numbers new places itself (one query per parent, not two per place); these tests
hold it to the rule of ``ensure_child``: the next three-digit number under the parent, in the
order the places first appear, after whatever the parent already has, and never past 999.
"""

from __future__ import annotations

import pytest

from portal import areas
from portal import db as database
from portal.db import transaction
from portal.errors import UserError
from portal.ledger.importer import import_ledger
from portal.scope import SYSTEM
from tests.ledger_files import ident, write_csv

WANGKUI = "231221"


def _row(i, township, village, county="望奎"):
    return [i, f"人{i}", ident(i), county, township, village, "", "13800000000", "是", ""]


def _codes(db) -> dict[tuple[str, str], str]:
    return {
        (parent, name): code
        for code, parent, name in db.execute(
            "SELECT code, parent_code, name FROM areas WHERE level IN ('township', 'village')"
        ).fetchall()
    }


def test_new_places_are_numbered_as_ensure_child_numbers_them(db, tmp_path):
    with transaction(db):
        town = areas.ensure_child(db, WANGKUI, "老镇", "township")
        areas.ensure_child(db, town, "老村", "village")
        areas.ensure_child(db, town, "二村", "village")
    data = [
        _row(1, "新镇", "甲村"),
        _row(2, "老镇", "老村"),  # known: keeps its code
        _row(3, "老镇", "三村"),  # new under a known township: after 002
        _row(4, "新镇", "乙村"),
        _row(5, "后镇", "甲村"),  # a village name used under another township
        _row(6, "新镇", "甲村"),
    ]
    result = import_ledger(db, write_csv(tmp_path / "a.csv", data), SYSTEM)
    assert result.new == 6

    codes = _codes(db)
    assert codes[(WANGKUI, "老镇")] == town == f"{WANGKUI}001"
    assert codes[(WANGKUI, "新镇")] == f"{WANGKUI}002"
    assert codes[(WANGKUI, "后镇")] == f"{WANGKUI}003"
    assert codes[(town, "三村")] == f"{town}003"
    assert codes[(f"{WANGKUI}002", "甲村")] == f"{WANGKUI}002001"
    assert codes[(f"{WANGKUI}002", "乙村")] == f"{WANGKUI}002002"
    assert codes[(f"{WANGKUI}003", "甲村")] == f"{WANGKUI}003001"
    placed = dict(db.execute("SELECT id_number, village_code FROM workers").fetchall())
    assert placed[ident(2)] == f"{town}001"
    assert placed[ident(6)] == placed[ident(1)] == f"{WANGKUI}002001"

    # The same file into a fresh database, places made one by one by ensure_child, in the
    # order the rows name them: the same codes.
    fresh = database.connect(tmp_path / "fresh.db")
    try:
        with transaction(fresh):
            t = areas.ensure_child(fresh, WANGKUI, "老镇", "township")
            areas.ensure_child(fresh, t, "老村", "village")
            areas.ensure_child(fresh, t, "二村", "village")
            for row in data:
                t = areas.ensure_child(fresh, WANGKUI, row[4], "township")
                areas.ensure_child(fresh, t, row[5], "village")
        assert _codes(fresh) == codes
    finally:
        fresh.conn.close()


def test_a_second_import_continues_the_numbering(db, tmp_path):
    import_ledger(db, write_csv(tmp_path / "a.csv", [_row(1, "一镇", "一村")]), SYSTEM)
    import_ledger(
        db,
        write_csv(tmp_path / "b.csv", [_row(1, "一镇", "一村"), _row(2, "一镇", "二村")]),
        SYSTEM,
    )
    import_ledger(db, write_csv(tmp_path / "c.csv", [_row(3, "二镇", "一村")]), SYSTEM)
    codes = _codes(db)
    assert codes[(f"{WANGKUI}001", "二村")] == f"{WANGKUI}001002"
    assert codes[(WANGKUI, "二镇")] == f"{WANGKUI}002"
    assert codes[(f"{WANGKUI}002", "一村")] == f"{WANGKUI}002001"


def test_the_thousandth_village_of_a_township_is_refused_and_nothing_is_written(db, tmp_path):
    with transaction(db):
        town = areas.ensure_child(db, WANGKUI, "大镇", "township")
        db.execute(
            "INSERT INTO areas (code, name, level, parent_code) VALUES (?, '末村', 'village', ?)",
            [f"{town}999", town],
        )
    snapshot = list(db.conn.iterdump())
    path = write_csv(tmp_path / "a.csv", [_row(1, "小镇", "一村"), _row(2, "大镇", "新村")])
    with pytest.raises(UserError, match="超过999个"):
        import_ledger(db, path, SYSTEM)
    assert list(db.conn.iterdump()) == snapshot  # not even 小镇, created before the refusal


def test_ensure_child_outside_a_transaction_commits_and_leaves_none_open(db):
    """Callers outside an import (the demo, test kits) rely on the write being committed:
    a transaction left open would swallow their next ``transaction()`` and its rollback."""
    town = areas.ensure_child(db, WANGKUI, "单镇", "township")
    assert not db.conn.in_transaction
    assert db.execute("SELECT name FROM areas WHERE code = ?", [town]).fetchone() == ("单镇",)
