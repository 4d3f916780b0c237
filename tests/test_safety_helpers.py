import io
import subprocess

from openpyxl import load_workbook

from portal import pdf, spreadsheet


def test_formula_cells_written_as_text(tmp_path):
    out = tmp_path / "x.xlsx"
    spreadsheet.write_xlsx(
        out, ["姓名", "电话"], [['=HYPERLINK("http://x")', "-1+2"], ["@SUM(A1)", 5]]
    )
    ws = load_workbook(out).active
    assert ws["A2"].value == '\'=HYPERLINK("http://x")' and ws["A2"].data_type == "s"
    assert ws["B2"].value == "'-1+2"
    assert ws["A3"].value == "'@SUM(A1)" and ws["B3"].value == 5


def test_csv_has_bom_and_escapes(tmp_path):
    out = tmp_path / "x.csv"
    spreadsheet.write_csv(out, ["a"], [["+cmd"]])
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "'+cmd" in raw.decode("utf-8-sig")


def test_pdf_fetcher_blocks_files_outside_assets(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    html = (
        '<html lang="zh-CN"><body><h1>测试</h1>'
        f'<img src="file://{secret}"><link rel="attachment" href="file://{secret}">'
        f'<iframe src="file://{secret}"></iframe><object data="file://{secret}"></object>'
        "</body></html>"
    )
    data = pdf.render_pdf(html)
    assert b"TOP-SECRET" not in data
    assert b"/EmbeddedFile" not in data
    path = tmp_path / "o.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "测试" in text and "TOP-SECRET" not in text
    from pypdf import PdfReader

    assert not PdfReader(io.BytesIO(data)).attachments


def test_flash_message_with_braces_in_a_stored_name_is_kept_as_written(monkeypatch):
    """A name like {0}王{name} in a success message must not crash the page or be reformatted."""
    import streamlit as st

    from portal import flash

    state: dict = {}
    monkeypatch.setattr(st, "session_state", state)
    monkeypatch.setattr(st, "rerun", lambda: None)
    assert flash.act(lambda: 7, "已报名 {0}王{name}，编号 {result}")
    assert state["_flash"] == "已报名 {0}王{name}，编号 7"
