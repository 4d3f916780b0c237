import sqlite3
import subprocess
import sys

from build import ROOT


def test_init_db(run_cli, tmp_path):
    result = run_cli("init-db", "--db", tmp_path / "a.db")
    assert result.exit_code == 0, result.output
    assert "结构版本" in result.output
    assert (
        sqlite3.connect(tmp_path / "a.db")
        .execute("SELECT COUNT(*) FROM areas WHERE level='county'")
        .fetchone()[0]
        == 10
    )


def test_demo_and_if_empty(run_cli, tmp_path):
    path = tmp_path / "d.db"
    result = run_cli("demo", "--db", path)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(path)
    workers = conn.execute("SELECT COUNT(*) FROM workers").fetchone()[0]
    assert 1800 <= workers <= 2500
    assert conn.execute("SELECT COUNT(DISTINCT county_code) FROM workers").fetchone()[0] == 10
    assert (
        conn.execute(
            "SELECT COUNT(DISTINCT campaign_code) FROM sessions JOIN courses ON courses.code = course_code"
        ).fetchone()[0]
        >= 6
    )
    assert conn.execute("SELECT COUNT(DISTINCT status) FROM enrolments").fetchone()[0] == 3
    again = run_cli("demo", "--db", path, "--if-empty")
    assert again.exit_code == 0 and "未装入" in again.output
    refused = run_cli("demo", "--db", path)
    assert refused.exit_code == 1 and "空数据库" in refused.output


def test_demo_is_deterministic(run_cli, tmp_path):
    for name in ("a.db", "b.db"):
        run_cli("demo", "--db", tmp_path / name)
    q = "SELECT id_number, name FROM workers ORDER BY id"
    assert (
        sqlite3.connect(tmp_path / "a.db").execute(q).fetchall()
        == sqlite3.connect(tmp_path / "b.db").execute(q).fetchall()
    )


def test_add_user_and_errors(run_cli, db_path):
    ok = run_cli(
        "add-user",
        "wangkui01",
        "--role",
        "county",
        "--county",
        "望奎",
        "--password",
        "qingzhou2019x",
        "--db",
        db_path,
    )
    assert ok.exit_code == 0, ok.output
    row = (
        sqlite3.connect(db_path)
        .execute("SELECT role, county_code, password_hash FROM users")
        .fetchone()
    )
    assert row[:2] == ("county", "231221") and row[2].startswith("$argon2")
    dup = run_cli(
        "add-user",
        "wangkui01",
        "--role",
        "county",
        "--county",
        "望奎",
        "--password",
        "qingzhou2019x",
        "--db",
        db_path,
    )
    assert dup.exit_code == 1 and "已被使用" in dup.output
    weak = run_cli("add-user", "other01", "--role", "city", "--password", "123", "--db", db_path)
    assert weak.exit_code == 1 and "密码" in weak.output
    no_county = run_cli(
        "add-user", "other02", "--role", "county", "--password", "qingzhou2019x", "--db", db_path
    )
    assert no_county.exit_code == 1 and "县" in no_county.output
    bad_county = run_cli(
        "add-user",
        "other03",
        "--role",
        "county",
        "--county",
        "哈尔滨",
        "--password",
        "qingzhou2019x",
        "--db",
        db_path,
    )
    assert bad_county.exit_code == 1 and "不是绥化市" in bad_county.output
    no_inst = run_cli(
        "add-user",
        "other04",
        "--role",
        "institution",
        "--institution",
        "不存在的学校",
        "--password",
        "qingzhou2019x",
        "--db",
        db_path,
    )
    assert no_inst.exit_code == 1 and "找不到培训机构" in no_inst.output
    audit = (
        sqlite3.connect(db_path)
        .execute("SELECT after_json FROM audit_log WHERE entity = 'users'")
        .fetchone()[0]
    )
    assert "$argon2" not in audit and "qingzhou2019x" not in audit


def test_backup_command(run_cli, demo_db_path, tmp_path):
    result = run_cli("backup", tmp_path / "out" / "b.db", "--db", demo_db_path)
    assert result.exit_code == 0, result.output
    assert (
        sqlite3.connect(tmp_path / "out" / "b.db").execute("PRAGMA integrity_check").fetchone()[0]
        == "ok"
    )


def test_bad_database_is_one_sentence_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 500)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "init-db", "--db", str(bad)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "错误：" in proc.stderr


def test_every_command_has_an_example_in_help(run_cli):
    import build

    for name in build.cli.commands:
        result = run_cli(name, "--help")
        assert result.exit_code == 0
        assert "例：" in result.output, name
