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


def show_time(stamp) -> str:
    """Times on every page read 2019年6月1日 08:30 (see ``clock.display``)."""
    from portal.clock import display

    return display(stamp)


def person(username: str | None) -> str:
    """The display name of the account ``username`` (经办、打印人、提交人)."""
    from portal import people

    return people.name(connection(), username)


def staff_names(usernames) -> dict[str, str]:
    """Login name -> display name for many logins at once (a table of prints, a log)."""
    from portal import people

    return people.names(connection(), usernames)


# Streamlit's own empty-choice texts ("Choose an option", "Choose options", "No options to
# select") are English; every select widget of the portal shows a Chinese one instead. Pages
# may still pass their own ``placeholder=``; this only fills the default, for st.selectbox as
# well as for the ones in columns, forms and the sidebar.
PLACEHOLDER = "请选择"
PLACEHOLDER_MANY = "请选择（可多选）"
NO_OPTIONS = "没有可选的项目"


def _bound_placeholder(widget, text: str):
    def wrapped(label, options=(), *args, **kwargs):
        if kwargs.get("placeholder") is None:
            empty = isinstance(options, list | tuple | dict) and len(options) == 0
            kwargs["placeholder"] = NO_OPTIONS if empty else text
        return widget(label, options, *args, **kwargs)

    wrapped.chinese_placeholder = True
    return wrapped


def _install_placeholders() -> None:
    from streamlit.delta_generator import DeltaGenerator

    for name, text in (("selectbox", PLACEHOLDER), ("multiselect", PLACEHOLDER_MANY)):
        method = getattr(DeltaGenerator, name)
        if not getattr(method, "chinese_placeholder", False):

            def unbound(self, label, options=(), *args, _m=method, _t=text, **kwargs):
                if kwargs.get("placeholder") is None:
                    empty = isinstance(options, list | tuple | dict) and len(options) == 0
                    kwargs["placeholder"] = NO_OPTIONS if empty else _t
                return _m(self, label, options, *args, **kwargs)

            unbound.chinese_placeholder = True
            setattr(DeltaGenerator, name, unbound)
        module_level = getattr(st, name)
        if not getattr(module_level, "chinese_placeholder", False):
            setattr(st, name, _bound_placeholder(module_level, text))


_install_placeholders()
