"""The per-village coverage counts (migration 070) and the baseline counts per township
(migration 095) stay equal to a recount after every write.

Every kind of write that touches what the counts hold is done through the code that does it
for users: a ledger import (new people, and a re-import that moves people and changes their
wish), a ledger edit, recording an unregistered person, enrolment, completion by attendance
and its correction, withdrawal, and deletions (no page deletes a worker or an enrolment, so
those are plain SQL, to hold the triggers to it too). After each, the stored counts are
compared with counting the workers table, and the coverage views with the views computed
from that recount; the 摸清底数 figures of the city and of 望奎县, read from the kept
counts, must equal the same figures counted from the ledger itself.
"""

from __future__ import annotations

from unittest import mock

import pytest
from ledger_files import ident, write_csv
from portal_support import actor, enrol, session_form, workers_in

from portal import attendance, coverage, enrolment, sessions
from portal import db as database
from portal import workers as workers_mod
from portal.baseline import census, kept
from portal.db import one
from portal.ledger import records
from portal.ledger.importer import import_ledger
from portal.scope import SYSTEM

WANGKUI = "231221"

RECOUNT = """
SELECT county_code, township_code, village_code, COUNT(*) AS workers,
       SUM(wants_training = 'yes') AS willing, SUM(trained) AS trained,
       SUM(wants_training = 'yes' AND trained) AS trained_willing
FROM workers WHERE registered = 1
GROUP BY county_code, township_code, village_code
"""
FIELDS = ("workers", "willing", "trained", "trained_willing")


def stored(db) -> dict:
    """The kept counts, leaving out villages whose registered workers have all gone."""
    return {
        (r["county_code"], r["township_code"], r["village_code"]): tuple(r[f] for f in FIELDS)
        for r in db.query("SELECT * FROM area_counts")
        if any(r[f] for f in FIELDS)
    }


def recounted(db) -> dict:
    return {
        (r["county_code"], r["township_code"], r["village_code"]): tuple(r[f] for f in FIELDS)
        for r in db.query(RECOUNT)
    }


def assert_baseline_right(db) -> None:
    """The city's and a county's baseline from the kept counts equals the one counted from
    the ledger (the GROUP BY pass used for any other day)."""
    assert kept.is_current(db, census.default_date())
    assert db.execute(
        "SELECT COUNT(*) FROM baseline_counts WHERE MIN(workers, women, train_yes, train_no, "
        "job_yes, job_no, lhs, school_yes, lhs_school_yes) < 0"
    ).fetchone() == (0,)
    assert db.execute("SELECT COUNT(*) FROM baseline_trades WHERE untrained < 0").fetchone() == (0,)
    for code in (None, WANGKUI):
        from_kept = census.census(db, SYSTEM, code)
        census.forget()
        with mock.patch.object(census, "_kept", return_value=False):
            from_ledger = census.census(db, SYSTEM, code)
        assert from_kept == from_ledger, code


def assert_counts_right(db) -> None:
    assert_baseline_right(db)
    assert stored(db) == recounted(db)
    assert all(r[f] >= 0 for r in db.query("SELECT * FROM area_counts") for f in FIELDS)
    # The views read the kept counts; summed from the recount they must say the same.
    truth = recounted(db)
    by_county: dict[str, list[int]] = {}
    for (county, _, _), values in truth.items():
        sums = by_county.setdefault(county, [0, 0, 0, 0])
        for i, v in enumerate(values):
            sums[i] += v
    for row in coverage.area_summary(db):
        expected = by_county.get(row["code"], [0, 0, 0, 0])
        assert [row[f] for f in FIELDS] == expected, row["name"]
    for row in coverage.county_summary(db):
        expected = by_county.get(row["county_code"], [0, 0, 0, 0])
        assert [row[f] for f in FIELDS] == expected, row["county"]
    for township in db.query(
        "SELECT code FROM areas WHERE level = 'township' AND parent_code = ?", [WANGKUI]
    ):
        for row in coverage.area_summary(db, township["code"]):
            expected = truth.get((WANGKUI, township["code"], row["code"]), (0, 0, 0, 0))
            assert tuple(row[f] for f in FIELDS) == expected, row["name"]


@pytest.fixture
def wangkui(demo_db):
    """Two villages of 望奎县 from the demo data, by name and code."""
    rows = list(
        demo_db.query(
            "SELECT t.name AS township, v.name AS village, v.code, t.code AS township_code "
            "FROM areas v JOIN areas t ON t.code = v.parent_code "
            "WHERE t.parent_code = ? ORDER BY v.code LIMIT 2",
            [WANGKUI],
        )
    )
    return rows


def test_counts_start_equal_to_a_recount(demo_db):
    assert stored(demo_db)  # the demo data has registered workers in many villages
    assert_counts_right(demo_db)


