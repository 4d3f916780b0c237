"""``python build.py site``: build the public policy site from content/ and the database."""

from __future__ import annotations

from pathlib import Path

import click

from portal import db as database
from portal.cli_options import db_option


@click.command("site")
@db_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="网站输出目录（默认 site/）。",
)
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="有警告（坏链接、缺页面）就中止；默认开启。",
)
def site(db_path, out, strict):
    """生成公开网站：政策包、七大培训活动、培训时间表、政策自助查询、工作进展。

    培训时间表和工作进展每次从数据库重新生成；网站只含汇总数字和已公布的培训班，
    不含任何个人信息。生成成功后才替换旧网站。

    \b
    例：
      python build.py site
      python build.py site --db /srv/suihua/portal.db --out /var/www/suihua
    """
    from portal.sitebuild import build_site

    db = database.connect(db_path)
    try:
        report = build_site(db, out=out, strict=strict)
    finally:
        db.conn.close()
    click.echo(
        f"网站已生成：{report.out}（{report.pages}个页面，{report.sessions}个已公布培训班，"
        f"{report.bytes / 1024 / 1024:.1f} MB，用时{report.seconds:.1f}秒）。"
    )
    if report.demo:
        click.echo("注意：数据库里是示例数据，网站上已标明“示例数据”。")
    if not report.site_url_configured:
        click.echo(
            f"注意：没有设置公开网站的地址，sitemap.xml 里用的是本机地址 {report.site_url}。"
            "正式发布前请用环境变量 SITE_URL（或 mkdocs.yml 的 site_url）设置真实地址后重新生成。"
        )
