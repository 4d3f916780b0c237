"""就读技工院校意愿 in the ledger: read from every wording a clerk uses, one-row or two-row
header, the usual yes/no words, kept by a re-import of a file without the column, checked
alike column-wise and row by row, and edited on the 台账 page."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from build import ROOT
from portal.ledger.importer import import_ledger
from portal.ledger.reader import open_ledger
from portal.scope import SYSTEM, Actor
from tests.ledger_files import ident, write_csv, write_xlsx
from tests.test_ledger_chunks import by_chunks, one_by_one

WANGKUI = Actor("wk", "county", county_code="231221", display_name="望奎县劳动就业服务局")
LEDGER = str(ROOT / "portal" / "pages" / "ledger.py")
PLAIN = ["序号", "姓名", "身份证号码", "县（市、区）", "乡（镇）", "行政村"]


def wishes(db) -> dict[str, str]:
    return dict(db.execute("SELECT id_number, wants_school FROM workers").fetchall())


def person(seq: int, *more) -> list:
    return [seq, f"人{seq}", ident(seq), "望奎", "灵山乡", "东村", *more]


@pytest.mark.parametrize(
    "label",
    [
        "是否有就读技工院校意愿",
        "就读技工院校意愿",
        "技工院校就读意愿",
        "是否愿意就读技工院校",
        "想读技工院校",
        "技工院校意愿",
        "是否愿意就读技工院校（两后生填写）",
        " 就读技工院校意愿* ",
    ],
)
def test_every_wording_of_the_header_is_read(tmp_path, label):
    path = write_csv(tmp_path / "台账.csv", [person(1, "有")], header=[*PLAIN, label])
    sheet = next(open_ledger(path).sheets)
    assert sheet.columns["wants_school"] == 6 and not sheet.unmapped


def two_row_workbook(path, upper: list, lower: list, rows: list[list]):
    """A clerk's sheet: a title, then group cells over sub-columns, the rest merged down."""
    wb = Workbook()
    ws = wb.active
    ws.title = "灵山乡"
    ws.append(["望奎县灵山乡建档立卡贫困劳动力台账"])
    ws.append(upper)
    ws.append(lower)
    letters = "ABCDEFGHIJ"
    for at, (top, below) in enumerate(zip(upper, lower, strict=True)):
        if top and not below:  # a column named once, merged down both rows
            ws.merge_cells(f"{letters[at]}2:{letters[at]}3")
        elif top and at + 1 < len(upper) and upper[at + 1] is None:  # a group over two
            ws.merge_cells(f"{letters[at]}2:{letters[at + 1]}2")
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "group, subs",
    [
        ("两后生情况", ["是否两后生", "是否有就读技工院校意愿"]),  # full names under a group
        ("技工院校", ["是否两后生", "就读意愿"]),  # group + own: 技工院校就读意愿
        ("就读技工院校意愿", ["是否两后生", "是否"]),  # group + 是否
    ],
)
def test_a_two_row_header_with_values_as_clerks_write_them(db, tmp_path, group, subs):
    upper = ["序号", "姓名", "身份证号码", "乡镇", "村", group, None, "备注"]
    lower = [None, None, None, None, None, *subs, None]
    if group == "就读技工院校意愿":  # the 两后生 column stands alone, merged down
        upper = ["序号", "姓名", "身份证号码", "乡镇", "村", "是否两后生", group, "备注"]
        lower = [None, None, None, None, None, None, "是否", None]
    rows = [
        [1, "人1", ident(1), "灵山乡", "东村", "是", "有", None],
        [2, "人2", ident(2), "灵山乡", "东村", "是", "无", None],
        [3, "人3", ident(3), "灵山乡", "东村", "否", None, "空着没填"],
        [4, "人4", ident(4), "灵山乡", "东村", "是", "愿意", None],
        [5, "人5", ident(5), "灵山乡", "东村", "是", "不愿意", None],
        [6, "人6", ident(6), "灵山乡", "东村", "是", "看情况", None],
    ]
    path = two_row_workbook(tmp_path / "灵山乡.xlsx", upper, lower, rows)
    result = import_ledger(db, path, WANGKUI)
    assert result.counts()["new"] == 6 and result.rejected == 0
    assert wishes(db) == {
        ident(1): "yes",
        ident(2): "no",
        ident(3): "unknown",
        ident(4): "yes",
        ident(5): "no",
        ident(6): "unknown",
    }
    (warning,) = result.warning_rows
    # two title rows above the data: 人6 is on row 9 of the sheet, as the clerk sees it
    assert (warning.row, warning.name, warning.sheet) == (9, "人6", "灵山乡")
    assert warning.reason == "就读技工院校意愿“看情况”看不懂（请写 是/否），已记为未知。"
    lhs = dict(db.execute("SELECT id_number, liang_hou_sheng FROM workers").fetchall())
    assert lhs[ident(1)] == 1 and lhs[ident(3)] == 0


def test_a_bad_value_is_named_with_its_row_and_the_person_still_imported(
    db_path, tmp_path, run_cli
):
    rows = [person(1, "有"), person(2, "随便"), person(3, "")]
    path = write_csv(tmp_path / "台账.csv", rows, header=[*PLAIN, "是否愿意就读技工院校"])
    result = run_cli("import-ledger", str(path), "--db", db_path)
    assert result.exit_code == 0, result.output
    # a title row, the header, then 人1 on row 3: 人2 is on row 4
    assert "提示 第4行：就读技工院校意愿“随便”看不懂（请写 是/否），已记为未知。" in result.output
    from portal import db as database

    assert wishes(database.connect(db_path)) == {
        ident(1): "yes",
        ident(2): "unknown",
        ident(3): "unknown",
    }


