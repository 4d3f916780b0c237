"""Where the site's sources live, as absolute paths so a build works from any directory."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CONTENT = ROOT / "content"
DOCS = CONTENT / "docs"  # hand-written pages and assets, copied first
TEMPLATES = CONTENT / "web" / "templates"  # wording of the generated pages
THEME = CONTENT / "web" / "theme"
USER_DICT = CONTENT / "web" / "jieba_userdict.txt"
MKDOCS_YML = ROOT / "mkdocs.yml"
DEFAULT_WORK = ROOT / "build" / "docs"
DEFAULT_OUT = ROOT / "site"
