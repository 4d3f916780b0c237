"""Accepted rows packed as a small SQLite database, so the importer writes them with one statement.

Why: handing SQLite 200,000 rows of twenty values from Python costs seconds of parameter
binding, all of it in the importer's process, which also has to write the indexes. So the
checking process binds its rows into an in-memory database instead, on the other core, and
sends the database's bytes (``Connection.serialize``). The importer loads them as the
attached schema ``stage`` (``deserialize``, allowed inside its transaction) and copies the
rows into ``workers`` with one ``INSERT … SELECT`` that runs entirely inside SQLite.

Binding is the cost, so as little is bound as possible (measured on this project's bench
machine: about 0.6 µs per text value, and None several times that, as Python's sqlite3 takes
it through its adapter lookup):

- ``rows`` holds per person only the row number, the ID number, the name, gender, birth
  date and phone (an empty phone as '', read back as NULL), and two small numbers: its
  place and its combination.
- Values are bound ROWS_PER_INSERT rows to a statement, which halves the cost again.
- Everything else a ledger repeats (是/否, the education, the wanted trade ...) is bound once
  per distinct combination in ``combos``.

Township and village codes are the importer's to give (it creates new areas inside its
transaction), so ``places`` arrives with names only and the importer fills in the codes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # chunks loads numpy, which the importing process may not need
    from portal.ledger.chunks import Accepted

SCHEMA = "stage"
PLACE_FIELDS = ("county_code", "township", "village")
DIRECT = ("name", "gender", "birth_date", "phone")  # bound per row; the ID number is always


@dataclass
class Staged:
    """One chunk's accepted rows: the packed database and what the importer needs beside it."""

    data: bytes
    fields: tuple[str, ...]  # the record fields the file gives
    shared: tuple[str, ...]  # those kept in ``combos``
    # (county code, township, village) in the order they first appear: new areas are
    # numbered in that order, as a person reading the ledger would.
    places: list[tuple[str, str, str]]
    count: int
    # By row number, only where they apply: fields dropped with a warning (keep the stored
    # value), and the ID number as typed when it differs from the one stored.
    kept: dict[int, tuple[str, ...]] = field(default_factory=dict)
    id_texts: dict[int, str] = field(default_factory=dict)
    sheet: str = ""  # the workbook sheet the rows are on


def pack(accepted: Accepted, fields: list[str], sheet: str = "") -> Staged:
    """The checking process's side: bind the chunk once, in memory."""
    values = accepted.values
    count = len(accepted)
    direct = [f for f in DIRECT if f in fields]
    shared = tuple(f for f in fields if f not in DIRECT and f not in PLACE_FIELDS)
    place_keys = list(zip(*(values[f] for f in PLACE_FIELDS), strict=True))
    place_of = {key: n for n, key in enumerate(dict.fromkeys(place_keys))}
    # With no shared fields every row has the one, empty combination.
    combo_keys = list(zip(*(values[f] for f in shared), strict=True)) if shared else None
    combo_of = {key: n for n, key in enumerate(dict.fromkeys(combo_keys or [()] * (count > 0)))}
    conn = sqlite3.connect(":memory:")
    try:
        direct_columns = "".join(f", {f}" for f in direct)
        conn.execute(f"CREATE TABLE rows (row, id_number{direct_columns}, place, combo)")
        conn.execute(
            "CREATE TABLE combos (n INTEGER PRIMARY KEY" + "".join(f", {f}" for f in shared) + ")"
        )
        conn.execute(
            "CREATE TABLE places (n INTEGER PRIMARY KEY, county_code, township, village, "
            "township_code, village_code)"
        )
        _insert_many(
            conn,
            "rows",
            list(
                zip(
                    accepted.numbers,
                    accepted.ids,
                    *(_no_none(values[f]) for f in direct),
                    map(place_of.__getitem__, place_keys),
                    map(combo_of.__getitem__, combo_keys) if shared else [0] * count,
                    strict=True,
                )
            ),
        )
        conn.executemany(
            f"INSERT INTO combos VALUES ({', '.join('?' * (len(shared) + 1))})",
            [(n, *key) for key, n in combo_of.items()],
        )
        conn.executemany(
            "INSERT INTO places (n, county_code, township, village) VALUES (?, ?, ?, ?)",
            [(n, *key) for key, n in place_of.items()],
        )
        conn.commit()
        data = conn.serialize()
    finally:
        conn.close()
    return Staged(
        data,
        tuple(fields),
        shared,
        list(place_of),
        count,
        kept={accepted.numbers[i]: dropped for i, dropped in accepted.kept.items()},
        id_texts={
            n: text
            for n, text, number in zip(
                accepted.numbers, accepted.id_texts, accepted.ids, strict=True
            )
            if text != number
        }
        if accepted.id_texts is not accepted.ids
        else {},
        sheet=sheet,
    )


ROWS_PER_INSERT = 50


def _insert_many(conn: sqlite3.Connection, table: str, rows: list[tuple]) -> None:
    """ROWS_PER_INSERT rows to a statement: half the cost of one row per statement (measured)."""
    if not rows:
        return
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    if whole:
        conn.executemany(
            f"INSERT INTO {table} VALUES " + ", ".join([one] * ROWS_PER_INSERT),
            [
                tuple(chain.from_iterable(rows[i : i + ROWS_PER_INSERT]))
                for i in range(0, whole, ROWS_PER_INSERT)
            ],
        )
    conn.executemany(f"INSERT INTO {table} VALUES {one}", rows[whole:])


def _no_none(column: list) -> list:
    return [v if v is not None else "" for v in column] if None in column else column


def field_sql(fields: tuple[str, ...], shared: tuple[str, ...]) -> dict[str, str]:
    """Each record field as SQL over ``rows s JOIN combos c JOIN places p`` (see ``FROM``)."""
    sql = {}
    for f in fields:
        if f in shared:
            sql[f] = f"c.{f}"
        elif f == "phone":
            sql[f] = "NULLIF(s.phone, '')"
        elif f in DIRECT:
            sql[f] = f"s.{f}"
    sql.update(
        county_code="p.county_code", township_code="p.township_code", village_code="p.village_code"
    )
    return sql


FROM = (
    f"{SCHEMA}.rows s JOIN {SCHEMA}.combos c ON c.n = s.combo "
    f"JOIN {SCHEMA}.places p ON p.n = s.place"
)


def attach(conn: sqlite3.Connection) -> None:
    """Before the importer's transaction: ATTACH is not allowed inside one."""
    conn.execute(f"ATTACH DATABASE ':memory:' AS {SCHEMA}")


def detach(conn: sqlite3.Connection) -> None:
    conn.execute(f"DETACH DATABASE {SCHEMA}")


def load(conn: sqlite3.Connection, staged: Staged) -> None:
    """The importer's side: the chunk becomes ``stage.rows``, ``stage.combos``, ``stage.places``."""
    conn.deserialize(staged.data, name=SCHEMA)
