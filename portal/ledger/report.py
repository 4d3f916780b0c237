"""The per-row report of an import, and the blank template a county can fill in."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from portal import spreadsheet
from portal.errors import UserError
from portal.ledger.importer import REPORT_HEADERS, ImportResult

TEMPLATE_HEADERS = (
    "姓名",
    "身份证号",
    "性别",
    "县（市、区）",
    "乡镇",
    "村",
    "联系电话",
    "户编号",
    "文化程度",
    "劳动能力",
    "就业状态",
    "是否有培训意愿",
    "培训需求（工种）",
    "是否有就业意愿",
    "是否两后生",
    "是否有就读技工院校意愿",
    "备注",
)
TEXT_COLUMNS = ("身份证号", "联系电话", "户编号")


def write_report(result: ImportResult, out: str | Path) -> Path:
    """Rejected rows as .xlsx or .csv, chosen by the file name."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError("报告文件请用 .csv 或 .xlsx 结尾，例如 --report 拒收行.xlsx。")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        spreadsheet.write_csv(out, REPORT_HEADERS, result.report_rows())
    else:
        spreadsheet.write_xlsx(
            out,
            REPORT_HEADERS,
            result.report_rows(),
            sheet="拒收行",
            title=_title(result),
            widths=(14, 8, 12, 22, 70),
        )
    return out


def _title(result: ImportResult) -> str:
    title = f"{result.file_name} 导入拒收行（{result.rejected}行）"
    if result.missing:
        title += f"，库里有、本次文件里没有的人（{len(result.missing)}人）"
    return title


def report_xlsx(result: ImportResult) -> bytes:
    return spreadsheet.xlsx_bytes(
        REPORT_HEADERS,
        result.report_rows(),
        sheet="拒收行",
        title=_title(result),
        widths=(14, 8, 12, 22, 70),
    )


def template_xlsx() -> bytes:
    """A ledger sheet with the headers the importer reads; ID and phone columns typed as text.

    Why text columns: typed into a General column an 18-digit ID number loses its last digits.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["某某县（市、区）建档立卡贫困劳动力台账"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(TEMPLATE_HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, header in enumerate(TEMPLATE_HEADERS, start=1):
        letter = ws.cell(row=2, column=i).column_letter
        ws.column_dimensions[letter].width = 22 if header in TEXT_COLUMNS else 14
        if header in TEXT_COLUMNS:
            for r in range(3, 2003):
                ws.cell(row=r, column=i).number_format = "@"
    ws.freeze_panes = "A3"
    notes = wb.create_sheet("填写说明")
    for line in (
        ["填写说明"],
        ["1. 第2行是表头，请不要改动列名；不用的列可以删除，“姓名”“身份证号”两列必须有。"],
        [
            "2. 身份证号、联系电话两列已设为文本格式；从别处粘贴时请用“只粘贴数值”，不要改成数字格式。"
        ],
        ["3. 县（市、区）可写全称或简称，如“望奎县”或“望奎”；乡镇、村必须填写。"],
        ["4. 是否有培训意愿等是/否列，可写 是/否、有/无、愿意/不愿意、√/×、Y/N、1/0。"],
        ["5. 性别和出生日期以身份证号为准；性别栏与身份证号不一致时会给出提示。"],
        ["6. 同一个身份证号再次导入时，会用新的内容更新原记录。"],
    ):
        notes.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
