"""The policy pack as data: what each policy gives, to whom, how to apply, and on what document.

Read by the site, the printed 就业政策明白卡 and the eligibility checker, so that the three can
never disagree. Amounts come from ``catalogue.rate`` and are never typed twice.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import yaml

from portal import catalogue


@dataclass(frozen=True)
class AmountLine:
    name: str
    amount: str  # as people read it: "最高15万元", "按《…》规定标准执行"
    document: str
    value: int | None  # the number, when the sources give one
    start: dt.date | None = None  # the day this entry applies from (rates.yml `start`)


@dataclass(frozen=True)
class Policy:
    key: str
    title: str
    short: str
    who: str
    what: str
    how: tuple[str, ...]
    document: str
    applies_when: dict
    amounts: tuple[AmountLine, ...]


@functools.cache
def _raw() -> list[dict]:
    return yaml.safe_load((catalogue.DATA / "policies.yml").read_text(encoding="utf-8"))["policies"]


def policies(on: dt.date | None = None) -> list[Policy]:
    result = []
    for p in _raw():
        lines = []
        for key in p["rates"]:
            r = catalogue.rate(key, on)
            lines.append(
                AmountLine(
                    r.name,
                    r.describe_amount(),
                    r.document,
                    r.amount if r.amount is not None else r.cap,
                    r.start,
                )
            )
        result.append(
            Policy(
                key=p["key"],
                title=catalogue.fill(p["title"], on),
                short=p["short"],
                who=catalogue.fill(p["who"], on),
                what=catalogue.fill(p["what"].strip(), on),
                how=tuple(catalogue.fill(step, on) for step in p["how"]),
                document=p["document"],
                applies_when=dict(p["applies_when"]),
                amounts=tuple(lines),
            )
        )
    return result


def policy(key: str) -> Policy:
    for p in policies():
        if p.key == key:
            return p
    raise KeyError(key)
