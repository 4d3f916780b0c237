"""Checking a chunk of ledger rows column by column; the row checker takes every other row.

Why: checked one row at a time, a 200,000-row ledger costs about 25 µs a row of Python (a
dict per row, an object per outcome, a call per cell). Yet almost every row of a real ledger
is clean, and most of its columns repeat a handful of values (the county, the townships,
是/否, 初中). So here each column is taken in one pass and each distinct value is judged
once. A row that is not plainly clean in every column (a warning, a rejection, a skip, a
duplicate) goes to ``RowChecker.check`` as before, in file order, and gets its exact reason.
The outcome is the row checker's, row for row (``tests/test_ledger_chunks.py`` holds the
two together on hostile files); only the cost differs.

Accepted rows come out as columns (``Accepted``), which ``staging.pack`` binds without a
dict per row.
"""

from __future__ import annotations

import datetime as dt
import operator
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from portal import idnumber
from portal.errors import UserError
from portal.ledger.reader import mapped
from portal.ledger.rows import (
    _FOOTER,
    _MOBILE,
    FIELDS,
    TEXT_FIELDS,
    YES_NO_FIELDS,
    RowChecker,
    cell_text,
    clean,
    yes_no,
)

_BAD = object()  # a memo entry: this value sends its row to the row checker
_NAME_MAX = 50


@dataclass(frozen=True)
class Problem:
    row: int
    name: str
    id_text: str
    reason: str
    sheet: str = ""  # the workbook sheet the row is on; "" for CSV and text files


@dataclass
class Accepted:
    """Accepted rows as columns; ``values`` holds every field the file gives, in row order.

    ``kept``: by position, the fields the row checker dropped with a warning (a bad phone
    number, say); such a cell is None here and keeps the stored value on a re-import.
    """

    numbers: list[int] = field(default_factory=list)
    id_texts: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    values: dict[str, list] = field(default_factory=dict)
    kept: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def in_file_order(self) -> None:
        """Rows in row-number order: new places are numbered in the order they first appear."""
        order = sorted(range(len(self.numbers)), key=self.numbers.__getitem__)
        self.numbers = [self.numbers[i] for i in order]
        self.id_texts = [self.id_texts[i] for i in order]
        self.ids = [self.ids[i] for i in order]
        self.values = {k: [v[i] for i in order] for k, v in self.values.items()}
        at = {old: new for new, old in enumerate(order)}
        self.kept = {at[old]: dropped for old, dropped in self.kept.items()}

    def append(self, number: int, id_text: str, id_number: str, record: dict) -> None:
        """One row from the row checker."""
        dropped = tuple(k for k in self.values if k not in record)
        if dropped:
            self.kept[len(self.ids)] = dropped
        self.numbers.append(number)
        self.id_texts.append(id_text)
        self.ids.append(id_number)
        for key, column in self.values.items():
            column.append(record.get(key))


def _texts(column) -> list[str]:
    """Cells as the person sees them (``cell_text``), at C speed when all are text."""
    try:
        return list(map(str.strip, column))
    except TypeError:  # numbers or dates from an .xlsx
        return list(map(cell_text, column))


def _positions(flags) -> set[int]:
    return {i for i, flag in enumerate(flags) if flag}


