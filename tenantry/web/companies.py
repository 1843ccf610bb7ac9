"""The ``cids`` cookie: the companies a web-client user works in (Odoo 17+).

The value is company ids joined by ``-`` (``"3-1"``); the first is the current
company. Reading it keeps only ids among the user's companies, in order and once
each; anything else in it (text, unknown or foreign ids) is ignored, and an empty
result means the user's default company::

    >>> allowed_companies("3-x-1-9-3", user_companies=[1, 3], default=1)
    [3, 1]
    >>> allowed_companies("", user_companies=[1, 3], default=1)
    [1]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["CIDS_COOKIE", "allowed_companies", "cids_value"]

CIDS_COOKIE = "cids"
_MAX_IDS = 100
"""More ids than this in a cookie are ignored (a user rarely has that many companies)."""


def allowed_companies(cookie: str | None, user_companies: Sequence[int], default: int | None) -> list[int]:
    """The allowed company ids ``cookie`` asks for, among ``user_companies`` (current first)."""
    mine = set(user_companies)
    chosen: list[int] = []
    for part in (cookie or "").split("-")[:_MAX_IDS]:
        if part.isascii() and part.isdigit() and len(part) < 12:
            company = int(part)
            if company in mine and company not in chosen:
                chosen.append(company)
    if not chosen and default is not None and default in mine:
        chosen = [default]
    elif not chosen and user_companies:
        chosen = [user_companies[0]]
    return chosen


def cids_value(current: int, others: Iterable[int] = ()) -> str:
    """The cookie value making ``current`` the current company, with ``others`` allowed too."""
    ids = [current, *(c for c in others if c != current)]
    return "-".join(str(c) for c in dict.fromkeys(ids))
