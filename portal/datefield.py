"""The portal's one date field: typed whole in any usual form, read back before it is saved.

Why not Streamlit's own ``date_input``: its box reads a date typed in one go ("2019-06-01", "2019年6月1日",
"20190601") as another day, or keeps the old one, and saves it without a word. Here the text
is read by ``validate.date_text``; a date it cannot read, or outside the allowed range, is
named in Chinese under the field and the field gives None, so nothing wrong is saved.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from portal import validate
from portal.errors import UserError
from portal.views import md


def date_field(
    label: str,
    value: dt.date | None = None,
    *,
    key: str,
    min_value: dt.date | None = None,
    max_value: dt.date | None = None,
    container=None,
    required: bool = False,
    problems: list[str] | None = None,
) -> dt.date | None:
    """A date typed as text; the date it was read as, or None (empty, or explained).

    ``required`` names an empty field under it too. ``problems``, when given, collects every
    message shown, so a form can refuse to save while a date is unreadable: None alone
    cannot tell an optional empty date from a wrong one.
    """
    box = container or st
    text = box.text_input(
        label,
        value=value.isoformat() if value else "",
        key=key,
        placeholder="如 2019-06-01",
        help=f"可以写成 {validate.DATE_EXAMPLES}。",
    )
    try:
        day = validate.date_text(text, field=label, required=required)
        if day is not None:
            check_range(day, label, min_value, max_value)
    except UserError as exc:
        box.error(md(exc))
        if problems is not None:
            problems.append(str(exc))
        return None
    if day is not None and text.strip() != day.isoformat():
        box.caption(f"读作 {day.year}年{day.month}月{day.day}日")
    return day


def check_range(day: dt.date, label: str, first: dt.date | None, last: dt.date | None) -> None:
    def cn(d: dt.date) -> str:
        return f"{d.year}年{d.month}月{d.day}日"

    if first and day < first or last and day > last:
        span = (
            f"{cn(first)}至{cn(last)}"
            if first and last
            else (f"{cn(first)}以后" if first else f"{cn(last)}以前")
        )
        raise UserError(f"{label} {cn(day)} 超出了可填的范围（{span}），请改正。")
