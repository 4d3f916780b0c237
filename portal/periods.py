"""Which month, quarter and date the report and subsidy pages start on.

The plan (绥人社发〔2019〕18号) is for one year (content/data/plan.yml ``year``): staff open
these pages mostly to look at that year. When today is inside the plan year the pickers
start on the month just ended, the quarter under way and today; when today is outside it,
they start on the plan year's last month, last quarter and last day (or its first ones,
before the year begins), not on a period with nothing in it.
"""

from __future__ import annotations

import datetime as dt

from portal import catalogue, clock

FIRST_YEAR = 2019  # the pickers list periods from here on


def plan_year() -> int:
    return int(catalogue.plan()["year"])


def _clamp(day: dt.date) -> dt.date:
    year = plan_year()
    return min(max(day, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def default_as_of(today: dt.date | None = None) -> dt.date:
    """计算截至日期: today in the plan year, else the plan year's nearest end."""
    return _clamp(today or clock.today())


def months(today: dt.date | None = None) -> list[str]:
    """'YYYY-MM' from January 2019 to this month (or the plan year's end), newest first."""
    today = today or clock.today()
    last = max(today, dt.date(plan_year(), 12, 1))
    out, year, month = [], FIRST_YEAR, 1
    while (year, month) <= (last.year, last.month):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out[::-1]


def default_month(today: dt.date | None = None) -> str:
    """The month just ended (the one to report), kept inside the plan year."""
    today = today or clock.today()
    ended = today.replace(day=1) - dt.timedelta(days=1)
    return _clamp(ended).strftime("%Y-%m")


def quarters(today: dt.date | None = None) -> list[str]:
    """'YYYY-Qn' from 2019 to the quarter under way (or the plan year's last), newest first."""
    today = today or clock.today()
    last = max(today, dt.date(plan_year(), 10, 1))
    return [
        f"{y}-Q{q}"
        for y in range(last.year, FIRST_YEAR - 1, -1)
        for q in (4, 3, 2, 1)
        if dt.date(y, 3 * q - 2, 1) <= last
    ]


def default_quarter(today: dt.date | None = None) -> str:
    """The quarter under way, kept inside the plan year."""
    day = _clamp(today or clock.today())
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
