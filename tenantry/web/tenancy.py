"""Which databases a request may see: Odoo's ``--db-filter`` applied to the ``Host`` header.

In the pattern, ``%h`` is the host name without port and without a leading ``www.``,
and ``%d`` its first label; both are regex-escaped before substitution, and the
pattern is matched at the start of the database name (``re.match``)::

    >>> visible = database_filter(r"^%h$", "www.acme.example.com:8069")
    >>> visible("acme.example.com"), visible("beta.example.com")
    (True, False)
    >>> database_filter(r"^%d_", "acme.example.com")("acme_prod")
    True

Without a pattern every database is visible (``database_filter`` returns ``None``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["DbFilter", "database_filter", "host_name", "visible_databases"]

DbFilter = Callable[[str], bool]


def host_name(host_header: str) -> str:
    """``"www.Acme.example.com:8069"`` -> ``"acme.example.com"`` (IPv6 literals keep their brackets)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[: host.find("]") + 1] if "]" in host else host
    elif ":" in host:
        host = host.rsplit(":", 1)[0]
    return host.removeprefix("www.")


def database_filter(pattern: str | None, host_header: str) -> DbFilter | None:
    """The predicate deciding which databases a request for ``host_header`` can reach."""
    if not pattern:
        return None
    host = host_name(host_header)
    domain = host.split(".", 1)[0]
    regex = re.compile(
        re.sub(
            r"%[hd]",
            lambda m: re.escape(host if m.group(0) == "%h" else domain),
            pattern,
        )
    )

    def visible(db: str) -> bool:
        return regex.match(db) is not None

    return visible


def visible_databases(names: list[str], db_filter: DbFilter | None) -> list[str]:
    """``names`` restricted to those ``db_filter`` lets through (all of them without a filter)."""
    return list(names) if db_filter is None else [name for name in names if db_filter(name)]
