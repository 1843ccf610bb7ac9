"""Storage: database names, engines and lifecycle over SQLite or PostgreSQL (SPEC section 2)."""

from __future__ import annotations

from tenantry.db.names import validate_name
from tenantry.db.storage import Storage

__all__ = ["Storage", "validate_name"]
