"""A list as shown on screen and downloaded: a title, Chinese headers and rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    # How many rows the whole list has when ``rows`` holds only the first of them.
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    def records(self, limit: int | None = None) -> list[dict]:
        """Rows keyed by header, for st.dataframe; the first ``limit`` only, if given.

        Why a limit here, not a slice of the result: a county's list can hold hundreds of
        thousands of people, and a dict for each of them grew the portal by about 400 MB
        on every view of the 台账 page, to show 2,000 of them.
        """
        rows = self.rows if limit is None else self.rows[:limit]
        return [dict(zip(self.headers, r, strict=True)) for r in rows]

    def xlsx(self) -> bytes:
        """The list as a spreadsheet; risky cells are written as text by ``spreadsheet``."""
        from portal import spreadsheet  # openpyxl: loaded only when a list is downloaded

        return spreadsheet.xlsx_bytes(
            self.headers, self.rows, sheet=_sheet_name(self.title), title=self.title
        )


def _sheet_name(title: str) -> str:
    """Excel refuses \\ / ? * [ ] : in sheet names and more than 31 characters."""
    return re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or "Sheet1"
