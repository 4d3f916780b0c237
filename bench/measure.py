"""Timing a figure three times beside a same-run reference, so that load cannot mislead.

Why: the bench machine is shared; a figure taken while other work runs can be half what it
is on a quiet machine (the README once blamed SQLite's writes for a cap that was only the
load of that run). So every figure is taken REPEAT times, reported as the best (from the
shortest run) and the median, and printed beside a reference measured in the same run, just
before each repetition: a fixed piece of Python and SQLite work (``reference_seconds``), or a
reference of the figure's own kind (the ledger import beside a plain insert of the same
file). If the reference is slow too, the machine was busy, not the code.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

REPEAT = 3
REFERENCE_ROWS = 20_000


def reference_seconds() -> float:
    """Seconds for a fixed piece of work: building 20,000 rows in Python, inserting them into
    an indexed in-memory table and summing them by group (a few tens of ms on a quiet core)."""
    started = time.perf_counter()
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a INTEGER, b TEXT, c TEXT)")
    conn.execute("CREATE INDEX t_b ON t(b)")
    rows = [(i, f"{i % 2000:06d}", "张三丰" * (i % 3)) for i in range(REFERENCE_ROWS)]
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    conn.execute("SELECT b, COUNT(*), SUM(a) FROM t GROUP BY b").fetchall()
    conn.close()
    return time.perf_counter() - started


@dataclass
class Timing:
    """Seconds of each repetition of a figure, and of the reference taken just before it."""

    seconds: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def timed(
    fn: Callable[[], object], repeat: int = REPEAT, setup: Callable[[], object] | None = None
) -> Timing:
    """``fn`` ``repeat`` times, each after ``setup`` (untimed) and the machine reference."""
    t = Timing()
    for _ in range(repeat):
        t.reference.append(reference_seconds())
        if setup:
            setup()
        started = time.perf_counter()
        fn()
        t.seconds.append(time.perf_counter() - started)
    return t


def reference_text(seconds: list[float], label: str = "本机参考") -> str:
    """The machine reference as printed beside a figure: best / median, in ms."""
    return f"{label} {min(seconds) * 1000:.0f}/{statistics.median(seconds) * 1000:.0f} ms"


def row(
    figure: str,
    timing: Timing,
    unit: str = "ms",
    *,
    per_second: float | None = None,
    target: str = "",
    passes: Callable[[float], bool] | None = None,
    reference: str | None = None,
) -> dict:
    """One table row: ``value`` is the median (what the target is judged on), ``best`` the best.

    ``unit``: "ms" or "s" for a duration; with ``per_second`` (the amount done), a rate, the
    best being the rate of the shortest run.
    """

    def convert(seconds: float) -> float:
        if per_second is not None:
            return per_second / seconds
        return seconds * 1000 if unit == "ms" else seconds

    median, best = convert(timing.median), convert(timing.best)
    digits = 0 if per_second is not None else (1 if unit == "ms" else 3)
    return {
        "figure": figure,
        "value": round(median, digits) if digits else round(median),
        "best": round(best, digits) if digits else round(best),
        "unit": unit,
        "reference": reference or reference_text(timing.reference),
        "target": target,
        "ok": passes(median) if passes else None,
    }
