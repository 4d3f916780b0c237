"""Timestamps in one format everywhere, so history rows sort and compare as text."""

from __future__ import annotations

import datetime as dt


def now() -> str:
    """Local wall-clock time to the second: what staff read in the audit log."""
    return dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")


def today() -> dt.date:
    return dt.date.today()
