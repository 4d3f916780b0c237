"""The portal's upload path: the whole import runs in a child process, never in the portal.

Why these tests: the portal is one long-lived process; an import of a 50 MB upload inside it
made it grow past 500 MB (bench/bench_upload_memory.py). The import must come back with the
same result as an import in the calling process, and a bad file must still give its Chinese
message with nothing written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from portal.errors import UserError
from portal.ledger import import_process, importer
from portal.scope import Actor
from tests.ledger_files import ident, write_csv

WANGKUI = Actor("wk", "county", county_code="231221", display_name="望奎县劳动就业服务局")


@pytest.fixture
def no_import_here(monkeypatch):
    """An import in this (the "portal") process fails the test: it must run in the child."""

    def refuse(*args, **kwargs):
        raise AssertionError("the ledger was imported inside the portal process")

    monkeypatch.setattr(importer, "import_ledger", refuse)


def test_upload_is_imported_in_a_child_process_with_the_same_result(db, tmp_path, no_import_here):
    rows = [
        [1, "张三", ident(1), "望奎", "灵山乡", "东村"],
        [2, "", ident(2), "望奎", "灵山乡", "东村"],
        [3, "李四", ident(3), "望奎", "灵山乡", "西村"],
    ]
    result = import_process.import_in_process(
        db, write_csv(tmp_path / "a.csv", rows), WANGKUI, file_name="望奎台账.csv"
    )
    assert (result.new, result.rejected, result.file_name) == (2, 1, "望奎台账.csv")
    assert [(p.row, p.reason) for p in result.rejected_rows] == [(4, "缺少姓名。")]
    # The portal's own connection sees what the child committed, with who imported it.
    stored = db.execute("SELECT name FROM workers ORDER BY id_number").fetchall()
    assert stored == [("张三",), ("李四",)]
    assert db.execute("SELECT new, rejected, by FROM imports").fetchall() == [(2, 1, "wk")]


def test_a_big_upload_goes_through_the_checking_process_too(db, tmp_path, no_import_here):
    """Above PROCESS_MIN_BYTES the child starts its own checking process: both work."""
    rows = [
        [i, f"人{i}", ident(i), "望奎", "灵山乡", "东村", "", "13800000000", "是", "家政服务员"]
        for i in range(1, 33_001)
    ]
    path = write_csv(tmp_path / "big.csv", rows)
    from portal.ledger.checking import PROCESS_MIN_BYTES

    assert path.stat().st_size >= PROCESS_MIN_BYTES
    result = import_process.import_in_process(db, path, WANGKUI)
    stored = db.execute("SELECT COUNT(*) FROM workers").fetchone()[0]
    assert result.new + result.rejected == 33_000
    assert stored == result.new and result.new > 0


def test_a_bad_file_gives_its_message_and_writes_nothing(db, tmp_path, no_import_here):
    fake = tmp_path / "导出.xlsx"
    fake.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>")
    with pytest.raises(UserError) as caught:
        import_process.import_in_process(db, fake, WANGKUI)
    assert "网页" in str(caught.value)
    assert db.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 0


def test_an_in_memory_database_is_refused():
    import sqlite_utils

    mem = sqlite_utils.Database(memory=True)
    with pytest.raises(RuntimeError):
        import_process.database_file(mem)


def test_the_ledger_page_imports_an_upload_outside_its_own_process(
    db, tmp_path, no_import_here, monkeypatch
):
    """The 台账 page (AppTest runs it in this process): the upload is copied to disk in
    pieces, never as one more copy of its bytes, and imported by the child process."""
    from streamlit.runtime.uploaded_file_manager import UploadedFile
    from streamlit.testing.v1 import AppTest

    from build import ROOT

    whole = UploadedFile.getvalue

    def no_copy(self):  # AppTest itself reads the bytes; the page may not
        if sys._getframe(1).f_code.co_filename.endswith(str(Path("pages", "ledger.py"))):
            raise AssertionError("the page made a second copy of the whole upload")
        return whole(self)

    monkeypatch.setattr(UploadedFile, "getvalue", no_copy)
    rows = [
        [1, "王五", ident(11), "望奎", "灵山乡", "东村"],
        [2, "", ident(12), "望奎", "灵山乡", "东村"],
    ]
    content = write_csv(tmp_path / "up.csv", rows).read_bytes()
    at = AppTest.from_file(str(ROOT / "portal" / "pages" / "ledger.py"), default_timeout=120)
    at.session_state["actor"] = WANGKUI
    at.run()
    at.file_uploader(key="ledger_upload").upload("望奎台账.csv", content, "text/csv")
    at.run()
    next(b for b in at.button if b.label == "开始导入").click()
    at.run()
    assert not at.exception, at.exception
    assert any("新增1人，更新0人，无变化0人，拒收1行" in s.value for s in at.success), [
        e.value for e in at.error
    ] + [s.value for s in at.success]
    assert db.execute("SELECT name FROM workers").fetchall() == [("王五",)]
    assert db.execute("SELECT new, rejected, by FROM imports").fetchall() == [(1, 1, "wk")]
