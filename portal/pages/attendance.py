"""考勤与签字: the roll call per session day, the sign-in sheet, and the contact card.

Selections (session, day, trainee, tab) have keys and labels that a write does not change, so
after a save or a signature the page stays where the clerk was.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portal import attendance, clock, enrolment, flash, sessions, signin_sheet, views
from portal.datefield import date_field
from portal.ui import connection, current_actor, person, show_time

db = connection()
actor = current_actor()
st.title("考勤与签字")
flash.show()

rows = sessions.list_sessions(db, actor, status="published") + sessions.list_sessions(
    db, actor, status="completed"
)
if not rows:
    st.info("没有可记考勤的班次：班次发布后才能记考勤。")
    st.stop()
labels = {r["id"]: views.session_label(r) for r in rows}
session_id = st.selectbox("班次", list(labels), format_func=labels.get, key="att_session")
session = sessions.get(db, actor, session_id)
all_days = sessions.session_days(session)


def day_label(d) -> str:
    return f"{d}（周{views.WEEKDAYS[d.weekday()]}）"


with st.expander("打印签到表（PDF）"):
    st.caption("每个上课日一张，学员本人签名；身份证号只印部分数字。开课前也可以打印。")
    sheet_day = st.selectbox(
        "签到表日期", all_days, format_func=day_label, key=f"sheet_day_{session_id}"
    )
    if st.button("生成签到表", key="make_sheet"):
        pdf = flash.attempt(lambda: signin_sheet.render(db, actor, session_id, sheet_day))
        if pdf:
            st.session_state["signin_pdf"] = (session_id, sheet_day, pdf)
    ready = st.session_state.get("signin_pdf")
    if ready and ready[0] == session_id and ready[1] == sheet_day:
        st.download_button(
            "下载签到表",
            ready[2],
            file_name=signin_sheet.file_name(session_id, sheet_day),
            mime="application/pdf",
            key="download_sheet",
        )

days = [d for d in all_days if d <= clock.today()]
if not days:
    st.info(f"班次 {session['start_date']} 开课，开课后才能记考勤。")
    st.stop()


def act(action, message: str) -> None:
    """``flash.act`` with a message that may quote stored names: a name with braces in it
    must not be read as a format field, so the message goes through as the action's result."""
    flash.act(lambda: (action(), message)[1], "{result}")


tab_roll, tab_card = st.tabs(["考勤", "联系卡签字"], key="att_tab", on_change="rerun")

with tab_roll:
    day = st.selectbox("上课日", days, format_func=day_label, key=f"att_day_{session_id}")
    per_day = sessions.hours_per_day(session)
    st.caption(f"每天计{per_day:g}课时，累计满{session['class_hours']:g}课时即为结业。")
    sheet = flash.attempt(lambda: attendance.sheet(db, actor, session_id, day)) or []
    if not sheet:
        st.write("本班次还没有在读的学员。")
    else:
        if st.button(
            "全部出勤", help="先把所有人记为出勤，再在下面取消缺勤的人", key="all_present"
        ):
            flash.act(
                lambda: attendance.mark_all_present(db, actor, session_id, day),
                "已记全部出勤（{result}条）。如有缺勤，请在名单中取消勾选后保存。",
            )
        with st.form(f"roll_{session_id}_{day}"):
            # Keys carry the latest mark's id: after a save the boxes show the database again.
            marks, notes = {}, {}
            for r in sheet:
                c1, c2 = st.columns([2, 3])
                state = "未记" if r["present"] is None else ("出勤" if r["present"] else "缺勤")
                marks[r["enrolment_id"]] = c1.checkbox(
                    views.md(f"{r['name']} {r['id_shown']}（{state}）"),
                    value=bool(r["present"]),
                    key=f"p_{session_id}_{day}_{r['enrolment_id']}_{r['mark_id']}",
                )
                notes[r["enrolment_id"]] = c2.text_input(
                    "备注",
                    value=r["note"] or "",
                    key=f"n_{session_id}_{day}_{r['enrolment_id']}_{r['mark_id']}",
                    label_visibility="collapsed",
                    placeholder="缺勤原因等（可不填）",
                )
            if st.form_submit_button("保存考勤", type="primary"):
                flash.act(
                    lambda: attendance.mark(db, actor, session_id, day, marks, notes),
                    "考勤已保存（新增{result}条记录）。",
                )

    roster = enrolment.roster(db, actor, session_id)
    if roster:
        st.subheader("出勤汇总")
        st.dataframe(
            pd.DataFrame(views.roster_table(roster, session["class_hours"])),
            hide_index=True,
            width="stretch",
        )

