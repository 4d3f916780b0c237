"""The portal's queries at city scale, and each page's full run in AppTest.

Times what the pages ask of the database for an institution, county staff and city staff:
worker search by ID number and by the start of a name, the session list with filters and its
calendar, the roster and the attendance sheet, and one enrolment (rolled back, so the city
database stays as built). Each figure is the median and the best of three runs, each beside the
machine reference taken just before it (bench/measure.py); target < 100 ms. Bulk work of a
training point: enrolling a pasted list of 200 ID numbers (rolled back; the session fills and the
rest go on its waiting list), target < 2 s, and one day's sign-in sheet PDF of the biggest
session, target < 3 s. Then each page runs in Streamlit's AppTest against the same database;
target < 1 s per run (the first, cold run of each page is left out: it only imports modules).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import citydata, measure
from portal import attendance, enrolment, id_list, sessions, signin_sheet, workers
from portal import db as database
from portal.db import one
from portal.scope import Actor

QUERY_TARGET_MS = 100
PAGE_TARGET_S = 1.0


def _actors(db) -> dict[str, Actor]:
    """An institution with many sessions, its county's staff, and the city."""
    inst = one(
        db,
        "SELECT i.id, i.county_code FROM institutions i JOIN sessions s ON s.institution_id = i.id "
        "GROUP BY i.id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    return {
        "institution": Actor("bench_inst", "institution", institution_id=inst["id"]),
        "county": Actor("bench_county", "county", county_code=inst["county_code"]),
        "city": Actor("bench_city", "city", is_admin=True),
    }


def query_figures(db, actors: dict[str, Actor]) -> list[tuple[str, measure.Timing]]:
    inst, county, city = actors["institution"], actors["county"], actors["city"]
    big = one(
        db,
        "SELECT s.id FROM sessions s JOIN enrolments e ON e.session_id = s.id "
        "WHERE s.institution_id = ? AND s.status = 'completed' "
        "GROUP BY s.id ORDER BY COUNT(*) DESC LIMIT 1",
        [inst.institution_id],
    )["id"]
    session = sessions.get(db, inst, big)
    first_day = session["start_date"]
    ledger = one(
        db,
        "SELECT id_number, name FROM workers WHERE county_code = ? ORDER BY id LIMIT 1 OFFSET 500",
        [county.county_code],
    )
    open_session = one(
        db,
        "SELECT s.id, s.county_code FROM sessions s WHERE s.institution_id = ? "
        "AND s.status = 'published' ORDER BY s.id LIMIT 1",
        [inst.institution_id],
    )
    newcomer = one(
        db,
        "SELECT id, id_number FROM workers WHERE county_code = ? AND id NOT IN "
        "(SELECT worker_id FROM enrolments) LIMIT 1",
        [county.county_code],
    )

    def enrol_rolled_back():
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            enrolment.enrol(
                db, inst, open_session["id"], newcomer["id"], id_number=newcomer["id_number"]
            )
        finally:
            db.conn.execute("ROLLBACK")

    checks = [
        (
            "worker search by ID number, county staff",
            lambda: workers.find(db, county, ledger["id_number"]),
        ),
        (
            "worker search by ID number, institution",
            lambda: workers.find(db, inst, ledger["id_number"]),
        ),
        (
            "worker search by name prefix, county staff",
            lambda: workers.find(db, county, ledger["name"][:1]),
        ),
        ("worker search by name prefix, city", lambda: workers.find(db, city, ledger["name"][:2])),
        ("worker search by name, institution", lambda: workers.find(db, inst, ledger["name"][:1])),
        ("session list, institution (all)", lambda: sessions.list_sessions(db, inst)),
        (
            "session list, county staff (month + status)",
            lambda: sessions.list_sessions(db, county, month="2019-06", status="completed"),
        ),
        (
            "session list, city (campaign + month)",
            lambda: sessions.list_sessions(db, city, campaign="shiyong", month="2019-10"),
        ),
        ("session list, city (no filter, first 500)", lambda: sessions.list_sessions(db, city)),
        (
            "session calendar, county staff (one month)",
            lambda: sessions.calendar(db, county, "2019-06"),
        ),
        ("roster of a full session", lambda: enrolment.roster(db, inst, big)),
        ("attendance sheet, one day", lambda: attendance.sheet(db, inst, big, first_day)),
        ("enrol one worker (capacity checked, rolled back)", enrol_rolled_back),
    ]
    out = []
    for label, fn in checks:
        result = fn()
        if isinstance(result, (list, dict)):
            if not result:  # an empty answer would time nothing worth knowing
                raise RuntimeError(f"{label}: no rows at this scale")
            label = f"{label} [{len(result)} rows]"
        out.append((label, measure.timed(fn)))
    return out


