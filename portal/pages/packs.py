"""政策包打印: choose a village, a township or a person, render the packs, download them, and
mark printed packs as delivered. All rules live in ``portal.packs``; this page only asks."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from portal import areas, clock, demo, siteurl, ui  # noqa: E402
from portal.datefield import date_field  # noqa: E402
from portal.packs import batches  # noqa: E402

actor = ui.require_staff()
db = ui.connection()

st.title("政策包打印")
st.caption(
    "每人一份：就业政策明白卡、技能扶贫联系卡（一式两份：劳动就业部门留存、本人留存）、"
    "离家近的培训班和县里的招工信息，附本乡镇培训时间表的二维码。每人从新的一页开始。"
)

counties = [
    c for c in areas.counties(db) if actor.role != "county" or c["code"] == actor.county_code
]
by = st.radio("打印范围", ["按村", "按乡镇", "按人"], horizontal=True)
path = person = None
if by == "按人":
    person = st.text_input("身份证号", help="台账里登记的18位身份证号。")
else:
    county = st.selectbox("县（市、区）", counties, format_func=lambda c: c["name"])
    towns = areas.children(db, county["code"]) if county else []
    town = st.selectbox("乡镇", towns, format_func=lambda t: t["name"])
    path = areas.full_name(db, town["code"]) if town else None
    if by == "按村" and town:
        village = st.selectbox(
            "村", areas.children(db, town["code"]), format_func=lambda v: v["name"]
        )
        path = areas.full_name(db, village["code"]) if village else None
who = st.radio("打印对象", ["只打印想参加培训的人", "全部劳动力"], horizontal=True)
default_on = demo.AS_OF if demo.is_demo(db) else clock.today()
on = date_field("按哪一天列出“近期培训班”和招工信息", default_on, key="pack_on")
if demo.is_demo(db):
    st.caption("示例数据是2019年的培训班，所以默认按2019年6月1日列出。")


public_url = siteurl.site_url(db)
if siteurl.is_local(public_url):
    st.warning(
        f"公开网站地址还是本机地址 {public_url}：印出来的二维码和网址在别人的手机上打不开。"
        "请市级工作人员先在“联系方式与网址”页设定正式的网站地址再打印。"
    )
else:
    st.caption(f"二维码和网址指向：{public_url}")


def make_packs():
    if on is None:
        st.warning("请先填好“按哪一天列出”的日期。")
        return None
    if by != "按人" and not path:
        st.warning("请先选择乡镇和村。")
        return None
    selection = batches.select_workers(
        db,
        actor,
        person=person if by == "按人" else None,
        village=path if by == "按村" else None,
        township=path if by == "按乡镇" else None,
        all_workers=who == "全部劳动力",
    )
    bar = st.progress(0.0, text=f"{selection.label}：{len(selection.worker_ids)} 人，正在生成……")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"已生成 {done} / {total} 人")

    with tempfile.TemporaryDirectory() as tmp:
        result = batches.print_packs(
            db, actor, selection, Path(tmp) / "packs.pdf", on=on, progress=progress
        )
        data = result.path.read_bytes()
    bar.progress(1.0, text="已生成")
    name = selection.label.replace("/", "-").replace("*", "x")
    return {
        "file_name": f"政策包-{name}.pdf",
        "data": data,
        "summary": f"{selection.label}：{result.workers} 份政策包，共 {result.pages} 页。",
    }


if st.button("生成政策包", type="primary"):
    made = ui.run_action(make_packs)
    if made:
        st.session_state.pack_pdf = made

made = st.session_state.get("pack_pdf")
if made:
    st.success(made["summary"] + "已记入打印记录。")
    st.download_button(
        "下载政策包 PDF", data=made["data"], file_name=made["file_name"], mime="application/pdf"
    )

st.header("打印记录")
if flash := st.session_state.pop("packs_flash", None):
    st.success(flash)
rows = batches.list_prints(db, actor)
if not rows:
    st.info("还没有打印过政策包。")
else:
    staff = ui.staff_names([n for r in rows for n in (r["printed_by"], r["delivered_by"])])
    st.dataframe(
        [
            {
                "编号": r["id"],
                "姓名": r["name"],
                "身份证号": r["id_number"],
                "所在村": r["village"],
                "打印时间": ui.show_time(r["printed_at"]),
                "打印人": staff.get(r["printed_by"], r["printed_by"]),
                "送达时间": ui.show_time(r["delivered_at"]) or "未送达",
                "送达人": staff.get(r["delivered_by"], r["delivered_by"] or ""),
            }
            for r in rows
        ],
        hide_index=True,
    )
    waiting = {r["id"]: r for r in rows if not r["delivered_at"]}
    chosen = st.multiselect(
        "选择已送到本人手中的政策包",
        list(waiting),
        format_func=lambda i: f"{i} {waiting[i]['name']}（{waiting[i]['village']}）",
    )
    if st.button("标记为已送达"):
        n = ui.run_action(lambda: batches.mark_delivered(db, actor, print_ids=chosen))
        if n:
            st.session_state.packs_flash = f"已标记 {n} 份政策包为已送达。"
            st.rerun()
    open_batches = [b for b in batches.batches(db, actor) if b["undelivered"]]
    if open_batches:
        batch = st.selectbox(
            "整批标记",
            open_batches,
            format_func=lambda b: f"{b['batch']}（未送达 {b['undelivered']} / {b['packs']} 份）",
        )
        if st.button("整批标记为已送达"):
            n = ui.run_action(lambda: batches.mark_delivered(db, actor, batch=batch["batch"]))
            if n:
                st.session_state.packs_flash = f"已标记 {n} 份政策包为已送达。"
                st.rerun()
