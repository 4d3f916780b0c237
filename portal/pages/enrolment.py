"""报名管理: pick a session; enrol one person or a whole list; withdraw; the waiting list.

Selections keep their keys and labels that do not change with a write (no status in a pick
list label), so after enrolling, withdrawing or promoting the page stays on the same session
and the same trainee.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portal import (
    areas,
    enrolment,
    flash,
    id_list,
    registrations,
    sessions,
    spreadsheet,
    views,
    workers,
)
from portal.errors import UserError
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
session_id = st.selectbox("班次", list(labels), format_func=labels.get, key="enrol_session")
session = sessions.get(db, actor, session_id)
waiting = enrolment.waiting_list(db, actor, session_id)
queue = [w for w in waiting if w["outcome"] is None]
taken = session["enrolled"]
st.caption(
    f"招生{session['capacity']}人，已报名{taken}人，剩余{max(session['capacity'] - taken, 0)}个名额"
    + (f"，候补{len(queue)}人。" if queue else "。")
)


def act(action, message: str) -> None:
    """``flash.act`` with a message that may quote stored names: a name with braces in it
    must not be read as a format field, so the message goes through as the action's result."""
    flash.act(lambda: (action(), message)[1], "{result}")


def enrol_message(outcome: enrolment.Outcome, name: str) -> str:
    if outcome.kind == "waiting":
        return f"名额已满：{name}已列入候补名单第{outcome.position}位，有人退出时按顺序自动递补。"
    return f"{name}已报名。"


# --- find and enrol one person ---------------------------------------------------------------
if session["status"] in enrolment.OPEN_FOR_ENROLMENT:
    st.subheader("查找并报名")
    if actor.role == "institution":
        st.caption("请输入学员身份证上的18位号码查找；按姓名只能查到已在本机构报过名的学员。")
    query = st.text_input("身份证号或姓名", key="worker_query")
    if query.strip():
        found = flash.attempt(lambda: workers.find(db, actor, query))
        if found == []:
            st.warning("没有找到。身份证号请核对；不在台账里的人可在下方登记为“未建档”人员。")
        elif found:
            by_id = {w["id"]: w for w in found}
            worker_id = st.radio(
                "查找结果",
                list(by_id),
                format_func=lambda i: views.md(views.worker_label(by_id[i])),
            )
            if not by_id[worker_id]["registered"]:
                st.warning("此人未建档立卡：可以参加培训，但不享受扶贫专项补贴。")
            label = "报名到本班次" if taken < session["capacity"] else "名额已满，列入候补名单"
            if st.button(label, type="primary", key="enrol_one"):
                flash.act(
                    lambda: enrol_message(
                        enrolment.enrol_or_wait(db, actor, session_id, worker_id, id_number=query),
                        by_id[worker_id]["name"],
                    ),
                    "{result}",
                )

    # --- bulk: a pasted list or an uploaded sheet of ID numbers ------------------------------
    st.subheader("批量报名")
    st.caption(
        "粘贴身份证号（每行一个），或上传 .xlsx / .csv 表格（“身份证号”列，没有表头时用第一列）。"
        "只按本县（市、区）台账查找；名额报满后其余的人按名单顺序列入候补。"
    )
    pasted = st.text_area("身份证号（每行一个）", key="bulk_text", height=140)
    upload = st.file_uploader("或上传名单表格", type=["xlsx", "csv"], key="bulk_file")

    def bulk():
        if upload is not None and pasted.strip():
            raise UserError(
                "既粘贴了身份证号又上传了表格：一次只按一种名单报名。请清空粘贴框，或移除上传的表格。"
            )
        if upload is not None:
            found_list = id_list.from_file(upload.name, upload.getvalue())
        else:
            found_list = id_list.from_text(pasted)
        rows = enrolment.bulk_enrol(db, actor, session_id, found_list)
        st.session_state["bulk_result"] = {
            "session_id": session_id,
            "summary": enrolment.bulk_summary(rows, found_list.blank),
            "rows": [
                {
                    "位置": r.where,
                    "身份证号": r.id_shown,
                    "姓名": r.name,
                    "结果": enrolment.BULK_RESULT[r.result],
                    "说明": r.detail,
                }
                for r in rows
            ],
        }
        return st.session_state["bulk_result"]["summary"]

    if st.button("批量报名", key="bulk_enrol"):
        flash.act(bulk, "批量报名完成。{result}")

    result = st.session_state.get("bulk_result")
    if result and result["session_id"] == session_id:
        st.caption("上次批量报名的逐行结果")
        st.write(result["summary"])
        st.dataframe(pd.DataFrame(result["rows"]), hide_index=True, width="stretch")
        headers = list(result["rows"][0]) if result["rows"] else []
        st.download_button(
            "下载逐行结果（.xlsx）",
            spreadsheet.xlsx_bytes(headers, [list(r.values()) for r in result["rows"]]),
            file_name=f"批量报名结果_班次{session_id}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="bulk_result_download",
        )

    if actor.role in ("institution", "county"):
        with st.expander("登记不在台账里的人员（未建档）"):
            if actor.role == "institution":
                st.caption(
                    "提交后由县（市、区）人社部门核实，核实后登记为“未建档”并报名到本班次。"
                    "未建档人员可以参加培训，但不计入扶贫专项补贴。"
                )
            else:
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
            person = {
                "id_number": new_id_number,
                "name": new_name,
                "township_code": township,
                "village_code": village,
                "phone": new_phone,
            }

            def record_and_enrol():
                wid = workers.record_unregistered(db, actor, **person)
                return enrol_message(enrolment.enrol_or_wait(db, actor, session_id, wid), "此人")

            if actor.role == "institution":
                if st.button("提交登记", key="submit_registration"):
                    flash.act(
                        lambda: registrations.submit(db, actor, session_id, **person),
                        registrations.SUBMITTED,
                    )
            elif st.button("登记并报名", key="record_unregistered"):
                flash.act(record_and_enrol, "已登记为未建档人员。{result}")

