"""Storage: database names, engines and lifecycle over SQLite or PostgreSQL (SPEC section 2).

``Storage`` is imported on first use: checking a name (``tenantry.db.names``) must
not load SQLAlchemy and the drivers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tenantry.db.names import validate_name

if TYPE_CHECKING:
    from tenantry.db.storage import Storage

__all__ = ["Storage", "validate_name"]


def __getattr__(name: str) -> Any:
    if name == "Storage":
        from tenantry.db.storage import Storage

        globals()["Storage"] = Storage
        return Storage
    raise AttributeError(f"module 'tenantry.db' has no attribute {name!r}")
