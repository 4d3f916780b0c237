"""补贴: enter subsidy records and see the subsidies worked out from them, rule by rule."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from portal import catalogue, flash, periods, spreadsheet, subsidies, subsidy_records  # noqa: E402
from portal.datefield import date_field  # noqa: E402
from portal.ui import connection, require_staff, run_action  # noqa: E402

actor = require_staff()
db = connection()
st.title("补贴")
flash.show()
st.caption(
    "按 content/data/rates.yml 中的分期标准计算，每一行都注明依据的规定和文件编号。"
    "文件没有规定具体金额的项目只统计课时、天数或月数，金额按所列文件规定标准执行。"
)

if actor.role == "county":
    county_code = actor.county_code
    st.write(f"县（市、区）：{catalogue.county(county_code)['name']}")
else:
    names = {c["name"]: c["code"] for c in catalogue.counties()}
    choice = st.selectbox("县（市、区）", ["全市", *names], key="sub_county")
    county_code = names.get(choice)

tab_lines, tab_new, tab_records = st.tabs(["补贴明细", "录入记录", "记录管理"])

with tab_lines:
    as_of = date_field("计算截至日期", periods.default_as_of(), key="sub_as_of", required=True)
    kinds = st.multiselect(
        "补贴项目",
        list(subsidies.KINDS),
        default=["work_training", "school", "startup", "employer_reward"],
        format_func=subsidies.KINDS.get,
        key="sub_kinds",
    )
    lines = (
        None
        if as_of is None
        else run_action(
            lambda: subsidies.record_lines(
                db, actor, county_code=county_code, as_of=as_of, kinds=tuple(kinds)
            )
        )
    )
    if lines is not None:
        rows = subsidies.line_rows(db, actor, lines)
        counted = [ln for ln in lines if ln.counts]
        priced = sum(ln.amount for ln in counted if ln.amount is not None)
        unpriced = sum(1 for ln in counted if ln.amount is None)
        st.write(
            f"共 {len(lines)} 行，其中计入补贴 {len(counted)} 行；已定标准的金额合计 {priced} 元"
            + (f"，另有 {unpriced} 行按文件规定标准执行（无具体金额）。" if unpriced else "。")
        )
        st.markdown("**各项补贴分别统计**")
        st.dataframe(
            pd.DataFrame(subsidies.kind_summary(lines, kinds), columns=subsidies.SUMMARY_HEADERS),
            hide_index=True,
            width="stretch",
        )
        if "school" in kinds:
            gaps = run_action(lambda: subsidies.school_gaps(db, actor, county_code)) or {}
            if gaps.get("no_leave"):
                st.warning(
                    f"有 {gaps['no_leave']} 名技工院校学生没有登记离校（毕业）日期，补助按学制"
                    "计算到学制结束；学生中途离校的，请在“记录管理”中登记离校日期。"
                    + (
                        f"其中 {gaps['no_leave_no_years']} 名没有填写学制，只计第一学年，"
                        "请补填学制。"
                        if gaps.get("no_leave_no_years")
                        else ""
                    )
                )
        st.markdown("**补贴明细**（记录编号注明记录类型，如“以工代训-12”）")
        st.dataframe(
            pd.DataFrame(rows, columns=subsidies.LINE_HEADERS), hide_index=True, width="stretch"
        )
        st.download_button(
            "下载补贴明细（.xlsx）",
            spreadsheet.xlsx_bytes(subsidies.LINE_HEADERS, rows, sheet="补贴明细"),
            file_name=f"补贴明细-{as_of.isoformat()}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="sub_download",
        )

TABLE_LABELS = {name: t.label for name, t in subsidy_records.TABLES.items()}

with tab_new:
    table = st.selectbox(
        "记录类型", list(TABLE_LABELS), format_func=TABLE_LABELS.get, key="new_table"
    )
    with st.form("new_record"):
        id_number = st.text_input("劳动力身份证号（须已在本县台账中）", key="new_id_number")
        values: dict = {}
        unreadable: list[str] = []

        def day(label: str, key: str) -> dt.date | None:
            """A date of the new record; an unreadable one is named and stops the save."""
            return date_field(label, key=f"new_{table}_{key}", problems=unreadable)

        if table == "work_training_placements":
            values["employer"] = st.text_input("吸纳单位")
            values["employer_type"] = st.selectbox("单位类型", subsidy_records.EMPLOYER_TYPES)
            values["trade"] = st.text_input("岗位（工种）")
            values["start_date"] = day("以工代训开始日期", "start_date")
            values["end_date"] = day("以工代训结束日期（未结束可不填，最长6个月）", "end_date")
        elif table == "school_students":
            values["school"] = st.text_input("学校")
            values["major"] = st.text_input("专业")
            values["enrol_date"] = day("入学日期", "enrol_date")
            values["course_years"] = st.selectbox(
                "学制（年）",
                list(subsidy_records.COURSE_YEARS),
                index=None,
                format_func=lambda y: f"{y}年",
                placeholder="请选择学制",
                help="技工教育家庭补助每生每年3000元，最多按学制年数计算。",
            )
            values["leave_date"] = day("离校（毕业）日期（在校可不填）", "leave_date")
        elif table == "startups":
            values["business_name"] = st.text_input("企业或个体户名称")
            values["kind"] = st.selectbox(
                "创业类型",
                list(subsidy_records.STARTUP_KINDS),
                format_func=subsidy_records.STARTUP_KINDS.get,
            )
            values["registered_on"] = day("工商登记日期", "registered_on")
            values["first_time"] = st.checkbox("首次创业", value=True)
        else:
            values["employer"] = st.text_input("用人单位")
            values["employer_type"] = st.selectbox(
                "单位类型", subsidy_records.REWARD_EMPLOYER_TYPES
            )
            values["employed_since"] = day("入职日期", "employed_since")
            values["employed_until"] = day("离职日期（仍在岗可不填）", "employed_until")
        if st.form_submit_button("保存", type="primary"):
            if unreadable:
                st.error(
                    "有日期看不懂或超出范围（见上面各栏的说明），本条记录没有保存，请改正后再保存。"
                )
            else:
                flash.act(
                    lambda: subsidies.record_number(
                        subsidies.TABLE_KINDS[table],
                        subsidy_records.create(db, actor, table, id_number, values),
                    ),
                    f"已保存{TABLE_LABELS[table]}记录（编号 {{result}}）。",
                )

with tab_records:
    table = st.selectbox(
        "记录类型", list(TABLE_LABELS), format_func=TABLE_LABELS.get, key="list_table"
    )
    spec = subsidy_records.TABLES[table]
    rows = run_action(lambda: subsidy_records.records(db, actor, table, county_code)) or []
    kind = subsidies.TABLE_KINDS[table]
    for r in rows:
        r["number"] = subsidies.record_number(kind, r["id"])
    shown = ["number", "worker_name", "id_number", *spec.text_fields, spec.start_field]
    if spec.end_field:
        shown.append(spec.end_field)
    if table == "school_students":
        shown.append("course_years")
    if table == "startups":
        shown += ["kind", "operating", "first_time"]
    labels = {
        "number": "编号",
        "worker_name": "姓名",
        "course_years": "学制（年）",
        "id_number": "身份证号",
        "kind": "创业类型",
        "operating": "正常经营",
        "first_time": "首次创业",
        **{f: label for f, (label, _m, _r) in spec.text_fields.items()},
        **subsidy_records.DATE_LABELS,
    }
    display = {
        "kind": subsidy_records.STARTUP_KINDS.get,
        "operating": lambda v: "是" if v else "否",
        "first_time": lambda v: "是" if v else "否",
        "course_years": lambda v: f"{v}年" if v else "未填写",
    }
    st.dataframe(
        pd.DataFrame(
            [[display.get(k, lambda v: v)(r.get(k)) for k in shown] for r in rows],
            columns=[labels[k] for k in shown],
        ),
        hide_index=True,
        width="stretch",
    )
    if rows:
        record_id = st.selectbox(
            "选择记录",
            [r["id"] for r in rows],
            format_func=lambda i: next(
                f"{r['number']} {r['worker_name']}" for r in rows if r["id"] == i
            ),
            key="end_record",
        )
        if spec.end_field:
            end_label = subsidy_records.DATE_LABELS[spec.end_field]
            end_problems: list[str] = []
            end_on = date_field(end_label, key=f"end_on_{table}_{record_id}", problems=end_problems)
            if st.button("登记结束", key="end_button"):
                if end_problems:
                    st.error(f"{end_label}看不懂或超出范围（见上面的说明），没有登记，请改正。")
                elif end_on is None:
                    st.error(f"请先填写{end_label}，再点“登记结束”。")
                else:
                    flash.act(
                        lambda: subsidy_records.end(db, actor, table, record_id, end_on),
                        f"已登记{subsidies.record_number(kind, record_id)}的{end_label}。",
                    )
        elif st.button("登记为停止经营", key="end_button"):
            flash.act(
                lambda: subsidy_records.end(db, actor, table, record_id),
                f"已将{subsidies.record_number(kind, record_id)}登记为停止经营。",
            )
        with st.expander("修改所选记录"):
            current = next(r for r in rows if r["id"] == record_id)
            with st.form("edit_record"):
                changes: dict = {}
                for field, (label, _max, _req) in spec.text_fields.items():
                    changes[field] = st.text_input(label, value=current.get(field) or "")
                edit_problems: list[str] = []
                changes[spec.start_field] = date_field(
                    subsidy_records.DATE_LABELS[spec.start_field],
                    dt.date.fromisoformat(current[spec.start_field]),
                    key=f"edit_{table}_{record_id}_start",
                    required=True,
                    problems=edit_problems,
                )
                if table == "school_students":
                    years = list(subsidy_records.COURSE_YEARS)
                    changes["course_years"] = st.selectbox(
                        "学制（年）",
                        years,
                        index=years.index(current["course_years"])
                        if current.get("course_years") in years
                        else None,
                        format_func=lambda y: f"{y}年",
                        placeholder="请选择学制",
                    )
                if st.form_submit_button("保存修改"):
                    if edit_problems:
                        st.error(
                            "日期看不懂或没有填写（见上面的说明），修改没有保存，请改正后再保存。"
                        )
                    else:
                        flash.act(
                            lambda: subsidy_records.edit(db, actor, table, record_id, changes),
                            f"已保存{subsidies.record_number(kind, record_id)}的修改。",
                        )
