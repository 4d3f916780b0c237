"""联系方式与网址: county staff enter their office's and townships' addresses and phones;
city staff set the public site's address. The rules and the audit are in portal.contacts and
portal.siteurl."""

from __future__ import annotations

import streamlit as st

from portal import areas, contacts, siteurl
from portal.ui import connection, require_staff, run_action

actor = require_staff()
db = connection()
st.title("联系方式与网址")
st.caption(
    "方案没有写各县和乡镇的地址、电话。这里登记后，公开网站的“联系我们”、明白卡和政策包"
    "才会印出来；没登记的只写“请问村干部或乡镇劳动保障站”。重新生成网站后公开网站才更新。"
)

counties = areas.counties(db)
if actor.role == "county":
    counties = [c for c in counties if c["code"] == actor.county_code]
county = st.selectbox("县（市、区）", counties, format_func=lambda c: c["name"])
places = [county] + list(areas.children(db, county["code"])) if county else []
labels = {
    a["code"]: a["name"] + ("（县劳动就业部门）" if i == 0 else "（乡镇劳动保障站）")
    for i, a in enumerate(places)
}
place = st.selectbox("单位", places, format_func=lambda a: labels[a["code"]])
if place:
    current = contacts.get(db, place["code"])
    with st.form(f"contact-{place['code']}"):
        name = st.text_input("单位名称", value=current.office_name, max_chars=60)
        address = st.text_input("地址", value=current.address or "", max_chars=120)
        phone = st.text_input(
            "电话（手机或带区号的座机，如0455-8123456）", value=current.phone or ""
        )
        if st.form_submit_button("保存", type="primary"):
            run_action(
                lambda: contacts.save(
                    db, actor, place["code"], office_name=name, address=address, phone=phone
                ),
                success="已保存，并记入操作日志。",
            )
    if current.updated_at:
        st.caption(f"上次修改：{current.updated_at}，{current.updated_by}")

st.header("公开网站地址")
url = siteurl.site_url(db)
st.write(f"现在的地址：{url}")
if siteurl.is_local(url):
    st.warning("这还是本机地址，印出来的二维码别人打不开。")
if actor.role == "city":
    with st.form("site-url"):
        new_url = st.text_input("正式的网站地址", value="" if siteurl.is_local(url) else url)
        if st.form_submit_button("保存网址"):
            run_action(
                lambda: siteurl.set_site_url(db, actor, new_url),
                success="已保存，二维码和打印的网址都会用这个地址。",
            )
else:
    st.caption("网站地址由市级工作人员设定。")
