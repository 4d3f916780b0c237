"""Importing a county ledger into ``workers``: the ID number is the key, the import one transaction.

Why one transaction: a ledger of tens of thousands of rows takes seconds to write, and a
killed process or a full disk must not leave half a county imported (coverage figures would
silently be wrong). Rows are checked in chunks (``checking.py``; for a big file in a second
process) and each chunk is written inside the one ``transaction()`` as it arrives, with
prepared statements and ``executemany``; a file that cannot be read at all stops before the
transaction begins.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import sqlite_utils

from portal import audit, catalogue, clock
from portal.areas import ensure_child
from portal.db import transaction
from portal.errors import ScopeError
from portal.ledger.checking import Problem, checked
from portal.scope import Actor

# Worker columns an import compares and writes, in this order.
COLUMNS = (
    "name",
    "gender",
    "birth_date",
    "phone",
    "household_no",
    "county_code",
    "township_code",
    "village_code",
    "education",
    "work_capacity",
    "work_status",
    "wants_training",
    "wanted_trade",
    "wants_job",
    "liang_hou_sheng",
    "notes",
    "registered",
)
DEFAULTS = {"wants_training": "unknown", "wants_job": "unknown", "liang_hou_sheng": 0}
BATCH = 5000
# A load of at least this many new rows (and no fewer than are stored) rebuilds the indexes.
REBUILD_MIN = 20_000

INSERT_HEAD = (
    "INSERT INTO workers (id_number, "
    + ", ".join(COLUMNS)
    + ", source_file, created_at, created_by, updated_at, updated_by) VALUES "
)
ONE_ROW = "(" + ", ".join("?" * (len(COLUMNS) + 6)) + ")"
INSERT_SQL = INSERT_HEAD + ONE_ROW
ROWS_PER_INSERT = 50
INSERT_MANY_SQL = INSERT_HEAD + ", ".join([ONE_ROW] * ROWS_PER_INSERT)
UPDATE_SQL = (
    "UPDATE workers SET "
    + ", ".join(f"{c} = ?" for c in COLUMNS)
    + ", source_file = ?, updated_at = ?, updated_by = ? WHERE id = ?"
)
REPORT_HEADERS = ("行号", "姓名", "身份证号", "原因")
_row_values = operator.itemgetter(*COLUMNS)
_DEFAULT_ROW = {c: DEFAULTS.get(c) for c in COLUMNS}
_COUNTY_AT = COLUMNS.index("county_code")


@dataclass
class ImportResult:
    file_name: str
    county_code: str | None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected_rows: list[Problem] = field(default_factory=list)
    warning_rows: list[Problem] = field(default_factory=list)
    import_id: int | None = None

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    @property
    def warnings(self) -> int:
        return len(self.warning_rows)

    def counts(self) -> dict[str, int]:
        """The summary both the CLI (``--json``) and the portal show."""
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "warnings": self.warnings,
        }

    def sentence(self) -> str:
        return (
            f"新增{self.new}人，更新{self.updated}人，无变化{self.unchanged}人，"
            f"拒收{self.rejected}行，跳过{self.skipped}行（空行、签字行等），提示{self.warnings}条。"
        )

    def report_rows(self) -> list[tuple]:
        return [(p.row, p.name, p.id_text, p.reason) for p in self.rejected_rows]


def import_scope(actor: Actor, county: str | None) -> str | None:
    """County staff import only into their own county; city staff any (or per row)."""
    code = catalogue.county(county)["code"] if county else None
    if actor.role == "county":
        if code and code != actor.county_code:
            own = catalogue.county(actor.county_code)["name"]
            raise ScopeError(f"无权操作：您只能导入本县（{own}）的台账。")
        return actor.county_code
    if actor.role in ("city", "system"):
        return code
    raise ScopeError("无权操作：台账只能由县、市工作人员导入。")


def import_ledger(
    db: sqlite_utils.Database,
    source: str | Path,
    actor: Actor,
    *,
    county: str | None = None,
    file_name: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Import one ledger file; returns the counts and the rejected rows with their reasons."""
    county_code = import_scope(actor, county)
    with _no_cyclic_gc():
        return _import(db, source, actor, county_code, file_name, progress, today)


