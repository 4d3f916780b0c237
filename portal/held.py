"""When a training session counts as held (举办): one rule for every count of sessions held.

A session is held when it was marked 已结束, or when it was published (not cancelled) and
either its last day has passed or someone in it has completed: a class whose people count as
trained counts as held, without waiting for someone to click "标记为已结束". The monthly and
quarterly reports, the coverage page and the public progress page all count with this one
fragment, so their figures agree.
"""

from __future__ import annotations

from portal import clock

_HELD = """({s}.status = 'completed'
     OR ({s}.status = 'published'
         AND ({s}.end_date < :today
              OR EXISTS (SELECT 1 FROM enrolments held_e
                         WHERE held_e.session_id = {s}.id AND held_e.status = 'completed'))))"""


def held_sql(alias: str = "s") -> str:
    """The SQL condition "session ``alias`` is held"; it takes the named parameter ``:today``."""
    return _HELD.format(s=alias)


def held_params() -> dict[str, str]:
    """The parameters ``held_sql`` needs (today's date decides whether a last day has passed)."""
    return {"today": clock.today().isoformat()}