with tab_card:
    roster = [r for r in enrolment.roster(db, actor, session_id) if r["status"] != "withdrawn"]
    if not roster:
        st.write("本班次还没有在读的学员。")
    else:
        st.subheader("按上课日批量登记")
        st.caption(
            "当天出勤的学员一起签好联系卡后，一次登记全部；缺勤、未记考勤或已签过的人会逐个列出，不登记。"
        )
        c1, c2 = st.columns(2)
        bulk_day = c1.selectbox(
            "签字的上课日", days, format_func=day_label, key=f"card_day_{session_id}"
        )
        bulk_witness = c2.text_input(
            "批量登记的经办人", value=actor.display_name[:30], key="bulk_witness"
        )

        def sign_day():
            results = attendance.sign_cards_for_day(
                db, actor, session_id, bulk_day, witnessed_by=bulk_witness
            )
            st.session_state["card_result"] = {
                "session_id": session_id,
                "summary": attendance.card_summary(results),
                "rows": [
                    {"姓名": r["name"], "身份证号": r["id_shown"], "结果": r["detail"]}
                    for r in results
                ],
            }
            return f"{bulk_day} 的联系卡签字已登记。" + st.session_state["card_result"]["summary"]

        if st.button("当天出勤的学员全部登记签字", key="sign_day"):
            flash.act(sign_day, "{result}")
        done = st.session_state.get("card_result")
        if done and done["session_id"] == session_id:
            st.caption("上次批量登记的逐人结果")
            st.write(done["summary"])
            st.dataframe(pd.DataFrame(done["rows"]), hide_index=True, width="stretch")

        st.subheader("逐个登记")
        people = {r["enrolment_id"]: r for r in roster}
        person_labels = views.person_labels(roster)
        chosen = st.selectbox(
            "学员", list(people), format_func=person_labels.get, key=f"card_person_{session_id}"
        )
        st.caption(f"联系卡：{views.card_state(people[chosen])}")
        signed = people[chosen]["card_signed"] == 1
        c1, c2 = st.columns(2)
        signed_on = date_field(
            "签字日期",
            days[-1],
            min_value=days[0],
            max_value=clock.today(),
            key="sign_on",
            container=c1,
            required=True,
        )
        witness = c2.text_input("经办人", value=actor.display_name[:30], key="witness")
        note = st.text_input(
            "备注" + ("（撤销时必填）" if signed else "（可不填）"), key="card_note"
        )
        c1, c2 = st.columns(2)
        sign = c1.button("登记已签字", type="primary", key="sign_one")
        revoke = signed and c2.button("撤销签字", key="revoke_one")
        if (sign or revoke) and signed_on is None:
            st.error("签字日期看不懂、没有填写或超出范围（见上面的说明），没有登记，请改正。")
        elif sign:
            act(
                lambda: attendance.sign_card(
                    db, actor, chosen, signed_on=signed_on, witnessed_by=witness, note=note
                ),
                f"已登记{people[chosen]['name']}的联系卡签字。",
            )
        elif revoke:
            flash.act(
                lambda: attendance.sign_card(
                    db,
                    actor,
                    chosen,
                    signed_on=signed_on,
                    witnessed_by=witness,
                    note=note,
                    signed=False,
                ),
                "已撤销签字（原记录保留）。",
            )
        history = attendance.card_history(db, actor, chosen)
        if history:
            st.caption("签字记录（更正为新记录，原记录保留）")
            st.table(
                pd.DataFrame(
                    [
                        {
                            "签字日期": h["signed_on"],
                            "状态": "已签字" if h["signed"] else "撤销",
                            "经办人": h["witnessed_by"],
                            "备注": h["note"] or "",
                            "登记时间": show_time(h["at"]),
                            "登记人": person(h["by"]),
                        }
                        for h in history
                    ]
                )
            )
