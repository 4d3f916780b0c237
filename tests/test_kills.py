"""kill -9 in the middle of a packs batch and a site build: nothing half-done is left behind.

(The ledger import's kill test lives in test_ledger_atomic.py.)
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from build import ROOT


def _dump(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return list(conn.iterdump())
    finally:
        conn.close()


def _start(*args):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _kill_when(proc, ready, timeout: float = 120) -> None:
    """Kill as soon as ``ready()`` says the work is under way (a fixed delay is too long on
    a fast quiet machine, where a batch may finish within it)."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "finished before it could be killed: " + proc.stdout.read()
        assert time.monotonic() < deadline, "never got under way"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _biggest_township(db_path) -> str:
    conn = sqlite3.connect(db_path)
    path = conn.execute(
        "SELECT c.name || '/' || t.name FROM workers w JOIN areas t ON t.code = w.township_code "
        "JOIN areas c ON c.code = w.county_code GROUP BY w.township_code ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    conn.close()
    return path


def test_kill_during_packs_batch(demo_db_path, tmp_path):
    before = _dump(demo_db_path)
    out = tmp_path / "batch.pdf"
    township = _biggest_township(demo_db_path)
    proc = _start(
        "packs",
        "--township",
        township,
        "--all-workers",
        "--out",
        out,
        "--db",
        demo_db_path,
        "--date",
        "2019-06-01",
    )
    # the chunks' temporary folder beside the output: rendering has begun, nothing recorded
    _kill_when(proc, lambda: any(tmp_path.glob(".packs-*")))
    assert _dump(demo_db_path) == before  # no print recorded for a batch that never finished
    assert not out.exists()  # no half-written PDF under the name the user asked for
    # the next run succeeds and records the batch
    again = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "packs",
            "--village",
            township + "/" + _first_village(demo_db_path, township),
            "--out",
            out,
            "--db",
            str(demo_db_path),
            "--date",
            "2019-06-01",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert (
        sqlite3.connect(demo_db_path).execute("SELECT COUNT(*) FROM pack_prints").fetchone()[0] > 0
    )


def _first_village(db_path, township_path) -> str:
    county, township = township_path.split("/")
    conn = sqlite3.connect(db_path)
    name = conn.execute(
        "SELECT v.name FROM areas v JOIN areas t ON t.code = v.parent_code JOIN areas c ON c.code = t.parent_code "
        "JOIN workers w ON w.village_code = v.code "
        "WHERE c.name = ? AND t.name = ? AND w.wants_training = 'yes' ORDER BY v.code LIMIT 1",
        [county, township],
    ).fetchone()[0]
    conn.close()
    return name


def test_kill_during_site_build_keeps_the_old_site(demo_db_path, tmp_path):
    out = tmp_path / "site"
    first = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "site",
            "--db",
            str(demo_db_path),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stdout + first.stderr
    index = (out / "index.html").read_bytes()
    files = sorted(p.relative_to(out) for p in out.rglob("*"))
    before = _dump(demo_db_path)

    proc = _start("site", "--db", demo_db_path, "--out", out)
    _kill_when(proc, lambda: any(tmp_path.glob("site.building*")))  # MkDocs is writing
    assert (out / "index.html").read_bytes() == index
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == files
    assert _dump(demo_db_path) == before

    again = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "site",
            "--db",
            str(demo_db_path),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert (out / "index.html").exists()
    assert not list(tmp_path.glob("site.building*"))
