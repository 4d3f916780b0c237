"""PDF rendering with WeasyPrint, locked down to the project's own assets.

Why: cards and reports carry text typed by many people (names, addresses, notes). Even if
markup slipped past escaping, the renderer must not read a file from the server, fetch a URL
or attach anything: only ``data:`` URIs and files under ``portal/assets`` are served, with no
redirects.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

ASSETS = Path(__file__).resolve().parent / "assets"

# Chinese needs both lang="zh-CN" on <html> and this family first, or Japanese glyph variants win.
BASE_CSS = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm;
        @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";
                         font-size: 9pt; color: #555; } }
html { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 11pt; color: #111; }
h1 { font-size: 18pt; margin: 0 0 6pt; }
h2 { font-size: 14pt; margin: 10pt 0 4pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.6pt solid #444; padding: 3pt 4pt; vertical-align: top; }
th { background: #eee; }
"""


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetchingError

    class AssetsOnlyFetcher(URLFetcher):
        """Serve ``data:`` URIs and files inside ASSETS; refuse everything else."""

        def __init__(self):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=5)

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(os.path.realpath(unquote(parts.path)))
                if path.is_relative_to(ASSETS.resolve()) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            raise URLFetchingError(f"blocked resource outside the project's assets: {scheme}")

    return AssetsOnlyFetcher


def safe_fetcher():
    return _fetcher_class()()


def render_document(html: str, *, css: str = ""):
    """Lay out an HTML string (already escaped) without writing it: a ``weasyprint.Document``.

    For callers that assemble one PDF from several layouts (the policy packs reuse the pages of
    one 明白卡 in every worker's pack); write the result with ``write_pages``.
    """
    from weasyprint import CSS, HTML

    fetcher = safe_fetcher()
    document = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher)
    stylesheets = [CSS(string=BASE_CSS + css, url_fetcher=fetcher, base_url=ASSETS.as_uri() + "/")]
    return document.render(stylesheets=stylesheets)


def write_pages(document, pages=None, target=None) -> bytes | None:
    """Write ``pages`` (default: all of ``document``'s; may come from other documents laid out
    by ``render_document``) as one PDF, fonts embedded once, never with an attachment."""
    import copy

    combined = document.copy(document.pages if pages is None else pages)
    metadata = copy.copy(combined.metadata)
    metadata.attachments = []  # whatever <link rel="attachment"> asked for, nothing is attached
    combined.metadata = metadata
    return combined.write_pdf(target, attachments=[])


def render_pdf(html: str, *, css: str = "", target=None) -> bytes | None:
    """Render an HTML string (already escaped) to PDF; write to ``target`` or return bytes."""
    return write_pages(render_document(html, css=css), target=target)
