"""What one portal process serves: memory per logged-in session and page response time.

Starts the portal on the demo database, opens N real Chromium sessions that each log in and
load the first page, and reads the server's resident memory (psutil) before and after. The
figures feed the deployment guide (docs/deploy.md): how many concurrent users one process
holds in a given amount of memory, and when to add a second process.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.portal_process import start_portal  # noqa: E402
from portal import db as database  # noqa: E402
from portal import demo  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def run(scale: float, workdir: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    sessions = max(3, round(30 * min(1.0, scale * 2)))  # 30 at city scale, 3 quick
    db_file = workdir / "serving-demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_file) + suffix).unlink(missing_ok=True)
    conn = database.connect(db_file)
    demo.load(conn)
    conn.conn.close()
    proc, url = start_portal(db_file, timeout=60)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            warm = browser.new_context().new_page()
            warm.goto(url)
            warm.get_by_label("用户名").wait_for(timeout=30000)
            time.sleep(1)
            base = _rss_mb(proc.pid)
            timings = []
            pages = []
            for i in range(sessions):
                page = browser.new_context().new_page()
                user = ("wangkui_staff", "jigou_wangkui", "city_admin")[i % 3]
                t0 = time.perf_counter()
                page.goto(url)
                page.get_by_label("用户名").fill(user)
                page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.get_by_role("button", name="退出登录").wait_for(timeout=30000)
                timings.append(time.perf_counter() - t0)
                pages.append(page)
            time.sleep(1)
            after = _rss_mb(proc.pid)
            for page in pages:  # one more interaction each, to see the sessions are all alive
                page.get_by_role("button", name="退出登录").wait_for(timeout=30000)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir / "serving-tmp", ignore_errors=True)
    per_session = (after - base) / sessions
    return [
        {
            "figure": "portal process memory, idle",
            "value": round(base, 1),
            "unit": "MB",
            "target": "",
            "ok": None,
        },
        {
            "figure": f"portal process memory, {sessions} sessions logged in",
            "value": round(after, 1),
            "unit": "MB",
            "target": "",
            "ok": None,
        },
        {
            "figure": "memory per logged-in session",
            "value": round(per_session, 2),
            "unit": "MB",
            "target": "",
            "ok": None,
        },
        {
            "figure": "log-in to first page, median",
            "value": round(statistics.median(timings), 2),
            "unit": "s",
            "target": "",  # browser start-up dominates; informational, for docs/deploy.md
            "ok": None,
        },
        {
            "figure": "log-in to first page, slowest",
            "value": round(max(timings), 2),
            "unit": "s",
            "target": "",
            "ok": None,
        },
    ]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05)
    args = parser.parse_args()
    from bench.run import print_table

    work = ROOT / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    print_table([{"area": "serving", **r} for r in run(args.scale, work)])
