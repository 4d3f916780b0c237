"""The public site's address: set once by city staff, used by every QR code and printed URL.

Kept in the database (settings row ``site_url``, audited) so that the portal's print page,
``build.py packs`` and the site build all print the same address. An explicit ``--site-url``
wins, then the stored setting, then the ``SITE_URL`` environment variable (for a quick
test), then the local default, which the print page warns about.
"""

from __future__ import annotations

import os
import urllib.parse

from portal import audit
from portal.db import transaction
from portal.errors import UserError
from portal.scope import Actor

DEFAULT = "http://127.0.0.1:8000/"
KEY = "site_url"
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1"}


def normalise(value: str) -> str:
    """A usable http(s) base address ending in "/", or a Chinese message saying what is wrong."""
    url = (value or "").strip()
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UserError(
            f"网站地址“{url[:60]}”不对：要以 http:// 或 https:// 开头，后面是域名，"
            "如 https://px.suihua.gov.cn/ 。"
        )
    if parsed.query or parsed.fragment or any(c.isspace() for c in url):
        raise UserError("网站地址里不能有空格、“?”或“#”，只写网站的根地址。")
    return url if url.endswith("/") else url + "/"


def stored(db) -> str | None:
    if db is None:
        return None
    rows = list(db.query("SELECT value FROM settings WHERE key = ?", [KEY]))
    return rows[0]["value"] if rows else None


def site_url(db=None, override: str | None = None) -> str:
    """The public site's base address, ending in "/" (see the module docstring for the order)."""
    for candidate in (override, stored(db), os.environ.get("SITE_URL")):
        if candidate and candidate.strip():
            return normalise(candidate)
    return DEFAULT


def is_local(url: str) -> bool:
    """True for an address only this computer can open (a QR code to it is no use on paper)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    return host in _LOCAL_HOSTS or host.startswith("127.")


def set_site_url(db, actor: Actor, value: str) -> str:
    """Store the address (city staff only), one transaction with its audit row."""
    if actor.role not in ("city", "system"):
        raise UserError("网站地址只能由市级工作人员设定。")
    url = normalise(value)
    with transaction(db):
        before = stored(db)
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [KEY, url],
        )
        audit.record(
            db,
            actor.username,
            "update" if before else "create",
            "settings",
            KEY,
            before=None if before is None else {"site_url": before},
            after={"site_url": url},
        )
    return url
