"""The public site's address, read in one place for the sitemap and the 404 page.

The address city staff set in the portal (``portal.siteurl``, the same one the packs' QR codes
print), else the ``SITE_URL`` environment variable, else ``site_url`` in mkdocs.yml, else the
local default; everything in the site build calls only :func:`public_site_url`.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass

import yaml

from portal import siteurl
from portal.sitebuild import paths


@dataclass(frozen=True)
class SiteAddress:
    url: str  # always ends with "/"
    configured: bool  # False: nobody set it, the local default is used

    @property
    def root_path(self) -> str:
        """The path of the site's root on its server ("/" or e.g. "/peixun/")."""
        return urllib.parse.urlsplit(self.url).path or "/"


def public_site_url(db=None) -> SiteAddress:
    chosen = siteurl.stored(db) or (os.environ.get("SITE_URL") or "").strip() or _mkdocs_site_url()
    return SiteAddress(siteurl.site_url(None, override=chosen or None), bool(chosen))


def _mkdocs_site_url() -> str:
    try:
        # mkdocs.yml may hold !!python tags for plugins: read it leniently, only for one key
        data = yaml.load(paths.MKDOCS_YML.read_text(encoding="utf-8"), Loader=_Lenient) or {}
    except (OSError, yaml.YAMLError):
        return ""
    return str(data.get("site_url") or "").strip()


class _Lenient(yaml.SafeLoader):
    pass


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
