"""Site build at demo scale and at city scale: seconds, pages, size, search index, largest page.

Targets (city scale): build < 60 s, site/ < 100 MB, no page > 300 KB.
Run alone: ``.venv/bin/python bench/bench_site.py --scale 0.05``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import citydata  # noqa: E402
from portal import db as database
from portal import demo
from portal.sitebuild import build_site

MB = 1024 * 1024


def _build(db_file: Path, out: Path) -> object:
    db = database.connect(db_file)
    try:
        # As of a day in the 2019 campaign: built as of today, every 2019 session is over and
        # the timetables (the bulk of the pages) would be empty.
        return build_site(db, out=out / "site", work=out / "docs", today=demo.AS_OF)
    finally:
        db.conn.close()


def _figures(label: str, report, with_targets: bool) -> list[dict]:
    size_mb = report.bytes / MB
    page, page_bytes = report.largest_page
    return [
        {
            "figure": f"{label}: build time",
            "value": round(report.seconds, 1),
            "unit": "s",
            "target": "< 60 s" if with_targets else "",
            "ok": report.seconds < 60 if with_targets else None,
        },
        {
            "figure": f"{label}: pages ({report.sessions} published sessions)",
            "value": report.pages,
            "unit": "pages",
            "target": "",
            "ok": None,
        },
        {
            "figure": f"{label}: site/ size",
            "value": round(size_mb, 1),
            "unit": "MB",
            "target": "< 100 MB" if with_targets else "",
            "ok": size_mb < 100 if with_targets else None,
        },
        {
            "figure": f"{label}: search index",
            "value": round(report.search_index_bytes / MB, 2),
            "unit": "MB",
            "target": "",
            "ok": None,
        },
        {
            "figure": f"{label}: largest page ({page})",
            "value": round(page_bytes / 1024, 1),
            "unit": "KB",
            "target": "< 300 KB" if with_targets else "",
            "ok": page_bytes < 300 * 1024 if with_targets else None,
        },
    ]


def run(scale: float, workdir: Path) -> list[dict]:
    here = workdir / "site-bench"
    if here.exists():
        shutil.rmtree(here)
    here.mkdir(parents=True)
    demo_db = here / "demo.db"
    conn = database.connect(demo_db)
    demo.load(conn)
    conn.conn.close()
    rows = _figures("demo data", _build(demo_db, here / "demo"), with_targets=False)
    city_db = citydata.build(workdir / f"city-{scale:g}.db", scale)
    rows += _figures(f"city scale {scale:g}", _build(city_db, here / "city"), with_targets=True)
    shutil.rmtree(here, ignore_errors=True)
    return rows


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    args = parser.parse_args()
    from bench.run import print_table

    work = ROOT / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    print_table([{"area": "site", **r} for r in run(args.scale, work)])
