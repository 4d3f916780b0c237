"""工作进展's age and employment structure: the city's baseline counts, nothing personal.

Only city-wide totals per age band and per employment group go to the public site, as
``portal.baseline.census`` counts them at the census end date of the plan.
"""

from __future__ import annotations

from portal.baseline import census
from portal.baseline.tables import pct
from portal.scope import SYSTEM


def figures(db) -> dict:
    r = census.census(db, SYSTEM)
    n = r["total"]["workers"]
    return {
        "workers": n,
        "at": r["at"],
        "ages": [
            {"label": label, "n": c, "pct": pct(c, n)}
            for label, c in zip(r["age_bands"], r["total"]["age"], strict=True)
        ],
        "status": [{"label": g, "n": c, "pct": pct(c, n)} for g, c in r["status"] if c],
    }
