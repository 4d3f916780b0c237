"""Ledger files as township and county clerks really make them, every person accounted for.

Each file is built the way the programs save it: openpyxl with merged cells, a 汇总 sheet and
a two-row header under group cells; an .xls written by xlwt; an .ods by odfpy; Excel's
"Unicode 文本" (UTF-16, tabs); CSV with a line break inside a quoted cell, forced-text IDs and
phones saved as 139….0. The tests assert who got in, with which township, village and
household, and the sheet and row number of every row that did not.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import Workbook

from portal.errors import UserError
from portal.ledger.importer import import_ledger
from portal.ledger.reader import open_ledger
from portal.scope import SYSTEM, Actor
from tests.ledger_files import english_words, ident

CITY = Actor("city", "city", display_name="市局")


def stored(db):
    return {
        r[0]: r[1:]
        for r in db.execute(
            "SELECT w.id_number, w.name, t.name, v.name, w.household_no, w.county_code, w.phone "
            "FROM workers w JOIN areas t ON t.code = w.township_code "
            "JOIN areas v ON v.code = w.village_code"
        )
    }


# One township's households: (户编号, 姓名, 与户主关系, seq for the ID, phone)
LINGSHAN = [
    ("H001", "王大山", "户主", 1, 13912345678),
    (None, "李秀英", "妻", 2, None),
    (None, "王小明", "长子", 3, None),
    ("H002", "赵铁柱", "户主", 4, 13800000004),
    (None, "赵二妹", "女儿", 5, None),
    ("H003", "孙有福", "户主", 6, None),
]


def county_workbook(path):
    """A county workbook as clerks make it: 汇总 first, a sheet per township, 说明 last.

    灵山乡: a title merged across, a two-row header (序号, 乡镇, 村, 年龄 and 备注 merged down
    both rows; 基本信息 and 培训意愿 over their sub-columns), 乡镇 merged down the whole
    block, 村 merged per village, 户编号 only on the 户主 row, footers in several columns.
    东郊镇: a plain one-row header; 村 written only on the first row of each village; one
    person also listed on 灵山乡.
    """
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append(["望奎县贫困劳动力汇总表"])
    summary.append(["乡镇", "户数", "人数"])
    summary.append(["灵山乡", 3, 6])
    summary.append(["东郊镇", 2, 3])
    summary.append(["合计", 5, 9])

    ws = wb.create_sheet("灵山乡")
    ws.append(["望奎县灵山乡建档立卡贫困劳动力台账"])
    ws.merge_cells("A1:L1")
    ws.append(
        ["序号", "乡镇", "村", "基本信息", None, None, None, None, "培训意愿", None, "年龄", "备注"]
    )
    ws.append(
        [None, None, None, "户编号", "姓名", "与户主关系", "身份证号码", "联系电话", "是否", "工种"]
    )
    for col in "ABCKL":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:H2")
    ws.merge_cells("I2:J2")
    first = 4
    for i, (house, name, relation, seq, phone) in enumerate(LINGSHAN):
        ws.append(
            [
                i + 1,
                "灵山乡" if i == 0 else None,
                ("东村" if i == 0 else "西村") if i in (0, 3) else None,
                house,
                name,
                relation,
                ident(seq),
                phone,
                "是" if i % 2 == 0 else "否",
                "家政服务员" if i % 2 == 0 else None,
                40,
                None,
            ]
        )
    ws.merge_cells(f"B{first}:B{first + 5}")
    ws.merge_cells(f"C{first}:C{first + 2}")
    ws.merge_cells(f"C{first + 3}:C{first + 5}")
    ws.append([None, "", "", None, "", None, "", None])  # 10: blank
    ws.append(["合计", None, None, None, None, None, "共6人"])  # 11
    ws.append([None, "填表人：刘会计", None, None, None, None, "审核人：张主任"])  # 12
    ws.append(["制表单位（盖章）："])  # 13
    ws.append([None, None, None, None, "联系电话：0455-5812345"])  # 14

    ws = wb.create_sheet("东郊镇")
    ws.append(["姓名", "身份证号（18位）", "乡镇", "村", "户编号", "联系电话(手机)"])
    ws.append(["钱多多", ident(7), "东郊镇", "前进村", "D001", "13700000007"])  # 2
    ws.append(["钱少少", ident(8), None, None, None, None])  # 3: carried from row 2
    ws.append(["周全", ident(9), None, "后进村", "D002", None])  # 4: a new village
    ws.append(["王大山", ident(1), None, None, None, None])  # 5: also on 灵山乡
    ws.append(["吴缺", "23122119800101", None, None, None, None])  # 6: short ID

    notes = wb.create_sheet("填写说明")
    notes.append(["1. 每个乡镇一张表。"])
    wb.save(path)
    return path


def test_a_county_workbook_every_person_in_every_row_number_right(db, tmp_path, run_cli, db_path):
    path = county_workbook(tmp_path / "望奎县台账.xlsx")
    report = tmp_path / "报告.xlsx"
    out = run_cli(
        "import-ledger", path, "--county", "望奎", "--report", report, "--json", "--db", db_path
    )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output.strip().splitlines()[-1])
    assert (summary["new"], summary["rejected"], summary["skipped"]) == (9, 2, 5)
    assert summary["sheets"] == ["灵山乡", "东郊镇"]
    assert summary["skipped_sheets"] == ["汇总", "填写说明"]
    assert summary["unmapped_columns"] == ["灵山乡：年龄"]
    assert "跳过工作表：汇总（汇总或说明表）、填写说明（汇总或说明表）" in out.output
    from portal import db as database

    people = stored(database.connect(db_path))
    expected = {
        1: ("王大山", "灵山乡", "东村", "H001"),
        2: ("李秀英", "灵山乡", "东村", "H001"),
        3: ("王小明", "灵山乡", "东村", "H001"),
        4: ("赵铁柱", "灵山乡", "西村", "H002"),
        5: ("赵二妹", "灵山乡", "西村", "H002"),
        6: ("孙有福", "灵山乡", "西村", "H003"),
        7: ("钱多多", "东郊镇", "前进村", "D001"),
        8: ("钱少少", "东郊镇", "前进村", "D001"),
        9: ("周全", "东郊镇", "后进村", "D002"),
    }
    assert {k: v[:4] for k, v in people.items()} == {ident(s): v for s, v in expected.items()}
    assert people[ident(1)][5] == "13912345678"  # a phone Excel stored as a number
    assert {v[4] for v in people.values()} == {"231221"}
    from openpyxl import load_workbook

    cells = [[c.value for c in r] for r in load_workbook(report).active.iter_rows()]
    assert cells[1] == ["工作表", "行号", "姓名", "身份证号", "原因"]
    body = cells[2:]
    assert [r[:3] for r in body] == [["东郊镇", 5, "王大山"], ["东郊镇", 6, "吴缺"]]
    assert body[0][4].startswith("与工作表“灵山乡”第4行的身份证号重复")
    assert "18位" in body[1][4]
    assert "拒收 工作表“东郊镇”第5行" in out.output


def test_the_portal_and_the_cli_read_the_same_workbook_alike(db, tmp_path):
    path = county_workbook(tmp_path / "望奎县台账.xlsx")
    result = import_ledger(db, path, SYSTEM, county="望奎", file_name="上传的台账.xlsx")
    assert result.new == 9 and result.file_name == "上传的台账.xlsx"
    assert "跳过工作表：汇总（汇总或说明表）、填写说明（汇总或说明表）" in result.sentence()
    assert "未导入的列（不认识的列名）：灵山乡：年龄" in result.sentence()


def test_an_xls_written_by_xlwt_with_merged_cells(db, tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("灵山乡")
    ws.write_merge(0, 0, 0, 5, "灵山乡台账")
    for c, h in enumerate(["序号", "乡镇", "村", "姓名", "身份证号码", "与户主关系"]):
        ws.write(1, c, h)
    for i, (_, name, relation, seq, _) in enumerate(LINGSHAN):
        ws.write(2 + i, 0, i + 1)
        ws.write(2 + i, 3, name)
        ws.write(2 + i, 4, ident(seq))
        ws.write(2 + i, 5, relation)
    ws.write_merge(2, 7, 1, 1, "灵山乡")
    ws.write_merge(2, 4, 2, 2, "东村")
    ws.write_merge(5, 7, 2, 2, "西村")
    ws.write(8, 0, "合计：6人")
    other = book.add_sheet("统计")
    other.write(0, 0, "人数")
    path = tmp_path / "灵山乡.xls"
    book.save(str(path))
    result = import_ledger(db, path, SYSTEM, county="望奎")
    assert (result.new, result.rejected, result.skipped) == (6, 0, 1), result.report_rows()
    villages = {v[0]: v[2] for v in stored(db).values()}
    assert villages == {
        "王大山": "东村",
        "李秀英": "东村",
        "王小明": "东村",
        "赵铁柱": "西村",
        "赵二妹": "西村",
        "孙有福": "西村",
    }
    assert result.skipped_sheets == [("统计", "汇总或说明表")]


def test_an_ods_written_by_odfpy(db, tmp_path):
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="东郊镇")
    rows = [
        ["东郊镇台账"],
        ["姓名", "身份证号", "乡镇", "村"],
        ["甲", ident(11), "东郊镇", "前进村"],
        ["乙", ident(12), "", ""],
        ["丙", "bad", "", ""],
    ]
    for values in rows:
        tr = TableRow()
        for v in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=v))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    path = tmp_path / "东郊镇.ods"
    doc.save(str(path))
    result = import_ledger(db, path, SYSTEM, county="望奎")
    assert (result.new, result.rejected) == (2, 1)
    assert [(p.sheet, p.row, p.name) for p in result.rejected_rows] == [("东郊镇", 5, "丙")]
    assert {v[0]: v[2] for v in stored(db).values()} == {"甲": "前进村", "乙": "前进村"}


def test_unicode_text_utf16_tab_separated(db, tmp_path):
    lines = [
        "望奎县台账",
        "姓名\t身份证号\t县\t乡镇\t村\t联系电话",
        f"张一\t{ident(21)}\t望奎县\t灵山乡\t东村\t13912345678",
        f"张二\t{ident(22)}\t\t\t\t",
        f"张三\t{ident(22)}\t\t\t\t",
    ]
    path = tmp_path / "台账.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))  # with its BOM
    result = import_ledger(db, path, SYSTEM)
    assert (result.new, result.rejected) == (2, 1)
    assert [(p.row, p.name) for p in result.rejected_rows] == [(5, "张三")]
    assert {v[0]: v[1:3] for v in stored(db).values()} == {
        "张一": ("灵山乡", "东村"),
        "张二": ("灵山乡", "东村"),
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_with_a_line_break_in_a_cell_forced_text_ids_and_float_phones(db, tmp_path, encoding):
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["姓名", "身份证号", "县", "乡镇", "村", "联系电话", "备注"])
    w.writerow(
        ["甲", f'="{ident(31)}"', "望奎", "灵山乡", "东村", "13912345678.0", "第一行\n第二行"]
    )
    w.writerow(["乙", ident(32), "望奎", "灵山乡", "东村", "", "一\r\n二\r\n三"])
    w.writerow(["丙", "12345", "望奎", "灵山乡", "东村", "", ""])  # row 4 as a spreadsheet shows it
    w.writerow(["共3人"])
    path = tmp_path / "台账.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    result = import_ledger(db, path, SYSTEM)
    assert (result.new, result.rejected, result.skipped, result.warnings) == (2, 1, 1, 0)
    assert [(p.row, p.name) for p in result.rejected_rows] == [(4, "丙")]
    people = stored(db)
    assert people[ident(31)][5] == "13912345678"
    notes = db.execute("SELECT notes FROM workers WHERE name = '甲'").fetchone()[0]
    assert notes == "第一行\n第二行"


def _html_xls(path):
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>姓名</td>"
        "<td>身份证号</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return path


def _xls_renamed(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("台账").write(0, 0, "姓名")
    path = tmp_path / "改名的.xlsx"
    book.save(str(path))
    return path


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda t: _html_xls(t / "导出.xls"), ["网页（HTML）", "另存为” .xlsx"]),
        (_xls_renamed, ["旧版 Excel 97-2003", "扩展名改成 .xls"]),
        (
            lambda t: (t / "台账.xlsx").write_bytes(b"a,b\n1,2\n") and t / "台账.xlsx",
            ["文本（CSV）"],
        ),
        (lambda t: (t / "空.csv").write_bytes(b"") or t / "空.csv", ["空文件"]),
        (lambda t: (t / "图.png").write_bytes(b"\x89PNG") and t / "图.png", ["不认识的文件类型"]),
    ],
)
def test_a_file_that_is_not_what_its_name_says_gets_a_chinese_message(
    db, tmp_path, make, words, run_cli, db_path
):
    path = make(tmp_path)
    before = list(db.conn.iterdump())
    with pytest.raises(UserError) as caught:
        import_ledger(db, path, SYSTEM)
    message = str(caught.value)
    assert all(w in message for w in words), message
    assert english_words(message, path.name) == []
    assert list(db.conn.iterdump()) == before
    out = run_cli("import-ledger", path, "--db", db_path)
    assert out.exit_code == 1 and words[0] in out.output


def test_a_person_who_moves_county_is_moved_with_a_warning(db, tmp_path):
    def write(name, county):
        path = tmp_path / name
        path.write_text(
            f"姓名,身份证号,县,乡镇,村\n甲,{ident(41)},{county},某镇,某村\n乙,{ident(42)},{county},某镇,某村\n",
            encoding="utf-8",
        )
        return path

    import_ledger(db, write("a.csv", "兰西"), CITY)
    result = import_ledger(db, write("b.csv", "望奎"), CITY)
    assert (result.updated, result.rejected) == (2, 0)
    moves = [p.reason for p in result.warning_rows]
    assert len(moves) == 2 and all("原登记在兰西县" in m and "已改到望奎县" in m for m in moves)
    assert {v[4] for v in stored(db).values()} == {"231221"}


def test_a_reimport_lists_who_is_no_longer_in_the_file(db, tmp_path, run_cli, db_path):
    from portal import db as database

    def write(name, seqs):
        path = tmp_path / name
        lines = ["姓名,身份证号,县,乡镇,村"] + [f"人{s},{ident(s)},望奎,灵山乡,东村" for s in seqs]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    conn = database.connect(db_path)
    import_ledger(conn, write("a.csv", [51, 52, 53, 54]), SYSTEM)
    lanxi = tmp_path / "lanxi.csv"
    lanxi.write_text(
        f"姓名,身份证号,县,乡镇,村\n外县人,{ident(55)},兰西,某镇,某村\n", encoding="utf-8"
    )
    import_ledger(conn, lanxi, SYSTEM)
    conn.conn.close()
    report = tmp_path / "r.csv"
    out = run_cli(
        "import-ledger",
        write("b.csv", [51, 53]),
        "--county",
        "望奎",
        "--report",
        report,
        "--json",
        "--db",
        db_path,
    )
    summary = json.loads(out.output.strip().splitlines()[-1])
    assert summary["missing"] == 2 and summary["unchanged"] == 2
    assert [m["id_number"] for m in summary["missing_people"]] == [ident(52), ident(54)]
    assert "库里有2人本次文件里没有" in out.output
    rows = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert [r[2:4] for r in rows[1:]] == [["人52", ident(52)], ["人54", ident(54)]]
    conn = database.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM workers").fetchone()[0] == 5  # nobody deleted


def _zip_xlsx(path, sheet_xml: str, shared: bytes | None = None, big_cell: int = 0):
    """An .xlsx by hand: optionally a shared string of ``big_cell`` characters (a zip bomb)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
        '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{sheet_xml}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in files.items():
            z.writestr(name, text)
        if big_cell:
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {ns}><si><t>'.encode())
                block = b"a" * 10_000_000
                for _ in range(big_cell // len(block)):
                    fh.write(block)
                fh.write(b"</t></si></sst>")
    return path


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_small_xlsx_holding_a_500_million_character_cell_is_refused(db, tmp_path):
    path = _zip_xlsx(
        tmp_path / "炸弹.xlsx",
        f'<row r="1">{_inline("A1", "姓名")}{_inline("B1", "身份证号")}</row>'
        '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
        big_cell=500_000_000,
    )
    assert path.stat().st_size < 1_500_000
    before = list(db.conn.iterdump())
    with pytest.raises(UserError, match="太大") as caught:
        import_ledger(db, path, SYSTEM)
    assert english_words(str(caught.value), path.name) == []
    assert list(db.conn.iterdump()) == before


def test_a_cell_far_out_is_read_under_the_memory_limit_and_refused(db, tmp_path):
    """A 1 KB file whose sheet spans A1:XFD1048576: 17 billion cells laid out in memory.
    It is read in the checking process under its memory limit, which ends that process,
    never the portal's; the import says why and writes nothing."""
    import psutil

    path = _zip_xlsx(
        tmp_path / "远处的格.xlsx",
        f'<row r="1">{_inline("A1", "姓名")}{_inline("B1", "身份证号")}</row>'
        f'<row r="2">{_inline("A2", "甲")}{_inline("B2", ident(61))}</row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    )
    me = psutil.Process()
    before_rss = me.memory_info().rss
    with pytest.raises(UserError, match="太大"):
        import_ledger(db, path, SYSTEM)
    assert me.memory_info().rss - before_rss < 200 * 1024 * 1024
    assert db.execute("SELECT COUNT(*) FROM workers").fetchone()[0] == 0


def test_a_million_short_rows_are_read_in_bounded_memory(db, tmp_path):
    """A million rows of one small cell each (a few MB zipped) is a real, readable sheet."""
    import psutil

    blank = '<c r="C{0}" t="inlineStr"><is><t> </t></is></c>'
    rows = "".join(f'<row r="{r}">{blank.format(r)}</row>' for r in range(3, 1_000_001))
    path = _zip_xlsx(
        tmp_path / "百万行.xlsx",
        f'<row r="1">{_inline("A1", "姓名")}{_inline("B1", "身份证号")}{_inline("C1", "备注")}</row>'
        f'<row r="2">{_inline("A2", "甲")}{_inline("B2", ident(62))}{_inline("C2", "乡镇未填")}</row>'
        + rows,
    )
    me = psutil.Process()
    before_rss = me.memory_info().rss
    result = import_ledger(db, path, SYSTEM, county="望奎")
    assert me.memory_info().rss - before_rss < 200 * 1024 * 1024
    assert result.rejected == 1 and result.skipped == 999_998
    assert result.rejected_rows[0].reason == "缺少乡镇。"


def test_open_ledger_names_every_sheet_when_none_has_a_header(tmp_path):
    wb = Workbook()
    wb.active.title = "汇总"
    wb.active.append(["乡镇", "人数"])
    wb.create_sheet("统计").append(["合计"])
    path = tmp_path / "只有汇总.xlsx"
    wb.save(path)
    with pytest.raises(UserError, match="（“汇总”、“统计”）里都没有台账表头"):
        open_ledger(path)