def test_import_and_reimport_keep_the_counts(demo_db, tmp_path, wangkui):
    first, second = wangkui
    people = [ident(700_000 + i) for i in range(30)]
    rows = [
        [i + 1, f"测试{i}", n, "望奎", first["township"], first["village"], "", "", "是", ""]
        for i, n in enumerate(people)
    ]
    import_ledger(demo_db, write_csv(tmp_path / "a.csv", rows), SYSTEM)
    assert_counts_right(demo_db)
    assert stored(demo_db)[(WANGKUI, first["township_code"], first["code"])][1] >= 30
    # Re-import: ten move to the second village, ten say they no longer want training.
    for row in rows[:10]:
        row[4], row[5] = second["township"], second["village"]
    for row in rows[10:20]:
        row[8] = "否"
    result = import_ledger(demo_db, write_csv(tmp_path / "b.csv", rows), SYSTEM)
    assert result.updated == 20 and result.unchanged == 10
    assert_counts_right(demo_db)


def test_ledger_edit_and_unregistered_person_keep_the_counts(demo_db, wangkui):
    staff = actor(demo_db, "wangkui_staff")
    first, second = wangkui
    wid = one(
        demo_db,
        "SELECT id FROM workers WHERE village_code = ? AND registered = 1 "
        "AND wants_training = 'yes' LIMIT 1",
        [first["code"]],
    )["id"]
    changed = records.update_worker(
        demo_db,
        staff,
        wid,
        {"township": second["township"], "village": second["village"], "wants_training": "no"},
    )
    assert changed["village_code"] == second["code"]
    assert_counts_right(demo_db)
    before = stored(demo_db)
    workers_mod.record_unregistered(  # county staff record them; institutions submit a request
        demo_db,
        staff,
        id_number=ident(800_001),
        name="未建档者",
        township_code=first["township_code"],
        village_code=first["code"],
    )
    assert stored(demo_db) == before  # 未建档 people are not in the coverage counts
    assert_counts_right(demo_db)


def test_enrolment_completion_correction_and_withdrawal_keep_the_counts(demo_db):
    inst = actor(demo_db, "jigou_wangkui")
    sid = sessions.create(demo_db, inst, session_form(demo_db, WANGKUI))
    sessions.publish(demo_db, inst, sid)
    wids = workers_in(demo_db, WANGKUI, 3)
    eids = [enrol(demo_db, inst, sid, w) for w in wids]
    assert_counts_right(demo_db)
    session = sessions.get(demo_db, inst, sid)
    days = sessions.session_days(session)
    trained_before = sum(v[2] for v in stored(demo_db).values())
    for day in days:
        attendance.mark_all_present(demo_db, inst, sid, day)
    assert sum(v[2] for v in stored(demo_db).values()) == trained_before + 3
    assert_counts_right(demo_db)
    attendance.mark(demo_db, inst, sid, days[0], {eids[0]: False})  # completion taken back
    assert sum(v[2] for v in stored(demo_db).values()) == trained_before + 2
    assert_counts_right(demo_db)
    sid2 = sessions.create(demo_db, inst, session_form(demo_db, WANGKUI))
    sessions.publish(demo_db, inst, sid2)
    other = enrol(demo_db, inst, sid2, workers_in(demo_db, WANGKUI, 1)[0])
    enrolment.withdraw(demo_db, inst, other, "外出务工")
    assert_counts_right(demo_db)


def test_deletions_keep_the_counts(demo_db, tmp_path, wangkui):
    done = one(
        demo_db,
        "SELECT e.id, e.worker_id FROM enrolments e JOIN workers w ON w.id = e.worker_id "
        "WHERE e.status = 'completed' AND w.registered = 1 AND w.trained = 1 AND NOT EXISTS "
        "(SELECT 1 FROM enrolments o WHERE o.worker_id = e.worker_id AND o.id != e.id "
        "AND o.status = 'completed') LIMIT 1",
    )
    assert done
    with database.transaction(demo_db):
        for table in ("attendance", "enrolment_events", "card_signoffs"):
            demo_db.execute(f"DELETE FROM {table} WHERE enrolment_id = ?", [done["id"]])
        demo_db.execute("DELETE FROM enrolments WHERE id = ?", [done["id"]])
    assert one(demo_db, "SELECT trained FROM workers WHERE id = ?", [done["worker_id"]]) == {
        "trained": 0
    }
    assert_counts_right(demo_db)
    first, _ = wangkui
    numbers = [ident(750_000 + i) for i in range(4)]
    rows = [
        [i + 1, f"测试{i}", n, "望奎", first["township"], first["village"], "", "", "是", ""]
        for i, n in enumerate(numbers)
    ]
    import_ledger(demo_db, write_csv(tmp_path / "d.csv", rows), SYSTEM)
    with database.transaction(demo_db):
        demo_db.execute(
            f"DELETE FROM workers WHERE id_number IN ({', '.join('?' * len(numbers))})", numbers
        )
    assert_counts_right(demo_db)


def test_a_failed_import_leaves_the_counts_as_they_were(demo_db, tmp_path, wangkui, monkeypatch):
    first, _ = wangkui
    before = stored(demo_db)
    rows = [
        [i + 1, f"测试{i}", ident(900_000 + i), "望奎", first["township"], first["village"], "",
         "", "是", ""]
        for i in range(5)
    ]  # fmt: skip
    from portal.ledger import importer

    def fail(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(importer.audit, "record", fail)
    with pytest.raises(RuntimeError):
        import_ledger(demo_db, write_csv(tmp_path / "c.csv", rows), SYSTEM)
    assert stored(demo_db) == before
    assert_counts_right(demo_db)
