"""Run every benchmark and print one table: figure, value, target, pass/fail.

``python bench/run.py`` (make bench) at city scale; ``--scale 0.05`` (make bench-quick) at 1/20.
Each ``bench/bench_*.py`` exposes ``run(scale, workdir) -> list[dict]`` with the keys figure,
value, unit, target, ok, and for timed figures best and reference (``bench/measure.py``: the
median and the best of three runs, beside a reference measured in the same run). A figure
that comes without a reference of its own is printed beside the machine reference taken three
times before and after its module ran, so that no figure stands alone. Results are also
written to ``bench/results.json`` with the machine's cores and memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import citydata, measure  # noqa: E402


def machine() -> dict:
    try:
        import psutil

        memory_gb = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:  # pragma: no cover
        memory_gb = None
    return {
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def modules(only: list[str] | None) -> list[str]:
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    return names


def format_value(value, unit: str) -> str:
    if isinstance(value, float):
        text = f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text} {unit}".strip()


def print_table(rows: list[dict]) -> None:
    headers = (
        "area",
        "figure",
        "median / value",
        "best of 3",
        "same-run reference",
        "target",
        "result",
    )
    lines = [
        (
            r["area"],
            r["figure"],
            format_value(r["value"], r.get("unit", "")),
            format_value(r["best"], r.get("unit", "")) if "best" in r else "",
            r.get("reference") or "",
            r.get("target") or "",
            {True: "PASS", False: "FAIL", None: "-"}[r.get("ok")],
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *lines, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    print(fmt.format(*headers))
    print(fmt.format(*("-" * w for w in widths)))
    for line in lines:
        print(fmt.format(*line))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = city scale; 0.05 = quick")
    parser.add_argument(
        "--only", nargs="*", help="run only benchmarks whose name contains one of these"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)
    info = machine()
    print(f"machine: {info['cores']} cores, {info['memory_gb']} GiB, Python {info['python']}")
    workdir = citydata.WORK
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    city = citydata.build(scale=args.scale)
    rows = [
        {
            "area": "data",
            "figure": f"city data set (scale {args.scale:g})",
            "value": round(time.perf_counter() - started, 1),
            "unit": "s",
            "target": "",
            "ok": None,
        }
    ]
    failed_modules = []
    for name in modules(args.only):
        t0 = time.perf_counter()
        print(f"running {name} ...", flush=True)
        before = [measure.reference_seconds() for _ in range(measure.REPEAT)]
        try:
            mod = importlib.import_module(f"bench.{name}")
            got = mod.run(args.scale, workdir)
            around = measure.reference_text(
                before + [measure.reference_seconds() for _ in range(measure.REPEAT)],
                "本机参考（模块前后）",
            )
            for row in got:
                row.setdefault("reference", around)
                rows.append({"area": name.removeprefix("bench_"), **row})
        except Exception:  # a broken benchmark is reported, the others still run
            traceback.print_exc()
            failed_modules.append(name)
            rows.append(
                {
                    "area": name.removeprefix("bench_"),
                    "figure": "benchmark crashed",
                    "value": "error",
                    "unit": "",
                    "target": "",
                    "ok": False,
                }
            )
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", flush=True)
    print()
    print_table(rows)
    passed = sum(1 for r in rows if r.get("ok") is True)
    failed = sum(1 for r in rows if r.get("ok") is False)
    print(f"\n{passed} targets met, {failed} missed; city data at {city}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "when": dt.datetime.now().isoformat(timespec="seconds"),
                "scale": args.scale,
                "machine": info,
                "results": rows,
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    print(f"results written to {args.out}")
    return 1 if failed_modules else 0


if __name__ == "__main__":
    sys.exit(main())
