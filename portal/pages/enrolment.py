"""报名管理: pick a session, find a worker within scope, enrol; withdraw; see the history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portal import areas, enrolment, flash, sessions, views, workers
from portal.ui import connection, current_actor, person, show_time

db = connection()
actor = current_actor()
st.title("报名管理")
flash.show()

open_rows = sessions.list_sessions(db, actor, status="published") + sessions.list_sessions(
    db, actor, status="draft"
)
all_rows = open_rows + sessions.list_sessions(db, actor, status="completed")
if not all_rows:
    st.info("您的范围内还没有班次。请先到“培训班次”新建并发布班次。")
    st.stop()
labels = {r["id"]: views.session_label(r) for r in all_rows}
session_id = st.selectbox("班次", list(labels), format_func=labels.get)
session = sessions.get(db, actor, session_id)
taken = session["enrolled"]
st.caption(
    f"招生{session['capacity']}人，已报名{taken}人，剩余{session['capacity'] - taken}个名额。"
)

# --- find and enrol --------------------------------------------------------------------------
if session["status"] in enrolment.OPEN_FOR_ENROLMENT:
    st.subheader("查找并报名")
    if actor.role == "institution":
        st.caption("请输入学员身份证上的18位号码查找；按姓名只能查到已在本机构报过名的学员。")
    query = st.text_input("身份证号或姓名", key="worker_query")
    if query.strip():
        found = flash.attempt(lambda: workers.find(db, actor, query)) or []
        if not found:
            st.warning("没有找到。身份证号请核对；不在台账里的人可在下方登记为“未建档”人员。")
        else:
            by_id = {w["id"]: w for w in found}
            worker_id = st.radio(
                "查找结果",
                list(by_id),
                format_func=lambda i: views.md(views.worker_label(by_id[i])),
            )
            if not by_id[worker_id]["registered"]:
                st.warning("此人未建档立卡：可以参加培训，但不享受扶贫专项补贴。")
            if st.button("报名到本班次", type="primary"):
                flash.act(
                    lambda: enrolment.enrol(db, actor, session_id, worker_id),
                    f"{by_id[worker_id]['name']}已报名。",
                )

    if actor.role in ("institution", "county"):
        with st.expander("登记不在台账里的人员（未建档）"):
            st.caption("登记后标为“未建档”，可以参加培训，但不计入扶贫专项补贴。")
            county_code = workers.actor_county(db, actor)
            towns = areas.children(db, county_code)
            names = {t["code"]: t["name"] for t in towns}
            c1, c2 = st.columns(2)
            new_id_number = c1.text_input("身份证号", key="new_id")
            new_name = c2.text_input("姓名", key="new_name")
            township = c1.selectbox("乡镇", list(names), format_func=names.get, key="new_town")
            villages = {v["code"]: v["name"] for v in areas.children(db, township)}
            village = c2.selectbox("村", list(villages), format_func=villages.get, key="new_vil")
            new_phone = c1.text_input("联系电话（可不填）", key="new_phone")

            def record_and_enrol():
                wid = workers.record_unregistered(
                    db,
                    actor,
                    id_number=new_id_number,
                    name=new_name,
                    township_code=township,
                    village_code=village,
                    phone=new_phone,
                )
                return enrolment.enrol(db, actor, session_id, wid)

            if st.button("登记并报名", key="record_unregistered"):
                flash.act(record_and_enrol, "已登记为未建档人员并报名。")

# --- roster, withdrawal, history -------------------------------------------------------------
st.subheader("报名名单")
roster = enrolment.roster(db, actor, session_id)
if not roster:
    st.write("还没有人报名。")
else:
    st.dataframe(
        pd.DataFrame(views.roster_table(roster, session["class_hours"])),
        hide_index=True,
        width="stretch",
    )
    people = {r["enrolment_id"]: r for r in roster}
    chosen = st.selectbox(
        "选择学员",
        list(people),
        format_func=lambda e: (
            f"{people[e]['name']} {people[e]['id_shown']}（{enrolment.STATUS[people[e]['status']]}）"
        ),
    )
    if people[chosen]["status"] == "enrolled":
        reason = st.text_input("退出原因", key=f"reason_{chosen}")
        if st.button("办理退出", key=f"withdraw_{chosen}"):
            flash.act(
                lambda: enrolment.withdraw(db, actor, chosen, reason),
                f"{people[chosen]['name']}已退出本班次。",
            )
    history = enrolment.history(db, actor, chosen)
    st.caption("报名记录（每次变动都保留）")
    st.table(
        pd.DataFrame(
            [
                {
                    "时间": show_time(h["at"]),
                    "状态": enrolment.STATUS[h["status"]],
                    "原因": h["reason"] or "",
                    "经办": person(h["by"]),
                }
                for h in history
            ]
        )
    )
