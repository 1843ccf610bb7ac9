"""Date filters of search views, as Odoo 17's ``<filter name="order_date" date="date_order"/>``:
a period of the field chosen among the last three months, the four quarters and the
last three years (``filter=order_date:2026-12``, ``order_date:2026-q4``,
``order_date:2026``). Any well-formed period is accepted (a bookmark keeps working);
its bounds are the user's midnights (a datetime field compares in UTC).
"""

from __future__ import annotations

import datetime as dt
import re

from tenantry.exceptions import UserError

__all__ = ["period_domain", "period_options"]

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-q([1-4]))?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")  # fmt: skip


def period_options(today: dt.date) -> list[tuple[str, str]]:
    """``(value, label)`` of the periods offered: three months, four quarters, three years."""
    options: list[tuple[str, str]] = []
    year, month = today.year, today.month
    for back in range(3):
        y, m = (year, month - back) if month - back > 0 else (year - 1, month - back + 12)
        options.append((f"{y}-{m:02d}", f"{_MONTHS[m - 1]} {y}"))
    options += [(f"{year}-q{q}", f"Q{q} {year}") for q in range(1, 5)]
    options += [(str(year - back), str(year - back)) for back in range(3)]
    return options


def period_domain(field: str, kind: str, period: str, tz: dt.tzinfo) -> list[tuple[str, str, str]]:
    """The domain of ``field`` (a ``date`` or ``datetime``) within ``period``."""
    start, end = _bounds(period)
    if kind == "date":
        return [(field, ">=", start.isoformat()), (field, "<", end.isoformat())]
    return [(field, ">=", _utc(start, tz)), (field, "<", _utc(end, tz))]


def _bounds(period: str) -> tuple[dt.date, dt.date]:
    found = _PERIOD.match(period)
    if not found or not 1 <= int(found[1]) <= 9998:
        raise UserError(f"Invalid period {period[:32]!r}.")
    year = int(found[1])
    if found[2]:
        month = int(found[2])
        if not 1 <= month <= 12:
            raise UserError(f"Invalid period {period[:32]!r}.")
        return dt.date(year, month, 1), dt.date(year + month // 12, month % 12 + 1, 1)
    if found[3]:
        first = (int(found[3]) - 1) * 3 + 1
        return dt.date(year, first, 1), dt.date(year + (first + 3) // 13, (first + 2) % 12 + 1, 1)
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _utc(day: dt.date, tz: dt.tzinfo) -> str:
    local = dt.datetime.combine(day, dt.time()).replace(tzinfo=tz)
    return local.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
