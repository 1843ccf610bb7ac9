"""Engines on one SQLite database file, which another process may drop or replace at any time.

Every worker of ``tenantry serve --workers N`` keeps its own pooled connections.
When one worker drops a database (and maybe creates, restores or copies another
under the same name), the others' connections still hold the old, unlinked file:
they would read it, and write into it, with nobody ever seeing those writes.

So each connection remembers the identity (device and inode) of the file it
opened, and the path is checked against it, with one ``stat`` each time:

- when a transaction takes a connection from the pool: a connection on another
  file is replaced (and every older one in the pool with it);
- right before ``COMMIT``: a transaction whose file is no longer the database
  fails with :class:`DatabaseReplaced`, so nothing it wrote is reported as saved;
  :func:`tenantry.db.retry.is_retryable` runs it again on the database now there.

The check before ``COMMIT`` holds the write lock if the transaction wrote, and
``drop`` takes that lock before unlinking the file (``SqliteBackend.drop``): a
file cannot be dropped between the check and the commit.

Transactions begin ``DEFERRED`` (readers never wait), or ``IMMEDIATE`` when the
connection has the :data:`~tenantry.db.backend.WRITE_LOCK` execution option:
they then wait for the write lock (``busy_timeout``) instead of failing when
another writer got in first.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from tenantry.db.backend import WRITE_LOCK
from tenantry.db.errors import missing

__all__ = ["BUSY_TIMEOUT_MS", "DatabaseReplaced", "identity_of", "make_sqlite_engine"]

BUSY_TIMEOUT_MS = 10_000
# Set on every connection: foreign keys and LIKE's case sensitivity are per
# connection in SQLite; domains rely on LIKE being case-sensitive (ILIKE is the
# case-insensitive operator). WAL is stored in the file, but setting it again is
# cheap and repairs a file copied in from elsewhere.
_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA case_sensitive_like=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)

Identity = tuple[int, int]


class DatabaseReplaced(sqlite3.OperationalError):
    """The database file was dropped or replaced while a transaction ran on it.

    A driver error (SQLAlchemy wraps it in ``OperationalError``, as any failed
    ``COMMIT``), raised instead of committing: the transaction is rolled back.
    """


class _Connection(sqlite3.Connection):
    """A connection that knows which file it opened, and refuses to commit into another."""

    path: Path
    database: str
    identity: Identity | None  # None: unknown (the file changed while it was opened)

    def commit(self) -> None:
        if self.in_transaction and identity_of(self.path) != self.identity:
            raise DatabaseReplaced(
                f"The database {self.database!r} was dropped or replaced during the transaction:"
                " nothing was committed"
            )
        super().commit()


def identity_of(path: Path) -> Identity | None:
    """``(st_dev, st_ino)`` of the file at ``path``, None if there is none."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def make_sqlite_engine(path: Path, name: str) -> Engine:
    """An engine on the existing database file ``path`` (database ``name``)."""
    # mode=rw: a connection never creates a file, even if the database was dropped.
    uri = f"file:{quote(str(path))}?mode=rw"

    def connect() -> _Connection:
        before = identity_of(path)
        if before is None:
            raise missing(name)
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, factory=_Connection)
        except sqlite3.OperationalError:
            if identity_of(path) is None:  # dropped meanwhile
                raise missing(name) from None
            raise
        # Transactional DDL (SQLAlchemy's documented recipe): switch off pysqlite's own
        # transaction handling, which commits before DDL; _on_begin emits BEGIN.
        conn.isolation_level = None
        conn.path, conn.database = path, name
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        after = identity_of(path)
        # The same file before and after: the one opened. Otherwise unknown, and the
        # first checkout replaces this connection.
        conn.identity = before if after == before else None
        return conn

    engine = create_engine(
        URL.create("sqlite+pysqlite", database=str(path)),
        creator=connect,
        pool_size=4,
        max_overflow=4,
    )
    event.listen(engine, "checkout", _on_checkout)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_checkout(dbapi_connection: Any, _record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
    if identity_of(dbapi_connection.path) != dbapi_connection.identity:
        # Every connection opened before now is on the old file: the pool replaces
        # them all, this one at once (MissingError if the database is gone).
        raise InvalidatePoolError(f"{dbapi_connection.path} was dropped or replaced")


def _on_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(WRITE_LOCK, False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
