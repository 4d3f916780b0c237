"""Importing a county ledger into ``workers``: the ID number is the key, the import one transaction.

Why one transaction: a ledger of tens of thousands of rows takes seconds to write, and a
killed process or a full disk must not leave half a county imported (coverage figures would
silently be wrong). Rows are checked in chunks (``checking.py``; for a big file in a second
process) and each chunk, packed as a small database (``staging.py``), is written inside the
one ``transaction()`` as it arrives; a file that cannot be read at all stops before the
transaction begins.

Why the indexes stay in place during a big load: the load is pipelined, so maintaining them
row by row overlaps with the checking of the next chunk, whereas dropping and rebuilding them
would add a step after the last chunk (measured with 200,000 rows: 6.8 s against 8.3 s).
Measured again after migration 097 for the case it would suit best, ``workers`` empty at the
start (a county's or the city's first load), dropping the three secondary indexes and
rebuilding them inside the same transaction, min/median of three alternating runs of the
whole import: 20,000 rows 0.540/0.549 s kept against 0.541/0.556 s rebuilt (the rebuild
0.02 s); 200,000 rows 2.51/2.62 s kept against 2.73/2.92 s rebuilt (the rebuild 0.33 s after
the last chunk, for 0.1-0.3 CPU seconds less in all). Only while another job held one of the
two cores, so that checking and writing could not overlap, did rebuilding win: 3.68/3.88
against 3.29/3.40 s. No clear gain, so they stay.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from portal import areas, audit, catalogue, clock
from portal.db import transaction
from portal.errors import ScopeError
from portal.ledger import staging
from portal.ledger.staging import Staged
from portal.scope import Actor

if TYPE_CHECKING:  # the checking modules load numpy: see _import
    from portal.ledger.chunks import Problem

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
    "wants_school",
    "notes",
    "registered",
)
DEFAULTS = {
    "wants_training": "unknown",
    "wants_job": "unknown",
    "liang_hou_sheng": 0,
    "wants_school": "unknown",
}
BATCH = 5000
# The import's page cache: the indexes of a city's 200,000 workers fit, and an upload of the
# portal's largest size (50 MB, about 500,000 rows) keeps the portal process under 500 MB.
CACHE_KIB = 131072

UPDATE_SQL = (
    "UPDATE workers SET "
    + ", ".join(f"{c} = ?" for c in COLUMNS)
    + ", source_file = ?, updated_at = ?, updated_by = ? WHERE id = ?"
)
REPORT_HEADERS = ("工作表", "行号", "姓名", "身份证号", "原因")
MISSING_HEADERS = ("身份证号", "姓名", "县（市、区）", "乡镇", "村")
_row_values = operator.itemgetter(*COLUMNS)
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
    sheets: list[str] = field(default_factory=list)  # the sheets read, in file order
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why)
    unmapped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, column name)
    # People stored for the counties this file covers whom the file no longer lists:
    # (id number, name, county, township, village). Not deleted: a list to check.
    missing: list[tuple[str, str, str, str, str]] = field(default_factory=list)

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

    def summary(self) -> dict:
        """``counts`` with the people missing from the file and the sheets (``--json``)."""
        return {
            **self.counts(),
            "missing": len(self.missing),
            "sheets": list(self.sheets),
            "skipped_sheets": [name for name, _ in self.skipped_sheets],
            "unmapped_columns": [f"{s}：{c}" if s else c for s, c in self.unmapped],
            "missing_people": [
                dict(zip(("id_number", "name", "county", "township", "village"), m, strict=True))
                for m in self.missing
            ],
        }

    def sentence(self) -> str:
        """The summary in one paragraph: every count, every sheet or column passed over."""
        text = (
            f"新增{self.new}人，更新{self.updated}人，无变化{self.unchanged}人，"
            f"拒收{self.rejected}行，跳过{self.skipped}行（空行、签字行等），提示{self.warnings}条。"
        )
        if len([s for s in self.sheets if s]) > 1:
            text += f"读取工作表：{'、'.join(self.sheets)}。"
        if self.skipped_sheets:
            shown = "、".join(f"{n}（{why}）" for n, why in self.skipped_sheets)
            text += f"跳过工作表：{shown}。"
        if self.unmapped:
            shown = "、".join(f"{s}：{c}" if s else c for s, c in self.unmapped[:30])
            text += f"未导入的列（不认识的列名）：{shown}。"
        if self.missing:
            text += f"库里有{len(self.missing)}人本次文件里没有（未删除，请核对是否漏报、迁出或已脱贫）。"
        return text

    def report_rows(self) -> list[tuple]:
        """The rejected rows, then the people stored but no longer in the file (no row)."""
        rows = [(p.sheet, p.row, p.name, p.id_text, p.reason) for p in self.rejected_rows]
        rows += [
            (
                "",
                None,
                name,
                id_number,
                f"库里有、本次文件里没有（{county}{town or ''}{village or ''}；未删除，请核对）。",
            )
            for id_number, name, county, town, village in self.missing
        ]
        return rows

    def warning_report_rows(self) -> list[tuple]:
        return [(p.sheet, p.row, p.name, p.id_text, p.reason) for p in self.warning_rows]


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
    # Imported here: the column checks load numpy, which a big file's importing process never
    # needs (its checking process does them) and which ``build.py`` would otherwise load for
    # every command.
    from portal.ledger.checking import checked

    with checked(source, county_code, file_name, today) as messages:
        return write_checked(db, messages, actor, county_code, progress)


def write_checked(db, messages, actor: Actor, county_code: str | None, progress=None):
    """The writing half of an import, given the checking half's messages.

    Public so that the benchmark can time the database's share on its own.
    """
    _, name, size_hint = next(messages)  # a file that cannot be read stops here
    result = ImportResult(file_name=name, county_code=county_code)
    now = clock.now()
    with _bulk_pragmas(db), transaction(db):
        writer = _Writer(db, result, actor, now, size_hint, progress)
        for message in messages:
            kind = message[0]
            if kind == "sheet":
                result.sheets.append(message[1])
                result.unmapped += [(message[1], c) for c in message[2]]
            elif kind == "end":
                result.skipped_sheets = list(message[1])
            else:
                _, staged, rejected, warnings, skipped = message
                result.rejected_rows += rejected
                result.warning_rows += warnings
                result.skipped += skipped
                writer.add(staged, rejected)
        order = {s: i for i, s in enumerate(result.sheets)}
        result.rejected_rows.sort(key=lambda p: (order.get(p.sheet, 0), p.row))
        result.warning_rows.sort(key=lambda p: (order.get(p.sheet, 0), p.row))
        result.missing = writer.missing(county_code)
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
    """Settings for the one long write, restored afterwards; all must be set outside it.

    A big page cache, so index pages are not spilled and re-read; temp_store: the sorts stay
    in memory. Foreign keys are not checked row by row: every area code the import writes is
    one it has just looked up or created (``_Places``), and ``_Writer`` checks each chunk's
    codes once against ``areas`` before the insert. The ``stage`` schema receives the chunks.
    """
    conn = db.conn
    if conn.in_transaction:  # pragma: no cover - a caller's mistake, not a ledger's
        raise RuntimeError("a ledger import is its own transaction; call it outside any other")
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    temp_store = conn.execute("PRAGMA temp_store").fetchone()[0]
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = OFF")
    staging.attach(conn)
    conn.execute(
        "CREATE TEMP TABLE import_places (county_code, township, village, township_code, "
        "village_code, PRIMARY KEY (county_code, township, village))"
    )
    conn.execute("CREATE TEMP TABLE import_ids (id_number PRIMARY KEY) WITHOUT ROWID")
    try:
        yield
    finally:
        conn.execute("DROP TABLE temp.import_places")
        conn.execute("DROP TABLE temp.import_ids")
        staging.detach(conn)
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        conn.execute(f"PRAGMA temp_store = {int(temp_store)}")
        conn.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")


class _Places:
    """County/township/village names -> codes, loaded once and grown inside the transaction.

    Why not ``areas.ensure_child`` per new place: a county's first ledger brings a few hundred
    to two thousand new townships and villages, and its two queries per place (through
    sqlite-utils, a savepoint each) cost 0.02-0.1 s for the 2,100 places of the bench's
    20,000 rows. Every area's code is loaded here, so only the last number under each parent
    is asked, once.
    """

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.codes: dict[tuple[str, str], str] = {
            (parent, name): code
            for code, parent, name in db.execute(
                "SELECT code, parent_code, name FROM areas WHERE level IN ('township', 'village')"
            )
        }
        self.last: dict[str, int] = {}  # parent code -> the last number given under it

    def code(self, parent: str, name: str, level: str) -> str:
        key = (parent, name)
        found = self.codes.get(key)
        if found is None:
            found = self.codes[key] = self._new(parent, name, level)
        return found

    def _new(self, parent: str, name: str, level: str) -> str:
        """``ensure_child`` for a name not among the loaded codes: the same code it would give."""
        name = areas.child_name(name)
        found = self.codes.get((parent, name))
        if found is not None:
            return found
        last = self.last.get(parent)
        if last is None:
            last = areas.last_number(self.db, parent)
        code = areas.add_child(self.db, parent, name, level, last)
        self.last[parent] = last + 1
        self.codes[(parent, name)] = code
        return code

    def place(self, county_code: str, township: str, village: str) -> tuple[str, str]:
        t = self.code(county_code, township, "township")
        return t, self.code(t, village, "village")


class _Writer:
    """Writes each checked chunk as it arrives: stored people compared, the rest inserted.

    Why chunk by chunk: the checking process works on the next chunk meanwhile. Why in SQL:
    the chunk arrives as a packed database (``staging.py``), so new people are copied into
    ``workers`` by one INSERT … SELECT; only people already stored come back to Python, to
    be compared field by field.
    """

    def __init__(self, db, result: ImportResult, actor: Actor, now: str, size_hint: int, progress):
        self.db, self.result, self.progress = db, result, progress
        self.places = _Places(db)
        self.stamp = (result.file_name[:200], now, actor.username)
        self.own_county = actor.county_code if actor.role == "county" else None
        self.total = max(size_hint, 1)
        self.done = 0
        self.stored = db.execute("SELECT COUNT(*) FROM workers").fetchone()[0]
        self.coded: set[tuple[str, str, str]] = set()
        self.counties: set[str] = set()  # the counties the file's accepted rows are in

    def add(self, staged: Staged, rejected: list[Problem] = ()) -> None:
        conn = self.db.conn
        staging.load(conn, staged)
        self._place_codes(staged.places)
        self.counties.update(county for county, _, _ in staged.places)
        if self.stored:  # who the file lists, for the people it no longer lists
            conn.execute(
                f"INSERT OR IGNORE INTO temp.import_ids SELECT id_number FROM {staging.SCHEMA}.rows"
            )
            conn.executemany(
                "INSERT OR IGNORE INTO temp.import_ids VALUES (?)",
                [(p.id_text.strip().upper(),) for p in rejected if p.id_text],
            )
        sql = staging.field_sql(staged.fields, staged.shared)
        # A table empty at the start has no one to compare with: the file has no repeats.
        stored = self._stored_rows(sql) if self.stored else []
        if stored:
            self._compare(stored, tuple(sql), staged)
            conn.execute(
                f"DELETE FROM {staging.SCHEMA}.rows "
                "WHERE id_number IN (SELECT id_number FROM main.workers)"
            )
        self._check_values(staged.shared)
        expected = staged.count - len(stored)
        conn.execute("PRAGMA ignore_check_constraints = ON")
        try:
            written = conn.execute(_insert_sql(sql), self.stamp + self.stamp[1:]).rowcount
        finally:
            conn.execute("PRAGMA ignore_check_constraints = OFF")
        if written != expected:  # pragma: no cover - a row without its place: our bug
            raise RuntimeError(f"ledger import wrote {written} of {expected} new rows")
        self.result.new += written
        self.done += staged.count
        if self.progress:
            self.progress(min(self.done, self.total), max(self.done, self.total))

    def missing(self, county_code: str | None) -> list[tuple]:
        """Stored, registered people of the file's counties (or of ``county_code``) whom
        the file does not list: a re-import that leaves people out says who."""
        counties = {county_code} if county_code else self.counties
        if not self.stored or not counties:
            return []
        marks = ", ".join("?" * len(counties))
        return self.db.execute(
            "SELECT w.id_number, w.name, c.name, t.name, v.name FROM workers w "
            "JOIN areas c ON c.code = w.county_code "
            "LEFT JOIN areas t ON t.code = w.township_code "
            "LEFT JOIN areas v ON v.code = w.village_code "
            f"WHERE w.county_code IN ({marks}) AND w.registered = 1 AND NOT EXISTS "
            "(SELECT 1 FROM temp.import_ids i WHERE i.id_number = w.id_number) "
            "ORDER BY w.county_code, w.township_code, w.village_code, w.id_number",
            sorted(counties),
        ).fetchall()

    def _stored_rows(self, sql: dict[str, str]) -> list[tuple]:
        """The chunk's people already in ``workers``: the staged fields, then the stored row."""
        return self.db.conn.execute(
            f"SELECT s.row, s.id_number, {', '.join(sql.values())}, w.id, "
            f"{', '.join('w.' + c for c in COLUMNS)} FROM {staging.FROM} "
            "JOIN main.workers w ON w.id_number = s.id_number"
        ).fetchall()

    def _place_codes(self, places: list[tuple[str, str, str]]) -> None:
        """Township and village codes into ``stage.places``; new places become areas.

        The codes found so far wait in a temporary table, so each chunk's places get theirs
        by one UPDATE however many villages it has.
        """
        conn = self.db.conn
        new = [key for key in places if key not in self.coded]
        conn.executemany(
            "INSERT INTO temp.import_places VALUES (?, ?, ?, ?, ?)",
            [(*key, *self.places.place(*key)) for key in new],
        )
        self.coded.update(new)
        conn.execute(
            f"UPDATE {staging.SCHEMA}.places AS p SET township_code = i.township_code, "
            "village_code = i.village_code FROM temp.import_places i "
            "WHERE i.county_code = p.county_code AND i.township = p.township "
            "AND i.village = p.village"
        )
        self._check_places()

    def _check_places(self) -> None:
        """What the foreign keys would check, once per place instead of once per row."""
        bad = self.db.execute(
            f"SELECT county_code, township_code, village_code FROM {staging.SCHEMA}.places p "
            "WHERE township_code IS NULL OR village_code IS NULL OR NOT EXISTS "
            "(SELECT 1 FROM areas a WHERE a.code = p.county_code AND a.level = 'county') "
            "OR NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = p.township_code "
            "AND a.parent_code = p.county_code) "
            "OR NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = p.village_code "
            "AND a.parent_code = p.township_code)"
        ).fetchone()
        if bad:  # the codes come from _Places: a bug of ours, never the file's
            raise RuntimeError(f"ledger import: place without its area: {bad}")

    def _check_values(self, shared: tuple[str, ...]) -> None:
        """The workers table's CHECK constraints, asked of the chunk before the insert, which
        then skips them: once per combination for the shared fields, and one quick scan of
        the small staged table for gender (the per-row check costs far more in ``workers``)."""
        tests = [f"NOT ({CHECKS[f]})" for f in shared if f in CHECKS]
        bad = (
            tests
            and self.db.execute(
                f"SELECT * FROM {staging.SCHEMA}.combos WHERE {' OR '.join(tests)} LIMIT 1"
            ).fetchone()
        )
        bad = (
            bad
            or self.db.execute(
                f"SELECT row, gender FROM {staging.SCHEMA}.rows WHERE NOT ({CHECKS['gender']}) LIMIT 1"
            ).fetchone()
        )
        if bad:  # the checker makes these values: a bug of ours, never the file's
            raise RuntimeError(f"ledger import: {bad} breaks a CHECK constraint")

    def _compare(self, stored: list[tuple], fields: tuple[str, ...], staged: Staged) -> None:
        """People already stored: changed, unchanged, or (for a county) not theirs to change."""
        from portal.ledger.chunks import Problem  # see _import

        result = self.result
        updates: list[tuple] = []
        width = len(fields)
        for row in stored:
            number, id_number = row[:2]
            rec = dict(zip(fields, row[2 : 2 + width], strict=True))
            for key in staged.kept.get(number, ()):
                del rec[key]
            rec["registered"] = 1
            worker_id, before = row[2 + width], row[3 + width :]
            if self.own_county is not None and before[_COUNTY_AT] != self.own_county:
                other = catalogue.county(before[_COUNTY_AT])["name"]
                result.rejected_rows.append(
                    Problem(
                        number,
                        rec["name"],
                        staged.id_texts.get(number, id_number),
                        f"此人已登记在{other}的台账里，县里不能改动外县的记录；请与市劳动就业局核实。",
                        staged.sheet,
                    )
                )
                result.warning_rows = [
                    w for w in result.warning_rows if (w.row, w.sheet) != (number, staged.sheet)
                ]
                continue
            moved_to = rec.get("county_code")
            if moved_to and moved_to != before[_COUNTY_AT]:
                result.warning_rows.append(
                    Problem(
                        number,
                        rec["name"],
                        staged.id_texts.get(number, id_number),
                        f"此人原登记在{catalogue.county(before[_COUNTY_AT])['name']}，本表写的是"
                        f"{catalogue.county(moved_to)['name']}：已改到{catalogue.county(moved_to)['name']}"
                        "（跨县迁移，请核实）。",
                        staged.sheet,
                    )
                )
            full = dict(zip(COLUMNS, before, strict=True))
            full.update(rec)
            values = _row_values(full)
            if values == before:
                result.unchanged += 1
            else:
                updates.append((*values, *self.stamp, worker_id))
                result.updated += 1
        _write_batches(self.db, UPDATE_SQL, updates)


