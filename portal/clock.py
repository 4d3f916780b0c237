"""Timestamps in one format everywhere, so history rows sort and compare as text."""

from __future__ import annotations

import datetime as dt


def now() -> str:
    """Local wall-clock time to the second: what staff read in the audit log."""
    return dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")


def today() -> dt.date:
    return dt.date.today()


def display(stamp) -> str:
    """A stored time as staff read it: 2019-06-01T08:30:15 -> 2019年6月1日 08:30.

    Every page and report shows times through this one function, so they read alike; a
    bare date shows as 2019年6月1日, nothing as an empty string.
    """
    if stamp in (None, ""):
        return ""
    if isinstance(stamp, dt.datetime):
        moment = stamp
    elif isinstance(stamp, dt.date):
        return f"{stamp.year}年{stamp.month}月{stamp.day}日"
    else:
        text = str(stamp).strip()
        try:
            moment = dt.datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            return text
        if len(text) <= 10:
            return f"{moment.year}年{moment.month}月{moment.day}日"
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