def test_reimport_without_the_column_keeps_the_wish(db, tmp_path):
    header = [*PLAIN, "是否两后生", "技工院校就读意愿"]
    first = [person(1, "是", "有"), person(2, "是", "无"), person(3, "否", "")]
    import_ledger(db, write_xlsx(tmp_path / "a.xlsx", first, header=header), SYSTEM)
    assert wishes(db) == {ident(1): "yes", ident(2): "no", ident(3): "unknown"}
    # the county's next ledger has no such column: what was recorded stays
    again = [person(1, "是"), person(2, "是"), person(3, "否")]
    result = import_ledger(
        db, write_xlsx(tmp_path / "b.xlsx", again, header=[*PLAIN, "是否两后生"]), SYSTEM
    )
    assert result.counts()["unchanged"] == 3
    assert wishes(db) == {ident(1): "yes", ident(2): "no", ident(3): "unknown"}
    # a file with the column says the wish again, a blank cell included (as for 培训意愿)
    third = [person(1, "是", "无"), person(2, "是", ""), person(3, "否", "愿意")]
    result = import_ledger(db, write_xlsx(tmp_path / "c.xlsx", third, header=header), SYSTEM)
    assert result.counts()["updated"] == 3
    assert wishes(db) == {ident(1): "no", ident(2): "unknown", ident(3): "yes"}


def test_a_file_without_the_column_imports_as_before(db, tmp_path):
    path = write_csv(tmp_path / "台账.csv", [person(1), person(2)], header=PLAIN)
    result = import_ledger(db, path, SYSTEM)
    assert result.counts()["new"] == 2 and result.warnings == 0
    assert set(wishes(db).values()) == {"unknown"}


def test_the_fast_checker_and_the_row_checker_agree_on_the_wish():
    fields = ["name", "id_number", "county", "township", "village", "liang_hou_sheng"]
    fields.append("wants_school")
    columns = {f: i + 1 for i, f in enumerate(fields)}
    values = ["有", "无", "", None, "愿意", "不愿意", "是", "否", "√", "看情况", 1, 0, True, "Y"]
    rows = [
        [n, f"人{n}", ident(n), "望奎", "灵山乡", "东村", "是", v]
        for n, v in enumerate(values, start=1)
    ]
    for size in (1, 3, len(rows)):
        assert by_chunks(rows, "231221", size, fields, columns) == one_by_one(
            rows, "231221", fields, columns
        )
    accepted, _, warnings, _ = one_by_one(rows, "231221", fields, columns)
    got = [accepted[n + 2][2]["wants_school"] for n in range(1, len(values) + 1)]
    assert got == ["yes", "no", "unknown", "unknown", "yes", "no", "yes", "no", "yes",
                   "unknown", "yes", "no", "yes", "yes"]  # fmt: skip
    assert [w[3] for w in warnings] == [
        "就读技工院校意愿“看情况”看不懂（请写 是/否），已记为未知。"
    ]


def test_the_template_has_the_column_and_reads_back(db, tmp_path):
    from openpyxl import load_workbook

    from portal.ledger.report import TEMPLATE_HEADERS, template_xlsx

    path = tmp_path / "模板.xlsx"
    path.write_bytes(template_xlsx())
    wb = load_workbook(path)
    ws = wb["台账"]
    row = [None] * len(TEMPLATE_HEADERS)
    for label, value in (("姓名", "人1"), ("身份证号", ident(1)), ("县（市、区）", "望奎"),
                         ("乡镇", "灵山乡"), ("村", "东村"), ("是否两后生", "是"),
                         ("是否有就读技工院校意愿", "有")):  # fmt: skip
        row[TEMPLATE_HEADERS.index(label)] = value
    ws.append(row)
    wb.save(path)
    result = import_ledger(db, path, SYSTEM)
    assert result.counts()["new"] == 1 and result.warnings == 0
    assert wishes(db) == {ident(1): "yes"}


def test_the_edit_form_saves_the_wish_with_an_audit_entry(db, db_path, tmp_path):
    rows = [person(1, "是", "无")]
    header = [*PLAIN, "是否两后生", "就读技工院校意愿"]
    import_ledger(db, write_csv(tmp_path / "台账.csv", rows, header=header), SYSTEM)
    at = AppTest.from_file(LEDGER, default_timeout=60)
    at.session_state["actor"] = WANGKUI
    at.run()
    assert not at.exception, at.exception
    radio = next(r for r in at.radio if r.label == "就读技工院校意愿（两后生）")
    assert radio.value == "no"
    radio.set_value("yes")
    next(b for b in at.button if b.label == "保存修改").click().run()
    assert not at.exception and any("已保存" in s.value for s in at.success)
    assert wishes(db) == {ident(1): "yes"}
    (entry,) = db.execute(
        "SELECT actor, before_json, after_json FROM audit_log WHERE entity = 'workers'"
    ).fetchall()
    assert tuple(entry) == ("wk", '{"wants_school": "no"}', '{"wants_school": "yes"}')
