"""Ledger import's bulk paths: index rebuild after a large load, and the two xlsx readers."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from portal.errors import UserError
from portal.ledger import importer, reader
from portal.ledger.importer import import_ledger
from portal.scope import SYSTEM
from tests.ledger_files import HEADER, english_words, ident, write_csv


def rows(first, last, county="望奎"):
    return [
        [i, f"人{i}", ident(i), county, f"镇{i % 3}", f"村{i % 7}", "", "13800000000", "是", ""]
        for i in range(first, last)
    ]


def indexes(db):
    return sorted(
        db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'workers'"
        ).fetchall()
    )


def test_a_large_import_keeps_the_indexes_working(db, tmp_path, monkeypatch):
    from portal.ledger import checking

    monkeypatch.setattr(checking, "CHUNK", 7)
    import_ledger(db, write_csv(tmp_path / "a.csv", rows(1, 5)), SYSTEM)
    schema = indexes(db)
    assert len(schema) >= 3 and any(r[0] == "workers_place" for r in schema)

    result = import_ledger(db, write_csv(tmp_path / "b.csv", rows(1, 60)), SYSTEM)

    assert (result.new, result.unchanged) == (55, 4)
    assert indexes(db) == schema
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # restored after the import
    plan = db.execute("EXPLAIN QUERY PLAN SELECT id FROM workers WHERE name = '人42'").fetchall()
    assert "workers_name" in str(plan)
    assert db.execute("SELECT id_number FROM workers WHERE name = '人42'").fetchone()[0] == ident(
        42
    )


def test_failure_during_a_load_leaves_schema_and_rows_as_before(db, tmp_path, monkeypatch):
    from portal.ledger import checking

    monkeypatch.setattr(checking, "CHUNK", 20)
    import_ledger(db, write_csv(tmp_path / "a.csv", rows(1, 3)), SYSTEM)
    snapshot = list(db.conn.iterdump())
    calls = []

    def boom(done, total):
        calls.append(done)
        if len(calls) == 2:  # one chunk written, a second on its way
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError):
        import_ledger(db, write_csv(tmp_path / "b.csv", rows(3, 100)), SYSTEM, progress=boom)
    assert list(db.conn.iterdump()) == snapshot
    assert db.execute("PRAGMA database_list").fetchall()[1:] == []  # no stage left attached
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def _xlsx(path):
    """Title rows above the header, an empty first row, and cells of every type."""
    wb = Workbook()
    ws = wb.active
    ws.append([])
    ws.append(["望奎县台账"])
    ws.append(HEADER + ["备注"])
    ws.append([1, "张三", ident(1), "望奎", "灵山乡", "东村", "", 13800000000, True, "", 5])
    ws.append([2, "李四", int(ident(2)), "望奎", "灵山乡", "东村"])  # ID stored as a number
    ws.append([])
    ws.append([3, "王五", ident(3), "望奎", "灵山乡", "东村", "女性", "12345", False])
    ws.append([4, "赵六", ident(4), "望奎", "灵山乡", "西村", "男", None, "也许", None, 2.5])
    ws.append([5, "钱七", ident(5), "望奎", "灵山乡", "西村", "", "", "", "", dt.date(2019, 3, 1)])
    ws.append([None, "审核人：孙七"])
    wb.save(path)
    return path


def _outcome(db, path):
    result = import_ledger(db, path, SYSTEM)
    stored = db.execute(
        f"SELECT id_number, {', '.join(importer.COLUMNS)} FROM workers ORDER BY id_number"
    ).fetchall()
    return (
        result.counts(),
        [(p.row, p.name, p.reason) for p in result.rejected_rows],
        sorted((p.row, p.reason) for p in result.warning_rows),
        [r[:6] + r[7:] for r in stored],  # area codes are numbered per database alike
    )


def test_calamine_reads_cell_types_as_the_checks_need(db_path, tmp_path):
    from portal import db as database

    path = _xlsx(tmp_path / "台账.xlsx")
    counts, rejected, warnings, stored = _outcome(database.connect(tmp_path / "fast.db"), path)
    assert counts["new"] == 4 and counts["skipped"] == 2
    assert rejected == [(5, "李四", rejected[0][2])] and "存成了数字" in rejected[0][2]
    assert [r for r, _ in warnings] == [7, 7, 8, 8]  # gender, phone; gender, "也许"
    notes = {r[0]: r[-2] for r in stored}
    assert notes[ident(1)] == "5" and notes[ident(5)] == "2019-03-01"


def test_a_broken_workbook_gets_a_chinese_explanation(tmp_path):
    fake = tmp_path / "x.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UserError, match="已损坏") as caught:
        reader.open_ledger(fake)
    assert english_words(str(caught.value), "x.xlsx") == []


def test_city_import_for_one_county_moves_a_worker_stored_in_another(db, tmp_path):
    from portal.scope import Actor

    city = Actor("city", "city", display_name="市局")
    import_ledger(db, write_csv(tmp_path / "a.csv", rows(1, 3, county="兰西")), city)
    result = import_ledger(
        db, write_csv(tmp_path / "b.csv", rows(2, 4, county="望奎")), city, county="望奎"
    )
    assert (result.new, result.updated, result.unchanged, result.rejected) == (1, 1, 0, 0)
    got = dict(db.execute("SELECT id_number, county_code FROM workers").fetchall())
    assert got == {ident(1): "231222", ident(2): "231221", ident(3): "231221"}


def _mixed_csv(path):
    """Good rows, every kind of rejection, a warning and a skipped line, over several chunks."""
    data = rows(1, 260)
    data[10][2] = ident(3)  # duplicate of row 3
    data[20][2] = "12345"  # bad length
    data[30][1] = ""  # no name
    data[40][3], data[40][4] = "兰西", ""  # a new county without its township
    data[50][7] = "电话坏了"  # phone dropped: a warning
    data.insert(60, ["", "", "", "", "", "", "", "", "", ""])  # blank: skipped
    return write_csv(path, data)


def test_a_checking_process_gives_what_checking_in_process_gives(tmp_path, monkeypatch):
    from portal import db as database
    from portal.ledger import checking

    path = _mixed_csv(tmp_path / "台账.csv")
    monkeypatch.setattr(checking, "CHUNK", 50)
    inline = _outcome(database.connect(tmp_path / "inline.db"), path)
    started = []
    real_start = checking._start
    monkeypatch.setattr(checking, "PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(checking, "_start", lambda *a: started.append(1) or real_start(*a))
    spawned = _outcome(database.connect(tmp_path / "process.db"), path)
    assert started == [1]
    assert spawned == inline
    counts, rejected, warnings, _ = inline
    assert (counts["rejected"], counts["skipped"], counts["warnings"]) == (4, 1, 1)


def test_a_checking_process_that_dies_leaves_nothing_written(db, tmp_path, monkeypatch):
    import os
    import signal

    from portal.errors import UserError
    from portal.ledger import checking

    import_ledger(db, write_csv(tmp_path / "a.csv", rows(1, 3)), SYSTEM)
    snapshot = list(db.conn.iterdump())
    monkeypatch.setattr(checking, "PROCESS_MIN_BYTES", 0)
    real_received = checking._received

    def killed_after_first_chunk(proc):
        for n, message in enumerate(real_received(proc)):
            yield message
            if n == 1:  # "start", then one chunk written: now the process dies
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()

    monkeypatch.setattr(checking, "_received", killed_after_first_chunk)
    # the checking process sends chunks of 10,000 rows: this file needs several
    path = write_csv(tmp_path / "big.csv", rows(3, 25_000))
    with pytest.raises(UserError, match="意外退出"):
        import_ledger(db, path, SYSTEM)
    assert list(db.conn.iterdump()) == snapshot


def test_a_file_broken_half_way_is_refused_whole_by_the_checking_process(db, tmp_path, monkeypatch):
    from portal.errors import UserError
    from portal.ledger import checking

    monkeypatch.setattr(checking, "PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(checking, "CHUNK", 10)
    path = write_csv(tmp_path / "a.csv", rows(1, 60), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    # a cell longer than the csv module's field limit, after 59 good rows: it gives up there
    path.write_text(text + '61,"人61' + "x" * 200_000 + '"\n', encoding="utf-8")
    snapshot = list(db.conn.iterdump())
    with pytest.raises(UserError, match="CSV"):
        import_ledger(db, path, SYSTEM)
    assert list(db.conn.iterdump()) == snapshot
