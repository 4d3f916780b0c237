"""Portal entry point (streamlit run portal/app.py): log-in, idle expiry, then the role's pages.

The pages come from ``navigation.pages_for(actor)``: a page file another part of the product
adds shows up by itself, and a role never gets a link to a page it may not use (the domain
functions refuse anyway).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st

from portal import accounts, demo, navigation
from portal.db import one
from portal.errors import UserError
from portal.ledger import targets
from portal.ui import connection
from portal.views import md

IDLE_MINUTES = 30
TITLE = "绥化市技能扶贫培训管理平台"

st.set_page_config(page_title=TITLE, page_icon="📋", layout="wide")


def login() -> None:
    st.title(TITLE)
    st.caption("供培训机构、县（市、区）和市劳动就业部门使用")
    if st.session_state.pop("expired", False):
        st.warning(f"超过{IDLE_MINUTES}分钟没有操作，已自动退出，请重新登录。")
    with st.form("login"):
        username = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        if st.form_submit_button("登录", type="primary"):
            try:
                st.session_state.actor = accounts.authenticate(connection(), username, password)
            except UserError as exc:
                st.error(md(exc))
            else:
                st.session_state.last_active = time.time()
                st.rerun()


def still_logged_in() -> bool:
    """False (and logged out) after IDLE_MINUTES without a click, or once deactivated."""
    actor = st.session_state.get("actor")
    if actor is None:
        return False
    last = st.session_state.get("last_active", 0.0)
    if time.time() - last > IDLE_MINUTES * 60:
        st.session_state.pop("actor", None)
        st.session_state.expired = True
        return False
    row = one(connection(), "SELECT active FROM users WHERE username = ?", [actor.username])
    if actor.role != "system" and not (row and row["active"]):
        st.session_state.pop("actor", None)
        return False
    st.session_state.last_active = time.time()
    return True


def welcome() -> None:
    st.title(TITLE)
    st.write("您的账户目前没有可用的页面，请联系市劳动就业局培训科。")


def sidebar(actor) -> None:
    st.sidebar.write(f"{actor.display_name}（{accounts.ROLES.get(actor.role, actor.role)}）")
    st.sidebar.button("退出登录", on_click=log_out)


def log_out() -> None:
    for key in ("actor", "last_active"):
        st.session_state.pop(key, None)


@st.cache_resource
def _count_targets_once():
    """Once per portal process: the city's target progress counted before anyone asks."""
    return targets.count_in_background()


_count_targets_once()

if demo.is_demo(connection()):
    st.info("示例数据：当前平台中的人员、机构和班次都是虚构的，仅供演示和培训使用。", icon="ℹ️")

if still_logged_in():
    actor = st.session_state.actor
    sidebar(actor)
    pages = [
        st.Page(
            str(navigation.PAGES_DIR / spec.file),
            title=spec.title,
            icon=spec.icon,
            url_path=spec.file.removesuffix(".py"),
        )
        for spec in navigation.pages_for(actor)
    ] or [st.Page(welcome, title="首页")]
    st.navigation(pages).run()
else:
    st.navigation([st.Page(login, title="登录")], position="hidden").run()
