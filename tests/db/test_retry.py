"""What is worth running again (``is_retryable``), and the loop that does it (``attempts``)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from tenantry.db import Storage, retry
from tenantry.db.sqlite_engine import DatabaseReplaced
from tenantry.exceptions import UserError

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
POSTGRESQL = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    pauses: list[float] = []
    monkeypatch.setattr(retry, "sleep", pauses.append)
    return pauses


def _table(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER)")
        conn.exec_driver_sql("INSERT INTO item (id, n) VALUES (1, 0)")


def _lost_race(engine: Engine) -> OperationalError | None:
    """The error of a transaction that read, then wrote after another one committed
    (SQLite: SQLITE_BUSY_SNAPSHOT; PostgreSQL, REPEATABLE READ: serialization failure)."""
    with engine.connect() as first, engine.connect() as second:
        if engine.dialect.name == "postgresql":
            first.execution_options(isolation_level="REPEATABLE READ")
        first.begin()
        first.exec_driver_sql("SELECT n FROM item").all()
        with second.begin():
            second.exec_driver_sql("UPDATE item SET n = n + 1")
        try:
            first.exec_driver_sql("UPDATE item SET n = n + 10")
        except OperationalError as exc:
            return exc
        return None


def test_a_transaction_that_lost_a_race_is_retryable(fresh_engine: Engine) -> None:
    _table(fresh_engine)
    error = _lost_race(fresh_engine)
    assert error is not None, "the race was not lost"
    assert retry.is_retryable(error)


@SQLITE
def test_sqlite_busy_is_retryable(storage: Storage) -> None:
    storage.create("t")
    engine = storage.engine("t")
    _table(engine)
    with engine.connect() as holder, engine.connect() as waiter:
        holder.begin()
        holder.exec_driver_sql("UPDATE item SET n = 1")
        waiter.exec_driver_sql("PRAGMA busy_timeout=0")
        with pytest.raises(OperationalError, match="database is locked") as caught:
            waiter.exec_driver_sql("BEGIN IMMEDIATE")
        holder.rollback()
    assert retry.is_retryable(caught.value)


@POSTGRESQL
def test_a_connection_the_server_ended_is_retryable_but_not_during_commit(storage: Storage) -> None:
    storage.create("t")
    engine = storage.engine("t")
    _table(engine)
    with engine.connect() as victim, engine.connect() as killer:
        pid = victim.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        killer.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        killer.commit()
        with pytest.raises(OperationalError) as caught:
            victim.exec_driver_sql("UPDATE item SET n = 2")
    assert caught.value.connection_invalidated and caught.value.statement is not None
    assert retry.is_retryable(caught.value)
    # The same loss while committing: the commit may have happened.
    at_commit = OperationalError(None, None, caught.value.orig, connection_invalidated=True)  # type: ignore[arg-type]
    assert not retry.is_retryable(at_commit)


@pytest.mark.parametrize("sqlstate", ["40001", "40P01", "55P03"])
def test_postgresql_concurrency_sqlstates_are_retryable(sqlstate: str) -> None:
    class Orig(Exception):
        pass

    orig = Orig("concurrency")
    orig.sqlstate = sqlstate  # type: ignore[attr-defined]
    assert retry.is_retryable(OperationalError("UPDATE ...", {}, orig))


def test_a_database_replaced_during_the_transaction_is_retryable() -> None:
    assert retry.is_retryable(OperationalError(None, None, DatabaseReplaced("replaced")))


def test_other_errors_are_not_retryable(fresh_engine: Engine) -> None:
    _table(fresh_engine)
    with pytest.raises(IntegrityError) as duplicate, fresh_engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO item (id, n) VALUES (1, 0)")
    with pytest.raises(Exception) as missing_table, fresh_engine.begin() as conn:
        conn.exec_driver_sql("SELECT * FROM nowhere")
    other_sqlite = sqlite3.OperationalError("disk I/O error")
    other_sqlite.sqlite_errorcode = 10  # type: ignore[attr-defined]
    for error in (
        duplicate.value,
        missing_table.value,
        OperationalError("SELECT 1", {}, other_sqlite),
        UserError("no"),
        ValueError("no"),
    ):
        assert not retry.is_retryable(error), error


def _busy() -> OperationalError:
    orig = sqlite3.OperationalError("database is locked")
    orig.sqlite_errorcode = 517  # type: ignore[attr-defined]  # SQLITE_BUSY_SNAPSHOT
    return OperationalError("UPDATE ...", {}, orig)


def test_attempts_run_again_after_a_lost_race_waiting_for_the_lock_the_next_time(
    no_sleep: list[float],
) -> None:
    runs: list[bool] = []

    def work(optimistic: bool) -> str:
        runs.append(optimistic)
        if len(runs) < 3:
            raise _busy()
        return "done"

    def call() -> str:
        for attempt in retry.attempts():
            with attempt:
                return work(attempt.optimistic)
        raise AssertionError("unreachable")

    assert call() == "done"
    assert runs == [True, False, False]
    assert len(no_sleep) == 2 and all(0 <= pause <= 2.0 for pause in no_sleep)


def test_attempts_end_with_the_first_run_that_ends_without_a_retryable_error(no_sleep: list[float]) -> None:
    runs: list[int] = []
    for attempt in retry.attempts():
        with attempt:
            runs.append(attempt.number)  # no return: the loop must still stop
    assert runs == [0]
    with pytest.raises(UserError):
        for attempt in retry.attempts():
            with attempt:
                runs.append(attempt.number)
                raise UserError("not a race")
    assert runs == [0, 0]
    assert no_sleep == []


def test_attempts_give_up_after_max_tries_with_the_last_error(no_sleep: list[float]) -> None:
    runs: list[Any] = []
    with pytest.raises(OperationalError, match="database is locked"):
        for attempt in retry.attempts():
            with attempt:
                runs.append(attempt.number)
                raise _busy()
    assert runs == list(range(retry.MAX_TRIES + 1))
    assert len(no_sleep) == retry.MAX_TRIES
