"""What ``build.py`` loads before a command runs: the heavy libraries only where used.

Why a test: one top-level ``import`` in a shared module (sqlite-utils pulls in pandas, the
renderers WeasyPrint) adds about a second to every command, and nothing else would notice.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "numpy", "openpyxl", "weasyprint", "streamlit", "pyarrow")


def loaded_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json\n"
         f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_command_line_loads_no_heavy_library_before_a_command_runs():
    assert loaded_after("import build") == []


def test_opening_and_migrating_a_database_loads_no_heavy_library(tmp_path):
    code = (
        f"from portal import db\nd = db.connect({str(tmp_path / 'p.db')!r})\nd.execute('select 1')"
    )
    assert loaded_after(code) == []


def test_a_small_import_from_the_command_line_needs_no_dataframe_library(tmp_path):
    # A file under the checking-process size is checked in this process: numpy is then
    # loaded (the column checks use it), pandas never.
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("姓名,身份证号\n张三,231221198001010011\n", encoding="utf-8")
    code = (
        "import sys\nfrom click.testing import CliRunner\nimport build\n"
        f"r = CliRunner().invoke(build.cli, ['import-ledger', {str(csv_file)!r}, "
        f"'--db', {str(tmp_path / 'p.db')!r}])\nassert r.exit_code == 0, r.output"
    )
    assert "pandas" not in loaded_after(code)


def test_sqlite_utils_still_works_with_pandas_loaded_later(tmp_path):
    code = (
        "import portal, sqlite_utils, pandas\n"
        f"d = sqlite_utils.Database({str(tmp_path / 'x.db')!r})\n"
        "d['t'].insert({'a': 1, 'b': '张三'})\n"
        "assert list(d.query('select * from t')) == [{'a': 1, 'b': '张三'}]"
    )
    assert "pandas" in loaded_after(code)


def test_opening_a_database_does_not_look_for_sqlite_utils_plugins(tmp_path):
    """The plugin search reads every installed package's metadata (about 40 ms a process)."""
    code = (
        "import sys\nfrom portal import db\n"
        f"d = db.connect({str(tmp_path / 'p.db')!r})\n"
        "import sqlite_utils.plugins\n"
        "assert not sqlite_utils.plugins._plugins_loaded\n"
        "assert 'importlib.metadata' not in sys.modules, 'package metadata read'\n"
        "d['t'].insert({'a': 1})\nassert d.execute('select a from t').fetchall() == [(1,)]"
    )
    assert loaded_after(code) == []


def test_a_command_run_as_a_script_still_closes_its_database_at_exit(tmp_path):
    """``build.py`` freezes what it loaded so that exit does not walk it again; the database
    opened by the command is still closed at exit: its WAL folded in and removed."""
    from tests.ledger_files import ident, write_csv

    csv_file = write_csv(tmp_path / "a.csv", [[1, "张三", ident(1), "望奎", "灵山乡", "东村"]])
    db_file = tmp_path / "p.db"
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "import-ledger", str(csv_file), "--db", str(db_file)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not Path(f"{db_file}-wal").exists() and not Path(f"{db_file}-shm").exists()
    import sqlite3

    conn = sqlite3.connect(db_file)
    try:
        assert conn.execute("SELECT COUNT(*) FROM workers").fetchone()[0] == 1
    finally:
        conn.close()
