"""QR codes that take a worker from the paper pack to their township's timetable on the site.

The URL carries only area codes (never a name or ID number). The site's address is set by the
``SITE_URL`` environment variable or ``--site-url``; the township page's path comes from the
site builder itself, so the QR code and the page cannot drift apart.
"""

from __future__ import annotations

import functools
import os

import segno

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


def site_url(value: str | None = None) -> str:
    url = (value or os.environ.get("SITE_URL") or DEFAULT_SITE_URL).strip()
    if not url.startswith(("http://", "https://")):
        from portal.errors import UserError

        raise UserError(f"网站地址“{url}”不对，应以 http:// 或 https:// 开头。")
    return url if url.endswith("/") else url + "/"


def timetable_url(base: str, county_code: str, township_code: str) -> str:
    from portal.sitebuild.timetable import township_page

    return site_url(base) + township_page(county_code, township_code).removesuffix(".md") + ".html"


@functools.lru_cache(maxsize=512)
def svg_data_uri(url: str) -> str:
    """A vector QR code as a data: URI (the PDF renderer fetches nothing else)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000")
