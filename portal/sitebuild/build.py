"""Build the public site: stage content/docs plus generated pages, run MkDocs, swap in the result.

The finished site replaces ``out`` only when the whole build (MkDocs in strict mode and the link
check) succeeded, so a failed build never leaves a half-written site being served.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from portal import clock, contacts, demo
from portal.sitebuild import (
    address,
    campaign_pages,
    checker,
    content_pages,
    downloads,
    linkcheck,
    mkdocs_run,
    nav,
    onepagers,
    paths,
    policy_pages,
    progress,
    render,
    search_index,
    sitemap,
    timetable,
)
from portal.sitebuild.context import site_context


@dataclass
class BuildReport:
    out: Path
    pages: int
    sessions: int
    seconds: float
    bytes: int
    search_index_bytes: int
    largest_page: tuple[str, int]
    demo: bool
    site_url: str = ""
    site_url_configured: bool = False


def build_site(
    db,
    out: Path | None = None,
    work: Path | None = None,
    strict: bool = True,
    today=None,
):
    """Build the site as of ``today`` (default: today; a demo database: ``demo.AS_OF``, the day
    its fictional 2019 data is shown as of, like the packs page)."""
    started = time.perf_counter()
    out = Path(out or paths.DEFAULT_OUT).resolve()
    docs = Path(work or paths.DEFAULT_WORK).resolve()
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)

    is_demo = demo.is_demo(db)
    today = today or (demo.AS_OF if is_demo else clock.today())
    context = site_context(today, is_demo)
    context["offices"] = contacts.county_offices(db)
    context["township_offices"] = {c: contacts.township_offices(db, c) for c in context["offices"]}
    written = content_pages.copy_content(docs, context)
    env = render.environment(docs)
    sessions = timetable.published_sessions(db, today)
    context["onepagers"] = onepagers.write(docs)
    policy_list = policy_pages.write(docs, env, context)
    campaign_list = campaign_pages.write(docs, env, context, sessions)
    timetable_nav = timetable.write(docs, env, context, sessions, timetable.townships_by_county(db))
    checker.write(docs, env, context)
    progress.write(docs, env, context, db)
    downloads.write(docs, env, context)

    staging = out.with_name(out.name + ".building")
    if staging.exists():
        shutil.rmtree(staging)
    site_address = address.public_site_url(db)
    try:
        mkdocs_run.run(
            docs,
            staging,
            nav.build(written, policy_list, campaign_list, timetable_nav),
            strict,
            site_address,
        )
        search_index.write(staging, docs)
        sitemap.write(staging, docs, site_address.url)
        linkcheck.check(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, out)

    html_pages = list(out.rglob("*.html"))
    largest = max(html_pages, key=lambda p: p.stat().st_size)
    index = out / search_index.INDEX_FILE
    return BuildReport(
        out=out,
        pages=len(html_pages),
        sessions=len(sessions),
        seconds=time.perf_counter() - started,
        bytes=sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
        search_index_bytes=index.stat().st_size if index.exists() else 0,
        largest_page=(largest.relative_to(out).as_posix(), largest.stat().st_size),
        demo=is_demo,
        site_url=site_address.url,
        site_url_configured=site_address.configured,
    )


def _swap(new: Path, out: Path) -> None:
    old = out.with_name(out.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    new.rename(out)
    if old.exists():
        shutil.rmtree(old)
