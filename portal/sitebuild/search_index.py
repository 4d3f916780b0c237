"""The site's own search index: built from the finished pages, shipped as one script file.

Material's search splits Chinese queries in the browser and drops the last piece (月嫂 is
searched as 月), and it fetches its index with XHR, which a copy opened from a USB stick
(file://) cannot do. This module reads the built HTML (exactly what a visitor sees), cuts
every page into sections at its headings and writes ``search/index.js``: one call of
``__siteSearchIndex({...})``, which the search page loads with a ``<script>`` element only
when a search starts, so it works over http and from file:// alike.

The browser matches query words as whole strings inside the text (15万 finds 15万元, 望奎
finds 望奎县), so nothing depends on the page and the query being split the same way. jieba,
with the site's own dictionary, supplies the list of words the browser uses to split a query
without spaces (月嫂培训班 -> 月嫂 + 培训班); synonyms, stop words and page weights come
from ``content/data/search.yml``.
"""

from __future__ import annotations

import html.parser
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from portal.errors import UserError
from portal.sitebuild import paths

INDEX_FILE = "search/index.js"
CALLBACK = "__siteSearchIndex"
SEARCH_DATA = paths.CONTENT / "data" / "search.yml"
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "button", "form"}
_HEADINGS = {"h1", "h2", "h3"}
_BLOCKS = {"p", "li", "dd", "dt", "td", "th", "tr", "div", "br", "caption", "h4", "h5", "h6"}
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Section:
    anchor: str
    heading: str
    text: list[str] = field(default_factory=list)


class _Article(html.parser.HTMLParser):
    """Collects the text of ``<article>`` cut at h1-h3 headings; skips scripts and forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = [Section("", "")]
        self._depth = 0  # inside <article> when > 0
        self._skip = 0
        self._heading: tuple[str, str] | None = None  # (tag, anchor) while inside a heading
        self._heading_text: list[str] = []
        self._last_id = ""  # id of an element opened since the last heading (a session card)

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self._depth += 1
        if not self._depth:
            return
        attrs = dict(attrs)
        if attrs.get("id") and tag not in _HEADINGS:
            self._last_id = attrs["id"]
        if tag in _SKIP_TAGS or "headerlink" in (attrs.get("class") or ""):
            self._skip += 1
        elif tag in _HEADINGS and not self._skip:
            self._heading = (tag, attrs.get("id") or self._last_id)
            self._last_id = ""
            self._heading_text = []
        elif tag in _BLOCKS:
            self._add(" ")

    def handle_startendtag(self, tag, attrs):
        if self._depth and tag in _BLOCKS:
            self._add(" ")

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif self._heading and tag == self._heading[0]:
            title = _squash("".join(self._heading_text))
            self.sections.append(Section(self._heading[1], title))
            self._heading = None
        elif tag in _BLOCKS:
            self._add(" ")
        if tag == "article":
            self._depth -= 1

    def handle_data(self, data):
        if data.strip() and not self._heading:
            self._last_id = ""  # text came between: that element's id is not the heading's
        if self._depth and not self._skip:
            if self._heading:
                self._heading_text.append(data)
            else:
                self._add(data)

    def _add(self, text):
        self.sections[-1].text.append(text)


def _squash(text: str) -> str:
    return " ".join(text.split())


def search_data() -> dict:
    try:
        data = yaml.safe_load(SEARCH_DATA.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"搜索设置文件 content/data/search.yml 读不出来：{exc}") from exc
    synonyms = data.get("synonyms") or []
    bad = [g for g in synonyms if not isinstance(g, list) or len(g) < 2]
    if bad:
        raise UserError(
            f"content/data/search.yml 的 synonyms 里每一组至少要有两个词，这几组不对：{bad}"
        )
    return {
        "synonyms": [[normalize(str(w)) for w in g] for g in synonyms],
        "stopwords": sorted({normalize(str(w)) for w in data.get("stopwords") or []}),
        "boost": {str(k): float(v) for k, v in (data.get("boost") or {}).items()},
    }


def normalize(text: str) -> str:
    """The form both the index and the browser compare in: NFKC (全角 digits), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def front_matter(docs: Path | None, rel_html: str) -> dict:
    if docs is None:
        return {}
    source = docs / (rel_html.removesuffix(".html") + ".md")
    if not source.is_file():
        return {}
    text = source.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    try:
        return yaml.safe_load(text[4:].split("\n---\n", 1)[0]) or {}
    except yaml.YAMLError:
        return {}


def _boost(rel: str, meta: dict, weights: dict[str, float]) -> float:
    own = (meta.get("search") or {}).get("boost") if isinstance(meta.get("search"), dict) else None
    if own is not None:
        return float(own)
    prefixes = [p for p in weights if rel.startswith(p)]
    return weights[max(prefixes, key=len)] if prefixes else 1.0


def read_page(path: Path) -> tuple[str, list[Section]]:
    """The page title (its h1) and its sections with text, empty sections dropped."""
    parser = _Article()
    parser.feed(path.read_text(encoding="utf-8"))
    sections, anchor = [], ""
    for s in parser.sections:
        anchor = s.anchor or anchor  # a heading without id (a card's h3) links to the one above
        text = _squash("".join(s.text))
        if text or s.heading:
            sections.append(Section(anchor, s.heading, [text]))
    title = next((s.heading for s in sections if s.heading), "")
    return title, sections


def build_index(site: Path, docs: Path | None = None) -> dict:
    """The index of every page of ``site`` except those whose front matter excludes them."""
    settings = search_data()
    tokenizer = _tokenizer()
    entries, vocabulary = [], set()
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        meta = front_matter(docs, rel)
        search_meta = meta.get("search") if isinstance(meta.get("search"), dict) else {}
        if search_meta.get("exclude") or rel == "404.html":
            continue
        title, sections = read_page(path)
        if not title:
            continue
        first = sections[0]
        if first.heading == title:  # the h1 is the page title, shown once
            first.heading = ""
        entries.append(
            {
                "u": rel,
                "t": title,
                "b": _boost(rel, meta, settings["boost"]),
                "s": [[s.anchor, s.heading, s.text[0]] for s in sections if s.text[0] or s.heading],
            }
        )
        for s in sections:
            vocabulary.update(_words(tokenizer, f"{title} {s.heading} {s.text[0]}"))
    for group in settings["synonyms"]:
        vocabulary.update(w for w in group if len(w) > 1)
    vocabulary.update(_user_words())
    return {
        "v": 1,
        "docs": entries,
        "words": sorted(vocabulary),
        "synonyms": settings["synonyms"],
        "stop": settings["stopwords"],
    }


def write(site: Path, docs: Path | None = None) -> Path:
    """Write ``search/index.js`` into the built site; returns its path."""
    index = build_index(site, docs)
    target = site / INDEX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    # "</" could end an inline script; in a file it is harmless, but keep the file safe anywhere.
    payload = payload.replace("</", "<\\/")
    target.write_text(f"{CALLBACK}({payload});\n", encoding="utf-8")
    return target


def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(paths.USER_DICT))
    return tokenizer


def _user_words() -> set[str]:
    words = set()
    for line in paths.USER_DICT.read_text(encoding="utf-8").splitlines():
        if line.strip():
            words.add(normalize(line.split()[0]))
    return words


def _words(tokenizer, text: str) -> set[str]:
    """Words of two or more characters with at least one Chinese character."""
    return {
        w
        for w in (normalize(t.strip()) for t in tokenizer.cut(text))
        if len(w) > 1 and _CJK.search(w)
    }
