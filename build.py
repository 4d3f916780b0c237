#!/usr/bin/env python3
"""绥化市就业扶贫技能培训全覆盖 — the one command line for database, import, site, packs and reports.

Run ``python build.py --help`` for the commands; each command's ``--help`` carries an example.
"""

from __future__ import annotations

import gc

if __name__ == "__main__":
    gc.disable()  # until the modules are loaded: see the end of this file

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal import accounts, catalogue  # noqa: E402
from portal import db as database
from portal import demo as demo_data
from portal.cli_options import db_option  # noqa: E402
from portal.errors import UserError  # noqa: E402


class FriendlyGroup(click.Group):
    """Every failure a user can cause ends as one Chinese sentence and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"错误：{exc}", err=True)
            ctx.exit(1)
        except sqlite3.DatabaseError as exc:
            click.echo(f"错误：{database.explain(exc)}", err=True)
            ctx.exit(1)
        except OSError as exc:
            click.echo(
                f"错误：文件操作失败（{exc.strerror or exc}：{exc.filename or ''}）。", err=True
            )
            ctx.exit(1)


def open_db(db_path: Path | None):
    return database.connect(db_path)


@click.group(cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """绥化市就业扶贫技能培训全覆盖：数据库、台账导入、公开网站、政策包与报表。

    \b
    例：
      python build.py init-db
      python build.py demo
      python build.py serve
    """


@cli.command("init-db")
@db_option
def init_db(db_path):
    """创建数据库或升级到最新结构（可重复执行）。

    \b
    例：
      python build.py init-db
      python build.py init-db --db /srv/suihua/portal.db
    """
    db = open_db(db_path)
    catalogue.sync(db)
    tables = len(db.table_names())
    versions = [
        r["version"] for r in db.query("SELECT version FROM schema_migrations ORDER BY version")
    ]
    click.echo(f"数据库已就绪：{db.conn.execute('PRAGMA database_list').fetchone()[2]}")
    click.echo(
        f"结构版本：{versions[-1] if versions else '无'}（共{len(versions)}次迁移，{tables}张表）"
    )


@cli.command()
@db_option
@click.option(
    "--if-empty", is_flag=True, help="数据库已有劳动力数据时什么也不做（供 make run 使用）。"
)
def demo(db_path, if_empty):
    """装入示例数据（虚构）：十个县（市、区）、约2000名劳动力、10家培训机构和各角色示例账户。

    \b
    例：
      python build.py demo --db /tmp/demo.db
      python build.py demo --if-empty
    """
    db = open_db(db_path)
    has_workers = next(iter(db.query("SELECT COUNT(*) AS n FROM workers")))["n"]
    if if_empty and has_workers:
        click.echo("数据库已有数据，未装入示例数据。")
        return
    started = time.perf_counter()
    counts = demo_data.load(db)
    click.echo(
        f"已装入示例数据（{time.perf_counter() - started:.1f}秒）：{counts['villages']}个村、"
        f"{counts['workers']}名劳动力、{counts['institutions']}家培训机构、{counts['sessions']}个培训班次、"
        f"{counts['enrolments']}条报名记录、{counts['users']}个示例账户。"
    )
    click.echo(f"示例账户的密码都是 {demo_data.DEMO_PASSWORD}：")
    for username, role, name, *_ in demo_data.DEMO_ACCOUNTS:
        click.echo(f"  {username:<16}{accounts.ROLES[role]}  {name}")


@cli.command("add-user")
@db_option
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(sorted(accounts.ROLES)),
    required=True,
    help="city 市级 / county 县级 / institution 培训机构",
)
@click.option("--name", "display_name", help="显示名称，例如“望奎县劳动就业服务局”。")
@click.option("--county", help="县级账户所属县（市、区），例如 望奎县 或 望奎。")
@click.option("--institution", help="培训机构账户所属机构的名称或编号。")
@click.option("--admin", is_flag=True, help="市级管理员：可在平台上管理账户。")
@click.option("--password", envvar="NEW_USER_PASSWORD", help="密码；不给时会提示输入（不回显）。")
def add_user(db_path, username, role, display_name, county, institution, admin, password):
    """新建平台账户（密码以 argon2 散列保存）。

    \b
    例：
      python build.py add-user wangkui01 --role county --county 望奎县 --name 望奎县劳动就业服务局
      python build.py add-user jigou07 --role institution --institution 望奎县巾帼家政职业培训学校
      python build.py add-user admin --role city --admin
    """
    db = open_db(db_path)
    institution_id = None
    if institution:
        rows = list(
            db.query(
                "SELECT id FROM institutions WHERE name = ? OR CAST(id AS TEXT) = ?",
                [institution, institution],
            )
        )
        if not rows:
            raise UserError(f"找不到培训机构“{institution}”，请先在平台登记该机构，或检查名称。")
        institution_id = rows[0]["id"]
    if not password:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")
    user_id = accounts.create_user(
        db,
        username=username,
        password=password,
        role=role,
        display_name=display_name,
        county=county,
        institution_id=institution_id,
        is_admin=admin,
        actor="cli",
    )
    click.echo(f"已创建账户 {username}（编号 {user_id}，{accounts.ROLES[role]}）。")


@cli.command()
@db_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup(db_path, out):
    """在线备份数据库（平台运行中也可以做，备份文件自带完整性校验）。

    \b
    例：
      python build.py backup backups/portal-$(date +%F).db
    恢复：停止平台，把备份文件复制为 db/portal.db（或 PORTAL_DB 指向的文件）后再启动。
    """
    db = open_db(db_path)
    started = time.perf_counter()
    path = database.backup(db, out)
    size = path.stat().st_size / 1024 / 1024
    click.echo(
        f"已备份到 {path}（{size:.1f} MB，{time.perf_counter() - started:.1f}秒，完整性校验通过）。"
    )


@cli.command()
@db_option
@click.option("--site-port", default=8000, show_default=True, help="公开网站端口。")
@click.option("--portal-port", default=8501, show_default=True, help="管理平台端口。")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
def serve(db_path, site_port, portal_port, host):
    """同时启动公开网站（site/ 目录）和管理平台；Ctrl-C 一起停止。

    \b
    例：
      python build.py serve
      python build.py serve --host 0.0.0.0 --portal-port 8600
    """
    from portal.launch import portal_command

    db_file = Path(db_path or database.default_path()).resolve()
    database.connect(db_file).conn.close()
    site_dir = ROOT / "site"
    env = {**os.environ, "PORTAL_DB": str(db_file)}
    procs = []
    if site_dir.is_dir():
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "http.server",
                    str(site_port),
                    "--bind",
                    host,
                    "--directory",
                    str(site_dir),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        click.echo(f"公开网站：http://{host}:{site_port}/")
    else:
        click.echo("公开网站尚未生成（先运行 python build.py site），本次只启动管理平台。")
    procs.append(
        subprocess.Popen(
            portal_command(portal_port, host),
            env=env,
            cwd=ROOT,  # .streamlit/config.toml is read from the working directory
        )
    )
    click.echo(f"管理平台：http://{host}:{portal_port}/")
    demo_db = database.connect(db_file)
    if demo_data.is_demo(demo_db):
        click.echo(f"当前是示例数据。示例账户（密码 {demo_data.DEMO_PASSWORD}）：")
        for username, role, name, *_ in demo_data.DEMO_ACCOUNTS:
            click.echo(f"  {username:<16}{accounts.ROLES[role]}  {name}")
    demo_db.conn.close()
    click.echo("按 Ctrl-C 停止。")
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    click.echo("已停止。")


# Commands of the other parts, each defined in its own module.
from portal.baseline.cli import baseline_command  # noqa: E402
from portal.cli_packs import packs_command  # noqa: E402
from portal.cli_reports import report  # noqa: E402
from portal.cli_site import site  # noqa: E402
from portal.ledger.cli import import_ledger_command  # noqa: E402

cli.add_command(report)
cli.add_command(site)
cli.add_command(import_ledger_command)
cli.add_command(packs_command)
cli.add_command(baseline_command)


if __name__ == "__main__":
    # The modules just loaded live until the process exits. Why freeze them: the cyclic
    # collector would otherwise walk them again and again while they load, and once more
    # in full at exit, which measured 25–45 ms of every call (a 20,000-row import takes
    # under 1 s in all). Objects made by the command itself are collected as usual.
    gc.freeze()
    gc.enable()
    cli()
