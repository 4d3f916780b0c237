"""What each worker's pack shows, read in a few set-based queries per batch.

Why set-based: a township batch is a couple of thousand workers; one query per worker per
section would dominate the print time. Scope is applied here too (defence in depth): a
worker outside the actor's counties is never loaded, whatever the caller passes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import sqlite_utils

from portal import areas, idnumber
from portal.packs.content import county_contact
from portal.packs.model import JobLine, SessionLine, WorkerPack
from portal.scope import Actor

UPCOMING_LIMIT = 6
JOBS_LIMIT = 5
_CHUNK = 500


# Bidirectional overrides and other invisible controls: in a name they can make the printed
# line read backwards or hide characters; nobody needs them on a card.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def printable(value) -> str:
    """Stored text as it may be printed (escaping is the template's job)."""
    return _INVISIBLE.sub("", "" if value is None else str(value)).strip()


def _chunks(ids: list[int]):
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _when(start: str, end: str, daily_start: str, daily_end: str) -> str:
    days = start if start == end else f"{start}至{end[5:] if end[:4] == start[:4] else end}"
    return f"{days} {daily_start}–{daily_end}"


_SESSION_SQL = """
SELECT s.id, s.start_date, s.end_date, s.daily_start, s.daily_end, s.address, s.mode,
       s.contact_phone, s.township_code, t.name AS township, c.name AS course,
       i.name AS institution {extra}
FROM sessions s
JOIN courses c ON c.code = s.course_code
JOIN institutions i ON i.id = s.institution_id
JOIN areas t ON t.code = s.township_code
"""


def _line(row: dict) -> SessionLine:
    return SessionLine(
        session_id=row["id"],
        when=_when(row["start_date"], row["end_date"], row["daily_start"], row["daily_end"]),
        place=printable(f"{row['township']} {row['address']}"),
        content=f"{row['course']}（{row['mode']}）",
        institution=printable(row["institution"]),
        contact=printable(row["contact_phone"]),
        township_code=row["township_code"],
        start_date=row["start_date"],
    )


def _workers(db, actor: Actor, worker_ids: list[int]) -> list[dict]:
    where, params = actor.county_filter("county_code")
    rows = []
    for part in _chunks(worker_ids):
        marks = ",".join("?" * len(part))
        rows += db.query(
            "SELECT id, name, id_number, county_code, township_code, village_code, wanted_trade "
            f"FROM workers WHERE id IN ({marks}) AND {where}",
            [*part, *params],
        )
    order = {wid: n for n, wid in enumerate(worker_ids)}
    return sorted(rows, key=lambda r: order[r["id"]])


def _own_sessions(db, worker_ids: list[int]) -> dict[int, list[SessionLine]]:
    found = defaultdict(list)
    for part in _chunks(worker_ids):
        marks = ",".join("?" * len(part))
        sql = _SESSION_SQL.format(extra=", e.worker_id") + (
            f"JOIN enrolments e ON e.session_id = s.id WHERE e.worker_id IN ({marks}) "
            "AND e.status != 'withdrawn' AND s.status != 'cancelled' "
            "ORDER BY s.start_date, s.id"
        )
        for row in db.query(sql, part):
            found[row["worker_id"]].append(_line(row))
    return found


def _county_sessions(db, county_code: str, on: dt.date) -> list[SessionLine]:
    sql = _SESSION_SQL.format(extra="") + (
        "WHERE s.county_code = ? AND s.status = 'published' AND s.start_date >= ? "
        "ORDER BY s.start_date, s.id"
    )
    return [_line(r) for r in db.query(sql, [county_code, on.isoformat()])]


def _jobs(db, county_code: str, on: dt.date) -> tuple[JobLine, ...]:
    rows = db.query(
        "SELECT title, employer, positions, wage, contact_phone, address FROM job_openings "
        "WHERE county_code = ? AND valid_from <= ? AND valid_until >= ? "
        "ORDER BY valid_until, id LIMIT ?",
        [county_code, on.isoformat(), on.isoformat(), JOBS_LIMIT],
    )
    return tuple(
        JobLine(
            printable(r["title"]),
            printable(r["employer"]),
            r["positions"],
            printable(r["wage"]) or "面议",
            printable(r["contact_phone"]),
            printable(r["address"]),
        )
        for r in rows
    )


def _matches(trade: str | None, line: SessionLine) -> bool:
    trade = (trade or "").strip()
    if not trade:
        return False
    course = line.content.split("（", 1)[0]
    return trade in course or course in trade


def nearby(
    worker: dict, county_sessions: list[SessionLine], own: list[SessionLine]
) -> tuple[SessionLine, ...]:
    """Their township before the rest of the county; their wanted trade first within each."""
    enrolled = {s.session_id for s in own}
    candidates = [s for s in county_sessions if s.session_id not in enrolled]
    candidates.sort(
        key=lambda s: (
            s.township_code != worker["township_code"],
            not _matches(worker["wanted_trade"], s),
            s.start_date,
            s.session_id,
        )
    )
    return tuple(candidates[:UPCOMING_LIMIT])


def load_packs(
    db: sqlite_utils.Database, actor: Actor, worker_ids: list[int], *, on: dt.date
) -> list[WorkerPack]:
    """The packs of ``worker_ids`` (in that order), as of ``on`` for sessions and openings."""
    workers = _workers(db, actor, list(worker_ids))
    ids = [w["id"] for w in workers]
    own = _own_sessions(db, ids)
    by_county: dict[str, list[SessionLine]] = {}
    jobs: dict[str, tuple[JobLine, ...]] = {}
    paths: dict[str, str] = {}
    packs = []
    for w in workers:
        county = w["county_code"]
        if county not in by_county:
            by_county[county] = _county_sessions(db, county, on)
            jobs[county] = _jobs(db, county, on)
        if w["village_code"] not in paths:
            paths[w["village_code"]] = areas.full_name(db, w["village_code"])
        mine = own.get(w["id"], [])
        packs.append(
            WorkerPack(
                worker_id=w["id"],
                name=printable(w["name"]),
                masked_id=idnumber.mask(w["id_number"]),
                village=printable(paths[w["village_code"]]),
                county_code=county,
                township_code=w["township_code"],
                wanted_trade=printable(w["wanted_trade"]),
                sessions=tuple(mine),
                upcoming=nearby(w, by_county[county], mine),
                jobs=jobs[county],
                contact=county_contact(county, db),
            )
        )
    return packs
