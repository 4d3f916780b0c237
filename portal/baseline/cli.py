"""``build.py baseline``: the baseline (摸清底数) of the city or one county as .xlsx or PDF."""

from __future__ import annotations

import time
from pathlib import Path

import click

from portal import catalogue
from portal import db as database
from portal.baseline import census, pupils
from portal.cli_options import db_option
from portal.errors import UserError
from portal.scope import SYSTEM, Actor

# The exported list of 两后生 masks ID numbers, as anything printed does for city staff.
PRINTED = Actor("build.py", "city", display_name="命令行")


@click.command("baseline")
@db_option
@click.option("--county", help="县（市、区），例如 望奎县 或 望奎；不写则为全市（含各县）。")
@click.option("--at", "at", help="年龄计算到哪一天，例如 2019-03-31；默认为方案的摸底结束日。")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件，扩展名 .xlsx 或 .pdf。",
)
def baseline_command(db_path, county, at, out):
    """生成建档立卡贫困劳动力底数表（摸清底数）：就业状态、年龄结构、性别、文化程度、
    培训和就业意愿、各乡镇想学的工种，以及两后生名单（身份证号已遮盖），输出 .xlsx 或 .pdf。

    \b
    例：
      python build.py baseline --out 全市底数.xlsx
      python build.py baseline --county 望奎县 --out 望奎底数.pdf
      python build.py baseline --county 北林 --at 2019-06-30 --out 北林底数.xlsx
    """
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise UserError(f"输出文件“{out.name}”的扩展名应为 .xlsx 或 .pdf。")
    code = catalogue.county(county)["code"] if county else None
    day = census.parse_date(at)
    db = database.connect(db_path)
    started = time.perf_counter()
    r = census.census(db, SYSTEM, code, day)
    listed = pupils.pupil_list(db, PRINTED, code, day)
    from portal.baseline import export  # openpyxl and WeasyPrint: only for this command

    export.write(r, out.resolve(), listed)
    t = r["total"]
    click.echo(
        f"已生成{r['area']['name']}底数表：登记劳动力{t['workers']}人，未就业{t['unemployed']}人，"
        f"有培训意愿{t['train_yes']}人，两后生{t['liang_hou_sheng']}人"
        f"（有就读技工院校意愿{t['lhs_school_yes']}人，其中尚未在读{t['lhs_school_gap']}人）"
        f"（{time.perf_counter() - started:.1f}秒）：{out}"
    )
