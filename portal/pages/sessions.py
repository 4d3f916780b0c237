"""培训班次: a new-session form first, the session list (filters, calendar), session actions.

Every widget has a key and the chosen session is kept in the session state, so publishing,
cancelling or completing a session redraws the page on the same session and the same view.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from portal import areas, catalogue, flash, sessions, siterebuild, views
from portal.datefield import date_field
from portal.errors import UserError
from portal.ui import connection, current_actor

db = connection()
actor = current_actor()
st.title("培训班次")
flash.show()
first_day, last_day = catalogue.campaign_period()
MONTHS = [f"2019-{m:02d}" for m in range(first_day.month, last_day.month + 1)]
COURSES = [c for c in catalogue.courses() if c["hours"]]
CHOSEN = "sessions_chosen"  # the session shown below the list, kept across reruns
PICK = "session_pick"  # the pick list's widget key


def remember(session_id: int) -> int:
    """Keep ``session_id`` chosen after the rerun that follows an action on it.

    The pick list's own state is dropped so that it is drawn again on this session (a new
    draft is not in the list the click came from).
    """
    st.session_state[CHOSEN] = session_id
    st.session_state.pop(PICK, None)
    return session_id


def course_label(code: str) -> str:
    c = catalogue.course(code)
    return f"【{views.campaign_short(c['campaign'])}】{c['name']}（建议{c['hours']:g}课时）"


def session_fields(key: str, county_code: str, current: dict | None = None) -> dict:
    """The widgets of a session; ``current`` fills them for editing."""
    cur = current or {}
    codes = [c["code"] for c in COURSES]
    course = st.selectbox(
        "培训课程",
        codes,
        index=codes.index(cur["course_code"]) if cur.get("course_code") in codes else 0,
        format_func=course_label,
        key=f"{key}_course",
    )
    towns = areas.children(db, county_code)
    town_codes = [t["code"] for t in towns]
    names = {a["code"]: a["name"] for a in towns}
    c1, c2 = st.columns(2)
    township = c1.selectbox(
        "乡镇",
        town_codes,
        index=town_codes.index(cur["township_code"])
        if cur.get("township_code") in town_codes
        else 0,
        format_func=names.get,
        key=f"{key}_town",
    )
    villages = areas.children(db, township) if township else []
    names |= {v["code"]: v["name"] for v in villages}
    village_codes = [None] + [v["code"] for v in villages]
    village = c2.selectbox(
        "村（可不选）",
        village_codes,
        index=village_codes.index(cur.get("village_code"))
        if cur.get("village_code") in village_codes
        else 0,
        format_func=lambda c: "（不指定村）" if c is None else names[c],
        key=f"{key}_village",
    )
    address = st.text_input("培训地点", value=cur.get("address", ""), key=f"{key}_address")
    c1, c2 = st.columns(2)
    mode = c1.radio(
        "培训方式",
        sessions.MODES,
        index=sessions.MODES.index(cur.get("mode", "集中")),
        horizontal=True,
        key=f"{key}_mode",
    )
    parts = list(sessions.DAY_PARTS)
    day_part = c2.radio(
        "半日/全日",
        parts,
        index=parts.index(cur.get("day_part", "全日")),
        horizontal=True,
        key=f"{key}_daypart",
    )
    # New sessions: hours follow the course and 半日/全日, the end date also the start date,
    # until the user edits them.
    follow = "" if cur else f"_{course}_{day_part}"
    c1, c2, c3, c4 = st.columns(4)
    start = date_field(
        "开班日期",
        dt.date.fromisoformat(cur["start_date"]) if cur else first_day,
        min_value=first_day,
        max_value=last_day,
        key=f"{key}_start",
        container=c1,
    )
    planned_days = -(-int(catalogue.course(course)["hours"]) // sessions.DAY_PARTS[day_part])
    from_day = start or first_day
    end = date_field(
        "结束日期",
        dt.date.fromisoformat(cur["end_date"])
        if cur
        else min(from_day + dt.timedelta(days=planned_days - 1), last_day),
        min_value=first_day,
        max_value=last_day,
        key=f"{key}_end{follow}_{start}",
        container=c2,
    )
    daily_start = c3.text_input(
        "每天开始时间", value=cur.get("daily_start", "08:30"), key=f"{key}_dstart"
    )
    daily_end = c4.text_input(
        "每天结束时间", value=cur.get("daily_end", "16:30"), key=f"{key}_dend"
    )
    c1, c2, c3, c4 = st.columns(4)
    hours = c1.number_input(
        "课时",
        min_value=0.0,
        value=float(cur.get("class_hours") or catalogue.course(course)["hours"]),
        step=1.0,
        key=f"{key}_hours{follow}",
    )
    capacity = c2.number_input(
        "招生人数", min_value=0, value=int(cur.get("capacity", 30)), step=1, key=f"{key}_cap"
    )
    trainer = c3.text_input("授课老师", value=cur.get("trainer") or "", key=f"{key}_trainer")
    phone = c4.text_input("联系电话", value=cur.get("contact_phone", ""), key=f"{key}_phone")
    return {
        "course_code": course,
        "township_code": township,
        "village_code": village,
        "address": address,
        "mode": mode,
        "day_part": day_part,
        "start_date": start,
        "end_date": end,
        "daily_start": daily_start,
        "daily_end": daily_end,
        "class_hours": hours,
        "capacity": capacity,
        "trainer": trainer,
        "contact_phone": phone,
    }


# --- new session -----------------------------------------------------------------------------
insts = sessions.institutions(db, actor)
first_time = actor.role == "institution" and not sessions.list_sessions(db, actor, limit=1)
with st.expander("新建班次", expanded=first_time, icon=":material/add_circle:"):
    if not insts:
        st.write("您的范围内还没有登记培训机构。")
    else:
        inst_ids = [i["id"] for i in insts]
        inst_id = inst_ids[0]
        if len(insts) > 1:
            names = {i["id"]: i["name"] for i in insts}
            inst_id = st.selectbox(
                "培训机构", inst_ids, format_func=names.get, key="new_institution"
            )
        county_code = next(i["county_code"] for i in insts if i["id"] == inst_id)
        form = session_fields("new", county_code)
        if st.button("保存为草稿", type="primary", key="create_session"):
            flash.act(
                lambda: remember(sessions.create(db, actor, form, inst_id)),
                "已保存为草稿（班次编号 {result}）。检查无误后请在下方选中它并“发布班次”。",
            )

# --- filters ---------------------------------------------------------------------------------
filters: dict = {}
# in an expander: on a phone five stacked pickers would push the list off the first screen
filter_box = st.expander("筛选班次（县、乡镇、活动、状态、月份）", icon=":material/filter_list:")
cols = filter_box.columns(5)
if actor.role in ("city", "system"):
    counties = [None] + [c["code"] for c in catalogue.counties()]
    filters["county"] = cols[0].selectbox(
        "县（市、区）",
        counties,
        format_func=lambda c: "全部" if c is None else catalogue.county(c)["name"],
        key="filter_county",
    )
county_for_towns = filters.get("county") or actor.county_code
if actor.role == "institution":
    county_for_towns = sessions.institutions(db, actor)[0]["county_code"]
if county_for_towns:
    towns = areas.children(db, county_for_towns)
    town_names = {t["code"]: t["name"] for t in towns}
    filters["township"] = cols[1].selectbox(
        "乡镇",
        [None, *town_names],
        format_func=lambda c: "全部" if c is None else town_names[c],
        key=f"filter_town_{county_for_towns}",
    )
filters["campaign"] = cols[2].selectbox(
    "培训活动",
    [None] + [c["code"] for c in catalogue.campaigns()],
    format_func=lambda c: "全部" if c is None else views.campaign_short(c),
    key="filter_campaign",
)
filters["status"] = cols[3].selectbox(
    "状态",
    [None, *sessions.STATUS],
    format_func=lambda s: "全部" if s is None else sessions.STATUS[s],
    key="filter_status",
)
filters["month"] = cols[4].selectbox(
    "月份", [None, *MONTHS], format_func=lambda m: "全部" if m is None else m, key="filter_month"
)
view = st.radio(
    "显示方式", ["列表", "日历"], horizontal=True, label_visibility="collapsed", key="view"
)

if view == "日历":
    picked = filters.pop("month")
    month = picked or MONTHS[0]
    if not picked:
        st.caption(
            f"日历按月显示，当前为 {month}，可在上方“月份”中选择。要操作某个班次请切换到列表。"
        )
    days = flash.attempt(lambda: sessions.calendar(db, actor, month, **filters))
    if days is not None:
        st.table(pd.DataFrame(views.calendar_table(days)))
    rows = []
else:
    rows = flash.attempt(lambda: sessions.list_sessions(db, actor, **filters)) or []
    st.caption(
        f"共 {len(rows)} 个班次"
        + ("（最多显示500个，请用筛选缩小范围）" if len(rows) >= 500 else "")
    )
    if rows:
        st.dataframe(
            pd.DataFrame(views.session_table(rows, actor.role)), hide_index=True, width="stretch"
        )

# --- one session: details and actions --------------------------------------------------------
# A link ``?session=N`` opens one session directly; the domain refuses one outside the scope.
linked = st.query_params.get("session")
chosen = None
if linked is not None:
    chosen = int(linked) if linked.isdigit() else -1
elif view == "列表" and (rows or st.session_state.get(CHOSEN)):
    ids = [r["id"] for r in rows]
    labels = {r["id"]: views.session_label(r) for r in rows}
    kept = st.session_state.get(CHOSEN)
    if kept is not None and kept not in labels:
        # the session just acted on may have left the filtered list (a draft now published):
        # it stays chosen, so the page does not jump to another session
        try:
            labels[kept] = views.session_label(sessions.get(db, actor, kept))
            ids.insert(0, kept)
        except UserError:
            st.session_state.pop(CHOSEN, None)
            kept = None
    if ids:
        chosen = st.selectbox(
            "选择班次查看或操作",
            ids,
            index=ids.index(kept) if kept in ids else 0,
            format_func=labels.get,
            key=PICK,
        )
        st.session_state[CHOSEN] = chosen
row = flash.attempt(lambda: sessions.get(db, actor, chosen)) if chosen is not None else None
if row:
    st.subheader(f"#{row['id']} {row['course_name']}")
    st.text(
        f"机构：{row['institution_name']}\n"
        f"地点：{areas.full_name(db, row['village_code'] or row['township_code'])} {row['address']}\n"
        f"日期：{row['start_date']}至{row['end_date']}，{row['day_part']} "
        f"{row['daily_start']}-{row['daily_end']}，{row['class_hours']:g}课时\n"
        f"方式：{row['mode']}；招生{row['capacity']}人，已报{row['enrolled']}人\n"
        f"老师：{row['trainer'] or '未填'}；联系电话：{row['contact_phone']}\n"
        f"状态：{sessions.STATUS[row['status']]}"
        + (f"\n备注：{row['notes']}" if row["notes"] else "")
    )
    c1, c2, c3 = st.columns(3)
    if row["status"] == "draft" and c1.button(
        "发布班次", type="primary", key=f"publish_{row['id']}"
    ):
        flash.act(
            lambda: (sessions.publish(db, actor, row["id"]), remember(row["id"])),
            "班次已发布，公开网站下次生成时会出现在培训时间表上。",
        )
    if row["status"] == "published" and c2.button("标记为已结束", key=f"complete_{row['id']}"):
        flash.act(
            lambda: (sessions.complete(db, actor, row["id"]), remember(row["id"])),
            "已标记为已结束。",
        )
    if row["status"] in sessions.EDITABLE:
        with st.expander("取消班次"):
            reason = st.text_input("取消原因", key=f"cancel_reason_{row['id']}")
            if st.button("确认取消", key=f"cancel_{row['id']}"):
                flash.act(
                    lambda: (sessions.cancel(db, actor, row["id"], reason), remember(row["id"])),
                    "班次已取消。",
                )
        with st.expander("修改班次"):
            changes = session_fields(f"edit{row['id']}", row["county_code"], row)
            if st.button("保存修改", key=f"save_{row['id']}"):
                flash.act(
                    lambda: (sessions.edit(db, actor, row["id"], changes), remember(row["id"])),
                    "修改已保存。",
                )

# --- public site -----------------------------------------------------------------------------
if actor.is_staff:
    with st.expander("更新公开网站的培训时间表"):
        st.write("已发布的班次会在网站下次生成时出现在公开的培训时间表上。")
        if st.button("重建公开网站", key="rebuild_site"):
            with st.spinner("正在生成网站……"):
                result = siterebuild.rebuild(db, actor, siterebuild.db_file(db))
            (st.success if result.ok else st.warning)(result.message)
            if result.output:
                st.code(result.output, language=None)
