"""The one data layer: opening the SQLite file, migrations, and transactions.

Why the care: several portal sessions, an import and a site build may touch the file at the
same moment, and a county's ledger must never be left half-written by a crash or a kill.
So: WAL (readers never block the writer), foreign keys on, a generous busy timeout, and
every user action wrapped in ``transaction()``, which takes the write lock up front
(``BEGIN IMMEDIATE``) so that a read-then-write (a capacity check, say) cannot be
overtaken by another writer between its read and its write.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from portal.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "db" / "migrations"
DEFAULT_DB = ROOT / "db" / "portal.db"
BUSY_TIMEOUT_MS = 30_000


def default_path() -> Path:
    """``PORTAL_DB`` wins so that tests, benchmarks and deployments can point elsewhere."""
    return Path(os.environ.get("PORTAL_DB") or DEFAULT_DB)


def connect(path: str | Path | None = None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (and by default migrate) the database; one connection per caller, never shared."""
    path = Path(path) if path else default_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise UserError(explain(exc, path)) from exc
    if mode.lower() != "wal" and not _read_only(path):
        conn.close()
        raise UserError(f"无法以 WAL 模式打开数据库 {path}，请检查文件权限。")
    # execute_plugins=False: sqlite-utils would otherwise read every installed package's
    # metadata for its plugins on the first connection of each process (about 35 ms of every
    # build.py call, with loading importlib.metadata for it); this project uses none.
    db = sqlite_utils.Database(conn, execute_plugins=False)
    if migrate:
        apply_migrations(db)
    return db


def _read_only(path: Path) -> bool:
    return path.exists() and not os.access(path, os.W_OK)


def explain(exc: BaseException, path: str | Path | None = None) -> str:
    """Turn SQLite's English into one Chinese sentence that says what to do."""
    text = str(exc).lower()
    where = f"（{path}）" if path else ""
    if "readonly" in text or "read-only" in text or "permission" in text:
        return f"数据库文件是只读的{where}，无法保存。请检查文件和所在目录的写权限。"
    if "disk is full" in text or "database or disk is full" in text or "no space" in text:
        return f"磁盘空间已满{where}，本次操作未保存。请清理磁盘后重试。"
    if "locked" in text or "busy" in text:
        return "数据库正忙（其他人正在保存），本次操作未保存，请稍后再试。"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"数据库文件已损坏或不是数据库{where}。请从备份恢复（见 README“备份与恢复”）。"
    if "unable to open" in text:
        return f"无法打开数据库文件{where}，请检查路径和目录权限。"
    return f"数据库操作失败{where}：{exc}"


def is_environmental(exc: BaseException) -> bool:
    """Errors caused by the disk, permissions or other writers — not by our SQL."""
    text = str(exc).lower()
    return any(
        word in text
        for word in (
            "readonly",
            "read-only",
            "disk is full",
            "disk i/o",
            "locked",
            "busy",
            "unable to open",
        )
    )


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One user action, all or nothing.

    Nested calls join the outer transaction (sqlite-utils' own writes use savepoints inside
    it). The write lock is taken at the start; if another writer holds it past the busy
    timeout the user gets a clear "try again" rather than a half-done action.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    _begin_immediate(conn)
    try:
        yield db
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if is_environmental(exc):
            raise UserError(explain(exc)) from exc
        raise
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise UserError(explain(exc)) from exc


def _begin_immediate(conn: sqlite3.Connection, attempts: int = 5) -> None:
    """BEGIN IMMEDIATE with a few retries on top of the busy timeout."""
    for attempt in range(attempts):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            msg = str(exc).lower()
            if ("locked" in msg or "busy" in msg) and attempt < attempts - 1:
                time.sleep(0.05 * (attempt + 1))
                continue
            raise UserError(explain(exc)) from exc


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply every ``db/migrations/NNN_*.sql`` not yet recorded, each in its own transaction."""
    conn = db.conn
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
    applied = []
    for file in sorted(MIGRATIONS.glob("*.sql")):
        version = file.stem
        if version in done:
            continue
        sql = file.read_text(encoding="utf-8")
        try:
            _begin_immediate(conn)
            done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            if version in done:  # another process got there first
                conn.execute("COMMIT")
                continue
            for statement in _split_sql(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) "
                "VALUES (?, strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))",
                [version],
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version)
    if applied:
        from portal import catalogue  # late import: catalogue needs the tables

        catalogue.sync(db)
    return applied


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer)
            buffer = ""
    if buffer.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()
    ):
        statements.append(buffer)
    return statements


def backup(db: sqlite_utils.Database, out: str | Path) -> Path:
    """Online backup: consistent even while others write (SQLite's backup API)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    if tmp.exists():
        tmp.unlink()
    target = sqlite3.connect(str(tmp))
    try:
        db.conn.backup(target, pages=1024, sleep=0.005)
        target.execute("PRAGMA journal_mode = DELETE")
        ok = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise UserError(f"备份校验未通过（{ok}），未写入 {out}。")
    os.replace(tmp, out)
    return out


def insert(db: sqlite_utils.Database, table: str, row: dict) -> int:
    """Plain INSERT inside the caller's transaction; returns the new rowid."""
    cols = list(row)
    sql = (
        f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
        f"VALUES ({', '.join('?' for _ in cols)})"
    )
    return db.execute(sql, [row[c] for c in cols]).lastrowid


def update(db: sqlite_utils.Database, table: str, pk: int | str, changes: dict) -> None:
    """Plain UPDATE by primary key inside the caller's transaction."""
    if not changes:
        return
    sets = ", ".join(f"[{c}] = ?" for c in changes)
    pk_col = "code" if table in ("areas", "campaigns", "courses") else "id"
    db.execute(f"UPDATE [{table}] SET {sets} WHERE [{pk_col}] = ?", [*changes.values(), pk])


def one(db: sqlite_utils.Database, sql: str, params=()) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None
