"""Cells as a person reading the sheet understands them, before any row is checked.

Why: clerks merge 乡镇 and 村 down a block of rows, or write them (and the 户编号) only on
the first row of a block, or only on the 户主 row with the family members below. Read cell
by cell, every row after the first of a block lacks its township and would be rejected; read
as a person reads it, the value carries down. Likewise ``="231…"`` (an ID forced to text by
a formula) is the ID, and a phone stored as ``13912345678.0`` is the phone.

Carrying stops where a block ends: a new county starts new townships, a new township new
villages, a new village (or a new 户主) a new household. Only rows that hold a person (a
name and something like an ID number) are filled, so a footer under the table stays a
footer.
"""

from __future__ import annotations

import operator
import re
from itertools import repeat

CARRIED = ("county", "township", "village", "household_no")
_RESETS = {  # a new value here ends the blocks of the fields after it
    "county": ("township", "village", "household_no"),
    "township": ("village", "household_no"),
    "village": ("household_no",),
}
_HEAD = {"户主", "本人", "户主本人"}
_FORCED = re.compile(r'^="(.*)"$', re.S)
_FLOAT_PHONE = re.compile(r"^(\d{7,15})\.0+$")


def _blank(value) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


class Tidy:
    """Fills one sheet's rows batch by batch; remembers the values carried across batches."""

    def __init__(self, columns: dict[str, int], aux: dict[str, int]):
        self.carried = [(f, columns[f]) for f in CARRIED if f in columns]
        self.name = columns["name"]
        self.id = columns["id_number"]
        self.relation = aux.get("relation")
        self.texts = [columns[f] for f in ("id_number", "phone", "household_no") if f in columns]
        self.phone = columns.get("phone")
        self.last: dict[str, object] = {}
        self.width = max([*columns.values(), *aux.values()]) + 1

    def rows(self, rows: list[list]) -> list[list]:
        """The batch with carried values filled in and forced-text cells unwrapped."""
        width = self.width
        rows = [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in rows]
        self._unwrap(rows)
        if self.carried:
            self._carry(rows)
        return rows

    def _unwrap(self, rows: list[list]) -> None:
        for i in self.texts:
            column = list(map(operator.itemgetter(i), rows))
            if _any_text(column, str.startswith, "="):
                for r in rows:
                    v = r[i]
                    if v.__class__ is str and (m := _FORCED.match(v.strip())):
                        r[i] = m.group(1)
        if self.phone is not None:
            column = list(map(operator.itemgetter(self.phone), rows))
            if _any_text(column, str.endswith, ".0"):
                for r in rows:
                    v = r[self.phone]
                    if v.__class__ is str and (m := _FLOAT_PHONE.match(v.strip())):
                        r[self.phone] = m.group(1)

    def _carry(self, rows: list[list]) -> None:
        last, name_at, id_at, relation_at = self.last, self.name, self.id, self.relation
        carried = self.carried
        if all(_all_filled(list(map(operator.itemgetter(at), rows))) for _, at in carried):
            for key, at in carried:  # every cell given: nothing to carry (the usual file)
                if rows:
                    last[key] = rows[-1][at]
            return
        for r in rows:
            person = not _blank(r[name_at]) and _looks_like_id(r[id_at])
            head = relation_at is not None and _text(r[relation_at]) in _HEAD
            for key, at in carried:
                value = r[at]
                if not _blank(value):
                    if last.get(key) != value:
                        for later in _RESETS.get(key, ()):
                            last.pop(later, None)
                    last[key] = value
                elif person:
                    if key == "household_no" and head:
                        last.pop(key, None)  # a new household without its number
                        continue
                    if key in last:
                        r[at] = last[key]


def _any_text(column: list, test, affix: str) -> bool:
    """Does any text cell pass ``test(cell, affix)``? At C speed when every cell is text."""
    try:
        return any(map(test, column, repeat(affix)))
    except TypeError:  # numbers or dates from a workbook
        return any(v.__class__ is str and test(v, affix) for v in column)


def _all_filled(column: list) -> bool:
    """Is every cell given (not empty, not just spaces)? At C speed when all are text."""
    try:
        return all(map(str.strip, column))
    except TypeError:
        return all(v is not None and (v.__class__ is not str or v.strip()) for v in column)


def _text(value) -> str:
    return value.strip() if value.__class__ is str else ""


def _looks_like_id(value) -> bool:
    if value.__class__ is str:
        return value.strip()[:1].isdigit()
    return isinstance(value, int | float) and not isinstance(value, bool)
