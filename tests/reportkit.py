"""Small hand-made fixtures for the subsidy and report tests: every row is written here, so
every figure the tests expect can be counted by hand."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from portal import areas, catalogue, idnumber, validate
from portal.db import transaction
from portal.scope import Actor

STAMP = {"created_at": "2019-03-20T09:00:00", "created_by": "test"}
STAMP4 = {**STAMP, "updated_at": "2019-03-20T09:00:00", "updated_by": "test"}

WANGKUI = Actor("wangkui_staff", "county", county_code="231221", display_name="望奎县")
BEILIN = Actor("beilin_staff", "county", county_code="231202", display_name="北林区")
CITY = Actor("city_admin", "city", is_admin=True, display_name="市局")
INSTITUTION = Actor("jigou", "institution", institution_id=1, display_name="机构")

_seq = iter(range(1, 999))


def worker(
    db,
    county="望奎县",
    town="甲镇",
    village="一村",
    *,
    registered=1,
    wants="yes",
    name=None,
    birth=dt.date(1980, 5, 1),
) -> dict:
    c, t, v = areas.ensure_place(db, county, town, village)
    division = catalogue.county(county)["code"]
    number = idnumber.make(division, birth, next(_seq))
    with transaction(db):
        wid = db.execute(
            "INSERT INTO workers (id_number, name, gender, birth_date, county_code, township_code, "
            "village_code, wants_training, registered, created_at, created_by, updated_at, "
            "updated_by) VALUES (?, ?, '男', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [number, name or f"测试{number[-4:]}", birth.isoformat(), c, t, v, wants, registered,
             *STAMP4.values()],
        ).lastrowid  # fmt: skip
    return {"id": wid, "id_number": number, "county_code": c, "township_code": t}


def institution(db, county="望奎县", name="测试培训学校") -> int:
    code = catalogue.county(county)["code"]
    credit = validate.make_credit_code(f"52{code}MJ{next(_seq):07d}"[:17])
    with transaction(db):
        return db.execute(
            "INSERT INTO institutions (name, county_code, credit_code, created_at, created_by, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [f"{name}{next(_seq)}", code, credit, *STAMP4.values()],
        ).lastrowid


def session(db, inst, course, start, end, *, county="望奎县", status="completed", hours=None):
    code = catalogue.county(county)["code"]
    town = areas.ensure_child(db, code, "甲镇", "township")
    hours = hours or catalogue.course(course)["hours"]
    with transaction(db):
        return db.execute(
            "INSERT INTO sessions (institution_id, course_code, county_code, township_code, "
            "address, mode, day_part, start_date, end_date, daily_start, daily_end, class_hours, "
            "capacity, contact_phone, status, created_at, created_by, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, '村委会', '集中', '全日', ?, ?, '08:30', '16:30', ?, 40, "
            "'0455-1234567', ?, ?, ?, ?, ?)",
            [inst, course, code, town, str(start), str(end), hours, status, *STAMP4.values()],
        ).lastrowid


def enrol(db, session_id, worker_id, status="completed") -> int:
    with transaction(db):
        return db.execute(
            "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?)",
            [session_id, worker_id, status, *STAMP.values()],
        ).lastrowid


def record(db, table, worker_row, **values) -> int:
    row = {"worker_id": worker_row["id"], "county_code": worker_row["county_code"], **values}
    row.update(STAMP4)
    cols = ", ".join(row)
    with transaction(db):
        return db.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' for _ in row)})",
            list(row.values()),
        ).lastrowid


def temporary_rates(monkeypatch, tmp_path: Path, extra: list[dict]) -> None:
    """Point the catalogue at a copy of content/data with ``extra`` rate entries added."""
    data = tmp_path / "data"
    shutil.copytree(catalogue.DATA, data)
    rates = yaml.safe_load((data / "rates.yml").read_text(encoding="utf-8"))
    rates["rates"].extend(extra)
    (data / "rates.yml").write_text(
        yaml.safe_dump(rates, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    catalogue._load.cache_clear()
    monkeypatch.setattr(catalogue, "DATA", data)
