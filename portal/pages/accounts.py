"""账户与日志: accounts (city administrator manages them) and the audit log (city staff)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from portal import accounts, audit_view, catalogue, clock, flash, people, useradmin
from portal.datefield import date_field
from portal.ui import connection, require_staff

db = connection()
actor = require_staff()
st.title("账户与日志")
if actor.role not in ("city", "system"):
    st.error("账户与日志仅供市级工作人员查看。")
    st.stop()
flash.show()

tab_users, tab_log = st.tabs(["账户", "操作日志"])

with tab_users:
    users = useradmin.list_users(db, actor)
    now = dt.datetime.now().isoformat(timespec="seconds")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "用户名": u["username"],
                    "名称": u["display_name"],
                    "角色": accounts.ROLES.get(u["role"], u["role"])
                    + ("（管理员）" if u["is_admin"] else ""),
                    "范围": u["county_name"] or u["institution_name"] or "全市",
                    "状态": "停用"
                    if not u["active"]
                    else ("锁定中" if (u["locked_until"] or "") > now else "正常"),
                    "更新": f"{clock.display(u['updated_at'])} {u['updated_by']}",
                }
                for u in users
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    if not actor.is_admin:
        st.caption("只有市级管理员可以新建、停用、解锁账户和重设密码。")
    elif users:
        st.subheader("管理账户")
        names = {u["username"]: u for u in users}
        who = st.selectbox(
            "账户", list(names), format_func=lambda n: f"{n}（{names[n]['display_name']}）"
        )
        c1, c2, c3 = st.columns(3)
        if names[who]["active"]:
            if c1.button("停用", key="deactivate"):
                flash.act(lambda: useradmin.set_active(db, actor, who, False), f"已停用 {who}。")
        elif c1.button("启用", key="activate"):
            flash.act(lambda: useradmin.set_active(db, actor, who, True), f"已启用 {who}。")
        if c2.button("解锁", key="unlock"):
            flash.act(lambda: useradmin.unlock(db, actor, who), f"已解锁 {who}。")
        # A form sends what was typed with the click: no value is lost to a Tab or a rerun.
        with c3.form("reset_password"):
            new_password = st.text_input(
                "新密码（至少8位，含字母和数字）", type="password", key="newpw"
            )
            if st.form_submit_button("重设密码"):
                flash.act(
                    lambda: useradmin.reset_password(
                        db,
                        actor,
                        who,
                        new_password,
                        keep_session=st.session_state.get("login_token"),
                    ),
                    f"已重设 {who} 的密码，请当面或电话告知本人。",
                )

    if actor.is_admin:
        st.subheader("新建账户")
        roles = list(accounts.ROLES)
        # the role decides the fields below, so it is picked outside the form
        role = st.selectbox("角色", roles, format_func=accounts.ROLES.get, key="new_role")
        with st.form("new_account"):
            c1, c2 = st.columns(2)
            username = c1.text_input("用户名（英文字母、数字）", key="new_username")
            display = c2.text_input("名称（显示在页面上）", key="new_display")
            password = c1.text_input("初始密码", type="password", key="new_password")
            county = institution_id = None
            is_admin = False
            if role == "county":
                county = c2.selectbox(
                    "所属县（市、区）", [c["name"] for c in catalogue.counties()], key="new_county"
                )
            elif role == "institution":
                insts = {
                    r["id"]: r["name"]
                    for r in db.query("SELECT id, name FROM institutions ORDER BY name")
                }
                institution_id = c2.selectbox(
                    "培训机构", list(insts), format_func=insts.get, key="new_inst"
                )
            else:
                is_admin = c2.checkbox("设为管理员", key="new_admin")
            if st.form_submit_button("新建账户", type="primary"):
                flash.act(
                    lambda: useradmin.create(
                        db,
                        actor,
                        username=username,
                        password=password,
                        role=role,
                        display_name=display.strip() or None,
                        county=county,
                        institution_id=institution_id,
                        is_admin=is_admin,
                    ),
                    f"已新建账户 {username.strip()}。",
                )

    locks = useradmin.recent_locks(db, actor)
    if locks:
        st.subheader("登录锁定提醒")
        st.caption(
            f"同一账户从同一地址连续输错{accounts.MAX_FAILURES}次密码会被锁定，每次锁定比上次更久。"
            "多次锁定可能是有人在猜密码：请联系账户本人核实，需要时点“解锁”。"
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "用户名": r["username"],
                        "名称": r["display_name"] or "（没有这个账户）",
                        "来源地址": r["client"],
                        "锁定次数": r["locks"],
                        "状态": "锁定中" if r["locked_now"] else "已到期",
                        "锁定到": (r["locked_until"] or "").replace("T", " "),
                    }
                    for r in locks
                ]
            ),
            hide_index=True,
            width="stretch",
        )

with tab_log:
    c1, c2, c3, c4, c5 = st.columns(5)
    who = c1.text_input("操作人（用户名）", key="log_who")
    entities = [None, *useradmin.audit_entities(db, actor)]
    entity = c2.selectbox(
        "对象",
        entities,
        format_func=lambda e: "全部" if e is None else audit_view.entity_label(e),
        key="log_entity",
    )
    actions = [None, *audit_view.ACTIONS]
    action = c3.selectbox(
        "操作",
        actions,
        format_func=lambda a: "全部" if a is None else audit_view.action_label(a),
        key="log_action",
    )
    unreadable: list[str] = []
    since = date_field("从", key="log_since", container=c4, problems=unreadable)
    until = date_field("到", key="log_until", container=c5, problems=unreadable)
    if unreadable:
        st.stop()  # the reason is under the date; an empty list here would read as "no entries"
    entries = (
        flash.attempt(
            lambda: useradmin.audit_entries(
                db, actor, who=who or None, entity=entity, action=action, since=since, until=until
            )
        )
        or []
    )
    st.caption(f"最近 {len(entries)} 条（最多显示200条）")
    if entries:
        people_names = people.names(db, [e["actor"] for e in entries])
        st.dataframe(
            pd.DataFrame(audit_view.rows(entries, people_names)),
            hide_index=True,
            width="stretch",
        )
