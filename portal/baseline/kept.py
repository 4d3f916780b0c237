"""The baseline counts kept per township by the triggers of migration 095, for one day.

Why one day: age bands move with the day they are counted at, so counts kept up to date on
every write can only be for a day fixed in advance. That day is the plan's census end date
(content/data/plan.yml), the page's default; ``sync`` writes its thresholds and recounts
everything from the ledger when the plan's date changes (once, about half a second at city
scale). Any other day is counted from the ledger by ``census``.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from portal import catalogue
from portal.baseline import groups
from portal.db import transaction

COUNT_COLUMNS = (
    "workers", "women", "train_yes", "train_no", "job_yes", "job_no", "lhs", "school_yes",
    "lhs_school_yes",
)  # fmt: skip
KEY = ("county_code", "township_code", "work_status", "education", "band")

RECOUNT_SQL = f"""
INSERT INTO baseline_counts
SELECT {", ".join(KEY)}, COUNT(*), {", ".join(f"SUM({c})" for c in COUNT_COLUMNS[1:])}
FROM baseline_rows GROUP BY {", ".join(KEY)}
"""
RECOUNT_TRADES_SQL = """
INSERT INTO baseline_trades
SELECT county_code, township_code, wanted_trade, COUNT(*), SUM(untrained)
FROM baseline_rows WHERE train_yes GROUP BY county_code, township_code, wanted_trade
"""


def kept_day(db: sqlite_utils.Database) -> dt.date | None:
    """The day the kept counts are for, or None before the first ``sync``."""
    row = db.execute("SELECT day FROM baseline_thresholds LIMIT 1").fetchone()
    return dt.date.fromisoformat(row[0]) if row else None


def _expected(day: dt.date) -> list[tuple[int, str, str]]:
    return [
        (age, born_by, day.isoformat())
        for age, born_by in zip(groups.THRESHOLD_AGES, groups.thresholds(day), strict=True)
    ]


def is_current(db: sqlite_utils.Database, day: dt.date) -> bool:
    """Whether the kept counts are for ``day`` with today's band ages."""
    stored = db.execute("SELECT age, born_by, day FROM baseline_thresholds ORDER BY age").fetchall()
    return [tuple(r) for r in stored] == _expected(day)


def sync(db: sqlite_utils.Database, day: dt.date | None = None) -> bool:
    """Keep the counts for ``day`` (the plan's census end date by default); True when they had
    to be counted again. One write transaction: a reader sees the old counts or the new."""
    day = day or catalogue.census_period()[1]
    if is_current(db, day):
        return False
    with transaction(db):
        if is_current(db, day):  # another process got there first
            return False
        db.execute("DELETE FROM baseline_thresholds")
        db.conn.executemany("INSERT INTO baseline_thresholds VALUES (?, ?, ?)", _expected(day))
        recount(db)
    return True


def recount(db: sqlite_utils.Database) -> None:
    """Count everyone again from the ledger, inside the caller's transaction."""
    db.execute("DELETE FROM baseline_counts")
    db.execute("DELETE FROM baseline_trades")
    db.execute(RECOUNT_SQL)
    db.execute(RECOUNT_TRADES_SQL)


def main_rows(db: sqlite_utils.Database, county: str | None) -> list[tuple]:
    """The kept counts as the main pass's rows: township, 就业状态, 文化程度, people per band,
    then the sums."""
    where, params = ("WHERE county_code = ? AND workers != 0", [county]) if county else (
        "WHERE workers != 0", [])  # fmt: skip
    width = len(groups.AGE_BANDS)
    rows = []
    for township, status, education, band, n, *sums in db.execute(
        f"SELECT township_code, work_status, education, band, {', '.join(COUNT_COLUMNS)} "
        f"FROM baseline_counts {where}",
        params,
    ):
        bands = [0] * width
        bands[band] = n
        rows.append((township, status, education, n, bands, *sums))
    return rows


def trade_rows(db: sqlite_utils.Database, county: str | None) -> list[tuple]:
    """Per township and trade as written: (township, trade, wanted, untrained)."""
    where, params = ("WHERE county_code = ? AND wanted != 0", [county]) if county else (
        "WHERE wanted != 0", [])  # fmt: skip
    return db.execute(
        f"SELECT township_code, wanted_trade, wanted, untrained FROM baseline_trades {where}",
        params,
    ).fetchall()