@contextlib.contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while hundreds of thousands of rows are held.

    Why: every few hundred new objects CPython walks all live containers; with a large ledger
    in memory that walk costs as much as the checks themselves. Nothing here makes cycles, so
    reference counting frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(db, source, actor, county_code, file_name, progress, today) -> ImportResult:
    with checked(source, county_code, file_name, today) as messages:
        _, name, size_hint = next(messages)  # a file that cannot be read stops here
        result = ImportResult(file_name=name, county_code=county_code)
        now = clock.now()
        with _bulk_pragmas(db), transaction(db):
            writer = _Writer(db, result, actor, now, size_hint, progress)
            with _secondary_indexes_rebuilt(db, writer.bulk):
                for _, accepted, rejected, warnings, skipped in messages:
                    result.rejected_rows += rejected
                    result.warning_rows += warnings
                    result.skipped += skipped
                    writer.add(accepted)
            result.rejected_rows.sort(key=lambda p: p.row)
            counts = result.counts()
            result.import_id = db.execute(
                "INSERT INTO imports (file_name, county_code, at, by, new, updated, unchanged, "
                "rejected, skipped, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [name[:200], county_code, now, actor.username, *counts.values()],
            ).lastrowid
            audit.record(
                db,
                actor.username,
                "import",
                "imports",
                result.import_id,
                None,
                {"file_name": name[:200], "county_code": county_code, **counts},
            )
    return result


@contextlib.contextmanager
def _bulk_pragmas(db: sqlite_utils.Database):
    """A big page cache for the one long write, so index pages are not spilled and re-read;
    temp_store: the index sorts of a bulk load stay in memory too."""
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    temp_store = db.execute("PRAGMA temp_store").fetchone()[0]
    db.execute("PRAGMA cache_size = -262144")
    db.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")
        db.execute(f"PRAGMA temp_store = {int(temp_store)}")


