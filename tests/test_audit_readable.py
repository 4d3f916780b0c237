"""The audit log: phones and ID numbers kept masked (new rows and, by migration 045, old
ones), shown in Chinese with a readable before/after; times and people's names as staff
read them."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import reportkit as kit

from portal import audit, audit_view, clock, idnumber, people, useradmin
from portal import db as database
from portal.db import transaction

NUMBER = idnumber.make("231221", dt.date(1980, 5, 1), 7)
MOBILE = "13912345678"


def test_new_rows_store_ids_and_phones_masked(db):
    with transaction(db):
        audit.record(
            db, "wangkui_staff", "update", "workers", 1,
            {"id_number": NUMBER, "phone": MOBILE, "name": "张三"},
            {"id_number": NUMBER, "phone": "0455-5123456",
             "notes": f"本人电话{MOBILE}，身份证{NUMBER}"},
        )  # fmt: skip
    before, after = db.execute("SELECT before_json, after_json FROM audit_log").fetchone()
    for text in (before, after):
        assert NUMBER not in text and MOBILE not in text
    assert json.loads(before) == {
        "id_number": idnumber.mask(NUMBER), "phone": "139****5678", "name": "张三",
    }  # fmt: skip
    assert json.loads(after)["phone"] == "045*****3456"
    assert json.loads(after)["notes"] == f"本人电话139****5678，身份证{idnumber.mask(NUMBER)}"


def test_a_session_edit_logs_the_contact_phone_masked(db):
    with transaction(db):
        audit.record(db, "x", "edit", "sessions", 3, {"contact_phone": "0455-5123456"},
                     {"contact_phone": "13800001111", "capacity": 25})  # fmt: skip
    text = " ".join(db.execute("SELECT before_json || after_json FROM audit_log").fetchone())
    assert "5123456" not in text and "13800001111" not in text and "138****1111" in text


def test_migration_045_masks_rows_written_before_it(tmp_path, monkeypatch):
    """Rows already in the log when 045 arrives are masked in place; masked ones untouched."""
    older = tmp_path / "migrations"
    older.mkdir()
    for f in sorted(database.MIGRATIONS.glob("*.sql")):
        if f.name < "045":
            shutil.copy(f, older / f.name)
    monkeypatch.setattr(database, "MIGRATIONS", older)
    path = tmp_path / "old.db"
    old = database.connect(path)
    rows = [
        (json.dumps({"id_number": NUMBER, "phone": MOBILE}, ensure_ascii=False),
         json.dumps({"contact_phone": "0455-5123456", "capacity": 30})),
        (None, json.dumps({"id_number": idnumber.mask(NUMBER), "phone": "***"})),
        ("not json", None),
    ]  # fmt: skip
    with transaction(old):
        for before, after in rows:
            old.execute(
                "INSERT INTO audit_log (at, actor, action, entity, before_json, after_json) "
                "VALUES ('2019-06-01T08:30:00', 'wangkui_staff', 'update', 'workers', ?, ?)",
                [before, after],
            )
    old.conn.close()
    monkeypatch.setattr(database, "MIGRATIONS", database.ROOT / "db" / "migrations")
    new = database.connect(path)
    got = list(new.execute("SELECT before_json, after_json FROM audit_log ORDER BY id"))
    first_before, first_after = (json.loads(x) for x in got[0])
    assert first_before == {"id_number": idnumber.mask(NUMBER), "phone": "139****5678"}
    assert first_after == {"contact_phone": "045*****3456", "capacity": 30}
    assert json.loads(got[1][1]) == {"id_number": idnumber.mask(NUMBER), "phone": "***"}
    assert got[2] == ("not json", None)
    columns = [r[1] for r in new.execute("PRAGMA table_info(school_students)")]
    assert "course_years" in columns
    new.conn.close()


def test_before_and_after_read_in_chinese_without_json_keys():
    before, after = audit_view.readable(
        json.dumps({"capacity": 30, "status": "draft", "trainer": "李老师"}),
        json.dumps({"capacity": 25, "status": "published", "trainer": "李老师"}),
    )
    assert before == "名额：30；状态：草稿" and after == "名额：25；状态：已发布"
    _, created = audit_view.readable(
        None, json.dumps({"first_time": 1, "kind": "sole", "registered_on": "2019-05-01"})
    )
    assert created == "首次创业：是；类型：个体工商户；工商登记日期：2019-05-01"
    _, pw = audit_view.readable(None, json.dumps({"password": "***"}))
    assert pw == "密码：（已隐藏）"
    # an unknown key is shown as stored, never dropped
    _, odd = audit_view.readable(None, json.dumps({"new_field": 5}))
    assert odd == "new_field：5"


def test_every_logged_entity_and_action_has_a_chinese_name():
    """The names written by audit.record calls across the portal all have a label."""
    import re
    from pathlib import Path

    source = "\n".join(
        p.read_text(encoding="utf-8") for p in Path(database.ROOT, "portal").rglob("*.py")
    )
    entities = set(re.findall(r'audit\.record\([^)]*?"[a-z_]+",\s*"([a-z_]+)"', source, re.S))
    assert entities and entities <= set(audit_view.ENTITIES), entities - set(audit_view.ENTITIES)
    # The action: a literal, or chosen inline ("update" if ... else "create"), before the entity.
    actions = {
        word
        for chosen in re.findall(
            r'audit\.record\(\s*[^,]+,\s*[^,]+,\s*([^,]+),\s*"[a-z_]+"', source
        )
        for word in re.findall(r'"([a-z_]+)"', chosen)
    }
    assert {"create", "update", "wait"} <= actions
    assert actions <= set(audit_view.ACTIONS), actions - set(audit_view.ACTIONS)


def test_log_rows_show_names_and_chinese_times(db):
    with transaction(db):
        audit.record(db, "wangkui_staff", "submit", "monthly_reports", 4,
                     {"status": "draft"}, {"status": "submitted"})  # fmt: skip
    entries = useradmin.audit_entries(db, kit.CITY)
    names = people.names(db, [e["actor"] for e in entries])
    (row,) = audit_view.rows(entries, names)
    assert row["对象"] == "月报" and row["操作"] == "提交"
    assert row["修改前"] == "状态：草稿" and row["修改后"] == "状态：已提交"
    assert row["时间"].startswith(f"{dt.date.today().year}年")
    assert "T" not in row["时间"]


def test_time_format_is_one_everywhere():
    assert clock.display("2019-06-01T08:30:15") == "2019年6月1日 08:30"
    assert clock.display("2019-06-01 08:30") == "2019年6月1日 08:30"
    assert clock.display("2019-06-01") == "2019年6月1日"
    assert clock.display(dt.datetime(2019, 12, 31, 23, 5)) == "2019年12月31日 23:05"
    assert clock.display(None) == "" and clock.display("") == ""
    assert clock.display("未送达") == "未送达"  # not a time: shown as it is


def test_people_names_for_login_names(demo_db):
    got = people.names(demo_db, ["wangkui_staff", "system", "gone_user", None])
    display = demo_db.execute(
        "SELECT display_name FROM users WHERE username = 'wangkui_staff'"
    ).fetchone()[0]
    assert got == {"wangkui_staff": display, "system": "系统（命令行）", "gone_user": "gone_user"}
    assert display != "wangkui_staff"
