"""Options every command of ``build.py`` shares, defined once so their wording stays the same."""

from __future__ import annotations

from pathlib import Path

import click

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="数据库文件（默认取环境变量 PORTAL_DB，否则 db/portal.db）。",
)
