"""What the :class:`~tenantry.db.storage.Storage` facade needs from one kind of cluster.

A backend does the raw work on already-validated names and raises the tenantry
exceptions itself (``MissingError``, ``UserError``), because only it can detect
races atomically (an exclusive file creation, PostgreSQL's own catalog checks).
The facade validates names and owns the engine cache.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

__all__ = ["WRITE_LOCK", "Backend"]

WRITE_LOCK = "tenantry_write_lock"
"""A connection execution option: the transaction may write, so it takes the write
lock when it begins where a database has one lock for all writers (SQLite's
``BEGIN IMMEDIATE``): it then waits its turn instead of failing when another writer
got in first. PostgreSQL locks rows as they are written and ignores it."""


class Backend(Protocol):
    """One database cluster kind: a SQLite directory or a PostgreSQL server."""

    @property
    def dialect(self) -> str: ...

    def make_engine(self, name: str) -> Engine:
        """A new engine on the existing database ``name``."""
        ...

    def exists(self, name: str) -> bool: ...

    def list(self) -> list[str]:
        """Names of the databases in the cluster, sorted."""
        ...

    def create(self, name: str) -> None: ...

    def drop(self, name: str) -> None: ...

    def duplicate(self, src: str, dst: str) -> None:
        """Copy ``src`` to a new ``dst``; the caller has released ``src``'s engine."""
        ...

    def rename(self, src: str, dst: str) -> None:
        """Rename ``src`` to ``dst`` atomically: one winner among concurrent renames of ``src``,
        never over an existing ``dst``; the caller has released both engines."""
        ...

    def dump(self, name: str, path: str) -> None: ...

    def restore(self, name: str, path: str) -> None: ...

    def dump_sql(self, name: str, path: str) -> None:
        """Write the database as SQL text (the ``dump.sql`` of Odoo's zip backups)."""
        ...

    def restore_sql(self, name: str, path: str) -> None:
        """Create ``name`` from SQL text written by :meth:`dump_sql` on this backend."""
        ...

    def size(self, name: str) -> int: ...

    def close(self) -> None:
        """Release the backend's own resources (e.g. its admin connections)."""
        ...
