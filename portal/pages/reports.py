"""月报 and 季报: county staff file their reports; city staff see every county, who is late,
the city sum, and can reopen a submitted report with a reason."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from portal import catalogue, clock, flash, people, periods  # noqa: E402
from portal.reports import figures, monthly, quarterly, render  # noqa: E402
from portal.ui import connection, require_staff, run_action, show_time  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

actor = require_staff()
db = connection()
st.title("月报与季报")
flash.show()

HELD_HINT = (
    "举办班次的算法：已“标记为已结束”的班次，以及已发布、结业日期已过或已有学员结业的班次，"
    "都计为已举办，不必等点“标记为已结束”。已取消和未发布的班次不计。"
)


def show_figures(f: dict) -> None:
    st.dataframe(
        pd.DataFrame(render.campaign_rows(f), columns=render.CAMPAIGN_HEADERS), hide_index=True
    )
    cov = f["coverage"]
    st.write(
        f"覆盖：有培训意愿的建档立卡贫困劳动力 {cov['willing']} 人，截至期末已培训 "
        f"{cov['trained_willing']} 人，覆盖率 {figures.coverage_text(cov['rate'])}。"
    )
    st.dataframe(
        pd.DataFrame(render.subsidy_rows(f), columns=render.SUBSIDY_HEADERS), hide_index=True
    )
    st.caption(HELD_HINT)
    with st.expander("统计口径"):
        for d in figures.DEFINITIONS:
            st.write(d)


def downloads(kind: str, r: dict, name: str, key: str) -> None:
    xlsx_fn = {"monthly": render.monthly_xlsx, "quarterly": render.quarterly_xlsx}
    xlsx_fn["city"] = render.city_xlsx
    html_fn = {
        "monthly": render.monthly_html,
        "quarterly": render.quarterly_html,
        "city": render.city_html,
    }
    left, right = st.columns(2)
    left.download_button(
        "下载 .xlsx", xlsx_fn[kind](r), file_name=f"{name}.xlsx", mime=XLSX, key=f"{key}_xlsx"
    )
    pdf_key = f"{key}_pdf_bytes_{name}_{r.get('status')}"  # a new file per report and state
    if right.button("生成 PDF", key=f"{key}_pdf_make"):
        st.session_state[pdf_key] = render.pdf(html_fn[kind](r))
    if st.session_state.get(pdf_key):
        right.download_button(
            "下载 PDF",
            st.session_state[pdf_key],
            file_name=f"{name}.pdf",
            mime="application/pdf",
            key=f"{key}_pdf",
        )


def status_line(r: dict) -> None:
    if r["lock"]:
        st.info(r["lock"])
    else:
        st.write(f"状态：{render.STATUS[r['status']]}")
    if r.get("reopened_at"):
        st.caption(
            f"曾于 {show_time(r['reopened_at'])} 被 {r.get('reopened_by_name') or r['reopened_by']}"
            f" 退回，原因：{r['reopen_reason']}"
        )


def _forget_overviews() -> None:
    """The city's cached figures predate a submit or reopen: work them out again."""
    for stale in [k for k in st.session_state if str(k).startswith("overview_")]:
        del st.session_state[stale]


def reopen_form(kind: str, county: str, period: str, key: str) -> None:
    module = monthly if kind == "monthly" else quarterly
    name = "月报" if kind == "monthly" else "季报"
    with st.form(f"{key}_reopen"):
        reason = st.text_input("退回原因（必填，会记入日志）")
        if st.form_submit_button("退回给县里修改"):

            def reopen():
                module.reopen(db, actor, county, period, reason)
                _forget_overviews()

            flash.act(reopen, f"已退回{county}的{name}，县里可以修改后重新提交。")


tab_month, tab_quarter = st.tabs(["月报", "季报"])

