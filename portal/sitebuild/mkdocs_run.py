"""Run MkDocs on the staging folder with the repository's mkdocs.yml.

MkDocs resolves docs_dir, site_dir and the theme's custom_dir against mkdocs.yml, so the build
works from any directory. The navigation is the generated one. MkDocs' site_url stays unset (it
would write absolute links into every page); the 404 page gets the root path of the public
address (``address.public_site_url``) and ``sitemap.py`` writes the sitemap with it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs import exceptions
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config

from portal.errors import UserError
from portal.sitebuild import paths


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def run(docs: Path, site: Path, nav: list, strict: bool = True, site_address=None) -> None:
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        cfg = load_config(
            str(paths.MKDOCS_YML),
            docs_dir=str(docs),
            site_dir=str(site),
            nav=nav,
            strict=strict,
        )
        cfg.extra["site_root_path"] = site_address.root_path if site_address else "/"
        mkdocs_build.build(cfg)
    except exceptions.MkDocsException as exc:
        detail = "\n".join(dict.fromkeys(collector.messages)) or str(exc)
        raise UserError(f"网站生成失败（MkDocs：{exc}）：\n{detail}") from exc
    finally:
        logger.removeHandler(collector)
