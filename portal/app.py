"""Portal entry point (streamlit run portal/app.py): log-in, the server-side session, the pages.

The pages come from ``navigation.pages_for(actor)``: a page file another part of the product
adds shows up by itself, and a role never gets a link to a page it may not use (the domain
functions refuse anyway).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st

from portal import accounts, demo, login_sessions, navigation
from portal.baseline import census
from portal.errors import UserError
from portal.ledger import targets
from portal.ui import connection
from portal.views import md

IDLE_MINUTES = login_sessions.IDLE_MINUTES
TITLE = "绥化市技能扶贫培训管理平台"

st.set_page_config(page_title=TITLE, page_icon="📋", layout="wide")

# Sets or clears the session cookie from the page itself: Streamlit gives apps no way to send a
# Set-Cookie header (st.context.cookies is read-only). The token travels over the app's
# websocket as component data, never in an address; SameSite=Strict keeps other sites from
# sending it, Secure is added when the portal is served over https.
_COOKIE_JS = """
export default function(component) {
    const { data } = component;
    if (!data || !data.name) { return; }
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    const value = data.value ? encodeURIComponent(data.value) : "";
    const expiry = data.value ? "" : "; Max-Age=0";
    document.cookie = data.name + "=" + value + "; Path=/; SameSite=Strict" + expiry + secure;
}
"""
_cookie_component = st.components.v2.component("suihua_session_cookie", js=_COOKIE_JS)


def write_cookie(value: str) -> None:
    """Tell the browser to keep (or, with "", forget) the session token."""
    _cookie_component(data={"name": login_sessions.COOKIE, "value": value}, key="session_cookie")


def client_address() -> str:
    """The browser's address, for counting wrong passwords per account and address."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "unknown"


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
                actor = accounts.authenticate(
                    connection(), username, password, client=client_address()
                )
            except UserError as exc:
                st.error(md(exc))
            else:
                st.session_state.actor = actor
                st.session_state.login_token = login_sessions.start(connection(), actor.username)
                st.rerun()  # same address: the page asked for opens once logged in


def still_logged_in() -> bool:
    """Resume the server-side session of this browser (refresh, opened address) or end it.

    The token comes from this Streamlit session or, after a refresh, from the cookie; the
    database decides: idle for IDLE_MINUTES, logged out or deactivated means logged out.
    """
    cookie = st.context.cookies.get(login_sessions.COOKIE)
    cookie = cookie if isinstance(cookie, str) else None
    token = st.session_state.get("login_token") or cookie
    actor, why = login_sessions.resume(connection(), token)
    if actor is None:
        st.session_state.pop("actor", None)
        st.session_state.pop("login_token", None)
        if why == "idle":
            st.session_state.expired = True
        if cookie or token:
            write_cookie("")
        return False
    st.session_state.actor = actor
    st.session_state.login_token = token
    if cookie != token:
        write_cookie(token)
    return True


def welcome() -> None:
    st.title(TITLE)
    st.write("您的账户目前没有可用的页面，请联系市劳动就业局培训科。")


def sidebar(actor) -> None:
    st.sidebar.write(f"{actor.display_name}（{accounts.ROLES.get(actor.role, actor.role)}）")
    st.sidebar.button("退出登录", on_click=log_out)


def log_out() -> None:
    login_sessions.revoke(connection(), st.session_state.get("login_token"))
    for key in ("actor", "login_token"):
        st.session_state.pop(key, None)


@st.cache_resource
def _count_targets_once():
    """Once per portal process: the city's target progress counted before anyone asks."""
    return targets.count_in_background()


@st.cache_resource
def _count_baseline_once():
    """Once per portal process: the city's baseline (摸清底数) figures kept before anyone asks."""
    return census.count_in_background()


_count_targets_once()
_count_baseline_once()

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
        for spec in navigation.pages_for(actor, connection())
    ] or [st.Page(welcome, title="首页")]
    st.navigation(pages).run()
else:
    # Every page's address opens the log-in form, so after logging in (or a refresh after the
    # session ran out) the same address shows the page that was asked for.
    st.navigation(
        [st.Page(login, title="登录", default=True)]
        + [
            st.Page(login, title=spec.title, url_path=spec.file.removesuffix(".py"))
            for spec in navigation.PAGES
        ],
        position="hidden",
    ).run()
