"""Portal entry point (streamlit run portal/app.py): log-in, then the pages for the role."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from portal import accounts, demo  # noqa: E402
from portal.errors import UserError  # noqa: E402
from portal.ui import connection  # noqa: E402

st.set_page_config(page_title="绥化市技能扶贫培训管理平台", page_icon="📋", layout="wide")


def login() -> None:
    st.title("绥化市技能扶贫培训管理平台")
    st.caption("供培训机构、县（市、区）和市劳动就业部门使用")
    if demo.is_demo(connection()):
        st.info("当前为示例数据（虚构），仅供演示。")
    with st.form("login"):
        username = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        if st.form_submit_button("登录", type="primary"):
            try:
                st.session_state.actor = accounts.authenticate(connection(), username, password)
            except UserError as exc:
                st.error(str(exc))
            else:
                st.rerun()


actor = st.session_state.get("actor")
if actor is None:
    login()
else:
    st.sidebar.write(f"{actor.display_name}（{accounts.ROLES.get(actor.role, actor.role)}）")
    if st.sidebar.button("退出登录"):
        del st.session_state["actor"]
        st.rerun()
    st.title("绥化市技能扶贫培训管理平台")
