"""Rebuilding the public site from the portal: ``python build.py site --db <db>`` in a child.

Run as a separate process so that a slow or failing MkDocs build can neither freeze nor crash
the portal, and so the site is built exactly as the command line builds it.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from portal import audit
from portal.db import transaction
from portal.errors import ScopeError
from portal.scope import Actor

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 600


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str
    output: str = ""


def _command(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "site", *args]


def db_file(db: sqlite_utils.Database) -> Path:
    """The file behind a connection: the site is built from the database the portal uses."""
    return Path(db.execute("PRAGMA database_list").fetchone()[2])


def available() -> bool:
    """True when the ``site`` command is installed (another part of the product adds it)."""
    try:
        done = subprocess.run(
            _command("--help"), cwd=ROOT, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def rebuild(db: sqlite_utils.Database, actor: Actor, db_path: str | Path) -> Result:
    """Build the site from ``db_path``; staff only, and recorded in the audit log."""
    if not actor.is_staff:
        raise ScopeError("只有县、市工作人员可以重建公开网站。")
    if not available():
        return Result(
            False,
            "公开网站生成程序（build.py site）尚未安装，暂时无法重建网站。"
            "已发布的班次会在网站生成程序安装后的下一次构建中出现。",
        )
    try:
        done = subprocess.run(
            _command("--db", str(db_path)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return Result(False, f"网站构建超过{TIMEOUT_S // 60}分钟仍未完成，已停止，请稍后重试。")
    output = (done.stdout + done.stderr)[-4000:]
    ok = done.returncode == 0
    with transaction(db):
        audit.record(
            db, actor.username, "rebuild_site", "site", None, None, {"ok": ok, "db": str(db_path)}
        )
    if ok:
        return Result(True, "公开网站已重建，已发布的班次已更新到培训时间表。", output)
    return Result(False, "网站构建失败，请把下面的输出发给技术人员。", output)