BULK_LIST = 200
BULK_TARGET_S = 2.0
SHEET_TARGET_S = 3.0


def bulk_figures(db, actors: dict[str, Actor]) -> list[tuple[str, measure.Timing, float]]:
    """(label, seconds, target): bulk enrolment of a pasted list, and a sign-in sheet PDF."""
    inst = actors["institution"]
    open_session = one(
        db,
        "SELECT s.id, s.county_code FROM sessions s WHERE s.institution_id = ? "
        "AND s.status = 'published' ORDER BY s.id LIMIT 1",
        [inst.institution_id],
    )
    numbers = [
        r["id_number"]
        for r in db.query(
            "SELECT id_number FROM workers WHERE county_code = ? ORDER BY id LIMIT ?",
            [open_session["county_code"], BULK_LIST],
        )
    ]
    pasted = id_list.from_text("\n".join(numbers))

    def bulk_rolled_back():
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            rows = enrolment.bulk_enrol(db, inst, open_session["id"], pasted)
        finally:
            db.conn.execute("ROLLBACK")
        if len(rows) != len(numbers):
            raise RuntimeError("bulk enrolment lost rows")

    big = one(
        db,
        "SELECT s.id, s.start_date FROM sessions s JOIN enrolments e ON e.session_id = s.id "
        "WHERE s.institution_id = ? GROUP BY s.id ORDER BY COUNT(*) DESC LIMIT 1",
        [inst.institution_id],
    )
    enrolled = one(db, "SELECT COUNT(*) AS n FROM enrolments WHERE session_id = ?", [big["id"]])[
        "n"
    ]
    return [
        (
            f"bulk enrolment of {len(numbers)} pasted ID numbers (rolled back)",
            measure.timed(bulk_rolled_back),
            BULK_TARGET_S,
        ),
        (
            f"sign-in sheet PDF, one day, {enrolled} trainees",
            measure.timed(lambda: signin_sheet.render(db, inst, big["id"], big["start_date"])),
            SHEET_TARGET_S,
        ),
    ]


def page_figures(db_path: Path, actors: dict[str, Actor]) -> list[tuple[str, measure.Timing]]:
    import logging

    import streamlit.logger as streamlit_logger
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    streamlit_logger.set_log_level("error")  # bare-mode notices would bury the table
    os.environ["PORTAL_DB"] = str(db_path)
    pages = [
        ("sessions", "institution"),
        ("sessions", "city"),
        ("enrolment", "institution"),
        ("attendance", "institution"),
        ("accounts", "city"),
    ]
    out = []
    for name, role in pages:
        at = AppTest.from_file(str(ROOT / "portal" / "pages" / f"{name}.py"), default_timeout=120)
        at.session_state.actor = actors[role]
        at.session_state.last_active = time.time()
        at.run()  # cold: imports
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception[0].value}")
        out.append((f"page {name}.py ({role}) in AppTest", measure.timed(at.run)))
    return out


def run(scale: float, workdir: Path) -> list[dict]:
    path = citydata.build(Path(workdir) / f"city-{scale:g}.db", scale)
    db = database.connect(path)
    try:
        actors = _actors(db)
        rows = [
            measure.row(
                label,
                timing,
                "ms",
                target=f"< {QUERY_TARGET_MS} ms",
                passes=lambda ms: ms < QUERY_TARGET_MS,
            )
            for label, timing in query_figures(db, actors)
        ]
        rows += [
            measure.row(
                label,
                timing,
                "s",
                target=f"< {target:g} s",
                passes=lambda sec, target=target: sec < target,
            )
            for label, timing, target in bulk_figures(db, actors)
        ]
    finally:
        db.conn.close()
    rows += [
        measure.row(
            label,
            timing,
            "s",
            target=f"< {PAGE_TARGET_S:g} s",
            passes=lambda s: s < PAGE_TARGET_S,
        )
        for label, timing in page_figures(path, actors)
    ]
    return rows


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Portal queries and pages at city scale.")
    parser.add_argument("--scale", type=float, default=0.05)
    args = parser.parse_args()
    from bench.run import print_table

    work = ROOT / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    print_table([{"area": "portal", **r} for r in run(args.scale, work)])
