"""The column-by-column checks give the row checker's outcome, row for row, on hostile input.

``ChunkChecker`` takes the plainly clean rows column by column and hands every other row to
``RowChecker.check``; these tests hold the two ways together: the same rows accepted with the
same records, the same rejections and warnings with the same sentences, the same skips, and
in the database the same people whichever way their rows went.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.ledger import chunks, importer
from portal.ledger.chunks import ChunkChecker, id_numbers
from portal.ledger.importer import import_ledger
from portal.ledger.reader import HEADERS, mapped
from portal.ledger.rows import RowChecker, quick_id
from portal.scope import SYSTEM, Actor
from tests.ledger_files import ident, write_csv, write_xlsx

TODAY = dt.date(2019, 3, 12)
FIELDS = list(HEADERS)  # every field a ledger can have
HEADER = ["序号", *(HEADERS[f][0] for f in FIELDS)]
COLUMNS = {f: i + 1 for i, f in enumerate(FIELDS)}

ANY_CELL = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
# Per field: mostly what ledgers hold, then what they should not.
CHOICES = {
    "name": ["张三", "李四", " 王五 ", "赵\u200b六", "e\u0301", "x" * 51, "填表人：刘", "合计", ""],
    "id_number": [
        *(ident(i) for i in range(1, 8)),
        ident(3).lower(),
        " " + ident(4),
        ident(5)[:17] + "0",
        "231221800101001",
        "２３１２２１１９８００１０１００１Ｘ",
        int(ident(6)[:17] + "1"),
        ident(9, division="232324"),
        ident(9, division="231299"),
        ident(2, year=2030),
        "",
    ],
    "county": ["望奎", "望奎县", "兰西", "231221", " 望奎 ", "哈尔滨", ""],
    "township": ["灵山乡", "东郊镇", " 灵山乡", "x" * 51, "乡\x00", ""],
    "village": ["东村", "西村", "东村 ", "村\u202e", ""],
    "gender": ["", "男", "女", "男性", "未知"],
    "phone": ["", "13800000000", "0455-1234567", "12345", 13800000000, "１３８００００００００"],
    "household_no": ["", "H001", "x" * 41],
    "education": ["", "初中", "小学", "x" * 41, "a\u202eb"],
    "work_capacity": ["", "有劳动能力"],
    "work_status": ["", "务工", 1.5],
    "wants_training": ["", "是", "否", "√", "×", "也许", "Y", 1, 0, True],
    "wanted_trade": ["", "育婴员", "家政服务员", "=1+1"],
    "wants_job": ["", "是", "否", "不知道"],
    "liang_hou_sheng": ["", "是", "否", "?"],
    "wants_school": ["", "有", "无", "愿意", "不愿意", "看情况"],
    "notes": ["", "备注", "x" * 501, dt.date(2019, 3, 1)],
}


@st.composite
def ledger_row(draw):
    usual = draw(st.booleans())
    cells = [draw(st.integers(0, 99))]
    for f in FIELDS:
        options = CHOICES[f]
        if usual:  # a clean row: the first choices only
            options = options[:2] if f not in ("name", "id_number") else options[:7]
        cell = draw(
            st.one_of(st.sampled_from(options), ANY_CELL) if not usual else st.sampled_from(options)
        )
        cells.append(cell)
    cut = draw(st.sampled_from([None, None, None, None, 3, 8]))
    return cells[:cut] if cut else cells


def one_by_one(rows, county, fields=FIELDS, columns=COLUMNS):
    checker = RowChecker(county, set(fields), today=TODAY)
    accepted, rejected, warnings, skipped = {}, [], [], 0
    for number, cells in enumerate(rows, start=3):
        out = checker.check(number, mapped(columns, cells), cells)
        if out.kind == "ok":
            accepted[number] = (out.id_text, out.id_number, out.record)
            warnings += [(number, out.name, out.id_text, w) for w in out.warnings]
        elif out.kind == "skipped":
            skipped += 1
        else:
            rejected.append((number, out.name, out.id_text, out.reason))
    return accepted, rejected, sorted(warnings), skipped


def by_chunks(rows, county, size, fields=FIELDS, columns=COLUMNS):
    checker = ChunkChecker(RowChecker(county, set(fields), today=TODAY), columns)
    accepted, rejected, warnings, skipped = {}, [], [], 0
    numbers = list(range(3, len(rows) + 3))
    for start in range(0, len(rows), size):
        got, bad, warned, skips = checker.check(
            numbers[start : start + size], rows[start : start + size]
        )
        for i, number in enumerate(got.numbers):
            dropped = got.kept.get(i, ())
            record = {k: v[i] for k, v in got.values.items() if k not in dropped}
            accepted[number] = (got.id_texts[i], got.ids[i], record)
        rejected += [(p.row, p.name, p.id_text, p.reason) for p in bad]
        warnings += [(p.row, p.name, p.id_text, p.reason) for p in warned]
        skipped += skips
    return accepted, sorted(rejected), sorted(warnings), skipped


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(ledger_row(), max_size=25),
    size=st.integers(1, 12),
    county=st.sampled_from([None, "231221"]),
)
def test_chunks_give_what_the_row_checker_gives(rows, size, county):
    assert by_chunks(rows, county, size) == one_by_one(rows, county)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(ledger_row(), max_size=20), size=st.integers(1, 8))
def test_a_sheet_without_a_county_column_alike(rows, size):
    fields = ["name", "id_number", "township", "village", "phone"]
    columns = {f: COLUMNS[f] for f in fields}
    assert by_chunks(rows, "231221", size, fields, columns) == one_by_one(
        rows, "231221", fields, columns
    )
    assert by_chunks(rows, None, size, fields, columns) == one_by_one(rows, None, fields, columns)


def test_clean_rows_take_the_column_way_and_the_rest_the_row_checker(monkeypatch):
    clean = [[i, f"人{i}", ident(i), "望奎", "灵山乡", "东村"] for i in range(1, 40)]
    rows = [*clean, [40, "", ident(40), "望奎", "灵山乡", "东村"], clean[5]]
    seen = []
    real = RowChecker.check
    monkeypatch.setattr(
        RowChecker,
        "check",
        lambda self, n, raw, cells=None: seen.append(n) or real(self, n, raw, cells),
    )
    columns = {"name": 1, "id_number": 2, "county": 3, "township": 4, "village": 5}
    checker = ChunkChecker(RowChecker(None, set(columns), today=TODAY), columns)
    got, rejected, _, _ = checker.check(list(range(3, 44)), rows)
    assert len(got) == 39 and seen == [42, 43]  # the row without a name, then the repeat
    assert [p.reason for p in rejected] == [
        "缺少姓名。",
        "与第8行的身份证号重复（同一人在表里出现了两次）。",
    ]


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789X", min_size=17, max_size=19),
        st.text(max_size=20),
        st.builds(
            lambda div, days, seq: ident(days * 1000 + seq, division=div, year=1900),
            st.sampled_from(["231221", "232324", "110101", "231299", "990000", "230000"]),
            st.integers(min_value=0, max_value=50_000),
            st.integers(min_value=0, max_value=999),
        ),
    )
)
def test_id_numbers_in_bulk_agree_with_quick_id(text):
    ok, births, genders = id_numbers([text, ident(1)], TODAY)
    quick = quick_id(text, TODAY)
    if ok[0]:
        assert quick == (text, dt.date.fromisoformat(births[0]), genders[0])
    else:  # refused in bulk: quick_id refuses it too, or it is not plain ASCII
        assert quick is None or not text.isascii()
    assert ok[1] and births[1] == "1980-01-01"


def _stored(db):
    return db.execute(
        f"SELECT id_number, {', '.join(importer.COLUMNS)} FROM workers ORDER BY id_number"
    ).fetchall()


def _every_row_one_by_one(monkeypatch):
    """The column way switched off: every row goes to the row checker."""
    monkeypatch.setattr(
        chunks.ChunkChecker,
        "_columns",
        lambda self, rows: ({"id_number": [""] * len(rows)}, set(range(len(rows)))),
    )


def _mixed_rows():
    rows = [
        [
            i,
            f"人{i}",
            ident(i),
            "望奎",
            f"镇{i % 3}",
            f"村{i % 4}",
            "",
            f"138000000{i:02d}",
            "是",
            "",
        ]
        for i in range(1, 60)
    ]
    rows[3][7] = "电话坏了"  # a warning, the phone dropped
    rows[4][2] = ident(5).lower() if ident(5).endswith("X") else ident(5)
    rows[6][2] = rows[2][2]  # a repeat
    rows[8][6] = "男性"
    rows[9][8] = "也许"
    rows[10][1] = ""
    rows[11] = ["", "", "", "", "", "", "", "", "", ""]
    rows[12][3] = "哈尔滨"
    return rows


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_database_is_the_same_whichever_way_rows_go(tmp_path, monkeypatch, kind):
    from portal import db as database
    from portal.ledger import checking

    monkeypatch.setattr(checking, "CHUNK", 16)
    first, second = _mixed_rows(), _mixed_rows()
    second[20][7] = "不是电话"  # re-import: a bad phone keeps the stored one
    second[21][8] = "否"  # a change
    second[22][4] = "新镇"  # a move, to a new township
    write = write_csv if kind == "csv" else write_xlsx

    def outcome(name):
        db = database.connect(tmp_path / f"{name}.db")
        results = [
            import_ledger(db, write(tmp_path / f"{name}-{n}.{kind}", rows), SYSTEM)
            for n, rows in enumerate((first, second))
        ]
        return (
            [r.counts() for r in results],
            [[(p.row, p.name, p.id_text, p.reason) for p in r.rejected_rows] for r in results],
            [sorted((p.row, p.reason) for p in r.warning_rows) for r in results],
            _stored(db),
        )

    by_columns = outcome("columns")
    _every_row_one_by_one(monkeypatch)
    by_rows = outcome("rows")
    assert by_columns == by_rows
    counts, _, _, stored = by_columns
    assert counts[1]["updated"] == 2 and counts[1]["warnings"] >= 2
    phones = {r[0]: r[4] for r in stored}
    assert phones[ident(21)] == "13800000021"  # kept from the first import


def test_a_county_cannot_change_anothers_people_either_way(tmp_path, monkeypatch):
    from portal import db as database

    city = Actor("city", "city", display_name="市局")
    wangkui = Actor("wk", "county", county_code="231221", display_name="望奎")
    lanxi = [[1, "甲", ident(1), "兰西", "镇", "村"], [2, "乙", ident(2), "兰西", "镇", "村"]]
    mine = [[1, "甲", ident(1), "望奎", "镇", "村"], [3, "丙", ident(3), "望奎", "镇", "村"]]

    def outcome(name):
        db = database.connect(tmp_path / f"{name}.db")
        import_ledger(db, write_csv(tmp_path / f"{name}-a.csv", lanxi), city)
        result = import_ledger(db, write_csv(tmp_path / f"{name}-b.csv", mine), wangkui)
        return result.counts(), [(p.row, p.reason) for p in result.rejected_rows], _stored(db)

    by_columns = outcome("columns")
    _every_row_one_by_one(monkeypatch)
    assert outcome("rows") == by_columns
    counts, rejected, _ = by_columns
    assert (counts["new"], counts["rejected"]) == (1, 1) and "兰西县" in rejected[0][1]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ledger_row(), max_size=15))
def test_any_rows_store_alike_either_way(tmp_path_factory, monkeypatch, rows):
    from portal import db as database

    folder = tmp_path_factory.mktemp("alike")
    rows = [["" if c is None else c for c in r] for r in rows]
    path = write_csv(folder / "a.csv", rows, encoding="utf-8", header=HEADER)

    def outcome(name):
        db = database.connect(folder / f"{name}.db")
        try:
            result = import_ledger(db, path, SYSTEM, today=TODAY)
        except Exception as exc:  # noqa: BLE001 - both ways must fail alike
            return type(exc), str(exc)
        return result.counts(), result.report_rows(), _stored(db)

    by_columns = outcome("columns")
    with monkeypatch.context() as m:
        _every_row_one_by_one(m)
        assert outcome("rows") == by_columns


def test_the_constraints_the_insert_skips_are_checked_for_each_chunk(db, tmp_path, monkeypatch):
    """The insert tells SQLite not to repeat its CHECKs and foreign keys row by row, because
    the importer asks them of each chunk first: a value that would break one stops the import."""
    import numpy as np

    path = write_csv(
        tmp_path / "a.csv", [[i, f"人{i}", ident(i), "望奎", "镇", "村"] for i in range(1, 9)]
    )
    before = list(db.conn.iterdump())
    real = chunks.id_numbers

    def wrong_gender(texts, today):
        ok, births, genders = real(texts, today)
        return ok, births, ["男女"] * len(genders)

    monkeypatch.setattr(chunks, "id_numbers", wrong_gender)
    with pytest.raises(RuntimeError, match="CHECK"):
        import_ledger(db, path, SYSTEM)
    assert list(db.conn.iterdump()) == before
    monkeypatch.setattr(chunks, "id_numbers", real)

    monkeypatch.setattr(
        importer._Places, "place", lambda self, c, t, v: ("231221999", "231221999999")
    )
    with pytest.raises(RuntimeError, match="place without its area"):
        import_ledger(db, path, SYSTEM)
    assert list(db.conn.iterdump()) == before
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert np  # the bulk ID check returns numpy arrays; the fake keeps them
