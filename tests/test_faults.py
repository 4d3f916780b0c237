"""Faults the storage layer must survive: disk full, read-only files, backups under load."""

import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from build import ROOT
from portal import accounts
from portal import db as database
from portal.errors import UserError


def test_disk_full_is_a_clear_message_and_nothing_half_written(db):
    before = db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(UserError, match="磁盘空间已满"):
        with database.transaction(db):
            for i in range(2000):
                db.execute(
                    "INSERT INTO audit_log (at, actor, action, entity, after_json) VALUES ('t', 'x', 'y', 'z', ?)",
                    ["x" * 500 + str(i)],
                )
    assert db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == before


def test_read_only_database_is_a_clear_message(db):
    db.execute("PRAGMA query_only = ON")
    with pytest.raises(UserError, match="只读"):
        accounts.create_user(db, username="someone", password="qingzhou2019x", role="city")


def test_read_only_file_from_the_command_line(demo_db_path):
    if subprocess.run(["chattr", "+i", str(demo_db_path)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a file immutable")
    try:
        proc = subprocess.run(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "add-user",
                "newuser1",
                "--role",
                "city",
                "--password",
                "qingzhou2019x",
                "--db",
                str(demo_db_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        subprocess.run(["chattr", "-i", str(demo_db_path)], check=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "只读" in proc.stderr or "无法打开" in proc.stderr or "WAL" in proc.stderr


def test_backup_during_writes_holds_every_committed_row(db_path, tmp_path):
    stop = threading.Event()
    committed = []

    def writer():
        conn = database.connect(db_path)
        i = 0
        while not stop.is_set():
            with database.transaction(conn):
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)", [f"k{i:06d}", "v" * 200]
                )
            committed.append(i)
            i += 1
        conn.conn.close()

    threads = [threading.Thread(target=writer)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    db = database.connect(db_path)
    before_backup = len(committed)
    out = database.backup(db, tmp_path / "b.db")
    stop.set()
    for t in threads:
        t.join()
    restored = sqlite3.connect(out)
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    keys = [r[0] for r in restored.execute("SELECT key FROM settings ORDER BY key")]
    assert len(keys) >= before_backup > 0
    assert keys == [f"k{i:06d}" for i in range(len(keys))]  # a prefix: nothing committed is missing
    # restoring = copying the file back; the restored file opens, migrates and is usable
    restored.close()
    back = database.connect(out)
    assert back.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] >= 1
