"""What the targets have achieved: distinct trained workers and sessions held, per county.

A session counts when it is held by the one rule of ``portal.held`` (marked 已结束, or
published and not cancelled with its last day passed or someone completed), the rule the
reports and the coverage page count with, so a target's progress agrees with them.

Why its own module with a process-wide cache: counting distinct workers over every completed
enrolment of the city takes most of a second, and every portal session opens its own
connection. The figures are kept per county and database, stamped with the county's version
from ``progress_versions`` (bumped by triggers in the writer's transaction, migration 030) and
today's date (a published session becomes held when its last day passes), so
after a write in one county only that county is counted again, and a new session reuses what
another session has counted.
"""

from __future__ import annotations

import threading
from collections import defaultdict

import sqlite_utils

from portal import clock
from portal.held import held_params, held_sql

DIMENSIONS = ("institution_id", "township_code", "campaign_code")

SESSIONS_SQL = """
SELECT s.id, substr(s.end_date, 1, 4), s.institution_id, s.township_code, co.campaign_code
FROM sessions s JOIN courses co ON co.code = s.course_code
WHERE {held} AND s.county_code = :county
"""
COMPLETERS_SQL = """
SELECT e.session_id, e.worker_id
FROM sessions s JOIN enrolments e ON e.session_id = s.id AND e.status = 'completed'
WHERE {held} AND s.county_code = :county
"""

HELD = held_sql("s")

Shape = tuple[str, ...]
Counts = dict[tuple, tuple[int, int]]

_lock = threading.Lock()
# (database file, county) -> (version stamp, {shape: {key: (trained, held)}})
_cache: dict[tuple[str, str], tuple[tuple, dict[Shape, Counts]]] = {}


def counts(db: sqlite_utils.Database, needed: dict[str, set[Shape]]) -> dict[Shape, Counts]:
    """Trained and held per target key, for each county and the shapes its targets have.

    ``needed`` maps a county code to the shapes (subsets of DIMENSIONS) of its targets. The
    keys of the answer are ``(county, year, *dimension values)`` under each shape.
    """
    if not needed:
        return {}
    versions = dict(db.execute("SELECT scope, version FROM progress_versions").fetchall())
    where = _database_name(db)
    today = clock.today().isoformat()
    found: dict[Shape, Counts] = defaultdict(dict)
    for county, shapes in needed.items():
        stamp = (today, versions.get("epoch"), versions.get("all", 0), versions.get(county, 0))
        with _lock:
            hit = _cache.get((where, county))
        if hit and hit[0] == stamp and shapes <= hit[1].keys():
            per_shape = hit[1]
        else:
            per_shape = _count(
                db, county, shapes | (hit[1].keys() if hit and hit[0] == stamp else set())
            )
            with _lock:
                _cache[(where, county)] = (stamp, per_shape)
        for shape in shapes:
            found[shape].update(per_shape[shape])
    return found


def forget() -> None:
    """Drop every cached figure (benchmarks time the counting itself with this)."""
    with _lock:
        _cache.clear()


def _database_name(db: sqlite_utils.Database) -> str:
    """The file behind the connection; in-memory databases are told apart by connection."""
    name = db.execute("PRAGMA database_list").fetchone()[2]
    return name or f"memory:{id(db.conn)}"


def _count(db: sqlite_utils.Database, county: str, shapes: set[Shape]) -> dict[Shape, Counts]:
    """Two index scans of the county's held sessions, then every shape counted at once.

    Why in Python: one COUNT(DISTINCT) query per shape sorts the same completers again for
    each shape; collecting each session's completers once and merging sets per key is a
    third of the time.
    """
    params = {**held_params(), "county": county}
    sessions = {row[0]: row[1:] for row in db.execute(SESSIONS_SQL.format(held=HELD), params)}
    completers: dict[int, list[int]] = defaultdict(list)
    for session_id, worker_id in db.execute(COMPLETERS_SQL.format(held=HELD), params):
        completers[session_id].append(worker_id)
    result: dict[Shape, Counts] = {}
    for shape in shapes:
        positions = [1 + DIMENSIONS.index(d) for d in shape]
        trained: dict[tuple, set[int]] = defaultdict(set)
        held: dict[tuple, int] = defaultdict(int)
        for session_id, (year, *parts) in sessions.items():
            key = (county, year, *(parts[p - 1] for p in positions))
            held[key] += 1
            trained[key].update(completers.get(session_id, ()))
        result[shape] = {key: (len(trained[key]), n) for key, n in held.items()}
    return result
