"""Policy packs at print scale: a village of 300 workers and a township of 2,000, one PDF each.

Each render runs in a fresh subprocess (as ``build.py packs`` would) so that peak memory is
the real figure: the resident memory of the whole process tree (parent and its rendering
processes) sampled every 50 ms with psutil, summed. Also measured: pages per second, seconds,
KB per worker, CPU seconds. Every render goes through ``batches.print_packs`` (select, render,
record), as the portal's page and ``build.py packs`` do. The batch's speed-up is measured
against printing one worker at a time, a document each, both ways a clerk could: one page
call per worker in a warm process, and one ``build.py packs --person`` command per worker.

The data set is built here, deterministically: one township of 望奎县 whose first village has
300 workers and whose villages hold 2,000 in all, with sessions, enrolments and job openings.
``--scale`` shrinks both numbers (0.05: 15 and 100).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal import catalogue, idnumber, validate  # noqa: E402
from portal import db as database  # noqa: E402
from portal.demo import GIVEN, SURNAMES  # noqa: E402

SEED = 2019_0312
ON = dt.date(2019, 5, 1)
COUNTY = "231221"
VILLAGE_WORKERS = 300
TOWNSHIP_WORKERS = 2000
SINGLE_SAMPLE = 60  # workers rendered one at a time (the rate is what is compared)
CLI_SAMPLE = 5  # workers printed with one command each (a fresh process each: slow)


def build(path: Path, village_n: int, township_n: int) -> Path:
    """One township: village 1 holds ``village_n`` workers, the township ``township_n``."""
    if path.exists():
        return path
    rng = random.Random(SEED)
    db = database.connect(path)
    now = "2019-03-25T09:00:00"
    stamp = (now, "bench", now, "bench")
    courses = [c for c in catalogue.courses() if c["hours"] > 0]
    with database.transaction(db):
        town = f"{COUNTY}001"
        db.execute(
            "INSERT INTO areas (code, name, level, parent_code) VALUES (?, '灵山满族乡', 'township', ?)",
            [town, COUNTY],
        )
        others = max(1, (township_n - village_n) // 200)
        villages = [f"{town}{n:03d}" for n in range(1, others + 2)]
        db.conn.executemany(
            "INSERT INTO areas (code, name, level, parent_code) VALUES (?, ?, 'village', ?)",
            [(v, f"第{n + 1}村", town) for n, v in enumerate(villages)],
        )
        rows, used = [], set()
        for i in range(township_n):
            village = villages[0] if i < village_n else villages[1 + i % others]
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 40))
            while (number := idnumber.make(COUNTY, birth, rng.randint(0, 999))) in used:
                pass
            used.add(number)
            rows.append(
                (
                    number,
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    "男" if int(number[16]) % 2 else "女",
                    birth.isoformat(),
                    COUNTY,
                    town,
                    village,
                    "yes",
                    rng.choice(courses)["name"],
                    *stamp,
                )
            )
        db.conn.executemany(
            "INSERT INTO workers (id_number, name, gender, birth_date, county_code, township_code, "
            "village_code, wants_training, wanted_trade, created_at, created_by, updated_at, "
            "updated_by) VALUES (" + ", ".join("?" * 13) + ")",
            rows,
        )
        inst = db.execute(
            "INSERT INTO institutions (name, county_code, credit_code, contact_phone, designated, "
            "created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, '0455-6123456', 1, "
            "?, ?, ?, ?)",
            [
                "望奎县职业技能培训学校",
                COUNTY,
                validate.make_credit_code(f"52{COUNTY}MJ0000001"),
                *stamp,
            ],
        ).lastrowid
        sessions = []
        for n in range(40):
            course = courses[n % len(courses)]
            start = dt.date(2019, 4, 1) + dt.timedelta(days=rng.randint(0, 240))
            end = start + dt.timedelta(days=rng.randint(0, 6))
            status = "completed" if start < ON else "published"
            sessions.append(
                db.execute(
                    "INSERT INTO sessions (institution_id, course_code, county_code, township_code, "
                    "village_code, address, mode, day_part, start_date, end_date, daily_start, "
                    "daily_end, class_hours, capacity, contact_phone, status, created_at, "
                    "created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, '集中', '半日', "
                    "?, ?, '08:30', '11:30', 24, 60, '0455-6123456', ?, ?, ?, ?, ?)",
                    [
                        inst,
                        course["code"],
                        COUNTY,
                        town,
                        villages[n % len(villages)],
                        f"第{n % len(villages) + 1}村村委会活动室",
                        start.isoformat(),
                        end.isoformat(),
                        status,
                        *stamp,
                    ],
                ).lastrowid
            )
        ids = [r[0] for r in db.execute("SELECT id FROM workers ORDER BY id")]
        enrol = []
        for w in ids:
            for s in rng.sample(sessions, rng.randint(0, 3)):
                enrol.append((s, w, "enrolled", now, "bench"))
        db.conn.executemany(
            "INSERT INTO enrolments (session_id, worker_id, status, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?)",
            enrol,
        )
        for n, (title, wage) in enumerate(
            [
                ("家政服务员", "3000-4000元/月"),
                ("养老护理员", "2800-3500元/月"),
                ("食用菌基地工人", "120元/天"),
                ("农产品加工车间操作工", "2500-3200元/月"),
            ]
        ):
            db.execute(
                "INSERT INTO job_openings (county_code, employer, title, positions, wage, "
                "contact_phone, valid_from, valid_until, created_at, created_by, updated_at, "
                "updated_by) VALUES (?, ?, ?, ?, ?, '0455-6000000', '2019-04-01', '2019-12-31', "
                "?, ?, ?, ?)",
                [COUNTY, f"望奎县示范用工单位{n + 1}号", title, 5 + n, wage, *stamp],
            )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


def render_job(db_path: str, level: str, out: str, single: int) -> dict:
    """In the subprocess: what a clerk's page call does (select, render, record the prints).

    ``single`` > 0: that many workers, one page call per worker, a document each, in this one
    warm process (the portal's page would run them so); otherwise the whole village/township
    as one batch.
    """
    from portal.packs import batches
    from portal.scope import SYSTEM

    db = database.connect(db_path)
    path = "望奎县/灵山满族乡" + ("/第1村" if level == "village" else "")
    scope = {level: path}
    started = time.perf_counter()
    pages = size = workers = 0
    if single:
        people = _people(db, single)
        for n, number in enumerate(people):
            target = Path(out).with_name(f"single-{n}.pdf")
            selection = batches.select_workers(db, SYSTEM, person=number)
            pages += batches.print_packs(db, SYSTEM, selection, target, on=ON).pages
            size += target.stat().st_size
            target.unlink()
        workers = len(people)
    else:
        selection = batches.select_workers(db, SYSTEM, **scope)
        result = batches.print_packs(db, SYSTEM, selection, Path(out), on=ON)
        pages, workers = result.pages, result.workers
        size = Path(out).stat().st_size
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    return {"workers": workers, "pages": pages, "seconds": seconds, "bytes": size, "cpu": cpu}


def _people(db, n: int) -> list[str]:
    """The first ``n`` workers of village 1, by ID number (what a clerk types)."""
    rows = db.query(
        "SELECT id_number FROM workers WHERE county_code = ? AND township_code = ? "
        "AND village_code = ? ORDER BY id LIMIT ?",
        [COUNTY, f"{COUNTY}001", f"{COUNTY}001001", n],
    )
    return [r["id_number"] for r in rows]


def cli_one_by_one(db_path: Path, out: Path, n: int) -> dict:
    """One ``build.py packs --person`` command per worker, each a fresh process and document."""
    db = database.connect(db_path)
    people = _people(db, n)
    db.conn.close()
    pages = 0
    started = time.perf_counter()
    for k, number in enumerate(people):
        target = out.with_name(f"cli-{k}.pdf")
        cmd = [sys.executable, str(ROOT / "build.py"), "packs", "--db", str(db_path)]
        cmd += ["--person", number, "--out", str(target), "--date", ON.isoformat()]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        from pypdf import PdfReader

        pages += len(PdfReader(target).pages)
        target.unlink()
    return {"workers": len(people), "pages": pages, "seconds": time.perf_counter() - started}


def measure(db_path: Path, level: str, out: Path, single: int = 0) -> dict:
    """Run ``render_job`` in a fresh process; sample the tree's summed RSS for the peak."""
    import psutil

    cmd = [sys.executable, __file__, "--job", str(db_path), level, str(out), str(single)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    output = proc.stdout.read()
    if proc.returncode:
        raise RuntimeError(f"render failed ({proc.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = peak / 2**20
    return result


def run(scale: float, workdir: Path) -> list[dict]:
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    village_n = max(10, round(VILLAGE_WORKERS * scale))
    township_n = max(village_n * 2, round(TOWNSHIP_WORKERS * scale))
    db_path = build(workdir / f"packs-{village_n}-{township_n}.db", village_n, township_n)
    village = measure(db_path, "village", workdir / "village.pdf")
    township = measure(db_path, "township", workdir / "township.pdf")
    full = scale >= 1
    # Fewer one-at-a-time samples at quick scale: each is slow, and the rate is per page.
    sample = min(village_n, SINGLE_SAMPLE if full else 8)
    single = measure(db_path, "village", workdir / "single.pdf", single=sample)
    cli = cli_one_by_one(db_path, workdir / "cli.pdf", min(village_n, CLI_SAMPLE if full else 2))
    rows = []
    for label, r in ((f"村（{village_n}人）", village), (f"乡镇（{township_n}人）", township)):
        rate = r["pages"] / r["seconds"]
        per_worker = r["bytes"] / r["workers"] / 1024
        rows += [
            {
                "figure": f"{label}批量生成用时",
                "value": round(r["seconds"], 1),
                "unit": "s",
                "target": "",
                "ok": None,
            },
            {"figure": f"{label}页数", "value": r["pages"], "unit": "页", "target": "", "ok": None},
            {
                "figure": f"{label}每秒页数",
                "value": round(rate, 1),
                "unit": "页/s",
                # judged at full size only: a 15-worker batch is mostly start-up
                "target": ">= 40" if full else "（全量时 >= 40）",
                "ok": rate >= 40 if full else None,
            },
            {
                "figure": f"{label}每CPU秒页数",
                "value": round(r["pages"] / r["cpu"], 1),
                "unit": "页/CPU·s",
                "target": "",
                "ok": None,
            },
            {
                "figure": f"{label}峰值内存（全部进程合计）",
                "value": round(r["peak_mb"]),
                "unit": "MB",
                "target": "< 800",
                "ok": r["peak_mb"] < 800,
            },
            {
                "figure": f"{label}每人文件大小",
                "value": round(per_worker, 1),
                "unit": "KB",
                "target": "< 150",
                "ok": per_worker < 150,
            },
        ]
    single_rate = single["pages"] / single["seconds"]
    cli_rate = cli["pages"] / cli["seconds"]
    village_rate = village["pages"] / village["seconds"]
    rows += [
        {
            "figure": f"逐人生成（前{sample}人，页面每人调用一次，每人一个文档）每秒页数",
            "value": round(single_rate, 1),
            "unit": "页/s",
            "target": "",
            "ok": None,
        },
        {
            "figure": "逐人生成每人文件大小",
            "value": round(single["bytes"] / single["workers"] / 1024, 1),
            "unit": "KB",
            "target": "",
            "ok": None,
        },
        {
            "figure": "批量比逐人（页面调用）快",
            "value": round(village_rate / single_rate, 1),
            "unit": "倍",
            "target": ">= 3",
            "ok": village_rate / single_rate >= 3,
        },
        {
            "figure": f"逐人命令行（前{cli['workers']}人，每人一条 build.py packs --person）每秒页数",
            "value": round(cli_rate, 1),
            "unit": "页/s",
            "target": "",
            "ok": None,
        },
        {
            "figure": "批量比逐人（命令行）快",
            "value": round(village_rate / cli_rate, 1),
            "unit": "倍",
            "target": ">= 3",
            "ok": village_rate / cli_rate >= 3,
        },
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument("--job", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        db_path, level, out, single = args.job
        print(json.dumps(render_job(db_path, level, out, int(single))))
        return
    rows = run(args.scale, args.workdir)
    width = max(len(r["figure"]) for r in rows)
    for r in rows:
        mark = "" if r["ok"] is None else ("通过" if r["ok"] else "未达标")
        print(f"{r['figure']:<{width}}  {r['value']:>10} {r['unit']:<8} {r['target']:<8} {mark}")


if __name__ == "__main__":
    main()
