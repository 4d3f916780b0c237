"""覆盖进度: coverage from the city down to a village, and who in a village still needs a visit."""

from __future__ import annotations

import altair as alt
import streamlit as st

from portal import areas, coverage
from portal.ui import connection, require_staff, run_action

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_NAMES = {"county": "县（市、区）", "township": "乡镇", "village": "村"}

actor = require_staff()
db = connection()
st.title("覆盖进度")
st.caption(
    "覆盖率 = 有培训意愿且已完成培训的人数 ÷ 有培训意愿的人数。“已培训”指至少结业过一个班次。"
)


def pct(value) -> str:
    return "—" if value is None else f"{value:.1%}"


def pick(label: str, options: list[dict], key: str, default_code: str | None = None):
    names = ["全部"] + [o["name"] for o in options]
    index = 0
    if default_code:
        for i, o in enumerate(options, start=1):
            if o["code"] == default_code:
                index = i
    choice = st.selectbox(label, names, index=index, key=key)
    return None if choice == "全部" else options[names.index(choice) - 1]


cols = st.columns(3)
with cols[0]:
    county = pick(
        "县（市、区）",
        areas.counties(db),
        "cov_county",
        actor.county_code if actor.role == "county" else None,
    )
township = village = None
if county:
    with cols[1]:
        township = pick("乡镇", areas.children(db, county["code"]), "cov_township")
if township:
    with cols[2]:
        village = pick("村", areas.children(db, township["code"]), "cov_village")

parent = township or county
rows = run_action(lambda: coverage.area_summary(db, parent["code"] if parent else None))
if rows is not None:
    where = areas.full_name(db, parent["code"]) if parent else "全市"
    total = coverage.totals(rows)
    metrics = st.columns(6)
    for col, (label, value) in zip(
        metrics,
        [
            ("劳动力", total["workers"]),
            ("有培训意愿", total["willing"]),
            ("已培训（有意愿）", total["trained_willing"]),
            ("覆盖率", pct(total["coverage"])),
            ("已举办班次", total["sessions_held"]),
            ("年度任务完成", f"{total['targets_met']}/{total['targets']}"),
        ],
        strict=True,
    ):
        col.metric(label, value)
    level = LEVEL_NAMES[rows[0]["level"]] if rows else "地区"
    st.subheader(f"{where}：各{level}覆盖进度")
    if rows:
        chart_data = [
            {
                "地区": r["name"],
                "覆盖率": round((r["coverage"] or 0) * 100, 1),
                "有意愿未培训": r["untrained_willing"],
            }
            for r in rows
        ]
        chart = (
            alt.Chart(alt.Data(values=chart_data))
            .mark_bar()
            .encode(
                x=alt.X("地区:N", sort=None, title=None),
                y=alt.Y("覆盖率:Q", title="覆盖率（%）", scale=alt.Scale(domain=[0, 100])),
                tooltip=["地区:N", "覆盖率:Q", "有意愿未培训:Q"],
            )
        )
        st.altair_chart(chart, width="stretch")
        st.dataframe(
            [
                {
                    level: r["name"],
                    "劳动力": r["workers"],
                    "有培训意愿": r["willing"],
                    "已培训": r["trained"],
                    "已培训（有意愿）": r["trained_willing"],
                    "有意愿未培训": r["untrained_willing"],
                    "覆盖率": pct(r["coverage"]),
                    "已举办班次": r["sessions_held"],
                    "年度任务": r["targets"],
                    "已完成任务": r["targets_met"],
                }
                for r in rows
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.info("这里还没有下一级地区（导入台账后会自动建立）。")

if village:
    st.subheader(f"{village['name']}：有培训意愿、尚未完成培训的人员（入户走访用）")
    visit = run_action(lambda: coverage.untrained_willing(db, actor, village["code"]))
    if visit is not None:
        if visit.rows:
            st.dataframe(visit.records(), hide_index=True, width="stretch")
            st.download_button(
                "下载走访名单（.xlsx）",
                visit.xlsx,
                file_name=f"{village['name']}走访名单.xlsx",
                mime=XLSX,
            )
        else:
            st.success("这个村有培训意愿的人都已完成培训。")
