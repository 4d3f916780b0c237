"""Coverage aggregates: how many willing workers have completed a training, per area.

Only counts leave this module for the public site; never a personal row.
"""

from __future__ import annotations

import sqlite_utils

COUNTY_SUMMARY = """
WITH trained AS (
    SELECT DISTINCT e.worker_id FROM enrolments e WHERE e.status = 'completed'
)
SELECT a.code AS county_code, a.name AS county,
       COUNT(w.id) AS workers,
       COALESCE(SUM(w.wants_training = 'yes'), 0) AS willing,
       COALESCE(SUM(t.worker_id IS NOT NULL), 0) AS trained,
       COALESCE(SUM(w.wants_training = 'yes' AND t.worker_id IS NOT NULL), 0) AS trained_willing,
       (SELECT COUNT(*) FROM sessions s WHERE s.county_code = a.code AND s.status = 'completed') AS sessions_held
FROM areas a
LEFT JOIN workers w ON w.county_code = a.code AND w.registered = 1
LEFT JOIN trained t ON t.worker_id = w.id
WHERE a.level = 'county'
GROUP BY a.code
ORDER BY a.code
"""


def county_summary(db: sqlite_utils.Database) -> list[dict]:
    """Per county: workers, willing, trained, coverage (trained willing / willing), sessions held."""
    rows = []
    for r in db.query(COUNTY_SUMMARY):
        r["coverage"] = (r["trained_willing"] / r["willing"]) if r["willing"] else None
        rows.append(r)
    return rows