# --- registrations submitted by institutions -------------------------------------------------
requests = registrations.listing(db, actor) if actor.role in ("institution", "county") else []
if requests:
    st.subheader(
        "提交的登记（未建档人员）" if actor.role == "institution" else "机构提交的未建档登记"
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "姓名": r["name"],
                    "身份证号": r["id_shown"],
                    "培训机构": r["institution_name"],
                    "报名班次": f"#{r['session_id']} {r['course_name']}",
                    "状态": registrations.STATUS[r["status"]],
                    "说明": r["decision_note"] or "",
                    "提交时间": show_time(r["submitted_at"]),
                }
                for r in requests
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    pending = {r["id"]: r for r in requests if r["status"] == "pending"}
    if actor.role == "county" and pending:
        pick = st.selectbox(
            "核实登记申请",
            list(pending),
            format_func=lambda i: (
                f"{pending[i]['name']} {pending[i]['id_shown']}（{pending[i]['institution_name']}）"
            ),
            key="request_pick",
        )
        here = pending[pick]
        st.caption(
            f"住址：{registrations.place(db, here)}；"
            + (
                f"注意：这个身份证号已在{here['in_ledger']}的台账里，不能再登记，请驳回并写明原因。"
                if here["in_ledger"]
                else "台账里没有这个身份证号，请核对身份证后登记。"
            )
        )
        c1, c2 = st.columns(2)
        if c1.button(
            "核实无误，登记并报名", key=f"approve_{pick}", disabled=bool(here["in_ledger"])
        ):
            flash.act(lambda: registrations.approve(db, actor, pick), "{result}")
        why = c2.text_input("驳回原因", key=f"reject_reason_{pick}")
        if c2.button("驳回", key=f"reject_{pick}"):
            act(
                lambda: registrations.reject(db, actor, pick, why),
                f"已驳回{here['name']}的登记申请（原因已告知培训机构）。",
            )

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
    person_labels = views.person_labels(roster)
    chosen = st.selectbox(
        "选择学员", list(people), format_func=person_labels.get, key=f"enrol_person_{session_id}"
    )
    st.caption(f"状态：{enrolment.STATUS[people[chosen]['status']]}")
    if people[chosen]["status"] == "enrolled":
        # One key per session, not per trainee: text typed while the pick reruns is kept.
        reason = st.text_input("退出原因", key=f"withdraw_reason_{session_id}")
        if st.button("办理退出", key=f"withdraw_{chosen}"):

            def withdraw():
                moved = enrolment.withdraw(db, actor, chosen, reason)
                return f"{people[chosen]['name']}已退出本班次。" + "".join(
                    f"候补的{m['name']}已递补报名。"
                    if m["outcome"] == "promoted"
                    else f"候补的{m['name']}未能递补：{m['reason']}"
                    for m in moved
                )

            flash.act(withdraw, "{result}")
    history = enrolment.history(db, actor, chosen)
    st.caption("报名记录（每次变动都保留）")
    st.table(
        pd.DataFrame(
            [
                {
                    "时间": show_time(h["at"]),
                    "状态": enrolment.STATUS[h["status"]],
                    "原因": h["reason"] or "",
                    "经办": h["by_name"],
                }
                for h in history
            ]
        )
    )

# --- waiting list ----------------------------------------------------------------------------
st.subheader("候补名单")
if not waiting:
    st.write("没有人候补。名额报满后再报名的人会列入候补，有人退出时按顺序自动递补。")
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "候补位次": w["position"] or "",
                    "姓名": w["name"],
                    "身份证号": w["id_shown"],
                    "状态": enrolment.WAITING_OUTCOME[w["outcome"]],
                    "说明": w["outcome_reason"] or "",
                    "登记时间": show_time(w["added_at"]),
                    "登记人": w["added_by_name"],
                }
                for w in waiting
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    free = session["capacity"] - session["enrolled"]
    if queue and free > 0 and session["status"] in enrolment.OPEN_FOR_ENROLMENT:
        st.info(f"现在有{free}个空名额（例如扩大了招生人数），可按候补顺序递补。")
        if st.button("按候补顺序递补", key="promote"):
            flash.act(
                lambda: (
                    "、".join(m["name"] for m in enrolment.promote_waiting(db, actor, session_id))
                    or "无人"
                ),
                "已按顺序处理候补：{result}。",
            )
    if queue:
        in_queue = {w["id"]: w for w in queue}
        pick = st.selectbox(
            "移出候补的人",
            list(in_queue),
            format_func=lambda i: (
                f"第{in_queue[i]['position']}位 {in_queue[i]['name']} {in_queue[i]['id_shown']}"
            ),
            key=f"waiting_pick_{session_id}",
        )
        why = st.text_input("移出原因", key=f"waiting_reason_{session_id}")
        if st.button("移出候补名单", key=f"waiting_remove_{pick}"):
            act(
                lambda: enrolment.remove_waiting(db, actor, pick, why),
                f"{in_queue[pick]['name']}已移出候补名单（记录保留）。",
            )
