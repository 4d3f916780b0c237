"""Helpers shared by the portal tests: actors from the demo accounts, a valid session form."""

from __future__ import annotations

from portal import accounts, areas
from portal.db import one
from portal.scope import Actor


def actor(db, username: str) -> Actor:
    return accounts.actor_for(one(db, "SELECT * FROM users WHERE username = ?", [username]))


def institution(db, username: str) -> dict:
    user = one(db, "SELECT institution_id FROM users WHERE username = ?", [username])
    return one(db, "SELECT * FROM institutions WHERE id = ?", [user["institution_id"]])


def session_form(db, county_code: str, **overrides) -> dict:
    """A valid new-session form in ``county_code`` (first township, its first village)."""
    town = areas.children(db, county_code)[0]
    village = areas.children(db, town["code"])[0]
    form = {
        "course_code": "jz-jiazheng",
        "township_code": town["code"],
        "village_code": village["code"],
        "address": f"{village['name']}村委会活动室",
        "mode": "集中",
        "day_part": "全日",
        "start_date": "2019-06-03",
        "end_date": "2019-06-12",
        "daily_start": "08:30",
        "daily_end": "16:30",
        "class_hours": 80,
        "capacity": 30,
        "trainer": "李老师",
        "contact_phone": "0455-5123456",
    }
    return form | overrides


def workers_in(db, county_code: str, n: int, exclude_enrolled: bool = True) -> list[int]:
    """Ids of ``n`` ledger workers of a county, not enrolled anywhere (so no clashes)."""
    extra = "AND id NOT IN (SELECT worker_id FROM enrolments)" if exclude_enrolled else ""
    return [
        r["id"]
        for r in db.query(
            f"SELECT id FROM workers WHERE county_code = ? {extra} ORDER BY id LIMIT ?",
            [county_code, n],
        )
    ]


def enrol(db, who: Actor, session_id: int, worker_id: int) -> int:
    """Enrol as a clerk does: with the full ID number from the person's card."""
    from portal import enrolment

    number = one(db, "SELECT id_number FROM workers WHERE id = ?", [worker_id])
    return enrolment.enrol(db, who, session_id, worker_id, id_number=number and number["id_number"])
