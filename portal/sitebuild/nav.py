"""The site navigation: hand-written sections in a fixed order, generated pages inside them.

A hand-written page this list does not know (a new section in content/docs) is added at the
end rather than failing the build, so writers can add pages without touching code.
"""

from __future__ import annotations

# Hand-written pages kept out of the navigation (mkdocs.yml lists them in not_in_nav too): the
# not-found page and the search page, reached from the header's search box.
OUTSIDE_NAV = ("404.md", "sousuo/index.md")


def build(
    content_pages: list[str], policy_pages: list[str], campaign_pages: list[str], timetable: dict
) -> list:
    nav = [
        {"首页": "index.md"},
        {"政策包": ["zhengce/index.md", *policy_pages]},
        {"七大培训活动": ["huodong/index.md", *campaign_pages]},
        {
            "培训时间表": [
                timetable["index"],
                *({name: pages} for name, pages in timetable["counties"]),
            ]
        },
        {"我能享受哪些政策": "chaxun/index.md"},
        {"工作进展": "jinzhan/index.md"},
        {"下载打印": "xiazai/index.md"},
        {"常见问题": "wenti/index.md"},
        {"联系我们": "lianxi/index.md"},
    ]
    listed = set(_pages(nav))
    nav.extend(page for page in content_pages if page not in listed and page not in OUTSIDE_NAV)
    return nav


def _pages(items):
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                yield from _pages([value] if isinstance(value, str) else value)
