"""台账: import a ledger, search and edit it, the three lists and the annual targets."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from portal import areas, catalogue, idnumber
from portal.ledger import lists, records, targets
from portal.ledger.import_process import import_in_process
from portal.ledger.importer import REPORT_HEADERS
from portal.ledger.report import report_xlsx, template_xlsx
from portal.ui import connection, require_staff, run_action
from portal.views import md

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES_NO_LABELS = {"yes": "是", "no": "否", "unknown": "未知"}
UPLOAD_TYPES = ("xlsx", "xlsm", "xls", "ods", "csv", "txt")
UPLOAD_PIECE = 1024 * 1024
SHOWN_ROWS = 2000  # a list on screen; the download holds every row

actor = require_staff()
db = connection()
keeper = actor.role == "county"
st.title("台账")
st.caption("建档立卡贫困劳动力台账：导入、查找、修改，以及培训需求、年度任务、参训人员三个清单。")


def county_choice(key: str, *, allow_all: bool = True) -> str | None:
    """County staff work in their own county; city staff pick one (or all)."""
    if actor.role == "county":
        st.write(f"县（市、区）：{catalogue.county(actor.county_code)['name']}")
        return actor.county_code
    names = [c["name"] for c in catalogue.counties()]
    options = (["全市"] if allow_all else []) + names
    picked = st.selectbox("县（市、区）", options, key=key)
    return None if picked == "全市" else catalogue.county(picked)["code"]


def _yes_no(label: str, worker: dict, field: str, key: str) -> str:
    """One of the worker's 是/否/未知 answers as a radio, starting from the stored one."""
    keys = list(YES_NO_LABELS)
    return st.radio(
        label,
        keys,
        index=keys.index(worker[field]),
        format_func=YES_NO_LABELS.get,
        horizontal=True,
        key=key,
    )


def place_choice(county_code: str | None, key: str) -> tuple[str | None, str | None]:
    if not county_code:
        return None, None
    towns = areas.children(db, county_code)
    col1, col2 = st.columns(2)
    town = col1.selectbox(
        "乡镇", [None, *towns], format_func=lambda a: a["name"] if a else "全部", key=key + "t"
    )
    if not town:
        return None, None
    villages = areas.children(db, town["code"])
    village = col2.selectbox(
        "村", [None, *villages], format_func=lambda a: a["name"] if a else "全部", key=key + "v"
    )
    return town["code"], village["code"] if village else None


linked_township = st.query_params.get("township")
if linked_township:  # opened from 摸清底数: one township's demand for one trade
    linked_trade = st.query_params.get("trade") or None
    linked_village = st.query_params.get("village") or None
    linked = run_action(
        lambda: lists.demand_list(
            db, actor, township=linked_township, village=linked_village, trade=linked_trade
        )
    )
    if linked is not None:
        where = areas.full_name(db, linked_village or linked_township) or "所选乡镇"
        st.subheader(
            md(
                f"培训需求清单：{where}"
                + (f"，想学“{linked_trade}”" if linked_trade else "")
                + f"（{len(linked.rows)}人）"
            )
        )
        st.dataframe(linked.records(SHOWN_ROWS), hide_index=True, width="stretch")
        st.download_button(
            "下载这份培训需求清单（.xlsx）",
            linked.xlsx,
            file_name="培训需求清单.xlsx",
            mime=XLSX,
            key="linked_download",
        )
        st.caption("下面的“三个清单”标签页可以按其他县、乡镇、村和工种筛选。")

tab_ledger, tab_import, tab_lists, tab_targets = st.tabs(
    ["台账", "导入台账", "三个清单", "年度任务"]
)

