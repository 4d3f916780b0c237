import sqlite3
import threading

import pytest

from portal import db as database
from portal.errors import UserError


def test_migrations_applied_and_recorded(db_path):
    conn = sqlite3.connect(db_path)
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    assert "001_initial" in versions
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"workers", "sessions", "enrolments", "attendance", "audit_log", "users"} <= tables


def test_migrations_idempotent(db_path):
    db = database.connect(db_path)
    assert database.apply_migrations(db) == []


def test_counties_seeded(db):
    rows = list(db.query("SELECT code, name FROM areas WHERE level = 'county' ORDER BY code"))
    assert len(rows) == 10
    assert {"code": "231221", "name": "望奎县"} in rows
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_transaction_rolls_back_everything(db):
    with pytest.raises(RuntimeError):
        with database.transaction(db):
            db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
            db["settings"].insert(
                {"key": "b", "value": "2"}
            )  # sqlite-utils write joins the transaction
            raise RuntimeError("boom")
    assert db.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 0


def test_nested_transaction_joins_outer(db):
    with pytest.raises(RuntimeError):
        with database.transaction(db):
            with database.transaction(db):
                db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert db.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 0


def test_concurrent_writers_do_not_lose_writes(db_path):
    def work(n):
        conn = database.connect(db_path)
        for i in range(25):
            with database.transaction(conn):
                value = conn.execute(
                    "SELECT COALESCE(MAX(CAST(value AS INTEGER)), 0) FROM settings"
                ).fetchone()[0]
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)", [f"{n}-{i}", str(value + 1)]
                )
        conn.conn.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db = database.connect(db_path)
    assert db.execute("SELECT COUNT(*), MAX(CAST(value AS INTEGER)) FROM settings").fetchone() == (
        100,
        100,
    )


def test_backup_while_open(demo_db, tmp_path):
    out = database.backup(demo_db, tmp_path / "b" / "copy.db")
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (
        conn.execute("SELECT COUNT(*) FROM workers").fetchone()[0]
        == demo_db.execute("SELECT COUNT(*) FROM workers").fetchone()[0]
    )


def test_not_a_database_gives_chinese_message(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError, match="损坏或不是数据库"):
        database.connect(bad)
