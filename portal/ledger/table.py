"""A list as shown on screen and downloaded: a title, Chinese headers and rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)

    def records(self) -> list[dict]:
        """Rows keyed by header, for st.dataframe."""
        return [dict(zip(self.headers, r, strict=True)) for r in self.rows]

    def xlsx(self) -> bytes:
        """The list as a spreadsheet; risky cells are written as text by ``spreadsheet``."""
        from portal import spreadsheet  # openpyxl: loaded only when a list is downloaded

        return spreadsheet.xlsx_bytes(
            self.headers, self.rows, sheet=_sheet_name(self.title), title=self.title
        )


def _sheet_name(title: str) -> str:
    """Excel refuses \\ / ? * [ ] : in sheet names and more than 31 characters."""
    return re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or "Sheet1"
