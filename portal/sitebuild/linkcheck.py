"""Every link and asset inside the built site must resolve to a file in the site.

MkDocs validates the links it writes from Markdown; the HTML blocks of generated pages (session
cards, township lists) it does not see, so the build checks the finished HTML as well. The same
pass refuses any asset loaded from another host: the site must work on a county intranet.
"""

from __future__ import annotations

import html.parser
import posixpath
import urllib.parse
from pathlib import Path

from portal.errors import UserError

ASSET_TAGS = {"script": "src", "img": "src", "link": "href", "iframe": "src", "source": "src"}


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        if tag == "link" and dict(attrs).get("rel") == "canonical":
            return  # the page's public address (site_url), not something the page loads
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.links.append((tag, value))


def check(site: Path) -> None:
    problems = []
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        rel_page = page.relative_to(site).as_posix()
        for tag, url in parser.links:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("http", "https") or url.startswith("//"):
                if tag in ASSET_TAGS:
                    problems.append(f"{rel_page} 从外部网站加载 {url}")
                continue
            if parts.scheme or not parts.path:
                continue  # tel:, mailto:, data:, #anchor
            base = "" if parts.path.startswith("/") else posixpath.dirname(rel_page)
            target = posixpath.normpath(
                posixpath.join(base, urllib.parse.unquote(parts.path).lstrip("/"))
            )
            path = site / target
            if target.startswith("..") or not (
                path.is_file() or (path.is_dir() and (path / "index.html").is_file())
            ):
                problems.append(f"{rel_page} 链接到不存在的 {url}")
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n……共{len(problems)}处" if len(problems) > 20 else ""
        raise UserError(f"网站里有坏链接或外部资源：\n{shown}{more}")