with tab_month:
    month_choices = periods.months()
    month = st.selectbox(
        "月份",
        month_choices,
        index=month_choices.index(periods.default_month()),
        key="m_month",
    )
    st.caption(
        monthly.LATE_RULE + f"{monthly.label(month)}月报的截止日：{monthly.due_date(month)}。"
    )
    county = actor.county_code
    if actor.role == "city":
        # The city's figures take seconds at full scale: kept for the session until 刷新.
        cache_key = f"overview_{month}"
        if st.button("刷新全市数字", key="m_refresh") or cache_key not in st.session_state:
            st.session_state[cache_key] = run_action(
                lambda: {**monthly.city_overview(db, actor, month), "at": clock.now()}
            )
        overview = st.session_state[cache_key]
        if overview:
            st.caption(f"以下为 {show_time(overview['at'])} 的数字，点“刷新全市数字”更新。")
            st.subheader("各县（市、区）报送情况")
            if overview["late"]:
                st.warning("逾期未提交：" + "、".join(overview["late"]))
            st.dataframe(
                pd.DataFrame(render.city_rows(overview), columns=render.CITY_HEADERS),
                hide_index=True,
            )
            st.subheader("全市合计")
            st.caption("已提交的县按提交时冻结的数字，未提交的县按当前数据。")
            show_figures(overview["sum"])
            downloads("city", overview, f"全市月报-{month}", "city")
            st.subheader("查看或退回某县月报")
            names = [c["name"] for c in catalogue.counties()]
            county = st.selectbox("县（市、区）", names, key="m_county")
    r = run_action(lambda: monthly.view(db, actor, county, month))
    if r:
        st.subheader(render.monthly_title(r))
        status_line(r)
        if r["late"] and r["status"] != "submitted":
            st.warning(f"已过截止日（{r['due']}），尚未提交。")
        show_figures(r["figures"])
        downloads("monthly", r, f"{r['county']}月报-{month}", "month")
        if actor.role == "county" and r["status"] != "submitted":
            if st.button("提交月报（提交后锁定）", type="primary", key="m_submit"):
                flash.act(
                    lambda: monthly.submit(db, actor, county, month),
                    f"已提交{r['county']}{monthly.label(month)}月报，本月报已锁定。",
                )
        if actor.role == "city" and r["status"] == "submitted":
            reopen_form("monthly", county, month, "m")

with tab_quarter:
    quarter_choices = periods.quarters()
    quarter = st.selectbox(
        "季度",
        quarter_choices,
        index=quarter_choices.index(periods.default_quarter()),
        key="q_quarter",
    )
    if actor.role == "city":
        q_rows = quarterly.statuses(db, actor, quarter)
        names = people.names(db, [r["submitted_by"] for r in q_rows])
        st.dataframe(
            pd.DataFrame(
                [
                    [r["county"], render.STATUS.get(r["status"], r["status"]),
                     show_time(r["submitted_at"]), names.get(r["submitted_by"], "")]
                    for r in q_rows
                ],
                columns=["县（市、区）", "状态", "提交时间", "提交人"],
            ),
            hide_index=True,
        )  # fmt: skip
        names = [c["name"] for c in catalogue.counties()]
        qcounty = st.selectbox("县（市、区）", names, key="q_county")
    else:
        qcounty = actor.county_code
    q = run_action(lambda: quarterly.view(db, actor, qcounty, quarter))
    if q:
        st.subheader(render.quarterly_title(q))
        status_line(q)
        editable = actor.role == "county" and q["status"] != "submitted"
        if editable:
            with st.form("q_text"):
                texts = {
                    f: st.text_area(name, value=q[f], height=160, max_chars=quarterly.MAX_LEN)
                    for f, name in quarterly.FIELDS.items()
                }
                if st.form_submit_button("保存草稿"):
                    flash.act(
                        lambda: quarterly.save(db, actor, qcounty, quarter, texts),
                        f"已保存{q['label']}季报草稿（{show_time(clock.now())}）。",
                    )
            if st.button("提交季报（提交后锁定）", type="primary", key="q_submit"):
                flash.act(
                    lambda: quarterly.submit(db, actor, qcounty, quarter),
                    f"已提交{q['county']}{q['label']}季报，本季报已锁定。",
                )
        else:
            for f, name in quarterly.FIELDS.items():
                st.markdown(f"**{name}**")
                st.text(q[f] or "（未填写）")
        st.markdown("**本季度数字**")
        show_figures(q["figures"])
        downloads("quarterly", q, f"{q['county']}季报-{quarter}", "quarter")
        if actor.role == "city" and q["status"] == "submitted":
            reopen_form("quarterly", qcounty, quarter, "q")
