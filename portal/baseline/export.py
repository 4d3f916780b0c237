"""The baseline as .xlsx (every text cell formula-safe) or PDF (autoescaped, assets only)."""

from __future__ import annotations

import io
from pathlib import Path

import jinja2

from portal import catalogue, clock
from portal.baseline import tables
from portal.errors import UserError
from portal.ledger.table import Table
from portal.pdf import render_pdf
from portal.spreadsheet import write_sections

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS = """
@page { size: A4 landscape; }
p.meta { color: #333; font-size: 9.5pt; }
table { font-size: 8.5pt; margin-bottom: 6pt; }
td.n { text-align: right; }
ol.notes { font-size: 9pt; }
h2 { break-after: avoid; }
tr { break-inside: avoid; }
"""
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)


def title(r: dict) -> str:
    return f"{r['area']['name']}建档立卡贫困劳动力底数"


def _sections(ts: list[Table]):
    return [(t.title, t.headers, t.rows) for t in ts]


def xlsx(r: dict, pupils: Table | None = None, target=None) -> bytes | None:
    """Figures on the first sheet; the 两后生 list (if given) on its own sheet."""
    sheets = [("底数", _sections(tables.all_tables(r)))]
    if pupils is not None:
        sheets.append(("两后生名单", _sections([pupils])))
    buf = target if target is not None else io.BytesIO()
    write_sections(buf, sheets, title=title(r) + f"（年龄计算到 {r['at']}）", notes=tables.notes(r))
    return None if target is not None else buf.getvalue()


def html(r: dict, pupils: Table | None = None) -> str:
    ts = tables.all_tables(r) + ([pupils] if pupils is not None else [])
    return _env.get_template("baseline.html").render(
        title=title(r),
        at=r["at"],
        generated=clock.display(clock.now()),
        document=catalogue.document_number(),
        tables=ts,
        notes=tables.notes(r),
    )


def write(r: dict, out: Path, pupils: Table | None = None) -> Path:
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise UserError(f"输出文件“{out.name}”的扩展名应为 .xlsx 或 .pdf。")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        render_pdf(html(r, pupils), css=CSS, target=str(out))
    else:
        xlsx(r, pupils, target=str(out))
    return out
