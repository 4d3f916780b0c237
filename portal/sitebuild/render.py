"""Writing pages: front matter, Jinja templates, and the escaping every stored text goes through.

Text from the database (addresses, institution and township names, phones) is typed by people
and may hold HTML, Markdown, control characters or bidi overrides. It only ever reaches a page
inside an HTML block through Jinja's autoescape, after ``clean``; MkDocs' own theme templates do
not escape titles, so metadata taken from the database is escaped here, once.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import jinja2
import yaml

from portal import catalogue
from portal.errors import UserError
from portal.sitebuild import paths

# C0/C1 controls except tab and newline, bidi embeddings/overrides/isolates, zero-width joiners
# used for spoofing, and the BOM.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean(value) -> str:
    """Stored text as it may be shown: no control or direction characters, one line, trimmed."""
    if value is None:
        return ""
    text = _UNSAFE.sub("", str(value))
    return " ".join(text.split())


def meta_text(value) -> str:
    """Database text bound for a title or description that the theme prints unescaped."""
    return html.escape(clean(value), quote=True)


def cn_date(value, year: bool = True) -> str:
    """2019-03-18 -> 2019年3月18日 (or 3月18日): the way dates are written in notices."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    text = f"{value.month}月{value.day}日"
    return f"{value.year}年{text}" if year else text


def date_range(start, end) -> str:
    s = dt.date.fromisoformat(start) if isinstance(start, str) else start
    e = dt.date.fromisoformat(end) if isinstance(end, str) else end
    if s == e:
        return cn_date(s)
    return f"{cn_date(s)}至{cn_date(e, year=(e.year != s.year))}"


def tel_href(phone) -> str | None:
    """A tel: link only for something that looks like a phone number; never raw stored text."""
    digits = re.sub(r"[^\d+\-]", "", clean(phone))
    return f"tel:{digits}" if re.fullmatch(r"\+?[\d\-]{5,20}", digits) else None


def environment(*search_path: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in (*search_path, paths.TEMPLATES)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        cn_date=cn_date, date_range=date_range, yuan=catalogue.yuan, clean=clean, tel=tel_href
    )
    return env


def render(env: jinja2.Environment, template: str, **context) -> str:
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or template
        line = getattr(exc, "lineno", None)
        raise UserError(
            f"网站页面模板 {where}{f' 第{line}行' if line else ''} 有误：{exc}"
        ) from exc


def split_front_matter(text: str, source: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise UserError(f"{source} 缺少开头的 --- 元数据（每页都要写 title 和 description）。")
    try:
        head, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head) or {}
    except (ValueError, yaml.YAMLError) as exc:
        raise UserError(f"{source} 的 --- 元数据格式有误：{exc}") from exc
    missing = [k for k in ("title", "description") if not str(meta.get(k) or "").strip()]
    if missing:
        raise UserError(f"{source} 的元数据缺少 {'、'.join(missing)}：每页都要有标题和简介。")
    return meta, body


def write_page(docs: Path, rel: str, meta: dict, body: str) -> str:
    """Write one Markdown page with front matter; returns ``rel`` for the navigation."""
    if not meta.get("title") or not meta.get("description"):
        raise UserError(f"生成的页面 {rel} 缺少标题或简介。")
    path = docs / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    head = yaml.safe_dump(
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in meta.items()},
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
    )
    path.write_text(f"---\n{head}---\n\n{body.strip()}\n", encoding="utf-8")
    return rel
