"""Portal memory during a 台账 upload: the Streamlit process itself, not a bare importer.

Starts ``streamlit run portal/app.py`` against a fresh demo database, logs in as
``wangkui_staff`` in Debian's Chromium (Playwright) and uploads a ledger of the portal's
maximum upload size (``server.maxUploadSize`` in .streamlit/config.toml, less a margin) as a
CSV, then the same rows as an .xlsx with shared strings (as Excel and WPS save it). The RSS of
the portal process and of all its children (the checking process) is sampled every 50 ms:
before the upload, the peak while uploading, importing and drawing the result, and 3 s after. Target: the portal
process alone, and with its children, stays under 500 MB (issue 12).

Why every row is in 望奎县: the clerk's own county, so the rows are imported, not rejected;
this is the import a clerk really runs. The scale does not change the file: the limit is about
the largest upload, so a quick run measures the same thing.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_ledger import (  # noqa: E402
    GIVEN,
    HEADER,
    SURNAMES,
    TRADES,
    write_shared_strings_xlsx,  # noqa: E402
)
from bench.portal_process import start_portal  # noqa: E402
from portal import idnumber  # noqa: E402

TARGET_MB = 500
CHROMIUM = "/usr/bin/chromium"
WANGKUI = "231221"
WAIT_MS = 900_000


def max_upload_bytes() -> int:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # The uploader counts megabytes of 1,000,000 bytes: a 50.3 MB (48 MiB) file is refused.
    return int(config.get("server", {}).get("maxUploadSize", 200)) * 1_000_000


def wangkui_rows(target_bytes: int) -> list[list]:
    """Rows until the CSV would reach ``target_bytes`` (each about 120 bytes in UTF-8)."""
    rng = random.Random(20190312)
    rows, size, i = [], 200, 0
    while size < target_bytes:
        birth = dt.date(1955, 1, 1) + dt.timedelta(days=(i * 7919) % (365 * 45))
        number = idnumber.make(WANGKUI, birth, (i // (365 * 45)) % 1000)
        wants = rng.choice(["是", "是", "否", ""])
        row = [
            i + 1,
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            number,
            "望奎县",
            f"望奎第{(i // 10) % 15 + 1}镇",
            f"第{(i // 150) % 13 + 1}村",
            "男" if int(number[16]) % 2 else "女",
            f"13{rng.randint(0, 999_999_999):09d}",
            rng.choice(["小学", "初中", "高中", ""]),
            wants,
            rng.choice(TRADES) if wants == "是" else "",
            rng.choice(["是", "否", ""]),
            "",
        ]
        size += len(",".join(map(str, row)).encode()) + 2
        rows.append(row)
        i += 1
    return rows


def write_upload_files(workdir: Path) -> tuple[Path, Path, int]:
    limit = max_upload_bytes()
    target = limit - 1_000_000  # just under the limit: Streamlit refuses anything above
    csv_path, xlsx_path = workdir / "upload-max.csv", workdir / "upload-max.xlsx"
    rows = wangkui_rows(target)
    title = ["望奎县建档立卡贫困劳动力台账（内存测试，虚构）"]
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(title)
        w.writerow(HEADER)
        w.writerows(rows)
    write_shared_strings_xlsx(xlsx_path, [title, HEADER, *rows])
    return csv_path, xlsx_path, len(rows)


class Sampler:
    """RSS of a process (alone and with its children) every 50 ms, in a thread."""

    def __init__(self, pid: int):
        import psutil

        self.proc = psutil.Process(pid)
        self.peak_self = self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> tuple[int, int]:
        import psutil

        own = self.proc.memory_info().rss
        total = own
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return own, total

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                own, total = self.now()
            except Exception:  # the process is gone
                return
            self.peak_self = max(self.peak_self, own)
            self.peak_total = max(self.peak_total, total)
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def measure_upload(db_template: Path, file: Path, workdir: Path) -> dict:
    """One upload in a fresh portal on a fresh copy of the demo database."""
    from playwright.sync_api import sync_playwright

    db_file = workdir / f"upload-{file.suffix[1:]}.db"
    shutil.copy(db_template, db_file)
    proc, url = start_portal(db_file)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
            )
            page = browser.new_context(locale="zh-CN").new_page()
            page.goto(url)
            page.get_by_label("用户名").fill("wangkui_staff")
            page.get_by_label("密码").fill("suihua2019")
            page.get_by_role("button", name="登录").click()
            page.get_by_test_id("stSidebarNav").wait_for(timeout=60_000)
            page.get_by_test_id("stSidebarNav").get_by_text("台账", exact=True).click()
            page.get_by_role("heading", name="台账").first.wait_for(timeout=60_000)
            page.get_by_role("tab", name="导入台账").click()
            time.sleep(1)
            sampler = Sampler(proc.pid)
            before = sampler.now()
            started = time.perf_counter()
            with sampler:
                page.locator("input[type=file]").set_input_files(str(file))
                try:
                    page.get_by_role("button", name="开始导入").click(timeout=180_000)
                except Exception:
                    page.screenshot(path=str(workdir / f"upload-{file.suffix[1:]}.png"))
                    raise
                page.locator(
                    "[data-testid=stAlertContentSuccess], [data-testid=stAlertContentError]"
                ).first.wait_for(timeout=WAIT_MS)
                outcome = page.locator(
                    "[data-testid=stAlertContentSuccess], [data-testid=stAlertContentError]"
                ).first.inner_text()
                seconds = time.perf_counter() - started
                time.sleep(3)  # the page goes on drawing the result: still sampled
                after = sampler.now()
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    mb = 1024 * 1024
    return {
        "before": before[0] / mb,
        "peak_self": sampler.peak_self / mb,
        "peak_total": sampler.peak_total / mb,
        "after": after[0] / mb,
        "seconds": seconds,
        "outcome": outcome.splitlines()[0][:80],
    }


def run(scale: float, workdir: Path) -> list[dict]:
    from portal import db as database
    from portal import demo

    workdir.mkdir(parents=True, exist_ok=True)
    template = workdir / "upload-demo.db"
    if not template.exists():
        conn = database.connect(template)
        demo.load(conn)
        conn.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.conn.close()
    csv_path, xlsx_path, n = write_upload_files(workdir)
    rows = []
    for label, file in (("CSV", csv_path), ("xlsx (shared strings)", xlsx_path)):
        got = measure_upload(template, file, workdir)
        size = f"{file.stat().st_size / 1024 / 1024:.1f} MB, {n:,} rows"
        print(f"  {label}: {got}", flush=True)
        rows += [
            {
                "figure": f"portal RSS before upload ({label})",
                "value": round(got["before"]),
                "unit": "MB",
                "target": "",
                "ok": None,
            },
            {
                "figure": f"portal peak RSS, upload of {size} ({label}): {got['outcome']}",
                "value": round(got["peak_self"]),
                "unit": "MB",
                "target": f"< {TARGET_MB} MB",
                "ok": got["peak_self"] < TARGET_MB,
            },
            {
                "figure": f"portal + checking process peak RSS ({label})",
                "value": round(got["peak_total"]),
                "unit": "MB",
                "target": "",
                "ok": None,
            },
            {
                "figure": f"portal RSS 3 s after the import ({label}; {got['seconds']:.0f} s)",
                "value": round(got["after"]),
                "unit": "MB",
                "target": f"< {TARGET_MB} MB",
                "ok": got["after"] < TARGET_MB,
            },
        ]
    return rows


if __name__ == "__main__":
    from bench import citydata
    from bench.run import print_table

    result = run(1.0, citydata.WORK)
    print_table([{"area": "upload_memory", **r} for r in result])
