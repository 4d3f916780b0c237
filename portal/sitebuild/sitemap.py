"""sitemap.xml for the public address: every page of the site except those marked ``sitemap: false``.

MkDocs fills its sitemap only when site_url is set, and site_url would also make it write
absolute links into the pages (the 404 page's among them), which breaks a copy opened from a
USB stick. So MkDocs runs without it and this module writes the sitemap from the built pages,
with each page's last-updated date from its front matter.
"""

from __future__ import annotations

import gzip
import urllib.parse
from pathlib import Path
from xml.sax.saxutils import escape

from portal.sitebuild import search_index


def write(site: Path, docs: Path, base_url: str) -> int:
    """Write sitemap.xml and sitemap.xml.gz; returns the number of pages listed."""
    entries = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        meta = search_index.front_matter(docs, rel)
        if meta.get("sitemap") is False or meta.get("not_found_page"):
            continue
        loc = urllib.parse.urljoin(base_url, urllib.parse.quote(rel))
        updated = meta.get("updated")
        lastmod = f"<lastmod>{escape(str(updated))}</lastmod>" if updated else ""
        entries.append(f"  <url><loc>{escape(loc)}</loc>{lastmod}</url>")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(e + "\n" for e in entries)
        + "</urlset>\n"
    ).encode("utf-8")
    (site / "sitemap.xml").write_bytes(xml)
    with gzip.GzipFile(site / "sitemap.xml.gz", "wb", mtime=0) as gz:
        gz.write(xml)
    return len(entries)
