"""``build.py packs``: print policy packs for a person, a village or a township."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click

from portal import accounts
from portal import db as database
from portal.cli_options import db_option
from portal.db import one
from portal.errors import UserError
from portal.scope import SYSTEM


def _actor(db, username: str | None):
    if not username:
        return SYSTEM
    row = one(db, "SELECT * FROM users WHERE username = ?", [username])
    if not row or not row["active"]:
        raise UserError(f"没有名为“{username}”的可用账户。")
    return accounts.actor_for(row)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"日期“{value}”格式不对，请写成 2019-06-01 这样。") from None


@click.command("packs")
@db_option
@click.option("--person", help="一个人的身份证号。")
@click.option("--village", help="一个村：县/乡镇/村，例如 望奎县/新华镇/胜利村。")
@click.option("--township", help="一个乡镇：县/乡镇，例如 望奎县/新华镇。")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出的 PDF 文件。",
)
@click.option(
    "--all-workers", is_flag=True, help="打印所有劳动力（默认只打印台账里登记“想参加培训”的人）。"
)
@click.option(
    "--site-url",
    default=None,
    help="公开网站地址，二维码指向其中的乡镇培训时间表（默认用平台“联系方式与网址”页设定的地址）。",
)
@click.option(
    "--date",
    "on",
    default=None,
    help="按哪一天列出“近期培训班”和招工信息（默认今天），例如 2019-06-01。",
)
@click.option(
    "--user",
    "username",
    default=None,
    help="以哪个账户的身份打印（按其管辖范围）；不给时为系统身份。",
)
def packs_command(db_path, person, village, township, out, all_workers, site_url, on, username):
    """打印政策包（就业政策明白卡、技能扶贫联系卡一式两份、近期培训班和招工信息），每人从新的一页开始。

    \b
    例：
      python build.py packs --village 望奎县/新华镇/胜利村 --out 胜利村政策包.pdf
      python build.py packs --township 望奎县/新华镇 --all-workers --out 新华镇.pdf
      python build.py packs --person 231221198001011234 --out 个人.pdf --date 2019-06-01
      python build.py packs --village 北林区/永安乡/光明村 --out a.pdf --user beilin_staff
    """
    # Here, not at the top: the pack renderers load WeasyPrint, which every other command
    # would pay for at start-up.
    from portal.packs import batches

    db = database.connect(db_path)
    actor = _actor(db, username)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"输出文件“{out}”应以 .pdf 结尾。")
    started = time.perf_counter()
    selection = batches.select_workers(
        db, actor, person=person, village=village, township=township, all_workers=all_workers
    )
    click.echo(f"{selection.label}：{len(selection.worker_ids)} 人，正在生成……")
    result = batches.print_packs(db, actor, selection, out, site_url=site_url, on=_date(on))
    seconds = time.perf_counter() - started
    size = result.path.stat().st_size / 1024
    click.echo(
        f"已生成 {result.path}：{result.workers} 份政策包，共 {result.pages} 页，"
        f"{size:.0f} KB，用时 {seconds:.1f} 秒。打印批次：{result.batch}"
    )
