"""Long fault tests (make soak): kills at random moments of a large import, many rounds.

Each kill must leave the database either exactly as before the import or with the whole
import in it — never in between — and pass PRAGMA integrity_check.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from build import ROOT
from tests.ledger_files import ident, write_csv

pytestmark = pytest.mark.soak
ROWS = 100_000


def _count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT COUNT(*) FROM workers").fetchone()[0]
    finally:
        conn.close()


def test_random_kills_during_a_large_import(db_path, tmp_path):
    rows = [
        [i, f"人{i}", ident(i), "望奎", f"镇{i % 30}", f"村{i % 900}"] for i in range(1, ROWS + 1)
    ]
    big = write_csv(tmp_path / "big.csv", rows)
    env = {**os.environ, "PORTAL_DB": str(db_path)}
    cmd = [sys.executable, str(ROOT / "build.py"), "import-ledger", str(big), "--json"]
    rng = random.Random(7)
    outcomes = []
    for _ in range(12):
        before = _count(db_path)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 12))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = _count(db_path)
        assert after in (before, ROWS), (before, after)
        outcomes.append(after == ROWS)
        if after == ROWS:
            break
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert _count(db_path) == ROWS
