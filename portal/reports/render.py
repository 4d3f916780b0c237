"""Report files: .xlsx (every text cell formula-safe) and PDF (autoescaped templates).

Stored text (the quarterly report's four fields, county and user names) goes through Jinja2
with autoescape on, so markup typed into a field prints as the characters typed; the PDF
renderer only reads the project's own assets. In spreadsheets every text cell passes
``spreadsheet.safe_text``: "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import io
from pathlib import Path

import jinja2
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from portal import catalogue, clock
from portal.pdf import render_pdf
from portal.reports import figures, monthly, quarterly
from portal.spreadsheet import safe_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS = """
h1.figs { font-size: 14pt; margin-top: 14pt; }
p.meta { color: #333; font-size: 10pt; }
p.lock { border: 0.8pt solid #a33; padding: 4pt; color: #a33; }
td.n { text-align: right; }
td.doc { font-size: 8pt; }
tr.sum td { font-weight: bold; }
div.text { white-space: pre-wrap; overflow-wrap: anywhere; border: 0.6pt solid #999; padding: 4pt; }
ol.notes { font-size: 9pt; }
table { font-size: 9.5pt; }
table.subsidies { table-layout: fixed; }
table.subsidies td { overflow-wrap: anywhere; }
"""
STATUS = {"draft": "未提交", "submitted": "已提交（已锁定）"}

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_env.filters["when"] = clock.display  # times read 2019年6月1日 08:30, as on the pages


def _context(r: dict) -> dict:
    return {
        "r": r,
        "f": r["figures"],
        "status": STATUS.get(r["status"], r["status"]),
        "coverage": figures.coverage_text(r["figures"]["coverage"]["rate"]),
        "definitions": figures.DEFINITIONS,
        "document": catalogue.document_number(),
    }


def monthly_title(r: dict) -> str:
    return f"{r['county']}技能扶贫培训进展情况表（{r['label']}）"


def quarterly_title(r: dict) -> str:
    return f"{r['county']}技能扶贫培训进展情况（{r['label']}）"


def monthly_html(r: dict) -> str:
    return _env.get_template("monthly.html").render(
        title=monthly_title(r), late_rule=monthly.LATE_RULE, **_context(r)
    )


def quarterly_html(r: dict) -> str:
    return _env.get_template("quarterly.html").render(
        title=quarterly_title(r), fields=list(quarterly.FIELDS.items()), **_context(r)
    )


def city_html(o: dict) -> str:
    return _env.get_template("city.html").render(
        title=f"绥化市技能扶贫培训进展情况汇总（{o['label']}）",
        o=o,
        late_rule=monthly.LATE_RULE,
        status_of=_city_status,
        pct=figures.coverage_text,
        definitions=figures.DEFINITIONS,
    )


def _city_status(r: dict) -> str:
    if r["status"] == "submitted":
        return "逾期提交" if r["late"] else "已提交"
    return "逾期未提交" if r["late"] else "未提交"


def pdf(html: str, target=None) -> bytes | None:
    return render_pdf(html, css=CSS, target=target)


# --- spreadsheets --------------------------------------------------------------------------


class _Sheet:
    """Rows appended one by one, each value made safe; bold for titles and headers."""

    def __init__(self, wb: Workbook, title: str, widths=(28, 14, 16, 14, 14, 16, 24, 40)):
        self.ws = wb.active  # one sheet per workbook
        self.ws.title = title[:31]
        for i, w in enumerate(widths):
            self.ws.column_dimensions[chr(ord("A") + i)].width = w

    def row(self, *values, bold: bool = False, size: int | None = None, wrap: bool = False):
        self.ws.append([safe_text(v) for v in values])
        for cell in self.ws[self.ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            if bold or size:
                cell.font = Font(bold=True, size=size or 11)
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")

    def blank(self):
        self.ws.append([])


def _figures_rows(sheet: _Sheet, f: dict) -> None:
    sheet.row("一、培训人数和举办班次（按活动）", bold=True)
    sheet.row(*CAMPAIGN_HEADERS, bold=True)
    rows = campaign_rows(f)
    for row in rows[:-1]:
        sheet.row(*row)
    sheet.row(*rows[-1], bold=True)
    sheet.blank()
    sheet.row("二、培训覆盖", bold=True)
    sheet.row("有培训意愿的建档立卡贫困劳动力", "截至期末已培训", "覆盖率", bold=True)
    cov = f["coverage"]
    sheet.row(cov["willing"], cov["trained_willing"], figures.coverage_text(cov["rate"]))
    sheet.blank()
    sheet.row("三、补贴", bold=True)
    sheet.row(*SUBSIDY_HEADERS, bold=True)
    for row in subsidy_rows(f):
        sheet.row(*row, wrap=True)


def _notes(sheet: _Sheet, extra=()) -> None:
    sheet.blank()
    sheet.row("说明", bold=True)
    for i, d in enumerate([*figures.DEFINITIONS, *extra], start=1):
        sheet.row(f"{i}. {d}")


def monthly_xlsx(r: dict, target=None) -> bytes | None:
    wb = Workbook()
    sheet = _Sheet(wb, "月报", widths=(28, 14, 16, 14, 14, 16, 24, 40))
    f = r["figures"]
    sheet.row(monthly_title(r), size=14)
    sheet.row("填报单位", f"{r['county']}劳动就业部门")
    sheet.row("统计期", f"{f['start']} 至 {f['end']}")
    sheet.row("状态", STATUS.get(r["status"], r["status"]))
    if r.get("lock"):
        sheet.row("锁定", r["lock"])
    sheet.blank()
    _figures_rows(sheet, f)
    _notes(sheet, [monthly.LATE_RULE])
    sheet.row(f"依据：{catalogue.document_number()}　生成时间：{clock.display(f['generated_at'])}")
    return _save(wb, target)


def quarterly_xlsx(r: dict, target=None) -> bytes | None:
    wb = Workbook()
    sheet = _Sheet(wb, "季报", widths=(28, 80, 16, 14, 14, 16, 40))
    f = r["figures"]
    sheet.row(quarterly_title(r), size=14)
    sheet.row("报送单位", f"{r['county']}劳动就业部门")
    sheet.row("统计期", f"{f['start']} 至 {f['end']}")
    sheet.row("状态", STATUS.get(r["status"], r["status"]))
    sheet.blank()
    for key, name in quarterly.FIELDS.items():
        sheet.row(name, r[key], wrap=True)
    sheet.blank()
    _figures_rows(sheet, f)
    _notes(sheet)
    return _save(wb, target)


def city_xlsx(o: dict, target=None) -> bytes | None:
    wb = Workbook()
    sheet = _Sheet(wb, "全市汇总", widths=(16, 14, 20, 14, 14, 14, 12))
    sheet.row(f"绥化市技能扶贫培训进展情况汇总（{o['label']}）", size=14)
    sheet.row(monthly.LATE_RULE + f"报送截止日：{o['due']}")
    sheet.row(*CITY_HEADERS, bold=True)
    for row in city_rows(o):
        sheet.row(*row)
    sheet.blank()
    sheet.row("全市合计", bold=True)
    _figures_rows(sheet, o["sum"])
    return _save(wb, target)


def _save(wb: Workbook, target) -> bytes | None:
    if target is None:
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    wb.save(target)
    return None


def write(kind: str, r: dict, out: Path) -> Path:
    """Write ``r`` to ``out`` as .xlsx or .pdf (chosen by the extension)."""
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    html_fn = {"monthly": monthly_html, "quarterly": quarterly_html, "city": city_html}[kind]
    xlsx_fn = {"monthly": monthly_xlsx, "quarterly": quarterly_xlsx, "city": city_xlsx}[kind]
    if suffix == ".pdf":
        pdf(html_fn(r), target=str(out))
    elif suffix == ".xlsx":
        xlsx_fn(r, target=str(out))
    else:
        from portal.errors import UserError

        raise UserError(f"输出文件“{out.name}”的扩展名应为 .xlsx 或 .pdf。")
    return out


CAMPAIGN_HEADERS = ["培训活动", "本期培训人数", "本年累计培训人数", "本期举办班次", "本年累计班次"]
SUBSIDY_HEADERS = [
    "补贴项目", "本期人次", "本期数量", "本期金额", "本年累计人次", "本年累计数量", "本年累计金额",
    "依据",
]  # fmt: skip


def campaign_rows(f: dict) -> list[list]:
    rows = [
        [c["name"], c["trained_period"], c["trained_to_date"], c["sessions_period"],
         c["sessions_to_date"]]
        for c in f["campaigns"]
    ]  # fmt: skip
    t = f["total"]
    rows.append(["合计（同一人只算一次）", t["trained_period"], t["trained_to_date"],
                 t["sessions_period"], t["sessions_to_date"]])  # fmt: skip
    return rows


def subsidy_rows(f: dict) -> list[list]:
    return [
        [s["label"], s["period"]["persons"], s["period"]["quantity"], s["period"]["text"],
         s["to_date"]["persons"], s["to_date"]["quantity"], s["to_date"]["text"],
         "；".join(s["documents"])]
        for s in f["subsidies"]
    ]  # fmt: skip


def city_rows(o: dict) -> list[list]:
    return [
        [r["county"], _city_status(r), clock.display(r["submitted_at"]),
         r["figures"]["total"]["trained_period"], r["figures"]["total"]["trained_to_date"],
         r["figures"]["total"]["sessions_period"],
         figures.coverage_text(r["figures"]["coverage"]["rate"])]
        for r in o["rows"]
    ]  # fmt: skip


CITY_HEADERS = [
    "县（市、区）",
    "状态",
    "提交时间",
    "本月培训人数",
    "本年累计",
    "本月班次",
    "覆盖率",
]
