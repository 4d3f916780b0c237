"""The packs command line and the 政策包打印 page (AppTest)."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from portal import areas
from portal import db as database
from portal.packs import public
from portal.scope import Actor

PAGE = Path(__file__).resolve().parent.parent / "portal" / "pages" / "packs.py"


def _village_with_wanting(path) -> tuple[str, int]:
    db = database.connect(path)
    try:
        row = next(
            iter(
                db.query(
                    "SELECT village_code AS v, COUNT(*) AS n FROM workers "
                    "WHERE county_code = '231221' AND wants_training = 'yes' "
                    "GROUP BY village_code ORDER BY n, village_code LIMIT 1"
                )
            )
        )
        return areas.full_name(db, row["v"]), row["n"]
    finally:
        db.conn.close()


def test_cli_prints_a_village_and_records_it(run_cli, demo_db_path, tmp_path):
    label, n = _village_with_wanting(demo_db_path)
    out = tmp_path / "v.pdf"
    result = run_cli(
        "packs",
        "--db",
        demo_db_path,
        "--village",
        label,
        "--out",
        out,
        "--date",
        "2019-06-01",
        "--site-url",
        "https://example.org/suihua",
    )
    assert result.exit_code == 0, result.output
    assert f"{n} 份政策包" in result.output
    assert len(PdfReader(out).pages) >= n * 5
    conn = sqlite3.connect(demo_db_path)
    assert conn.execute("SELECT COUNT(*), MIN(printed_by) FROM pack_prints").fetchone() == (
        n,
        "system",
    )
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "https://example.org/suihua/shijianbiao/231221/" in text.replace("\n", "")


def test_cli_errors_are_clear_chinese(run_cli, demo_db_path, tmp_path):
    out = tmp_path / "x.pdf"
    label, _n = _village_with_wanting(demo_db_path)
    town = label.rsplit("/", 1)[0]
    cases = [
        (["--village", "望奎县/不存在镇/某村"], "找不到“不存在镇”"),
        (["--village", "火星县/某镇/某村"], "不是绥化市的县"),
        (["--village", label, "--township", town], "只指定一种"),
        ([], "只指定一种"),
        (["--township", label], "不是一个乡镇"),
        (["--person", "231221198001011234"], "身份证号不对"),
        (["--village", label, "--user", "beilin_staff"], "不在您的管辖范围"),
        (["--village", label, "--user", "nobody"], "没有名为"),
        (["--village", label, "--date", "2019/06/01"], "格式不对"),
        (["--village", label, "--site-url", "ftp://x"], "网站地址"),
    ]
    for args, message in cases:
        result = run_cli("packs", "--db", demo_db_path, "--out", out, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "错误：" in result.output and message in result.output, (args, result.output)
    # A village with nobody who wants training.
    db = database.connect(demo_db_path)
    with database.transaction(db):
        areas.ensure_place(db, "望奎县", town.split("/")[1], "空无一人村")
    db.conn.close()
    result = run_cli("packs", "--db", demo_db_path, "--out", out, "--village", f"{town}/空无一人村")
    assert result.exit_code == 1 and "没有可打印的政策包" in result.output
    assert not out.exists()
    assert (
        sqlite3.connect(demo_db_path).execute("SELECT COUNT(*) FROM pack_prints").fetchone()[0] == 0
    )


def test_cli_help_has_examples(run_cli):
    result = run_cli("packs", "--help")
    assert result.exit_code == 0 and "例：" in result.output and "--village" in result.output


def test_public_downloads(tmp_path):
    files = public.render_public_downloads(tmp_path / "downloads")
    assert [f["title"] for f in files] == ["就业政策明白卡", "技能扶贫联系卡（空白）"]
    card, blank = (tmp_path / "downloads" / f["file"] for f in files)
    card_text = subprocess.run(["pdftotext", str(card), "-"], capture_output=True, text=True).stdout
    blank_text = subprocess.run(
        ["pdftotext", str(blank), "-"], capture_output=True, text=True
    ).stdout
    squashed = "".join(card_text.split())
    assert "就业政策明白卡" in squashed and "最高15万元" in squashed
    assert "望奎县劳动就业服务局" in squashed and "海伦市劳动就业服务局" in squashed
    assert "劳动就业部门留存" in blank_text and "本人留存" in blank_text
    assert len(PdfReader(blank).pages) == 2
    assert all(f["description"] for f in files)


# --- The portal page -------------------------------------------------------------------------


def _app(actor):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PAGE), default_timeout=240)
    at.session_state.actor = actor
    return at


def test_page_prints_a_village_and_marks_delivery(demo_db_path):
    actor = Actor("wangkui_staff", "county", county_code="231221", display_name="望奎县（示例）")
    label, n = _village_with_wanting(demo_db_path)
    _county, town, village = label.split("/")
    at = _app(actor).run()
    assert not at.exception
    # A county user sees only their county.
    county_box = at.selectbox[0]
    assert county_box.options == ["望奎县"]
    at.selectbox[1].select_index([o for o in at.selectbox[1].options].index(town)).run()
    at.selectbox[2].select_index([o for o in at.selectbox[2].options].index(village)).run()
    at.text_input(key="pack_on").input("2019年6月1日")
    at.button[0].click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(f"{n} 份政策包" in s.value for s in at.success)
    made = at.session_state.pack_pdf
    assert made["data"].startswith(b"%PDF") and made["file_name"].endswith(".pdf")
    conn = sqlite3.connect(demo_db_path)
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM pack_prints WHERE printed_by = 'wangkui_staff'"
        ).fetchone()[0]
        == n
    )
    first_id = conn.execute("SELECT MIN(id) FROM pack_prints").fetchone()[0]
    at.multiselect[0].select(first_id).run()
    mark = next(b for b in at.button if b.label == "标记为已送达")
    mark.click().run()
    assert not at.exception and not at.error
    assert any("已标记 1 份" in s.value for s in at.success)
    row = conn.execute("SELECT delivered_by FROM pack_prints WHERE id = ?", [first_id]).fetchone()
    assert row == ("wangkui_staff",)
    whole = next(b for b in at.button if b.label == "整批标记为已送达")
    whole.click().run()
    assert (
        conn.execute("SELECT COUNT(*) FROM pack_prints WHERE delivered_at IS NULL").fetchone()[0]
        == 0
    )


def test_page_shows_error_for_unknown_person_and_refuses_institutions(demo_db_path):
    at = _app(Actor("city_admin", "city", is_admin=True, display_name="市")).run()
    at.radio[0].set_value("按人").run()
    at.text_input[0].input("231221199001011230").run()
    at.button[0].click().run()
    assert not at.exception
    assert at.error and ("身份证号" in at.error[0].value)
    inst = _app(Actor("jigou", "institution", institution_id=1)).run()
    assert inst.error and "仅供" in inst.error[0].value
    assert not inst.button


@pytest.fixture(autouse=True)
def _no_site_url(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
