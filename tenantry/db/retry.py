"""Transactions that lost a race with another one, and running them again.

A transaction that failed only because another one got in its way is worth
running again from the start, as Odoo retries PostgreSQL serialization failures::

    for attempt in attempts():
        with attempt, inst.env(db, uid, optimistic=attempt.optimistic) as env:
            return env["res.partner"].browse(7).write({"name": "Agrolait"})

``with attempt`` swallows a retryable error (after a short random pause) unless it
was the last attempt; the loop ends with the first attempt that ends otherwise.
The first attempt is optimistic (on SQLite it begins without the write lock, so
that readers never wait); the next ones take the write lock when they begin, so
they wait their turn instead of losing the race again.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from types import TracebackType

from sqlalchemy.exc import DBAPIError

from tenantry.db.sqlite_engine import DatabaseReplaced

__all__ = ["CONCURRENCY_SQLSTATES", "MAX_TRIES", "Attempt", "attempts", "is_retryable"]

MAX_TRIES = 5
"""Runs after the first one, at most."""

CONCURRENCY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
"""PostgreSQL: serialization failure, deadlock detected, lock not available."""

_SQLITE_BUSY = 5  # with its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY) in the high bits
sleep = time.sleep  # replaced by tests


def is_retryable(exc: BaseException) -> bool:
    """Whether running the failed transaction again, from the start, may succeed.

    - PostgreSQL serialization failures, deadlocks and lock timeouts;
    - SQLite ``database is locked`` (``SQLITE_BUSY``): in WAL mode a transaction that
      read before writing fails at once when another writer got in first;
    - a SQLite database dropped or replaced while the transaction ran (nothing was
      committed; the next run opens the database now under that name, if any);
    - a connection found dead (e.g. ended by ``pg_terminate_backend`` when another
      worker dropped or copied a database), except while committing: the commit may
      have happened, and running the work twice is worse than failing once.
    """
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if isinstance(orig, DatabaseReplaced):
        return True
    if isinstance(orig, sqlite3.OperationalError):
        return getattr(orig, "sqlite_errorcode", 0) & 0xFF == _SQLITE_BUSY
    if getattr(orig, "sqlstate", None) in CONCURRENCY_SQLSTATES:
        return True
    return exc.connection_invalidated and exc.statement is not None


class Attempt:
    """One run of a transaction; ``with attempt:`` decides whether another follows."""

    def __init__(self, number: int, last: bool) -> None:
        self.number = number
        self.last = last
        self.failed = False
        """Ended by a retryable error that another attempt will follow."""

    @property
    def optimistic(self) -> bool:
        """Only the first attempt: after a lost race, wait for the write lock instead."""
        return self.number == 0

    def __enter__(self) -> Attempt:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if exc is None or self.last or not is_retryable(exc):
            return False
        self.failed = True
        sleep(random.uniform(0.0, min(0.1 * 2**self.number, 2.0)))
        return True


def attempts(retries: int = MAX_TRIES) -> Iterator[Attempt]:
    """Attempts until one ends without a retryable error, ``1 + retries`` at most."""
    for number in range(retries + 1):
        attempt = Attempt(number, last=number == retries)
        yield attempt
        if not attempt.failed:
            return