class _Places:
    """County/township/village names -> codes, loaded once and grown inside the transaction."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.codes: dict[tuple[str, str], str] = {
            (parent, name): code
            for code, parent, name in db.execute(
                "SELECT code, parent_code, name FROM areas WHERE level IN ('township', 'village')"
            )
        }

    def code(self, parent: str, name: str, level: str) -> str:
        key = (parent, name)
        found = self.codes.get(key)
        if found is None:
            found = self.codes[key] = ensure_child(self.db, parent, name, level)
        return found

    def place(self, county_code: str, township: str, village: str) -> tuple[str, str]:
        t = self.code(county_code, township, "township")
        return t, self.code(t, village, "village")


class _Writer:
    """Sorts each checked chunk into new, changed or unchanged rows and writes it at once.

    Why in Python: one dict lookup per row against the stored workers (loaded once) replaces
    a SELECT per row, and the writes become ``executemany`` calls of prepared statements.
    Why chunk by chunk: the checking process works on the next chunk meanwhile.
    """

    def __init__(self, db, result: ImportResult, actor: Actor, now: str, size_hint: int, progress):
        self.db, self.result, self.progress = db, result, progress
        self.existing = _Existing(db, result.county_code)
        self.places = _Places(db)
        self.place_of: dict[tuple[str, str, str], tuple[str, str]] = {}
        self.stamp = (result.file_name[:200], now, actor.username)
        self.insert_tail = (*self.stamp, now, actor.username)
        self.own_county = actor.county_code if actor.role == "county" else None
        self.total = max(size_hint, 1)
        self.done = 0
        # A load at least as big as what is stored rebuilds the secondary indexes.
        self.bulk = size_hint >= max(REBUILD_MIN, self.existing.count)

    def add(self, accepted: list[tuple]) -> None:
        inserts: list[tuple] = []
        updates: list[tuple] = []
        result, existing = self.result, self.existing
        for number, name, id_text, id_number, rec in accepted:
            key = (rec["county_code"], rec["township"], rec["village"])
            codes = self.place_of.get(key)
            if codes is None:
                codes = self.place_of[key] = self.places.place(*key)
            rec["township_code"], rec["village_code"] = codes
            rec["registered"] = 1
            old = existing.get(id_number)
            if old is None:
                full = _DEFAULT_ROW.copy()
                full.update(rec)
                inserts.append((id_number, *_row_values(full), *self.insert_tail))
                result.new += 1
                continue
            worker_id, before = old[0], old[1:]
            if self.own_county is not None and before[_COUNTY_AT] != self.own_county:
                other = catalogue.county(before[_COUNTY_AT])["name"]
                result.rejected_rows.append(
                    Problem(
                        number,
                        name,
                        id_text,
                        f"此人已登记在{other}的台账里，县里不能改动外县的记录；请与市劳动就业局核实。",
                    )
                )
                result.warning_rows = [w for w in result.warning_rows if w.row != number]
                continue
            full = dict(zip(COLUMNS, before, strict=True))
            full.update(rec)
            values = _row_values(full)
            if values == before:
                result.unchanged += 1
            else:
                updates.append((*values, *self.stamp, worker_id))
                result.updated += 1
        inserts.sort()  # in ID-number order the unique index is appended to, not split
        _insert_rows(self.db, inserts)
        _write_batches(self.db, UPDATE_SQL, updates)
        self.done += len(accepted)
        if self.progress:
            self.progress(min(self.done, self.total), max(self.done, self.total))


def _write_batches(db, sql: str, rows: list[tuple]) -> None:
    for start in range(0, len(rows), BATCH):
        db.conn.executemany(sql, rows[start : start + BATCH])


def _insert_rows(db, rows: list[tuple]) -> None:
    """New workers, ROWS_PER_INSERT to a statement.

    Why several rows per statement: SQLite evaluates the workers' ``CHECK (x IN (...))``
    constraints with a small lookup table built once per statement run; with one row per
    run that set-up is half the cost of the insert (measured: 200,000 rows in 3.2 s one per
    statement, 1.5 s fifty per statement).
    """
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    step = max(ROWS_PER_INSERT, BATCH - BATCH % ROWS_PER_INSERT)
    for start in range(0, whole, step):
        batch = rows[start : min(start + step, whole)]
        db.conn.executemany(
            INSERT_MANY_SQL,
            [
                tuple(chain.from_iterable(batch[i : i + ROWS_PER_INSERT]))
                for i in range(0, len(batch), ROWS_PER_INSERT)
            ],
        )
    _write_batches(db, INSERT_SQL, rows[whole:])


class _Existing:
    """Stored workers by ID number: full rows for the import's county, the rest on demand.

    Why not every row of the city: a county re-import in a city-scale database would load and
    hold 200,000 rows to compare 20,000; other counties' people only need their ID numbers.
    """

    def __init__(self, db: sqlite_utils.Database, county_code: str | None):
        self.db = db
        cols = ", ".join(COLUMNS)
        if county_code is None:
            self.rows = {
                r[0]: r[1:] for r in db.execute(f"SELECT id_number, id, {cols} FROM workers")
            }
            self.elsewhere: set[str] = set()
        else:
            self.rows = {
                r[0]: r[1:]
                for r in db.execute(
                    f"SELECT id_number, id, {cols} FROM workers WHERE county_code = ?",
                    [county_code],
                )
            }
            self.elsewhere = {
                r[0]
                for r in db.execute(
                    "SELECT id_number FROM workers WHERE county_code != ?", [county_code]
                )
            }
        self.count = len(self.rows) + len(self.elsewhere)

    def get(self, id_number: str) -> tuple | None:
        found = self.rows.get(id_number)
        if found is None and id_number in self.elsewhere:
            found = self.db.execute(
                f"SELECT id, {', '.join(COLUMNS)} FROM workers WHERE id_number = ?", [id_number]
            ).fetchone()
        return found


@contextlib.contextmanager
def _secondary_indexes_rebuilt(db: sqlite_utils.Database, rebuild: bool):
    """For a bulk load, drop the workers' secondary indexes and build them again afterwards.

    Why: inserting 200,000 rows into five indexes in random key order costs about twice as
    much as inserting them unindexed and sorting each index once. Both happen inside the
    import's transaction, so a kill leaves the indexes (and everything else) as they were.
    The definitions and their ANALYZE figures are read back from the schema, so indexes added
    by later migrations are rebuilt too. The ID-number UNIQUE index stays: it guards the key.
    """
    if not rebuild:
        yield
        return
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'workers' "
        "AND sql IS NOT NULL"
    ).fetchall()
    has_stats = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).fetchone()
    stats = (
        db.execute("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'workers'").fetchall()
        if has_stats
        else []
    )
    for name, _sql in indexes:
        db.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        db.execute(sql)
    if stats:
        names = {name for name, _sql in indexes}
        db.conn.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)",
            [row for row in stats if row[1] in names],
        )
