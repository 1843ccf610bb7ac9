"""The exceptions tenantry raises, one tree for the whole package.

::

    Exception
     └── TenantryError
          ├── SessionExpired       no valid web session                          (JSON-RPC code 100)
          ├── DatabaseNotFound     an RPC call names no existing database        (RPC fault 1)
          └── UserError            a user's mistake; the message is for them   (RPC fault 2)
               ├── ValidationError  a value, domain or name breaks a rule       (RPC fault 2)
               ├── MissingError     a record no longer exists                   (RPC fault 2)
               ├── AccessError      the user may not do this to these records   (RPC fault 4)
               └── AccessDenied     bad credentials or master password          (RPC fault 3)
                    └── DatabaseBlocked  the database refuses everyone but the superuser
                                         (a SaaS client expired or suspended)    (RPC fault 3)

The names and the subclass relations mirror Odoo's ``odoo.exceptions`` so that
clients classify them the same way; they are mapped to the wire in exactly one
place (``tenantry.rpc.faults``). Every exception carries its message as
``args[0]`` and an optional ``context`` dict with machine-readable details.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AccessDenied",
    "AccessError",
    "DatabaseBlocked",
    "DatabaseNotFound",
    "MissingError",
    "SessionExpired",
    "TenantryError",
    "UserError",
    "ValidationError",
]


class TenantryError(Exception):
    """Base of every error tenantry raises on purpose."""

    def __init__(self, message: str, *, context: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.context: dict[str, Any] = dict(context or {})

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return self.message


class SessionExpired(TenantryError):
    """The web session is missing, expired, or belongs to another database."""

    def __init__(self, message: str = "Session expired", *, context: dict[str, Any] | None = None):
        super().__init__(message, context=context)


class DatabaseNotFound(TenantryError):
    """An RPC call names a database that does not exist (or cannot, its name being invalid).

    Not a ``UserError``: Odoo fails here while connecting, with an unexpected error
    (fault 1, ``psycopg2.OperationalError``), and clients expect that shape.
    """

    def __init__(self, db: str, *, context: dict[str, Any] | None = None) -> None:
        super().__init__(
            f'FATAL:  database "{db}" does not exist', context={"database": db, **(context or {})}
        )


class UserError(TenantryError):
    """An operation the user asked for cannot be done as asked."""


class ValidationError(UserError):
    """A value, a domain, a name or a constraint is invalid."""


class MissingError(UserError):
    """One of the records involved does not exist (any more)."""


class AccessError(UserError):
    """The user lacks the rights for this operation on these records."""


class AccessDenied(UserError):
    """Authentication failed: wrong login, password, API key or master password."""

    def __init__(self, message: str = "Access Denied", *, context: dict[str, Any] | None = None):
        super().__init__(message, context=context)


class DatabaseBlocked(AccessDenied):
    """The database refuses every login, call and page but the superuser's (a SaaS client
    whose subscription expired or that was suspended); the message says why."""
