"""摸清底数: the baseline of the registered poor labour force, city down to a village."""

from __future__ import annotations

import altair as alt
import streamlit as st

from portal import areas
from portal.baseline import census, export, pupils, tables
from portal.datefield import date_field
from portal.ui import connection, current_actor, run_action
from portal.views import md

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

actor = current_actor()
db = connection()
st.title("摸清底数")

if not actor.is_staff:
    if not pupils.may_see(db, actor):
        st.error("此页面仅供县、市工作人员和技工院校使用。")
        st.stop()
    st.caption("技能脱贫百校行动：本县（市、区）建档立卡贫困家庭的两后生（身份证号已遮盖）。")
    wishing = st.checkbox("只列有就读技工院校意愿的两后生", key="bl_pupils_wish")
    listed = run_action(lambda: pupils.pupil_list(db, actor, wishing=wishing))
    if listed is not None:
        st.subheader(md(f"{listed.title}（{len(listed.rows)}人）"))
        st.dataframe(listed.records(), hide_index=True, width="stretch")
        st.download_button(
            "下载两后生名单（.xlsx）", listed.xlsx, file_name="两后生名单.xlsx", mime=XLSX
        )
    st.stop()

st.caption(
    "建档立卡贫困劳动力的底数：就业状态、年龄结构、性别、文化程度、培训和就业意愿、"
    "两后生和就读技工院校情况（绥人社发〔2019〕18号“摸清底数，建立台账”）。"
)


def pick(label: str, options: list[dict], key: str, default_code: str | None = None):
    names = ["全部"] + [o["name"] for o in options]
    index = next((i for i, o in enumerate(options, 1) if o["code"] == default_code), 0)
    choice = st.selectbox(label, names, index=index, key=key)
    return None if choice == "全部" else options[names.index(choice) - 1]


cols = st.columns(4)
with cols[0]:
    if actor.role == "county":
        county = areas.get(db, actor.county_code) or {"code": actor.county_code, "name": ""}
        st.text_input("县（市、区）", county["name"], disabled=True, key="bl_county_fixed")
    else:
        county = pick("县（市、区）", areas.counties(db), "bl_county")
township = village = None
if county:
    with cols[1]:
        township = pick("乡镇", areas.children(db, county["code"]), "bl_township")
if township:
    with cols[2]:
        village = pick("村", areas.children(db, township["code"]), "bl_village")
with cols[3]:
    at = date_field("年龄计算到", census.default_date(), key="bl_at", required=True)
if at is None:
    st.stop()

chosen = village or township or county
r = run_action(lambda: census.census(db, actor, chosen["code"] if chosen else None, at))
if r is None:
    st.stop()

t = r["total"]
metrics = st.columns(6)
for col, (label, value) in zip(
    metrics,
    [
        ("登记劳动力", t["workers"]),
        ("未就业", t["unemployed"]),
        ("有培训意愿", t["train_yes"]),
        ("有就业意愿", t["job_yes"]),
        ("两后生", t["liang_hou_sheng"]),
        ("在读技工院校", r["in_school"]),
    ],
    strict=True,
):
    col.metric(label, value)
st.caption(md(f"{r['area']['name']}，年龄计算到 {r['at']}。"))

st.subheader("两后生和就读技工院校意愿（技能脱贫百校行动）")
school_metrics = st.columns(4)
for col, (label, value) in zip(
    school_metrics,
    [
        ("两后生", t["liang_hou_sheng"]),
        ("两后生有就读意愿", t["lhs_school_yes"]),
        ("其中尚未在读技工院校", t["lhs_school_gap"]),
        ("有就读意愿（全部）", t["school_yes"]),
    ],
    strict=True,
):
    col.metric(label, value)


def bar(data: list[dict], x: str, y: str, title: str):
    chart = (
        alt.Chart(alt.Data(values=data), title=title)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{y}:Q", title="人数"),
            tooltip=[f"{x}:N", f"{y}:Q"],
        )
    )
    st.altair_chart(chart, width="stretch")


left, right = st.columns(2)
with left:
    bar([{"就业状态": g, "人数": n} for g, n in r["status"]], "就业状态", "人数", "就业状态")
    bar([{"文化程度": g, "人数": n} for g, n in r["education"]], "文化程度", "人数", "文化程度")
with right:
    unemployed = r["status_age"]["未就业"]
    age_data = [
        {"年龄段": label, "情况": kind, "人数": n}
        for label, total, idle in zip(r["age_bands"], t["age"], unemployed, strict=True)
        for kind, n in (("未就业", idle), ("其他", total - idle))
    ]
    chart = (
        alt.Chart(alt.Data(values=age_data), title="年龄结构")
        .mark_bar()
        .encode(
            x=alt.X("年龄段:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("人数:Q", title="人数"),
            color=alt.Color("情况:N", sort=["未就业", "其他"], title=None),
            tooltip=["年龄段:N", "情况:N", "人数:Q"],
        )
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(tables.wishes(r).records(), hide_index=True, width="stretch")
    st.dataframe(tables.gender(r).records(), hide_index=True, width="stretch")

for table in (tables.children(r), tables.status(r), tables.ages(r)):
    st.subheader(table.title)
    st.dataframe(table.records(), hide_index=True, width="stretch")

st.subheader(tables.trades(r).title)
if r["trades"]:
    st.caption("点“查看名单”打开台账页的培训需求清单（该乡镇、该工种，尚未培训的人）。")
    st.dataframe(
        [
            {
                "县（市、区）": x["county"],
                "乡镇": x["township"],
                "名次": x["rank"],
                "培训需求（工种）": x["trade"],
                "想学人数": x["wanted"],
                "尚未培训": x["untrained"],
                "培训需求清单": tables.demand_link(
                    x["township_code"], x["trade"], village["code"] if village else None
                ),
            }
            for x in r["trades"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "培训需求清单": st.column_config.LinkColumn("培训需求清单", display_text="查看名单")
        },
    )
else:
    st.info("这里还没有登记培训意愿的人。")

other = tables.wordings(r)
if other.rows:
    st.subheader(other.title)
    st.dataframe(other.records(), hide_index=True, width="stretch")

for note in tables.notes(r):
    st.caption(md(note))

st.download_button(
    "下载底数表（.xlsx）",
    lambda: export.xlsx(r),
    file_name=f"摸清底数-{r['area']['name'].replace('/', '-')}.xlsx",
    mime=XLSX,
    key="bl_xlsx",
)

st.subheader("两后生名单（技能脱贫百校行动）")
wishing = st.checkbox("只列有就读技工院校意愿的两后生", key="bl_pupils_wish")
listed = run_action(
    lambda: pupils.pupil_list(db, actor, chosen["code"] if chosen else None, at, wishing=wishing)
)
if listed is not None:
    st.write(f"共 {len(listed.rows)} 人。")
    st.dataframe(listed.records(), hide_index=True, width="stretch")
    st.download_button(
        "下载两后生名单（.xlsx）",
        listed.xlsx,
        file_name="两后生名单.xlsx",
        mime=XLSX,
        key="bl_pupils",
    )
