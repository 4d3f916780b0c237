"""Shared fixtures: real SQLite files in temporary folders, the demo data set, the CLI runner."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal import db as database  # noqa: E402
from portal import demo  # noqa: E402


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """A fresh, migrated database file; PORTAL_DB points at it."""
    path = tmp_path / "portal.db"
    database.connect(path).conn.close()
    monkeypatch.setenv("PORTAL_DB", str(path))
    return path


@pytest.fixture
def db(db_path):
    conn = database.connect(db_path)
    yield conn
    conn.conn.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo data set, loaded once per test run; tests get their own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    conn = database.connect(path)
    demo.load(conn)
    conn.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.conn.close()
    return path


@pytest.fixture
def demo_db_path(demo_template, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("PORTAL_DB", str(path))
    return path


@pytest.fixture
def demo_db(demo_db_path):
    conn = database.connect(demo_db_path)
    yield conn
    conn.conn.close()


@pytest.fixture
def run_cli():
    """Invoke build.py's click CLI in-process; returns the click Result."""
    from click.testing import CliRunner

    import build

    def invoke(*args, input=None):
        return CliRunner().invoke(
            build.cli, [str(a) for a in args], input=input, catch_exceptions=False
        )

    return invoke