with tab_ledger:
    county = county_choice("ledger_county")
    township, village = place_choice(county, "ledger_place")
    search = st.text_input("查找（姓名、身份证号后几位或手机号）", key="ledger_search")
    table = run_action(
        lambda: records.ledger_table(
            db, actor, search=search, county=county, township=township, village=village
        )
    )
    if table is not None:
        st.write(f"共 {len(table.rows)} 条（最多显示500条，可用查找缩小范围）。")
        st.dataframe(table.records(), hide_index=True, width="stretch")
        if keeper and table.rows:
            choices = {f"{r[0]} {r[1]}（{r[6]}/{r[7]}）": r[0] for r in table.rows}
            picked = st.selectbox("修改谁的记录", list(choices), key="edit_pick")
            worker = run_action(lambda: records.get_worker(db, actor, choices[picked]))
            if worker:
                with st.form("edit_worker"):
                    st.write(
                        f"身份证号：{worker['id_number']}（{worker['gender']}，{worker['birth_date']}）"
                    )
                    k = f"w{worker['id']}_"
                    name = st.text_input("姓名", worker["name"], key=k + "name")
                    phone = st.text_input("联系电话", worker["phone"] or "", key=k + "phone")
                    c1, c2 = st.columns(2)
                    town_name = c1.text_input("乡镇", worker["township"], key=k + "town")
                    village_name = c2.text_input("村", worker["village"], key=k + "village")
                    wants = _yes_no("培训意愿", worker, "wants_training", k + "wants")
                    trade = st.text_input(
                        "培训需求（工种）", worker["wanted_trade"] or "", key=k + "trade"
                    )
                    wants_job = _yes_no("就业意愿", worker, "wants_job", k + "job")
                    wants_school = _yes_no(
                        "就读技工院校意愿（两后生）", worker, "wants_school", k + "school"
                    )
                    notes = st.text_area("备注", worker["notes"] or "", key=k + "notes")
                    if st.form_submit_button("保存修改", type="primary"):
                        changed = run_action(
                            lambda: records.update_worker(
                                db,
                                actor,
                                worker["id"],
                                {
                                    "name": name,
                                    "phone": phone,
                                    "township": town_name,
                                    "village": village_name,
                                    "wants_training": wants,
                                    "wanted_trade": trade,
                                    "wants_job": wants_job,
                                    "wants_school": wants_school,
                                    "notes": notes,
                                },
                            )
                        )
                        if changed:
                            st.session_state.ledger_flash = (
                                f"已保存：修改了{len(changed)}项，已记入操作日志。"
                            )
                            st.rerun()
                        elif changed == {}:
                            st.info("没有改动。")
                if flash := st.session_state.pop("ledger_flash", None):
                    st.success(flash)

with tab_import:
    st.write(
        "上传县里的台账（.xlsx、.xls、.ods、.csv，或 Excel 另存的“Unicode 文本”.txt）。"
        "工作簿里每个有表头的工作表都导入，汇总表跳过；表头可以在标题行下面，也可以是两行；"
        "合并的乡镇、村单元格按整块读。有问题的行会被拒收并说明原因，其余照常导入；"
        "同一身份证号再次导入时更新原记录。"
    )
    st.download_button(
        "下载台账模板", template_xlsx, file_name="台账模板.xlsx", mime=XLSX, key="template"
    )
    if actor.role == "county":
        import_county = None
        st.write(f"导入到：{catalogue.county(actor.county_code)['name']}")
    else:
        pick = st.selectbox(
            "只导入这个县（市、区）的行",
            ["按表中所填"] + [c["name"] for c in catalogue.counties()],
            key="import_county",
        )
        import_county = None if pick == "按表中所填" else pick
    upload = st.file_uploader("台账文件", type=list(UPLOAD_TYPES), key="ledger_upload")
    if upload is not None and st.button("开始导入", type="primary"):
        # A failed import must not leave the last one's success on screen.
        st.session_state.pop("ledger_import", None)
        # The upload goes to a file in pieces (no second copy of its bytes here) and the
        # import runs in a process of its own, so the portal never holds the ledger's rows.
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / ("upload" + Path(upload.name).suffix.lower())
            upload.seek(0)
            with open(path, "wb") as fh:
                shutil.copyfileobj(upload, fh, UPLOAD_PIECE)
            with st.spinner("正在导入……"):
                result = run_action(
                    lambda: import_in_process(
                        db,
                        path,
                        actor,
                        county=import_county,
                        file_name=upload.name,
                    )
                )
        if result is not None:
            st.session_state.ledger_import = result
    result = st.session_state.get("ledger_import")
    if result is not None:
        st.success(md(f"已导入 {result.file_name}：{result.sentence()}"))
        cols = st.columns(7)
        for col, (label, value) in zip(
            cols,
            [
                ("新增", result.new),
                ("更新", result.updated),
                ("无变化", result.unchanged),
                ("拒收", result.rejected),
                ("跳过", result.skipped),
                ("提示", result.warnings),
                ("库里有、文件里没有", len(result.missing)),
            ],
            strict=True,
        ):
            col.metric(label, value)
        if result.skipped_sheets:
            st.info(
                md(
                    "跳过的工作表："
                    + "、".join(f"“{name}”（{why}）" for name, why in result.skipped_sheets)
                )
            )
        if result.unmapped:
            st.warning(
                md(
                    "这些列不认识，没有导入（列名可参照台账模板修改）："
                    + "、".join(f"{s}：{c}" if s else c for s, c in result.unmapped)
                )
            )
        if result.rejected_rows:
            st.subheader("拒收的行")
            st.dataframe(
                [
                    dict(zip(REPORT_HEADERS, r, strict=True))
                    for r in result.report_rows()[: result.rejected]
                ],
                hide_index=True,
                width="stretch",
            )
        if result.rejected_rows or result.missing:
            st.download_button(
                "下载拒收行报告", lambda: report_xlsx(result), file_name="拒收行.xlsx", mime=XLSX
            )
        if result.warnings:
            st.subheader("提示（已导入）")
            st.dataframe(
                [
                    {"工作表": p.sheet, "行号": p.row, "姓名": p.name, "提示": p.reason}
                    for p in result.warning_rows
                ],
                hide_index=True,
                width="stretch",
            )
        if result.missing:
            st.subheader("库里有、本次文件里没有的人（未删除，请核对）")
            shown = actor.role == "county"  # full ID numbers for the county's own staff only
            st.dataframe(
                [
                    {
                        "身份证号": id_number if shown else idnumber.mask(id_number),
                        "姓名": name,
                        "县（市、区）": county,
                        "乡镇": town,
                        "村": village,
                    }
                    for id_number, name, county, town, village in result.missing
                ],
                hide_index=True,
                width="stretch",
            )

