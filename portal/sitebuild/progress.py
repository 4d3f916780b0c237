"""工作进展: coverage per county from ``coverage.county_summary`` — aggregates only."""

from __future__ import annotations

from pathlib import Path

from portal import coverage
from portal.sitebuild import render, structure


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def rows_and_total(db) -> tuple[list[dict], dict]:
    rows = []
    for r in coverage.county_summary(db):
        share = r.get("coverage")
        rows.append(
            {
                "county": r["county"],
                "willing": r["willing"] or 0,
                "trained_willing": r["trained_willing"] or 0,
                "sessions_held": r["sessions_held"] or 0,
                "pct": _pct(share),
                "width": round(min(max(share or 0.0, 0.0), 1.0) * 100, 1),
            }
        )
    willing = sum(r["willing"] for r in rows)
    trained = sum(r["trained_willing"] for r in rows)
    total = {
        "willing": willing,
        "trained_willing": trained,
        "sessions_held": sum(r["sessions_held"] for r in rows),
        "pct": _pct(trained / willing if willing else None),
    }
    return rows, total


def write(docs: Path, env, context: dict, db) -> str:
    rows, total = rows_and_total(db)
    body = render.render(
        env, "progress.md", rows=rows, total=total, structure=structure.figures(db), **context
    )
    meta = {
        "title": "工作进展",
        "description": "各县（市、区）贫困劳动力技能培训覆盖率和办班数量，只有汇总数字。",
        "updated": context["today"],
    }
    return render.write_page(docs, "jinzhan/index.md", meta, body)
