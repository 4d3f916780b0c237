"""摸清底数 at city scale: the city view, the drill-down to a county, a township and a village.

The city data set leaves 就业状态, 就业意愿, 两后生 and 就读技工院校意愿 empty, so the benchmark
works on its own copy of it (``baseline-<scale>.db``) with those filled deterministically (five
wordings, the three answers, 两后生 among the young), so every group of the pass is exercised. Each
figure is the median of three runs of ``census.census``, printed beside a machine reference
taken just before each run (``bench/measure.py``: the machine is shared); targets: the city
view < 300 ms, every drill-down < 100 ms.

At the plan's census date (the page's default) the city and its counties are read from the
counts the triggers of migration 095 keep per township, so they are timed as they are seen:
right after an edit in one county, and unchanged. Any other day is counted from the ledger
(cached per county in the process), timed from nothing (cache dropped before each run) and
unchanged. Also timed: counting everything again when plan.yml's census date moves (once
per change, no target), and the 两后生 list of a county (no target).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import citydata, measure  # noqa: E402
from portal import db as database  # noqa: E402
from portal.baseline import census, kept, pupils  # noqa: E402
from portal.scope import Actor  # noqa: E402

CITY_TARGET_MS = 300
DRILL_TARGET_MS = 100
CITY = Actor("bench_city", "city")

FILL = """
UPDATE workers SET
    work_status = CASE id % 6 WHEN 0 THEN '务农' WHEN 1 THEN '在家务农' WHEN 2 THEN '未就业'
                  WHEN 3 THEN '季节性务工' WHEN 4 THEN '外出务工' ELSE NULL END,
    wants_job = CASE id % 3 WHEN 0 THEN 'yes' WHEN 1 THEN 'no' ELSE 'unknown' END,
    liang_hou_sheng = (birth_date > '1997-01-01' AND id % 2 = 0),
    wants_school = CASE id % 4 WHEN 0 THEN 'yes' WHEN 1 THEN 'no' ELSE 'unknown' END
"""


def prepare(scale: float, workdir: Path) -> Path:
    """A copy of the city data set with the baseline's columns filled (rebuilt when the
    city data set is newer)."""
    source = citydata.build(Path(workdir) / f"city-{scale:g}.db", scale)
    target = Path(workdir) / f"baseline-{scale:g}.db"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    db = database.connect(target)  # migrations of this branch (080) apply to the copy
    with database.transaction(db):
        db.execute(FILL)
    db.execute("ANALYZE")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return target


def run(scale: float, workdir: Path) -> list[dict]:
    path = prepare(scale, workdir)
    db = database.connect(path)
    try:
        county = db.execute(
            "SELECT county_code FROM workers GROUP BY county_code ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()[0]
        township = db.execute(
            "SELECT township_code FROM workers WHERE county_code = ? GROUP BY township_code "
            "ORDER BY COUNT(*) DESC LIMIT 1",
            [county],
        ).fetchone()[0]
        village = db.execute(
            "SELECT village_code FROM workers WHERE county_code = ? AND township_code = ? "
            "GROUP BY village_code ORDER BY COUNT(*) DESC LIMIT 1",
            [county, township],
        ).fetchone()[0]
        workers = db.execute("SELECT COUNT(*) FROM workers").fetchone()[0]

        def view(code=None):
            return lambda: census.census(db, CITY, code)

        def edit():
            with database.transaction(db):  # one worker of the county edited and put back
                db.execute(  # a counted answer changes, so the kept counts move twice
                    "UPDATE workers SET work_status = ? WHERE id = ?", ["未就业", edited]
                )
            db.execute("UPDATE workers SET work_status = ? WHERE id = ?", [status, edited])

        def timed(fn, setup=None):
            return measure.timed(fn, setup=setup)

        edited, status = db.execute(
            "SELECT id, work_status FROM workers WHERE county_code = ? LIMIT 1", [county]
        ).fetchone()
        other_day = "2019-06-30"

        def on_other_day(code=None):
            return lambda: census.census(db, CITY, code, other_day)

        def recount():
            kept.sync(db, dt.date(2019, 6, 30))
            kept.sync(db, census.default_date())

        census.census(db, CITY)
        figures = [
            (f"city view ({workers:,} workers), after an edit in one county",
             timed(view(), edit), CITY_TARGET_MS),
            ("city view, unchanged", timed(view()), CITY_TARGET_MS),
            ("drill-down: county, after an edit", timed(view(county), edit), DRILL_TARGET_MS),
            ("drill-down: county, unchanged", timed(view(county)), DRILL_TARGET_MS),
            ("drill-down: township", timed(view(township)), DRILL_TARGET_MS),
            ("drill-down: village", timed(view(village)), DRILL_TARGET_MS),
            ("city view on another day, counted from the ledger",
             timed(on_other_day(), census.forget), None),
            ("city view on another day, unchanged", timed(on_other_day()), None),
            ("county on another day, counted from the ledger",
             timed(on_other_day(county), census.forget), None),
            ("plan's census date moved: everything counted again (twice)", timed(recount), None),
            ("两后生 list of a county",
             timed(lambda: pupils.pupil_list(db, CITY, county)), None),
        ]  # fmt: skip
    finally:
        db.conn.close()
    return [
        measure.row(
            label,
            timing,
            target=f"< {target} ms" if target else "",
            passes=(lambda ms, target=target: ms < target) if target else None,
        )
        for label, timing, target in figures
    ]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Baseline (摸清底数) figures at city scale.")
    parser.add_argument("--scale", type=float, default=0.05)
    args = parser.parse_args()
    from bench.run import print_table

    work = ROOT / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    print_table([{"area": "baseline", **r} for r in run(args.scale, work)])
