"""Run a page action, then redraw the page with its result message on top.

After a write the page must be redrawn from the database (a published session must show as
published), and ``st.rerun()`` would swallow a plain ``st.success``: the message is kept in
the session until the next run shows it.
"""

from __future__ import annotations

import streamlit as st

from portal.errors import UserError
from portal.views import md

_KEY = "_flash"


def show() -> None:
    """Show the message left by the previous run's action, once."""
    message = st.session_state.pop(_KEY, None)
    if message:
        st.success(md(message))


def act(action, success: str) -> bool:
    """Call ``action()``; on success remember ``success`` (``{result}`` replaced) and rerun."""
    try:
        result = action()
    except UserError as exc:
        st.error(md(exc))
        return False
    # Only the literal "{result}" is filled in: the message often quotes stored names, and a
    # name holding braces must not be read as a format field.
    st.session_state[_KEY] = success.replace("{result}", str(result))
    st.rerun()
    return True  # not reached: st.rerun() ends this run


def attempt(action):
    """Call ``action()`` and return its result, or show the reason and return None."""
    try:
        return action()
    except UserError as exc:
        st.error(md(exc))
        return None
