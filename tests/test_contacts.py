"""Office contacts and the public site's address: validated, audited, and what the site prints."""

from __future__ import annotations

import json

import pytest

from portal import contacts, demo, siteurl
from portal.errors import ScopeError, UserError
from portal.packs import data as pack_data
from portal.packs.content import county_contact
from portal.scope import Actor
from portal.sitebuild import build_site

WANGKUI = Actor("wangkui_staff", "county", county_code="231221")
CITY = Actor("city_admin", "city", is_admin=True)


def _audit(db, entity):
    return list(db.query("SELECT * FROM audit_log WHERE entity = ? ORDER BY id", [entity]))


def test_county_staff_enter_their_office_with_an_audit_row(db):
    saved = contacts.save(
        db, WANGKUI, "231221", office_name="", address=" 望奎县某路1号 ", phone="0455 6123456"
    )
    assert (saved.office_name, saved.address) == ("望奎县劳动就业服务局", "望奎县某路1号")
    assert saved.phone.replace("-", "") == "04556123456" and saved.updated_by == "wangkui_staff"
    row = _audit(db, "office_contacts")[-1]
    assert row["actor"] == "wangkui_staff" and row["action"] == "create"
    assert json.loads(row["after_json"])["address"] == "望奎县某路1号"
    contacts.save(db, WANGKUI, "231221", office_name="", address="新地址", phone="")
    row = _audit(db, "office_contacts")[-1]
    assert (
        row["action"] == "update" and json.loads(row["before_json"])["address"] == "望奎县某路1号"
    )


def test_bad_phone_writes_nothing_and_other_counties_are_refused(db):
    with pytest.raises(UserError, match="格式不对"):
        contacts.save(db, WANGKUI, "231221", office_name="", address="x", phone="12345")
    assert list(db.query("SELECT * FROM office_contacts")) == []
    assert _audit(db, "office_contacts") == []
    with pytest.raises(ScopeError):
        contacts.save(db, WANGKUI, "231202", office_name="", address="x", phone="")
    with pytest.raises(UserError, match="不是县（市、区）或乡镇"):
        contacts.save(db, CITY, "231200", office_name="", address="x", phone="")


def test_site_url_is_set_once_validated_and_audited(db, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert siteurl.site_url(db) == siteurl.DEFAULT and siteurl.is_local(siteurl.DEFAULT)
    with pytest.raises(UserError, match="http:// 或 https://"):
        siteurl.set_site_url(db, CITY, "px.suihua.cn")
    with pytest.raises(UserError, match="市级工作人员"):
        siteurl.set_site_url(db, WANGKUI, "https://px.suihua.cn")
    assert siteurl.set_site_url(db, CITY, "https://px.suihua.cn/wz") == "https://px.suihua.cn/wz/"
    monkeypatch.setenv("SITE_URL", "http://other.example/")
    assert siteurl.site_url(db) == "https://px.suihua.cn/wz/"  # the stored setting wins
    assert siteurl.site_url(db, "https://x.cn") == "https://x.cn/"  # an explicit --site-url
    assert not siteurl.is_local(siteurl.site_url(db))
    assert _audit(db, "settings")[-1]["actor"] == "city_admin"


def test_entered_contacts_reach_the_site_and_the_packs(demo_db, tmp_path):
    contacts.save(
        demo_db, WANGKUI, "231221", office_name="", address="望奎县示例路8号", phone="0455-6123456"
    )
    township = next(
        iter(
            demo_db.query(
                "SELECT code, name FROM areas WHERE parent_code = '231221' ORDER BY code LIMIT 1"
            )
        )
    )
    contacts.save(
        demo_db, WANGKUI, township["code"], office_name="", address="", phone="13800000000"
    )
    assert county_contact("231221", demo_db).phone == "0455-6123456"
    worker = next(
        iter(demo_db.query("SELECT id FROM workers WHERE county_code = '231221' LIMIT 1"))
    )
    packs = pack_data.load_packs(demo_db, WANGKUI, [worker["id"]], on=demo.AS_OF)
    assert packs[0].contact.address == "望奎县示例路8号"
    build_site(demo_db, out=tmp_path / "site", work=tmp_path / "docs")
    page = (tmp_path / "site" / "lianxi" / "index.html").read_text(encoding="utf-8")
    assert "望奎县示例路8号" in page and "0455-6123456" in page and "13800000000" in page
    assert f"{township['name']}劳动保障站" in page
    assert page.count("县里还没有登记地址和电话") == 9


PAGES = __import__("pathlib").Path(__file__).resolve().parent.parent / "portal" / "pages"


def _page(name: str, actor: Actor):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PAGES / name), default_timeout=120)
    at.session_state.actor = actor
    return at


def test_contacts_page_saves_and_shows_bad_phone_messages(demo_db_path, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    at = _page("contacts.py", WANGKUI).run()
    assert not at.exception
    assert at.selectbox[0].options == ["望奎县"]
    assert any("本机地址" in w.value for w in at.warning)
    at.text_input[1].input("望奎县示例路9号")
    at.text_input[2].input("123")
    at.button[0].click().run()
    assert at.error and "格式不对" in at.error[0].value
    at.text_input[2].input("0455-6000000")
    at.button[0].click().run()
    assert not at.error and any("已保存" in s.value for s in at.success)
    from portal import db as database

    db = database.connect(demo_db_path)
    assert contacts.get(db, "231221").phone == "0455-6000000"
    db.conn.close()


def test_city_sets_the_site_address_and_the_print_page_stops_warning(demo_db_path, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    packs = _page("packs.py", CITY).run()
    assert any("本机地址" in w.value for w in packs.warning)
    at = _page("contacts.py", CITY).run()
    box = next(t for t in at.text_input if t.label == "正式的网站地址")
    box.input("https://px.suihua.example/")
    next(b for b in at.button if b.label == "保存网址").click().run()
    assert not at.error, [e.value for e in at.error]
    packs = _page("packs.py", CITY).run()
    assert not any("本机地址" in w.value for w in packs.warning)
    assert any("https://px.suihua.example/" in c.value for c in packs.caption)


def test_printed_pack_carries_the_entered_contact_and_the_site_address(demo_db, tmp_path):
    import subprocess

    from portal.packs import batches

    contacts.save(
        demo_db, WANGKUI, "231221", office_name="", address="望奎县示例路8号", phone="0455-6123456"
    )
    siteurl.set_site_url(demo_db, CITY, "https://px.suihua.example/")
    person = next(
        iter(demo_db.query("SELECT id_number FROM workers WHERE county_code = '231221' LIMIT 1"))
    )["id_number"]
    selection = batches.select_workers(demo_db, WANGKUI, person=person, all_workers=True)
    result = batches.print_packs(demo_db, WANGKUI, selection, tmp_path / "p.pdf", on=demo.AS_OF)
    text = subprocess.run(
        ["pdftotext", str(result.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.count("0455-6123456") >= 2  # the 明白卡 and the personal page
    assert "望奎县示例路8号" in text
    assert "https://px.suihua.example/shijianbiao/231221/" in text.replace("\n", "")
