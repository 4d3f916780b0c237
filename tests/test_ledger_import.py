"""Ledger import: files as counties keep them, every reject reason, re-import, scope, atomicity."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from portal.errors import ScopeError, UserError
from portal.ledger import importer
from portal.ledger.importer import import_ledger
from portal.scope import SYSTEM, Actor
from tests.ledger_files import HEADER, ident, write_csv, write_xlsx

WANGKUI = Actor("wk", "county", county_code="231221", display_name="望奎县")
CITY = Actor("city", "city", display_name="市局")


def good(seq, name="张三", county="望奎", town="灵山乡", village="东村", **kw):
    row = [
        seq,
        name,
        ident(seq),
        county,
        town,
        village,
        kw.get("gender", ""),
        kw.get("phone", "13800000000"),
        kw.get("wants", "是"),
        kw.get("trade", "家政服务员"),
    ]
    return row


def workers(db):
    return {r["id_number"]: r for r in db.query("SELECT * FROM workers")}


def test_xlsx_with_title_rows_imports_and_rows_are_numbered_as_shown(db, tmp_path):
    numeric_id = int(ident(9))  # a cell Excel stored as a number
    rows = [
        good(1, gender="男" if int(ident(1)[16]) % 2 else "女"),
        good(2, name="李四", gender="男" if int(ident(2)[16]) % 2 == 0 else "女"),  # wrong gender
        [3, "王五", numeric_id, "望奎", "灵山乡", "东村"],
        [],
        good(4, name="赵六", phone="12345"),
        [None, "审核人：孙七"],
    ]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    result = import_ledger(db, path, SYSTEM)
    assert result.counts() == {
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "skipped": 2,
        "warnings": 2,
    }
    # two title rows + header: the first data row is row 4 in Excel
    (problem,) = result.rejected_rows
    assert problem.row == 6 and problem.name == "王五"
    assert "存成了数字" in problem.reason
    assert sorted((w.row, w.reason[:4]) for w in result.warning_rows) == [
        (5, "性别栏写"),
        (8, "联系电话"),
    ]
    stored = workers(db)
    assert set(stored) == {ident(1), ident(2), ident(4)}
    w = stored[ident(1)]
    assert (w["county_code"], w["wants_training"], w["wanted_trade"]) == (
        "231221",
        "yes",
        "家政服务员",
    )
    assert w["birth_date"] == "1980-01-01" and w["gender"] in "男女"
    assert stored[ident(4)]["phone"] is None
    area = db.execute(
        "SELECT t.name, v.name FROM areas v JOIN areas t ON t.code = v.parent_code WHERE v.code = ?",
        [w["village_code"]],
    ).fetchone()
    assert area == ("灵山乡", "东村")
    imp = list(db.query("SELECT * FROM imports"))
    assert len(imp) == 1 and imp[0]["new"] == 3 and imp[0]["rejected"] == 1
    log = list(db.query("SELECT * FROM audit_log WHERE action = 'import'"))
    assert len(log) == 1 and json.loads(log[0]["after_json"])["new"] == 3
    assert "张三" not in (log[0]["after_json"] or "")


def test_gb18030_csv_with_header_variants_and_yes_no_words(db, tmp_path):
    header = [
        "姓名",
        "公民身份号码",
        "所在县",
        "所在乡镇",
        "所在村",
        "联系电话",
        "培训意愿",
        "意向工种",
        "就业意愿",
    ]
    counties = ["兰西", "兰西县", "绥化市兰西县", "黑龙江省绥化市兰西县", " 兰西县 ", "231222"]
    answers = ["是", "否", "√", "×", "有", "无", "愿意", "不愿意", "Y", "N", "1", "0", ""]
    rows = [
        [f"人{i}", ident(i), counties[i % len(counties)], "兰河镇", "北村", "", a, "", a]
        for i, a in enumerate(answers)
    ]
    path = write_csv(
        tmp_path / "lanxi.csv", rows, header=header, titles=("兰西县台账", "（2019年3月）")
    )
    result = import_ledger(db, path, SYSTEM)
    assert result.new == len(answers) and result.rejected == 0
    got = {r["name"]: r["wants_training"] for r in db.query("SELECT * FROM workers")}
    expected = {f"人{i}": ("yes" if i % 2 == 0 else "no") for i in range(12)} | {"人12": "unknown"}
    assert got == expected
    assert {r["county_code"] for r in db.query("SELECT county_code FROM workers")} == {"231222"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(db, tmp_path, encoding):
    path = write_csv(tmp_path / "a.csv", [good(1, name="欧阳娜娜")], encoding=encoding)
    result = import_ledger(db, path, SYSTEM)
    assert result.new == 1
    assert next(iter(db.query("SELECT name FROM workers")))["name"] == "欧阳娜娜"


def test_every_reject_reason_and_the_report(db, tmp_path, run_cli):
    bad_check = ident(5)[:17] + ("0" if ident(5)[17] != "0" else "1")
    rows = [
        good(1),  # line 3 ok
        ["", "", ident(2), "望奎", "灵山乡", "东村"],  # 4 no name
        ["", "钱一", "", "望奎", "灵山乡", "东村"],  # 5 no ID
        ["", "钱二", "23122119800101", "望奎", "灵山乡", "东村"],  # 6 length
        ["", "钱三", bad_check, "望奎", "灵山乡", "东村"],  # 7 check digit
        ["", "钱四", "231221198002300015", "望奎", "灵山乡", "东村"],  # 8 birth date
        ["", "钱五", "2.31221E+17", "望奎", "灵山乡", "东村"],  # 9 number (CSV)
        ["", "钱六", ident(1), "望奎", "灵山乡", "东村"],  # 10 duplicate of 3
        ["", "钱七", ident(7), "哈尔滨", "某镇", "某村"],  # 11 not Suihua
        ["", "钱八", ident(8), "兰西", "某镇", "某村"],  # 12 not --county
        ["", "钱九", ident(9), "望奎", "", "东村"],  # 13 a new county: no township carried
        ["", "钱十", ident(10), "望奎", "灵山乡", ""],  # 14 a new township: no village
        ["", '=HYPERLINK("http://x")', ident(11), "望奎", "灵山乡", "东村"],  # 15 ok
        ["", "", "", "", "", ""],  # 16 blank
        ["合计", "合计：13人"],  # 17 footer
    ]
    path = write_csv(tmp_path / "wk.csv", rows)
    report = tmp_path / "report.xlsx"
    out = run_cli(
        "import-ledger",
        path,
        "--county",
        "望奎",
        "--report",
        report,
        "--json",
        "--db",
        db.conn.execute("PRAGMA database_list").fetchone()[2],
    )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output.strip().splitlines()[-1])
    counts = {k: summary[k] for k in ("new", "updated", "unchanged", "rejected", "skipped")}
    assert counts == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 11, "skipped": 2}
    assert (summary["warnings"], summary["missing"], summary["missing_people"]) == (0, 0, [])
    ws = load_workbook(report).active
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    assert cells[1] == ["工作表", "行号", "姓名", "身份证号", "原因"]
    body = [r[1:] for r in cells[2:]]
    assert [r[0] for r in body] == list(range(4, 15))
    reasons = {r[0]: r[3] for r in body}
    assert reasons[4] == "缺少姓名。"
    assert reasons[5] == "缺少身份证号。"
    assert "应为18位" in reasons[6]
    assert "校验位" in reasons[7]
    assert "出生日期" in reasons[8]
    assert "科学计数法" in reasons[9]
    assert reasons[10].startswith("与第3行")
    assert "不是绥化市" in reasons[11]
    assert "不是本次导入的望奎县" in reasons[12]
    assert reasons[13] == "缺少乡镇。" and reasons[14] == "缺少村。"
    assert body[1][1] == "钱一" and body[1][2] is None
    # formula-looking name stored as given, and a report of it is text, not a formula
    assert '=HYPERLINK("http://x")' in {w["name"] for w in workers(db).values()}


def test_report_csv_and_formula_cells(db, tmp_path, run_cli):
    rows = [["", "=1+2", "", "望奎", "灵山乡", "东村"]]
    path = write_csv(tmp_path / "f.csv", rows)
    report = tmp_path / "r.csv"
    dbfile = db.conn.execute("PRAGMA database_list").fetchone()[2]
    out = run_cli("import-ledger", path, "--report", report, "--db", dbfile)
    assert out.exit_code == 0
    with open(report, encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got == [
        ["工作表", "行号", "姓名", "身份证号", "原因"],
        ["", "3", "'=1+2", "", "缺少身份证号。"],
    ]


def test_reimport_reports_new_updated_unchanged(db, tmp_path):
    first = [good(1), good(2, name="李四"), good(3, name="王五")]
    import_ledger(db, write_csv(tmp_path / "a.csv", first), SYSTEM)
    before = workers(db)
    second = [
        good(1),  # unchanged
        good(2, name="李四", phone="13900000000"),  # phone changed
        good(3, name="王五", village="西村"),  # moved village
        good(4, name="赵六"),  # new
    ]
    result = import_ledger(db, write_csv(tmp_path / "b.csv", second), SYSTEM)
    assert (result.new, result.updated, result.unchanged) == (1, 2, 1)
    after = workers(db)
    assert after[ident(2)]["phone"] == "13900000000"
    assert after[ident(2)]["id"] == before[ident(2)]["id"]
    assert after[ident(1)]["updated_at"] == before[ident(1)]["updated_at"]
    assert after[ident(1)]["source_file"] == "a.csv"
    assert after[ident(3)]["village_code"] != before[ident(3)]["village_code"]
    # a file without the phone column leaves phones alone
    slim = [[r[1], r[2], r[3], r[4], r[5]] for r in second]
    result = import_ledger(db, write_csv(tmp_path / "c.csv", slim, header=HEADER[1:6]), SYSTEM)
    assert (result.new, result.updated, result.unchanged) == (0, 0, 4)
    assert workers(db)[ident(2)]["phone"] == "13900000000"


def test_county_scope(db, tmp_path):
    rows = [good(1), good(2, county="兰西")]
    result = import_ledger(db, write_csv(tmp_path / "a.csv", rows), WANGKUI)
    assert result.new == 1 and "不是本次导入的望奎县" in result.rejected_rows[0].reason
    with pytest.raises(ScopeError):
        import_ledger(db, write_csv(tmp_path / "b.csv", rows), WANGKUI, county="兰西")
    with pytest.raises(ScopeError):
        import_ledger(
            db, write_csv(tmp_path / "c.csv", rows), Actor("i", "institution", institution_id=1)
        )
    # city staff import any county; a county cannot then overwrite a worker of another county
    import_ledger(db, write_csv(tmp_path / "d.csv", [good(7, county="兰西")]), CITY)
    result = import_ledger(db, write_csv(tmp_path / "e.csv", [good(7)]), WANGKUI)
    assert result.new == 0 and "兰西县" in result.rejected_rows[0].reason
    assert workers(db)[ident(7)]["county_code"] == "231222"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01garbage", "无法识别"),
        ("姓名,电话\n张三,1\n".encode(), "表头"),
    ],
)
def test_unreadable_files_exit_non_zero(tmp_path, run_cli, db_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    out = run_cli("import-ledger", path, "--db", db_path)
    assert out.exit_code == 1 and message in out.output


def test_not_a_spreadsheet(tmp_path, run_cli, db_path):
    fake = tmp_path / "x.xlsx"
    fake.write_text("hello")
    out = run_cli("import-ledger", fake, "--db", db_path)
    assert out.exit_code == 1 and "其实是文本（CSV）文件" in out.output
    out = run_cli("import-ledger", tmp_path / "missing.csv", "--db", db_path)
    assert out.exit_code == 1 and "找不到文件" in out.output
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    out = run_cli("import-ledger", old, "--db", db_path)
    assert out.exit_code == 1 and ".xls" in out.output


def test_failure_mid_write_leaves_nothing(db, tmp_path, monkeypatch):
    import_ledger(db, write_csv(tmp_path / "a.csv", [good(1)]), SYSTEM)
    snapshot = list(db.conn.iterdump())
    rows = [good(i, village=f"村{i % 50}") for i in range(2, 12_000)]
    path = write_csv(tmp_path / "b.csv", rows)

    def boom(done, total):
        raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError):
        import_ledger(db, path, SYSTEM, progress=boom)
    assert list(db.conn.iterdump()) == snapshot
    assert importer.BATCH < 12_000


def test_template_round_trips(db, tmp_path):
    from portal.ledger.report import template_xlsx

    path = tmp_path / "template.xlsx"
    path.write_bytes(template_xlsx())
    wb = load_workbook(path)
    ws = wb["台账"]
    ws.append(
        [
            "人0",
            ident(1),
            "女" if int(ident(1)[16]) % 2 == 0 else "男",
            "望奎",
            "灵山乡",
            "东村",
            "13800000000",
            None,
            None,
            None,
            None,
            "是",
            "养老护理员",
            "否",
            "否",
            "无",
            "无",
        ]
    )
    assert ws.cell(row=3, column=2).number_format == "@"
    wb.save(path)
    result = import_ledger(db, path, SYSTEM)
    assert result.counts()["new"] == 1 and result.warnings == 0
    w = next(iter(db.query("SELECT * FROM workers")))
    assert (w["wants_training"], w["wants_job"], w["liang_hou_sheng"], w["notes"]) == (
        "yes",
        "no",
        0,
        "无",
    )
    assert w["wants_school"] == "no"


def test_hostile_text_is_kept_as_text(db, tmp_path):
    name = "<script>alert(1)</script>\u202e名"
    rows = [good(1, name=name, town="<b>镇</b>", trade="😀" * 5)]
    result = import_ledger(db, write_csv(tmp_path / "h.csv", rows, encoding="utf-8"), SYSTEM)
    assert result.new == 1
    w = next(iter(db.query("SELECT * FROM workers")))
    assert w["name"] == "<script>alert(1)</script>名"  # bidi override removed
    assert w["wanted_trade"] == "😀" * 5
    long_name = "长" * 60
    result = import_ledger(db, write_csv(tmp_path / "l.csv", [good(2, name=long_name)]), SYSTEM)
    assert result.rejected == 1 and "太长" in result.rejected_rows[0].reason


def test_database_untouched_when_file_unreadable(db, tmp_path):
    before = list(db.conn.iterdump())
    with pytest.raises(UserError):
        import_ledger(db, tmp_path / "none.csv", SYSTEM)
    assert list(db.conn.iterdump()) == before