# The workers table's CHECK constraints on the fields a ledger fills.
CHECKS = {
    "gender": "gender IN ('男', '女')",
    "wants_training": "wants_training IN ('yes', 'no', 'unknown')",
    "wants_job": "wants_job IN ('yes', 'no', 'unknown')",
    "liang_hou_sheng": "liang_hou_sheng IN (0, 1)",
    "wants_school": "wants_school IN ('yes', 'no', 'unknown')",
}


def _insert_sql(sql: dict[str, str]) -> str:
    """New people from the staged chunk, in ID-number order (the unique index is appended to)."""
    source = []
    for c in COLUMNS:
        if c in sql:
            source.append(sql[c])
        elif c == "registered":
            source.append("1")
        else:
            default = DEFAULTS.get(c)
            source.append("NULL" if default is None else repr(default))
    return (
        f"INSERT INTO main.workers (id_number, {', '.join(COLUMNS)}, source_file, created_at, "
        f"created_by, updated_at, updated_by) SELECT s.id_number, {', '.join(source)}, "
        f"?, ?, ?, ?, ? FROM {staging.FROM} ORDER BY p.village_code"
    )


def _write_batches(db, sql: str, rows: list[tuple]) -> None:
    for start in range(0, len(rows), BATCH):
        db.conn.executemany(sql, rows[start : start + BATCH])
