"""Sessions held (举办班次): the coverage page and the monthly report count with one rule.

Fixture (tests/ledger_fixture.py), 望奎县: s1 and s2 marked 已结束 (last days 2019-05-10 and
2019-06-01), s3 published, last day 2019-07-05, nobody completed. Added here: s5 published,
last day 2019-06-20, one person completed; s6 cancelled, last day 2019-06-10.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from build import ROOT
from portal import clock, coverage
from portal.ledger import targets
from portal.reports import figures
from portal.scope import Actor
from tests import ledger_fixture

WANGKUI = Actor("wk", "county", county_code="231221", display_name="望奎县")


@pytest.fixture
def world(db):
    ids = ledger_fixture.build(db)
    with db.conn:
        for key, status, end in (
            ("s5", "published", "2019-06-20"),
            ("s6", "cancelled", "2019-06-10"),
        ):
            ids[key] = db.execute(
                "INSERT INTO sessions (institution_id, course_code, county_code, township_code,"
                " village_code, address, mode, day_part, start_date, end_date, daily_start,"
                " daily_end, class_hours, capacity, contact_phone, status, created_at,"
                " created_by, updated_at, updated_by) SELECT institution_id, course_code,"
                " county_code, township_code, village_code, address, mode, day_part,"
                " '2019-06-03', ?, daily_start, daily_end, class_hours, capacity, contact_phone,"
                " ?, created_at, 't', updated_at, 't' FROM sessions WHERE id = ?",
                [end, status, ids["s1"]],
            ).lastrowid
        db.execute(
            "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) "
            "VALUES (?, ?, 'completed', '2019-06-20T16:00:00', 't')",
            [ids["s5"], ids["w3"]],
        )
    return ids


def coverage_page_figure() -> str:
    at = AppTest.from_file(str(ROOT / "portal" / "pages" / "coverage.py"), default_timeout=60)
    at.session_state["actor"] = WANGKUI
    at.run()
    assert not at.exception, at.exception
    return next(m.value for m in at.metric if m.label == "已举办班次")


def report_figure(db, month_end: dt.date) -> dict:
    start = month_end.replace(day=1)
    return figures.period_figures(db, WANGKUI, "231221", start, month_end)["total"]


@pytest.mark.parametrize(
    ("today", "held"),
    [
        # s3's last day is still ahead: s1, s2 (已结束) and s5 (someone completed); never s6
        (dt.date(2019, 6, 25), 3),
        # s3's last day has passed: held though nobody clicked 标记为已结束
        (dt.date(2019, 7, 10), 4),
    ],
)
def test_coverage_page_and_monthly_report_count_the_same_sessions(
    db, world, monkeypatch, today, held
):
    monkeypatch.setattr(clock, "today", lambda: today)
    year_to_july = report_figure(db, dt.date(2019, 7, 31))
    assert year_to_july["sessions_to_date"] == held
    assert report_figure(db, dt.date(2019, 6, 30))["sessions_period"] == 2  # s2, s5
    assert coverage_page_figure() == str(held)
    county = {r["county_code"]: r for r in coverage.county_summary(db)}["231221"]
    assert county["sessions_held"] == held
    towns = coverage.area_summary(db, "231221")
    assert sum(r["sessions_held"] for r in towns) == held


@pytest.mark.parametrize(("today", "held"), [(dt.date(2019, 6, 25), 3), (dt.date(2019, 7, 10), 4)])
def test_target_progress_counts_the_sessions_coverage_counts(db, world, monkeypatch, today, held):
    """s3 ends 2019-07-05 and is never marked 已结束: once its last day has passed, the
    county's target counts it as held, as the coverage page does; s5 (published, someone
    completed) counts from the first completion, and its completer w3 counts as trained."""
    monkeypatch.setattr(clock, "today", lambda: today)
    targets.set_target(db, WANGKUI, year=2019, county="望奎县", target=10)
    (row,) = targets.progress(db, WANGKUI, year=2019)
    county = {r["county_code"]: r for r in coverage.county_summary(db)}["231221"]
    assert row["sessions_held"] == county["sessions_held"] == held
    completers = db.execute(
        "SELECT COUNT(DISTINCT e.worker_id) FROM enrolments e JOIN sessions s ON s.id = e.session_id"
        " WHERE e.status = 'completed' AND s.county_code = '231221' AND s.status != 'cancelled'"
    ).fetchone()[0]
    assert row["trained"] == completers
    assert row["trained"] > 0
