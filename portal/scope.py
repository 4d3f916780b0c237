"""Who is acting, and what they may see: every query and write is filtered through this.

City staff see all counties; county staff one county; an institution its own sessions and
the workers enrolled in them. The filter lives here, in the data layer, so that no page
can forget it.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.errors import ScopeError


@dataclass(frozen=True)
class Actor:
    username: str
    role: str  # city / county / institution / system
    county_code: str | None = None
    institution_id: int | None = None
    is_admin: bool = False
    display_name: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role in ("city", "county", "system")

    @property
    def sees_full_id(self) -> bool:
        """Only county staff keep the ledger and need the full ID number on screen."""
        return self.role in ("county", "system")

    def check_county(self, county_code: str | None) -> None:
        if self.role in ("city", "system"):
            return
        if self.role == "county" and county_code == self.county_code:
            return
        raise ScopeError()

    def check_institution(self, institution_id: int | None) -> None:
        if self.role in ("city", "system"):
            return
        if self.role == "institution" and institution_id == self.institution_id:
            return
        raise ScopeError()

    def county_filter(self, column: str = "county_code") -> tuple[str, list]:
        """SQL fragment and params restricting rows by county for staff."""
        if self.role in ("city", "system"):
            return "1 = 1", []
        if self.role == "county":
            return f"{column} = ?", [self.county_code]
        return "0 = 1", []


SYSTEM = Actor(username="system", role="system", display_name="系统")
