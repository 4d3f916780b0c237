"""下载: the printable 就业政策明白卡 and blank 技能扶贫联系卡 from the packs module, when present.

The packs part renders them with ``portal.packs.public.render_public_downloads(out_dir)``; until
that module exists the page says the files are being prepared and links to nothing.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from portal.errors import UserError
from portal.sitebuild import render

FOLDER = "xiazai/files"


def public_files(docs: Path) -> list[dict]:
    try:
        found = importlib.util.find_spec("portal.packs.public")
    except ModuleNotFoundError:
        found = None
    if found is None:
        return []
    module = importlib.import_module("portal.packs.public")
    out_dir = docs / FOLDER
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for item in module.render_public_downloads(out_dir):
        path = Path(item["file"])
        path = path if path.is_absolute() else out_dir / path
        if not path.is_file():
            raise UserError(f"下载文件 {path} 没有生成出来，请检查政策包打印模块。")
        files.append(
            {
                "title": item["title"],
                "description": item.get("description", ""),
                "href": path.relative_to(docs / "xiazai").as_posix(),
            }
        )
    return files


def write(docs: Path, env, context: dict) -> str:
    files = public_files(docs)
    body = render.render(env, "downloads.md", files=files, **context)
    meta = {
        "title": "下载打印",
        "description": "就业政策明白卡和技能扶贫联系卡，可下载打印。",
        "updated": context["today"],
    }
    return render.write_page(docs, "xiazai/index.md", meta, body)
