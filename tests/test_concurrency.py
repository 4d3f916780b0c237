"""Several processes enrolling, marking attendance and importing at once.

No lost write, no overbooking, and no "database is locked" reaching a user: the only errors a
user may see are the domain's own sentences (the session is full).
"""

import csv
import datetime as dt
import multiprocessing
import sqlite3

from portal import db as database
from portal import idnumber
from portal.errors import UserError
from portal.scope import SYSTEM

CAPACITY = 8
DAYS = ("2019-12-10", "2019-12-11")


def _enrol_worker(db_path, session_id, worker_ids, queue):
    from portal import enrolment

    conn = database.connect(db_path)
    ok, refused, other = 0, [], []
    for worker_id in worker_ids:
        try:
            enrolment.enrol(conn, SYSTEM, session_id, worker_id)
            ok += 1
        except UserError as exc:
            refused.append(str(exc))
        except Exception as exc:  # anything else would reach a user as a failure
            other.append(repr(exc))
    queue.put(("enrol", ok, refused, other))


def _attendance_worker(db_path, session_id, day, enrolment_ids, rounds, queue):
    from portal import attendance

    conn = database.connect(db_path)
    written, other = 0, []
    for i in range(rounds):
        try:
            written += attendance.mark(
                conn, SYSTEM, session_id, day, {e: i % 2 == 0 for e in enrolment_ids}
            )
        except Exception as exc:
            other.append(repr(exc))
    queue.put(("attendance", written, [], other))


def _import_worker(db_path, csv_path, queue):
    from portal.ledger import importer

    conn = database.connect(db_path)
    try:
        result = importer.import_ledger(conn, csv_path, SYSTEM, county="望奎县")
        queue.put(("import", result.new, [], []))
    except Exception as exc:
        queue.put(("import", 0, [], [repr(exc)]))


def _setup(db_path, tmp_path):
    conn = sqlite3.connect(db_path)
    inst_id, county = conn.execute(
        "SELECT id, county_code FROM institutions WHERE county_code = '231221'"
    ).fetchone()
    township, village = conn.execute(
        "SELECT township_code, village_code FROM workers WHERE county_code = ? LIMIT 1", [county]
    ).fetchone()
    cur = conn.execute(
        "INSERT INTO sessions (institution_id, course_code, county_code, township_code, village_code, address, "
        "mode, day_part, start_date, end_date, daily_start, daily_end, class_hours, capacity, contact_phone, "
        "status, created_at, created_by, updated_at, updated_by) VALUES (?, 'jz-jiazheng', ?, ?, ?, '村委会', "
        "'集中', '全日', ?, ?, '08:30', '16:30', 16, ?, '0455-8123456', 'published', 't', 't', 't', 't')",
        [inst_id, county, township, village, DAYS[0], DAYS[1], CAPACITY],
    )
    full_session = cur.lastrowid
    candidates = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM workers WHERE county_code = ? AND id NOT IN (SELECT worker_id FROM enrolments) LIMIT 32",
            [county],
        )
    ]
    # a second session, with trainees, for attendance
    cur = conn.execute(
        "INSERT INTO sessions (institution_id, course_code, county_code, township_code, village_code, address, "
        "mode, day_part, start_date, end_date, daily_start, daily_end, class_hours, capacity, contact_phone, "
        "status, created_at, created_by, updated_at, updated_by) VALUES (?, 'jz-yanglao', ?, ?, ?, '村委会', "
        "'集中', '全日', ?, ?, '08:30', '16:30', 16, 20, '0455-8123456', 'published', 't', 't', 't', 't')",
        [inst_id, county, township, village, DAYS[0], DAYS[1]],
    )
    att_session = cur.lastrowid
    trainees = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM workers WHERE county_code = ? AND id NOT IN (SELECT worker_id FROM enrolments) "
            "AND id NOT IN ({}) LIMIT 5".format(",".join("?" * len(candidates))),
            [county, *candidates],
        )
    ]
    enrolment_ids = []
    for w in trainees:
        e = conn.execute(
            "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) VALUES (?, ?, 'enrolled', 't', 't')",
            [att_session, w],
        ).lastrowid
        conn.execute(
            "INSERT INTO enrolment_events (enrolment_id, status, at, by) VALUES (?, 'enrolled', 't', 't')",
            [e],
        )
        enrolment_ids.append(e)
    conn.commit()
    known = {r[0] for r in conn.execute("SELECT id_number FROM workers")}
    rows, seq = [], 0
    while len(rows) < 1500:
        number = idnumber.make(
            "231221", dt.date(1970, 1, 1) + dt.timedelta(days=seq // 900), seq % 900
        )
        seq += 1
        if number not in known:
            rows.append(
                [f"并发测试{len(rows)}", number, "望奎县", "并发镇", f"并发{len(rows) % 7}村", "是"]
            )
    csv_path = tmp_path / "ledger.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "身份证号", "县", "乡镇", "村", "是否有培训意愿"])
        w.writerows(rows)
    conn.close()
    return full_session, candidates, att_session, enrolment_ids, csv_path


def test_enrol_attend_and_import_at_once(demo_db_path, tmp_path):
    full_session, candidates, att_session, enrolment_ids, csv_path = _setup(demo_db_path, tmp_path)
    before = sqlite3.connect(demo_db_path).execute("SELECT COUNT(*) FROM attendance").fetchone()[0]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    rounds = 6
    procs = [
        ctx.Process(
            target=_enrol_worker, args=(demo_db_path, full_session, candidates[i::4], queue)
        )
        for i in range(4)
    ]
    procs += [
        ctx.Process(
            target=_attendance_worker,
            args=(demo_db_path, att_session, day, enrolment_ids, rounds, queue),
        )
        for day in DAYS
    ]
    procs.append(ctx.Process(target=_import_worker, args=(demo_db_path, csv_path, queue)))
    for p in procs:
        p.start()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    assert [r for r in results if r[3]] == [], (
        "an error other than a domain message reached the user"
    )
    enrolled = sum(r[1] for r in results if r[0] == "enrol")
    refusals = [m for r in results if r[0] == "enrol" for m in r[2]]
    assert enrolled == CAPACITY
    assert len(refusals) == len(candidates) - CAPACITY
    assert all("满" in m for m in refusals), refusals[:3]
    assert sum(r[1] for r in results if r[0] == "import") == 1500

    conn = sqlite3.connect(demo_db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    taken = conn.execute(
        "SELECT COUNT(*) FROM enrolments WHERE session_id = ? AND status = 'enrolled'",
        [full_session],
    ).fetchone()[0]
    assert taken == CAPACITY
    written = sum(r[1] for r in results if r[0] == "attendance")
    assert written == len(DAYS) * rounds * len(enrolment_ids)
    assert conn.execute("SELECT COUNT(*) FROM attendance").fetchone()[0] == before + written
    assert (
        conn.execute("SELECT COUNT(*) FROM workers WHERE name LIKE '并发测试%'").fetchone()[0]
        == 1500
    )
