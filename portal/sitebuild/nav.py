"""The site navigation: hand-written sections in a fixed order, generated pages inside them."""

from __future__ import annotations


def build(policy_pages: list[str], campaign_pages: list[str], timetable: dict) -> list:
    return [
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
