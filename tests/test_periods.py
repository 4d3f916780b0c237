"""Period pickers start in the plan year (content/data/plan.yml: 2019) when today is outside it."""

from __future__ import annotations

import datetime as dt

import pytest

from portal import periods


def test_plan_year_is_read_from_plan_yml():
    assert periods.plan_year() == 2019


@pytest.mark.parametrize(
    ("today", "as_of", "month", "quarter"),
    [
        (dt.date(2026, 12, 2), dt.date(2019, 12, 31), "2019-12", "2019-Q4"),
        (dt.date(2020, 1, 15), dt.date(2019, 12, 31), "2019-12", "2019-Q4"),
        (dt.date(2019, 6, 10), dt.date(2019, 6, 10), "2019-05", "2019-Q2"),
        (dt.date(2019, 1, 10), dt.date(2019, 1, 10), "2019-01", "2019-Q1"),
        (dt.date(2018, 11, 1), dt.date(2019, 1, 1), "2019-01", "2019-Q1"),
    ],
)
def test_defaults_fall_in_the_plan_year(today, as_of, month, quarter):
    assert periods.default_as_of(today) == as_of
    assert periods.default_month(today) == month
    assert periods.default_quarter(today) == quarter
    # the default is always one of the choices offered
    assert month in periods.months(today)
    assert quarter in periods.quarters(today)


def test_choices_run_from_2019_to_today_newest_first():
    months = periods.months(dt.date(2020, 2, 3))
    assert months[0] == "2020-02" and months[-1] == "2019-01" and len(months) == 14
    quarters = periods.quarters(dt.date(2020, 2, 3))
    assert quarters == ["2020-Q1", "2019-Q4", "2019-Q3", "2019-Q2", "2019-Q1"]
