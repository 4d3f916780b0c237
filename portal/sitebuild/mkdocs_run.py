"""Run MkDocs on the staging folder with the repository's mkdocs.yml.

MkDocs resolves docs_dir, site_dir and the theme's custom_dir against mkdocs.yml, but the search
plugin resolves the jieba user dictionary against the current directory: that one is made
absolute here, so the build works from any directory. The navigation is the generated one.
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


def run(docs: Path, site: Path, nav: list, strict: bool = True) -> None:
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
        for name, plugin in cfg.plugins.items():
            if name.endswith("search") and "jieba_dict_user" in plugin.config:
                plugin.config.jieba_dict_user = str(paths.USER_DICT)
        mkdocs_build.build(cfg)
    except exceptions.MkDocsException as exc:
        detail = "\n".join(dict.fromkeys(collector.messages)) or str(exc)
        raise UserError(f"网站生成失败（MkDocs：{exc}）：\n{detail}") from exc
    finally:
        logger.removeHandler(collector)