with tab_lists:
    kind = st.radio(
        "清单", ["培训需求清单", "年度任务清单", "参训人员清单"], horizontal=True, key="list_kind"
    )
    county = county_choice("list_county")
    township, village = place_choice(county, "list_place")
    download = None
    if kind == "培训需求清单":
        trade = st.text_input("培训需求（工种）包含", key="list_trade")

        def whole_demand_list():
            return lists.demand_list(
                db, actor, county=county, township=township, village=village, trade=trade
            )

        # Only the rows shown are held; the download builds the whole list when clicked.
        table = run_action(
            lambda: lists.demand_list(
                db,
                actor,
                county=county,
                township=township,
                village=village,
                trade=trade,
                limit=SHOWN_ROWS,
            )
        )
        download = lambda: whole_demand_list().xlsx()  # noqa: E731
        summary = run_action(
            lambda: lists.demand_by_trade(db, actor, county=county, township=township)
        )
        if summary is not None:
            st.subheader("按工种和乡镇汇总")
            st.dataframe(summary.records(), hide_index=True, width="stretch")
    elif kind == "年度任务清单":
        table = run_action(lambda: targets.task_list(db, actor, county=county, township=township))
    else:
        campaigns = catalogue.campaigns()
        campaign = st.selectbox(
            "培训活动",
            [None, *campaigns],
            format_func=lambda c: c["name"] if c else "全部",
            key="list_campaign",
        )
        status = st.selectbox(
            "状态",
            [None, *lists.STATUS],
            format_func=lambda s: lists.STATUS[s] if s else "全部",
            key="list_status",
        )
        table = run_action(
            lambda: lists.trainee_list(
                db,
                actor,
                county=county,
                township=township,
                village=village,
                campaign=campaign["code"] if campaign else None,
                status=status,
            )
        )
    if table is not None:
        st.subheader(f"{table.title}（{table.count}条）")
        if table.count > SHOWN_ROWS:
            st.caption(f"这里显示前{SHOWN_ROWS}条，下载的表格里是全部{table.count}条。")
        st.dataframe(table.records(SHOWN_ROWS), hide_index=True, width="stretch")
        st.download_button(
            f"下载{table.title}（.xlsx）",
            download or table.xlsx,  # built only when clicked: a city-wide list is large
            file_name=f"{table.title}.xlsx",
            mime=XLSX,
            key="list_download",
        )

with tab_targets:
    county = county_choice("target_county")
    rows = run_action(lambda: targets.progress(db, actor, county=county))
    if rows:
        st.dataframe(targets.task_list(db, actor, county=county).records(), hide_index=True)
    elif rows == []:
        st.info("还没有设定年度任务。")
    if keeper:
        st.subheader("设定年度任务")
        institutions = list(
            db.query(
                "SELECT id, name FROM institutions WHERE county_code = ? ORDER BY name",
                [actor.county_code],
            )
        )
        with st.form("set_target"):
            year = st.number_input("年度", min_value=2019, max_value=2029, value=2019, step=1)
            inst = st.selectbox(
                "培训机构",
                [None, *institutions],
                format_func=lambda i: i["name"] if i else "不分机构",
            )
            towns = areas.children(db, actor.county_code)
            town = st.selectbox(
                "乡镇", [None, *towns], format_func=lambda a: a["name"] if a else "不分乡镇"
            )
            campaign = st.selectbox(
                "培训活动",
                [None, *catalogue.campaigns()],
                format_func=lambda c: c["name"] if c else "不分活动",
            )
            target = st.number_input("目标人数", min_value=0, max_value=1_000_000, value=0, step=1)
            if st.form_submit_button("保存", type="primary"):
                run_action(
                    lambda: targets.set_target(
                        db,
                        actor,
                        year=int(year),
                        county=actor.county_code,
                        target=int(target),
                        institution_id=inst["id"] if inst else None,
                        township_code=town["code"] if town else None,
                        campaign_code=campaign["code"] if campaign else None,
                    ),
                    "已保存年度任务，已记入操作日志。",
                )
    else:
        st.caption("年度任务由各县（市、区）工作人员设定。")
