"""Helpers every portal page uses: the session's connection, the logged-in actor, messages.

Pages stay thin: they gather input, call domain functions, and show results or the
``UserError`` sentence. Nothing here renders stored text as HTML.
"""

from __future__ import annotations

import streamlit as st

from portal import accounts
from portal import db as database
from portal.errors import UserError
from portal.scope import Actor


def connection():
    """One connection per browser session (a shared one raises thread errors)."""
    if "db" not in st.session_state:
        st.session_state.db = database.connect()
    return st.session_state.db


def current_actor() -> Actor:
    """The logged-in actor; a page reached without log-in stops here."""
    actor = st.session_state.get("actor")
    if actor is None:
        _leave_folder_pages_mode()
        st.warning("请先登录。")
        st.stop()
    return actor


def _leave_folder_pages_mode() -> None:
    """Hand the very first run after a server start back to app.py.

    Why: until app.py first calls st.navigation, Streamlit treats ``portal/pages/`` as a
    folder of pages and runs the file an opened address names (``/reports``) directly,
    skipping the log-in and the session cookie. Switching that mode off and rerunning runs
    app.py for the same address, which then shows the log-in or the page asked for.
    """
    try:  # a Streamlit internal: without it (a later version), the plain message still shows
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def require_staff() -> Actor:
    actor = current_actor()
    if not actor.is_staff:
        st.error("此页面仅供县、市工作人员使用。")
        st.stop()
    return actor


def role_label(actor: Actor) -> str:
    return accounts.ROLES.get(actor.role, actor.role)


def run_action(action, success: str | None = None):
    """Call ``action()``; show its UserError as a message instead of a traceback."""
    from portal.views import md

    try:
        result = action()
    except UserError as exc:
        st.error(md(exc))  # the sentence may quote stored text: never let it render as Markdown
        return None
    if success:
        st.success(md(success))
    return result
