"""``build.py import-ledger``: the command-line side of the ledger import."""

from __future__ import annotations

import json
from pathlib import Path

import click

from portal import db as database
from portal.cli_options import db_option
from portal.ledger.importer import import_ledger
from portal.scope import SYSTEM

SHOWN_PROBLEMS = 20


@click.command("import-ledger")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--county", help="只导入这个县（市、区）的行，例如 望奎县 或 望奎；其他县的行拒收。")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把拒收的行（行号、姓名、身份证号、原因）写进 .csv 或 .xlsx 文件。",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="最后一行输出一个 JSON 对象（各项计数，missing 是库里有、文件里没有的人数）。",
)
@db_option
def import_ledger_command(file, county, report_path, as_json, db_path):
    """导入县里的贫困劳动力台账（.xlsx、.xls、.ods、.csv 或“Unicode 文本”.txt），按身份证号新增或更新。

    工作簿里每个有台账表头的工作表都导入，汇总表和没有表头的表跳过并列出；合并或只写在第一行的
    乡镇、村、户编号按整块读。再次导入一个县时，列出库里有、文件里没有的人（不删除）。

    有问题的行会被拒收并说明原因，其余的行照常导入；整个导入要么全部保存，要么（出错或中断时）
    一行也不保存。文件能读就返回 0，不管拒收了多少行。

    \b
    例：
      python build.py import-ledger 望奎县台账.xlsx --county 望奎 --report 拒收行.xlsx
      python build.py import-ledger ledger.csv --json
    """
    if report_path and report_path.suffix.lower() not in (".csv", ".xlsx"):
        from portal.errors import UserError

        raise UserError("报告文件请用 .csv 或 .xlsx 结尾，例如 --report 拒收行.xlsx。")
    db = database.connect(db_path)

    def progress(done, total):
        click.echo(f"写入中：{done}/{total}", err=True)

    result = import_ledger(db, file, SYSTEM, county=county, progress=progress)
    click.echo(f"已导入 {result.file_name}：{result.sentence()}")
    for p in result.rejected_rows[:SHOWN_PROBLEMS]:
        click.echo(f"  拒收 {_where(p)}：{p.reason}")
    if result.rejected > SHOWN_PROBLEMS:
        click.echo(
            f"  ……另有{result.rejected - SHOWN_PROBLEMS}行拒收，完整清单请用 --report 输出。"
        )
    for p in result.warning_rows[:SHOWN_PROBLEMS]:
        click.echo(f"  提示 {_where(p)}：{p.reason}")
    for _id, name, county, town, village in result.missing[:SHOWN_PROBLEMS]:
        click.echo(f"  库里有、文件里没有：{name}（{county}{town or ''}{village or ''}）")
    if len(result.missing) > SHOWN_PROBLEMS:
        click.echo(
            f"  ……另有{len(result.missing) - SHOWN_PROBLEMS}人库里有、文件里没有，完整清单请用 --report 输出。"
        )
    if report_path:
        # Here, not at the top: writing a report loads openpyxl, which most imports never need.
        from portal.ledger.report import write_report

        write_report(result, report_path)
        click.echo(f"拒收行报告：{report_path}")
    if as_json:
        click.echo(json.dumps(result.summary(), ensure_ascii=False))


def _where(p) -> str:
    return f"工作表“{p.sheet}”第{p.row}行" if p.sheet else f"第{p.row}行"
