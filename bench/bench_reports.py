"""Monthly report speed at city scale: figures for one county and for the whole city, and
the time to write the report as .xlsx and as PDF.

The city data set (bench/citydata.py) has no subsidy records, so a copy of it gets some:
2% of the workers each with a 以工代训 placement, a technical-school place, a start-up and an
employer-reward record (16,000 records at scale 1.0), so that the subsidy part of the
figures is measured too. Each figure is the median and best of three runs beside the machine
reference taken just before each (bench/measure.py).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import citydata, measure  # noqa: E402
from portal import db as database  # noqa: E402
from portal.reports import monthly, render  # noqa: E402
from portal.scope import SYSTEM  # noqa: E402

MONTH = "2019-06"
COUNTY = "望奎县"
SHARE = 0.02


def _with_records(city: Path, workdir: Path, scale: float) -> Path:
    path = workdir / f"reports-city-{scale:g}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copy(city, path)
    db = database.connect(path)
    rng = random.Random(2019)
    ids = [r[0] for r in db.execute("SELECT id, county_code FROM workers").fetchall()]
    county = dict(db.execute("SELECT id, county_code FROM workers").fetchall())
    n = max(4, int(len(ids) * SHARE))
    stamp = ("2019-03-20T09:00:00", "bench", "2019-03-20T09:00:00", "bench")

    def day(lo: dt.date, hi: dt.date) -> str:
        return (lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))).isoformat()

    with database.transaction(db):
        picks = rng.sample(ids, min(len(ids), 4 * n))
        db.conn.executemany(
            "INSERT INTO work_training_placements (worker_id, county_code, employer, employer_type, "
            "start_date, end_date, created_at, created_by, updated_at, updated_by) "
            "VALUES (?, ?, '基准扶贫车间', '扶贫车间', ?, NULL, ?, ?, ?, ?)",
            [(w, county[w], day(dt.date(2019, 3, 12), dt.date(2019, 9, 1)), *stamp)
             for w in picks[:n]],
        )  # fmt: skip
        db.conn.executemany(
            "INSERT INTO school_students (worker_id, county_code, school, enrol_date, course_years, "
            "created_at, created_by, updated_at, updated_by) "
            "VALUES (?, ?, '基准技工学校', ?, 3, ?, ?, ?, ?)",
            [(w, county[w], rng.choice(["2018-09-01", "2019-03-15", "2019-06-01"]), *stamp)
             for w in picks[n : 2 * n]],
        )  # fmt: skip
        db.conn.executemany(
            "INSERT INTO startups (worker_id, county_code, kind, business_name, registered_on, "
            "created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, '基准小店', ?, ?, ?, ?, ?)",
            [(w, county[w], rng.choice(["enterprise", "sole"]),
              day(dt.date(2018, 10, 1), dt.date(2019, 6, 1)), *stamp) for w in picks[2 * n : 3 * n]],
        )  # fmt: skip
        db.conn.executemany(
            "INSERT INTO employer_rewards (worker_id, county_code, employer, employer_type, "
            "employed_since, created_at, created_by, updated_at, updated_by) "
            "VALUES (?, ?, '基准合作社', '农民合作社', ?, ?, ?, ?, ?)",
            [(w, county[w], day(dt.date(2018, 1, 1), dt.date(2019, 6, 1)), *stamp)
             for w in picks[3 * n :]],
        )  # fmt: skip
    db.execute("ANALYZE")
    db.conn.close()
    return path


def run(scale: float, workdir: Path) -> list[dict]:
    workdir.mkdir(parents=True, exist_ok=True)
    city = citydata.build(scale=scale)
    path = _with_records(city, workdir, scale)
    db = database.connect(path)
    records = sum(
        db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("work_training_placements", "school_students", "startups", "employer_rewards")
    )
    enrolments = db.execute("SELECT COUNT(*) FROM enrolments").fetchone()[0]
    monthly.view(db, SYSTEM, COUNTY, MONTH)  # warm the page cache and the catalogue
    one = monthly.view(db, SYSTEM, COUNTY, MONTH)
    overview = monthly.city_overview(db, SYSTEM, MONTH)
    # The first PDF of a process loads the fonts: timed once, before the repeated runs.
    cold = measure.timed(
        lambda: render.write("monthly", one, workdir / "report-cold.pdf"), repeat=1
    )
    t_one = measure.timed(lambda: monthly.view(db, SYSTEM, COUNTY, MONTH))
    t_city = measure.timed(lambda: monthly.city_overview(db, SYSTEM, MONTH))
    t_xlsx = measure.timed(lambda: render.write("monthly", one, workdir / "report-bench.xlsx"))
    t_pdf = measure.timed(lambda: render.write("monthly", one, workdir / "report-bench.pdf"))
    t_city_pdf = measure.timed(lambda: render.write("city", overview, workdir / "city-bench.pdf"))
    db.conn.close()
    trained = overview["sum"]["total"]["trained_to_date"]
    return [
        {"figure": f"data: enrolments / subsidy records (trained to date {trained:,})",
         "value": f"{enrolments:,} / {records:,}", "unit": "", "reference": "", "target": "",
         "ok": None},
        measure.row("monthly figures, one county", t_one, "s", target="< 1 s",
                    passes=lambda s: s < 1),
        measure.row("monthly figures, whole city (10 counties + sum)", t_city, "s",
                    target="< 10 s", passes=lambda s: s < 10),
        measure.row("monthly report .xlsx, one county", t_xlsx, "s", target="< 1 s",
                    passes=lambda s: s < 1),
        measure.row("monthly report PDF, first in a process (fonts loaded; one run)", cold, "s"),
        measure.row("monthly report PDF, one county", t_pdf, "s", target="< 5 s",
                    passes=lambda s: s < 5),
        measure.row("city summary PDF", t_city_pdf, "s", target="< 5 s", passes=lambda s: s < 5),
    ]  # fmt: skip


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05)
    args = parser.parse_args()
    from bench.run import print_table

    work = citydata.WORK
    print_table([{"area": "reports", **r} for r in run(args.scale, work)])
