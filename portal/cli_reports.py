"""``build.py report``: the monthly (月报) or quarterly (季报) report as .xlsx or PDF."""

from __future__ import annotations

import time
from pathlib import Path

import click

from portal import db as database
from portal.cli_options import db_option
from portal.errors import UserError
from portal.scope import SYSTEM


@click.command("report")
@db_option
@click.option("--county", help="县（市、区），例如 望奎县 或 望奎；不写则生成全市汇总（仅月报）。")
@click.option("--month", help="月报的月份，例如 2019-05。")
@click.option("--quarter", help="季报的季度，例如 2019-Q2。")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件，扩展名 .xlsx 或 .pdf。",
)
def report(db_path, county, month, quarter, out):
    """生成月报（技能扶贫培训进展情况表）或季报（文字材料和本季度数字），输出 .xlsx 或 .pdf。

    已提交（锁定）的报表按提交时冻结的数字输出；未提交的按当前数据计算。
    月报应在次月5日（含）前提交，全市汇总中标明逾期未交的县。

    \b
    例：
      python build.py report --county 望奎县 --month 2019-05 --out 望奎-2019-05.xlsx
      python build.py report --county 望奎 --month 2019-05 --out 望奎-2019-05.pdf
      python build.py report --month 2019-05 --out 全市-2019-05.xlsx
      python build.py report --county 北林区 --quarter 2019-Q2 --out 北林-2019Q2.pdf
    """
    if bool(month) == bool(quarter):
        raise UserError("请给出 --month（月报）或 --quarter（季报）中的一个。")
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise UserError(f"输出文件“{out.name}”的扩展名应为 .xlsx 或 .pdf。")
    # Here, not at the top: the renderers load openpyxl and WeasyPrint, which every other
    # command would pay for at start-up.
    from portal.reports import monthly, quarterly, render

    db = database.connect(db_path)
    started = time.perf_counter()
    if month and county:
        r = monthly.view(db, SYSTEM, county, month)
        render.write("monthly", r, out)
        what = f"{r['county']}{r['label']}月报（{render.STATUS[r['status']]}）"
    elif month:
        o = monthly.city_overview(db, SYSTEM, month)
        render.write("city", o, out)
        late = "、".join(o["late"]) or "无"
        what = f"全市{o['label']}月报汇总（逾期未交：{late}）"
    else:
        if not county:
            raise UserError("季报请用 --county 指定县（市、区）。")
        r = quarterly.view(db, SYSTEM, county, quarter)
        render.write("quarterly", r, out)
        what = f"{r['county']}{r['label']}季报（{render.STATUS[r['status']]}）"
    click.echo(f"已生成{what}：{out}（{time.perf_counter() - started:.1f}秒）")