_PROVINCES = np.array(sorted(int(p) for p in idnumber.PROVINCES))
_SUIHUA = np.array(sorted(int(c) for c in idnumber.SUIHUA_CODES))
_WEIGHTS = np.array(idnumber.WEIGHTS)
_CHECK_CODES = np.array([ord(c) for c in idnumber.CHECK_CHARS], dtype=np.uint32)
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def id_numbers(texts: list[str], today: dt.date) -> tuple[np.ndarray, list[str], list[str]]:
    """``rows.quick_id`` for a whole column at once: (accepted?, birth dates, genders).

    Why arrays: at a few microseconds a row this check was the largest single cost of an
    import. The rules are quick_id's, on ASCII digits only (a full-width digit is left to the
    row checker, which normalises it); birth dates and genders are meaningful where accepted.
    """
    n = len(texts)
    chars = np.array(texts, dtype="U19").view(np.uint32).reshape(n, 19)
    digits = chars[:, :18].astype(np.int64) - 48
    is_digit = (digits >= 0) & (digits <= 9)
    ok = np.fromiter(map(len, texts), np.int64, n) == 18
    ok &= is_digit[:, :17].all(axis=1) & (digits[:, 0] >= 1)
    ok &= is_digit[:, 17] | (chars[:, 17] == ord("X"))
    d = np.where(is_digit, digits, 0)
    province = d[:, 0] * 10 + d[:, 1]
    prefix = province * 100 + d[:, 2] * 10 + d[:, 3]
    division = prefix * 100 + d[:, 4] * 10 + d[:, 5]
    ok &= np.isin(province, _PROVINCES)
    ok &= ~np.isin(prefix, (2312, 2323)) | np.isin(division, _SUIHUA)
    year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    month = d[:, 10] * 10 + d[:, 11]
    day = d[:, 12] * 10 + d[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _MONTH_DAYS[np.clip(month, 0, 12)] + (leap & (month == 2))
    ok &= (year >= 1900) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    ok &= year * 10000 + month * 100 + day <= today.year * 10000 + today.month * 100 + today.day
    ok &= _CHECK_CODES[(d[:, :17] @ _WEIGHTS) % 11] == chars[:, 17]
    iso = np.full((n, 10), ord("-"), dtype=np.uint32)
    iso[:, 0:4], iso[:, 5:7], iso[:, 8:10] = chars[:, 6:10], chars[:, 10:12], chars[:, 12:14]
    births = iso.view("U10").ravel().tolist()
    genders = np.where(d[:, 16] % 2 == 1, "男", "女").tolist()
    return ok, births, genders


class ChunkChecker:
    """Checks chunks of a sheet's rows (lists of cells) in file order."""

    def __init__(self, checker: RowChecker, columns: dict[str, int]):
        self.checker = checker
        self.columns = columns
        self.width = max(columns.values()) + 1
        self.fields = tuple(columns)
        self.pick = operator.itemgetter(*(columns[f] for f in self.fields))
        self.memos: dict[str, dict] = {}
        # The fields every accepted row carries, in the order the row checker writes them.
        given = set(columns)
        self.record_keys = [
            k
            for k in FIELDS
            if k in ("name", "gender", "birth_date", "county_code", "township", "village")
            or (k in given and (k == "phone" or k in TEXT_FIELDS or k in YES_NO_FIELDS))
        ]

    def check(self, numbers: list[int], rows: list) -> tuple[Accepted, list, list, int]:
        """(accepted, rejected problems, warning problems, skipped count) for one chunk."""
        width = self.width
        if not all(len(r) >= width for r in rows):
            # A short row (trailing cells left out) reads as blank cells, as ``mapped`` reads it.
            rows = [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in rows]
        values, bad = self._columns(rows) if rows else ({}, set())
        return self._merge(numbers, rows, values, bad)

    def _columns(self, rows: list) -> tuple[dict[str, list], set[int]]:
        """Each record field as a column, and the positions of rows not plainly clean."""
        cells = dict(
            zip(self.fields, map(list, zip(*map(self.pick, rows), strict=True)), strict=True)
        )
        bad: set[int] = set()
        values: dict[str, list] = {}
        names = _texts(cells["name"])
        values["name"] = names
        bad |= self._bad_names(names)
        ids, births, genders = self._id_numbers(cells["id_number"], bad)
        values["id_number"] = ids
        values["gender"], values["birth_date"] = genders, births
        values["county_code"] = self._counties(cells.get("county"), len(rows), bad)
        for key, label in (("township", "乡镇"), ("village", "村")):
            values[key] = self._memo_column(
                key,
                cells.get(key) or [""] * len(rows),
                bad,
                lambda text, label=label: _cleaned(text, label, 50, required=True),
            )
        if "gender" in cells:
            given = _texts(cells["gender"])
            bad |= {i for i, (g, d) in enumerate(zip(given, genders, strict=True)) if g and g != d}
        if "phone" in cells:
            phones = _texts(cells["phone"])
            bad |= {
                i
                for i, (p, mobile) in enumerate(
                    zip(phones, map(_MOBILE.fullmatch, phones), strict=True)
                )
                if p and mobile is None
            }
            values["phone"] = [p or None for p in phones]
        for key, (label, max_len) in TEXT_FIELDS.items():
            if key in cells:
                values[key] = self._memo_column(
                    key,
                    cells[key],
                    bad,
                    lambda text, label=label, max_len=max_len: _cleaned(text, label, max_len),
                )
        for key in YES_NO_FIELDS:
            if key in cells:
                column = self._memo_column(key, cells[key], bad, lambda text: yes_no(text) or _BAD)
                values[key] = (
                    [1 if v == "yes" else 0 for v in column] if key == "liang_hou_sheng" else column
                )
        return values, bad

    def _bad_names(self, names: list[str]) -> set[int]:
        """Empty, a footer word, or not already clean (``clean`` would change or refuse it)."""
        bad = set()
        if not all(names):
            bad |= _positions(not n for n in names)
        if any(map(_FOOTER.match, names)):
            bad |= _positions(map(_FOOTER.match, names))
        # A space joins the names: it is printable and never combines, so the whole is
        # printable and NFC exactly when every name is.
        joined = " ".join(names)
        if not (
            max(map(len, names), default=0) <= _NAME_MAX
            and joined.isprintable()
            and unicodedata.is_normalized("NFC", joined)
        ):
            bad |= _positions(
                not (
                    len(n) <= _NAME_MAX and n.isprintable() and unicodedata.is_normalized("NFC", n)
                )
                for n in names
            )
        return bad

    def _id_numbers(self, column: list, bad: set[int]) -> tuple[list, list, list]:
        """Only text cells take this way: an ID stored as a number goes to the row checker."""
        try:
            texts = list(map(str.strip, column))
        except TypeError:
            texts = [v.strip() if v.__class__ is str else "" for v in column]
        ok, births, genders = id_numbers(texts, self.checker.today)
        if not ok.all():
            bad |= set(np.flatnonzero(~ok).tolist())
        return texts, births, genders

    def _counties(self, column: list | None, count: int, bad: set[int]) -> list:
        own = self.checker.county_code
        if column is None:
            if own is None:
                bad |= set(range(count))
            return [own] * count

        def code(text: str):
            if not text:
                return own or _BAD
            found = self.checker._county(text)
            if found is None or (own and found != own):
                return _BAD
            return found

        return self._memo_column("county", column, bad, code)

    def _memo_column(self, key: str, column: list, bad: set[int], judge) -> list:
        """Each distinct cell judged once (and remembered for later chunks)."""
        memo = self.memos.setdefault(key, {})
        distinct = set(column)
        if not all(v.__class__ is str for v in distinct):  # numbers or dates from an .xlsx
            column = list(map(cell_text, column))
            distinct = set(column)
        for value in distinct.difference(memo):
            memo[value] = judge(value.strip())
        values = list(map(memo.__getitem__, column))
        if any(memo[value] is _BAD for value in distinct):
            bad |= _positions(v is _BAD for v in values)
        return values

    def _merge(self, numbers, rows, values, bad) -> tuple[Accepted, list, list, int]:
        """Clean rows join as columns; the rest go through the row checker, in file order.

        In order, because a duplicate ID is reported against the first row that was accepted
        with it, whichever way that row went.
        """
        seen = self.checker.seen
        ids = values.get("id_number", [])
        accepted = Accepted(values={k: [] for k in self.record_keys})
        rejected: list[Problem] = []
        warnings: list[Problem] = []
        base, sheet = self.checker.base, self.checker.sheet
        if not bad and len(rows) == len(set(ids)) and seen.keys().isdisjoint(ids):
            seen.update(zip(ids, map(base.__add__, numbers) if base else numbers, strict=True))
            accepted.numbers, accepted.ids, accepted.id_texts = list(numbers), ids, ids
            accepted.values = {k: values[k] for k in self.record_keys}
            return accepted, rejected, warnings, 0
        keep: list[int] = []
        others: list[tuple] = []
        skipped = 0
        for i, number in enumerate(numbers):
            if i not in bad and ids[i] not in seen:
                seen[ids[i]] = base + number
                keep.append(i)
                continue
            out = self.checker.check(number, mapped(self.columns, rows[i]), rows[i])
            if out.kind == "ok":
                others.append((number, out.id_text, out.id_number, out.record))
                warnings += [Problem(number, out.name, out.id_text, w, sheet) for w in out.warnings]
            elif out.kind == "skipped":
                skipped += 1
            else:
                rejected.append(Problem(number, out.name, out.id_text, out.reason, sheet))
        if keep:
            accepted.numbers = [numbers[j] for j in keep]
            accepted.ids = [ids[j] for j in keep]
            accepted.id_texts = list(accepted.ids)
            accepted.values = {k: [values[k][j] for j in keep] for k in self.record_keys}
        for row in others:
            accepted.append(*row)
        if others and keep:
            accepted.in_file_order()
        return accepted, rejected, warnings, skipped


def _cleaned(text: str, label: str, max_len: int, *, required: bool = False):
    """``clean``'s result, or _BAD when it refuses the text (or, if required, finds it empty)."""
    try:
        value = clean(text, field=label, max_len=max_len)
    except UserError:
        return _BAD
    return _BAD if required and not value else value
