"""Engines live in a bounded LRU; an evicted or released database holds no connection."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import Engine, event, make_url

from tenantry.db import Storage


class _OpenConnections:
    """Counts the DBAPI connections an engine has open (its pool's connect/close events)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "connect", self._opened)
        event.listen(engine.pool, "close", self._closed)

    def _opened(self, *_: object) -> None:
        self.count += 1

    def _closed(self, *_: object) -> None:
        self.count -= 1


def _server_connections(url: str, name: str) -> int:
    """Backends connected to database ``name``, waiting for closing ones to exit."""
    parsed = make_url(url)
    conninfo = f"host={parsed.host} port={parsed.port} user={parsed.username} dbname=postgres"
    deadline = time.monotonic() + 5
    with psycopg.connect(conninfo, autocommit=True) as conn:
        while True:
            row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()
            count = int(row[0]) if row else 0
            if count == 0 or time.monotonic() > deadline:
                return count
            time.sleep(0.02)


def test_engine_is_cached_per_database(storage: Storage) -> None:
    storage.create("a")
    assert storage.engine("a") is storage.engine("a")


def test_lru_is_bounded_and_evicted_engines_hold_no_connection(db_url: str) -> None:
    storage = Storage(db_url, max_open=2)
    try:
        for name in ("a", "b", "c"):
            storage.create(name)
        engine_a = storage.engine("a")
        opened = _OpenConnections(engine_a)
        with engine_a.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        assert opened.count == 1  # returned to the pool, still open
        storage.engine("b")
        storage.engine("a")  # a is now the most recently used
        storage.engine("c")  # evicts b
        assert storage._engines.names() == ["a", "c"]
        storage.engine("b")  # evicts a
        assert storage._engines.names() == ["c", "b"]
        assert opened.count == 0
        if storage.dialect == "postgresql":
            assert _server_connections(db_url, "a") == 0
        assert storage.engine("a") is not engine_a  # reopened on demand
    finally:
        storage.close()


def test_release_closes_the_databases_connections(storage: Storage) -> None:
    storage.create("a")
    engine = storage.engine("a")
    opened = _OpenConnections(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    storage.release("a")
    assert opened.count == 0
    if storage.dialect == "postgresql":
        assert _server_connections(storage.url, "a") == 0
    storage.release("a")  # releasing a closed database is a no-op


def test_close_disposes_every_engine(storage: Storage) -> None:
    storage.create("a")
    storage.create("b")
    counters = []
    for name in ("a", "b"):
        engine = storage.engine(name)
        counters.append(_OpenConnections(engine))
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    storage.close()
    assert [c.count for c in counters] == [0, 0]


@pytest.mark.parametrize("max_open", [0, -1])
def test_max_open_must_be_positive(db_url: str, max_open: int) -> None:
    with pytest.raises(ValueError, match="max_open"):
        Storage(db_url, max_open=max_open)
