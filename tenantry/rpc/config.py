"""How the RPC services of one server behave (frozen once serving starts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MethodNotFound", "RpcConfig"]


@dataclass(frozen=True)
class RpcConfig:
    """The settings of ``tenantry serve`` that the RPC services read.

    ``master_password`` (plain text, or an Argon2 hash starting with ``$argon2``) guards
    the ``db`` management methods; ``None`` refuses them all. ``master_password_file``
    is where ``db.change_admin_password`` keeps the new one (an Argon2 hash): once that
    file exists, it is the master password, for every worker and after a restart, and
    ``master_password`` only serves until then. ``list_db=False``
    (``--no-database-list``) refuses the listing and management methods. ``db_filter``
    says whether a request may reach a database (``None``: any).
    """

    master_password: str | None = None
    list_db: bool = True
    dev: bool = False
    db_filter: Callable[[str], bool] | None = None
    master_password_file: Path | None = None


class MethodNotFound(Exception):
    """An unknown service or method (a plain error: fault 1, as in Odoo)."""
