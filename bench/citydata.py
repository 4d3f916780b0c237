"""A deterministic city-scale data set for the benchmarks.

At scale 1.0: 10 counties, 150 townships, 2,000 villages, 200,000 workers, 10,000 sessions,
300,000 enrolments (with attendance for finished sessions). Smaller scales shrink every
count but the ten counties. The same scale gives the same rows on every machine, so figures
from two runs compare. A built file is reused when its recorded scale matches.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal import catalogue, clock, idnumber, validate  # noqa: E402
from portal import db as database
from portal.demo import EDUCATION, GIVEN, SURNAMES  # noqa: E402

SEED = 20191220
FULL = {
    "townships": 150,
    "villages": 2000,
    "workers": 200_000,
    "sessions": 10_000,
    "enrolments": 300_000,
    "institutions": 100,
}
WORK = ROOT / "bench" / "work"


def counts(scale: float) -> dict[str, int]:
    c = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    c["townships"] = max(10, c["townships"])
    c["villages"] = max(c["townships"], c["villages"])
    c["institutions"] = max(10, c["institutions"])
    return c


def default_path(scale: float) -> Path:
    return WORK / f"city-{scale:g}.db"


def build(path: str | Path | None = None, scale: float = 1.0, *, force: bool = False) -> Path:
    """Create (or reuse) the city database at ``path`` for ``scale``."""
    path = Path(path) if path else default_path(scale)
    if path.exists() and not force:
        db = database.connect(path)
        row = list(db.query("SELECT value FROM settings WHERE key = 'bench_scale'"))
        db.conn.close()
        if row and float(row[0]["value"]) == scale:
            return path
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = database.connect(path)
    rng = random.Random(SEED)
    c = counts(scale)
    now = clock.now()
    with database.transaction(db):
        villages = _areas(db, c)
        _workers(db, rng, villages, c["workers"], now)
        institutions = _institutions(db, c["institutions"], now)
        _sessions(db, rng, c, institutions, now)
        _enrolments(db, rng, c, now)
        db.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('bench_scale', ?)", [str(scale)]
        )
    db.execute("ANALYZE")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


def _areas(db, c) -> list[tuple[str, str, str]]:
    county_codes = [k["code"] for k in catalogue.counties()]
    townships = []
    for i in range(c["townships"]):
        county = county_codes[i % 10]
        code = f"{county}{i // 10 + 1:03d}"
        townships.append((code, f"第{i // 10 + 1}镇", "township", county))
    villages = []
    for j in range(c["villages"]):
        t = townships[j % len(townships)]
        code = f"{t[0]}{j // len(townships) + 1:03d}"
        villages.append((code, f"第{j // len(townships) + 1}村", "village", t[0]))
    db.conn.executemany(
        "INSERT INTO areas (code, name, level, parent_code) VALUES (?, ?, ?, ?)",
        townships + villages,
    )
    return [(v[3][:6], v[3], v[0]) for v in villages]


def _workers(db, rng, villages, n, now) -> None:
    used = set()
    trades = [
        k["name"]
        for k in catalogue.courses()
        if k["category"] in ("vocational", "practical", "startup")
    ]
    rows = []
    start = dt.date(1955, 1, 1).toordinal()
    for i in range(n):
        county, township, village = villages[i % len(villages)]
        birth = dt.date.fromordinal(start + rng.randint(0, 365 * 46))
        while True:
            number = idnumber.make(county, birth, rng.randint(0, 999))
            if number not in used:
                used.add(number)
                break
        wants = "yes" if rng.random() < 0.7 else rng.choice(("no", "unknown"))
        rows.append(
            (
                number,
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "男" if int(number[16]) % 2 else "女",
                birth.isoformat(),
                f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
                county,
                township,
                village,
                rng.choice(EDUCATION),
                wants,
                rng.choice(trades) if wants == "yes" else None,
                "benchmark",
                now,
                "bench",
                now,
                "bench",
            )
        )
    db.conn.executemany(
        "INSERT INTO workers (id_number, name, gender, birth_date, phone, county_code, township_code, "
        "village_code, education, wants_training, wanted_trade, source_file, created_at, created_by, "
        "updated_at, updated_by) VALUES (" + ", ".join("?" * 16) + ")",
        rows,
    )


def _institutions(db, n, now) -> list[tuple[int, str]]:
    county_codes = [k["code"] for k in catalogue.counties()]
    result = []
    for i in range(n):
        county = county_codes[i % 10]
        credit = validate.make_credit_code(f"52{county}MJ{i:07d}"[:17])
        inst_id = db.execute(
            "INSERT INTO institutions (name, county_code, credit_code, contact_phone, designated, created_at, "
            "created_by, updated_at, updated_by) VALUES (?, ?, ?, '0455-8000000', 1, ?, 'bench', ?, 'bench')",
            [f"基准测试培训机构{i + 1:03d}", county, credit, now, now],
        ).lastrowid
        result.append((inst_id, county))
    return result


def _sessions(db, rng, c, institutions, now) -> None:
    courses = [k for k in catalogue.courses() if k["hours"] > 0]
    townships = {}
    for row in db.query("SELECT code, parent_code FROM areas WHERE level = 'township'"):
        townships.setdefault(row["parent_code"], []).append(row["code"])
    villages = {}
    for row in db.query("SELECT code, parent_code FROM areas WHERE level = 'village'"):
        villages.setdefault(row["parent_code"], []).append(row["code"])
    start, end = catalogue.campaign_period()
    rows = []
    for i in range(c["sessions"]):
        inst_id, county = institutions[i % len(institutions)]
        course = courses[i % len(courses)]
        town = rng.choice(townships[county])
        village = rng.choice(villages.get(town, [None]))
        per_day = 4 if course["hours"] <= 24 else 8
        days = max(1, int(course["hours"] // per_day))
        first = start + dt.timedelta(days=rng.randint(0, (end - start).days - days))
        last = first + dt.timedelta(days=days - 1)
        status = (
            "completed"
            if last < dt.date(2019, 9, 1)
            else rng.choice(("published", "published", "published", "draft", "cancelled"))
        )
        rows.append(
            (
                inst_id,
                course["code"],
                county,
                town,
                village,
                "村委会活动室",
                "集中",
                "半日" if per_day == 4 else "全日",
                first.isoformat(),
                last.isoformat(),
                "08:30",
                "11:30" if per_day == 4 else "16:30",
                days * per_day,
                60,
                "0455-8000000",
                status,
                now,
                "bench",
                now,
                "bench",
            )
        )
    db.conn.executemany(
        "INSERT INTO sessions (institution_id, course_code, county_code, township_code, village_code, "
        "address, mode, day_part, start_date, end_date, daily_start, daily_end, class_hours, capacity, "
        "contact_phone, status, created_at, created_by, updated_at, updated_by) VALUES ("
        + ", ".join("?" * 20)
        + ")",
        rows,
    )


def _enrolments(db, rng, c, now) -> None:
    sessions = [
        r
        for r in db.query(
            "SELECT id, township_code, status, start_date, end_date FROM sessions WHERE status IN ('published', 'completed') ORDER BY id"
        )
    ]
    by_town = {}
    for row in db.query("SELECT id, township_code FROM workers ORDER BY id"):
        by_town.setdefault(row["township_code"], []).append(row["id"])
    per_session = max(1, -(-c["enrolments"] // max(1, len(sessions))) + 1)
    enrol, events, attendance = [], [], []
    next_id = 1
    for s in sessions:
        pool = by_town.get(s["township_code"]) or []
        take = min(len(pool), per_session, 60, c["enrolments"] - len(enrol))
        if take <= 0:
            break
        chosen = rng.sample(pool, take)
        first = dt.date.fromisoformat(s["start_date"])
        days = (dt.date.fromisoformat(s["end_date"]) - first).days + 1
        for w in chosen:
            status = (
                "completed" if s["status"] == "completed" and rng.random() < 0.85 else "enrolled"
            )
            enrol.append((next_id, s["id"], w, status, now, "bench"))
            events.append((next_id, "enrolled", now, "bench"))
            if status == "completed":
                events.append((next_id, "completed", now, "bench"))
            if s["status"] == "completed":
                for d in range(days):
                    attendance.append(
                        (
                            next_id,
                            (first + dt.timedelta(days=d)).isoformat(),
                            1 if status == "completed" else rng.randint(0, 1),
                            now,
                            "bench",
                        )
                    )
            next_id += 1
    db.conn.executemany(
        "INSERT INTO enrolments (id, session_id, worker_id, status, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
        enrol,
    )
    db.conn.executemany(
        "INSERT INTO enrolment_events (enrolment_id, status, at, by) VALUES (?, ?, ?, ?)", events
    )
    db.conn.executemany(
        "INSERT INTO attendance (enrolment_id, day, present, at, by) VALUES (?, ?, ?, ?, ?)",
        attendance,
    )


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(
        description="Build the deterministic city-scale benchmark database."
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    path = build(args.out, args.scale, force=args.force)
    db = database.connect(path)
    figures = {
        t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("areas", "workers", "sessions", "enrolments", "attendance")
    }
    print(f"{path}: {figures} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
