"""Who may see and change ledger data: staff only, county staff their own county."""

from __future__ import annotations

from portal import catalogue, idnumber
from portal.errors import ScopeError
from portal.scope import Actor


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise ScopeError("无权操作：台账和清单仅供县、市工作人员使用。")


def require_ledger_keeper(actor: Actor, county_code: str | None) -> None:
    """Writes to the ledger and targets: the county's own staff (or the command line)."""
    if actor.role == "system":
        return
    if actor.role != "county":
        raise ScopeError("无权操作：台账和年度任务由各县（市、区）工作人员维护，市级账户只能查看。")
    actor.check_county(county_code)


def county_clause(actor: Actor, county: str | None, column: str) -> tuple[str, list]:
    """SQL restricting rows to the actor's county and to the county asked for, if any."""
    require_staff(actor)
    sql, params = actor.county_filter(column)
    if county:
        code = catalogue.county(county)["code"]
        sql += f" AND {column} = ?"
        params = [*params, code]
    return sql, params


def shown_id(actor: Actor, number: str) -> str:
    return number if actor.sees_full_id else idnumber.mask(number)
