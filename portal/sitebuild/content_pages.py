"""The hand-written pages of ``content/docs``: copied into the staging folder and rendered.

Each Markdown page is a Jinja template over ``context.site_context`` (so amounts and dates come
from the data files), must carry a title and description, and gets the date it last changed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from portal.sitebuild import paths, render


def last_changed(path: Path) -> dt.date:
    """The last commit touching the file, or its modification time when it has local edits."""
    mtime = dt.date.fromtimestamp(path.stat().st_mtime)
    try:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", str(path)],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        if dirty.returncode != 0 or dirty.stdout.strip():
            return mtime
        log = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", str(path)],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return dt.date.fromisoformat(log.stdout.strip()) if log.stdout.strip() else mtime
    except (OSError, ValueError, subprocess.SubprocessError):
        return mtime


def copy_content(docs: Path, context: dict) -> list[str]:
    """Copy content/docs into ``docs``; returns the Markdown pages written, relative paths."""
    shutil.copytree(paths.DOCS, docs, dirs_exist_ok=True)
    env = render.environment(paths.DOCS)
    pages = []
    for source in sorted(paths.DOCS.rglob("*.md")):
        rel = source.relative_to(paths.DOCS).as_posix()
        meta, _ = render.split_front_matter(
            source.read_text(encoding="utf-8"), f"content/docs/{rel}"
        )
        text = render.render(env, rel, **context)
        _, body = render.split_front_matter(text, f"content/docs/{rel}")
        meta.setdefault("updated", last_changed(source))
        render.write_page(docs, rel, meta, body)
        pages.append(rel)
    return pages
