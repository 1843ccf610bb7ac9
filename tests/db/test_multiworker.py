"""Two workers over one cluster: each sees the other's drops and re-creations at once.

Each worker of ``tenantry serve --workers N`` has its own ``Storage`` (engines and
pooled connections); two ``Storage`` objects on one cluster stand for two workers
here (``tests/clients/test_workers_lifecycle.py`` does it with real processes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError

from tenantry.db import Storage
from tenantry.db import sqlite as sqlite_backend
from tenantry.db.retry import is_retryable
from tenantry.db.sqlite_engine import DatabaseReplaced
from tenantry.exceptions import MissingError, UserError

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
POSTGRESQL = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def workers(db_url: str) -> Iterator[tuple[Storage, Storage]]:
    """Two storages on one cluster, as two workers have."""
    first, second = Storage(db_url), Storage(db_url)
    yield first, second
    first.close()
    second.close()


def _make(storage: Storage, name: str, *rows: int) -> None:
    storage.create(name)
    with storage.engine(name).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE note (n INTEGER PRIMARY KEY)")
        for n in rows:
            conn.execute(text("INSERT INTO note (n) VALUES (:n)"), {"n": n})


def _write(storage: Storage, name: str, n: int) -> None:
    with storage.engine(name).begin() as conn:
        conn.execute(text("INSERT INTO note (n) VALUES (:n)"), {"n": n})


def _notes(storage: Storage, name: str) -> list[int]:
    with storage.engine(name).connect() as conn:
        return list(conn.exec_driver_sql("SELECT n FROM note ORDER BY n").scalars())


def test_a_drop_by_another_worker_is_seen_at_the_next_transaction(workers: tuple[Storage, Storage]) -> None:
    one, other = workers
    _make(one, "acme", 1)
    assert _notes(other, "acme") == [1]  # other keeps a pooled connection on acme
    one.drop("acme")
    with pytest.raises(MissingError, match="'acme' does not exist"):
        _notes(other, "acme")


def _recreate_by_create(storage: Storage, name: str, tmp_path: Path) -> None:
    _make(storage, name, 0)


def _recreate_by_restore(storage: Storage, name: str, tmp_path: Path) -> None:
    _make(storage, "model", 0)
    storage.dump("model", tmp_path / "model.dump")
    storage.restore(name, tmp_path / "model.dump")


def _recreate_by_duplicate(storage: Storage, name: str, tmp_path: Path) -> None:
    _make(storage, "model", 0)
    storage.duplicate("model", name)


@pytest.mark.parametrize(
    "recreate",
    [_recreate_by_create, _recreate_by_restore, _recreate_by_duplicate],
    ids=["create", "restore", "duplicate"],
)
def test_every_write_after_a_drop_and_re_creation_reaches_the_new_database(
    workers: tuple[Storage, Storage], recreate: Callable[[Storage, str, Path], None], tmp_path: Path
) -> None:
    """The finding: after a re-creation, the other worker's writes went into the dropped file."""
    one, other = workers
    _make(one, "acme", 100)
    _write(other, "acme", 101)  # other's pool now holds connections on the first acme
    one.drop("acme")
    recreate(one, "acme", tmp_path)
    for n in range(1, 6):
        _write(other, "acme", n)
        _write(one, "acme", 10 + n)
    expected = [0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 15]
    assert _notes(one, "acme") == expected
    assert _notes(other, "acme") == expected


def test_a_transaction_spanning_a_drop_and_re_creation_commits_nothing_and_is_retryable(
    workers: tuple[Storage, Storage],
) -> None:
    """Begun on the old database, committed after it was replaced: it fails (SQLite: before
    COMMIT; PostgreSQL: its session was ended), rolled back, and worth running again."""
    one, other = workers
    _make(one, "acme", 1)
    with pytest.raises(OperationalError) as caught, other.engine("acme").begin() as conn:
        assert list(conn.exec_driver_sql("SELECT n FROM note").scalars()) == [1]
        one.drop("acme")
        _make(one, "acme", 2)
        conn.execute(text("INSERT INTO note (n) VALUES (3)"))
    assert is_retryable(caught.value)
    if one.dialect == "sqlite":
        assert isinstance(caught.value.orig, DatabaseReplaced)
    assert _notes(one, "acme") == [2]
    _write(other, "acme", 3)  # the run again succeeds, on the new database
    assert _notes(one, "acme") == [2, 3]


@SQLITE
def test_sqlite_drop_waits_for_a_writer_in_the_middle_of_a_transaction(
    workers: tuple[Storage, Storage],
) -> None:
    """The drop takes the write lock first: the writer's commit lands before the drop,
    instead of the file being unlinked under it."""
    one, other = workers  # (PostgreSQL ends the writer's session instead: see above)
    _make(one, "acme", 1)
    dropped: list[float] = []
    failures: list[BaseException] = []

    def drop() -> None:
        try:
            one.drop("acme")
        except BaseException as exc:
            failures.append(exc)
        dropped.append(time.monotonic())

    with other.engine("acme").begin() as conn:
        conn.execute(text("INSERT INTO note (n) VALUES (2)"))  # holds the write lock
        dropper = threading.Thread(target=drop)
        dropper.start()
        time.sleep(0.3)
        assert dropper.is_alive() and not dropped, "the drop did not wait for the writer"
        committing = time.monotonic()
    dropper.join(10)
    assert not failures and dropped and dropped[0] >= committing
    assert not one.exists("acme") and not other.exists("acme")


@SQLITE
def test_sqlite_drop_refuses_while_a_writer_keeps_the_lock(
    workers: tuple[Storage, Storage], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = workers
    monkeypatch.setattr(sqlite_backend, "BUSY_TIMEOUT_MS", 200)
    _make(one, "acme", 1)
    with other.engine("acme").begin() as conn:
        conn.execute(text("INSERT INTO note (n) VALUES (2)"))
        with pytest.raises(UserError, match="Cannot drop the database 'acme'"):
            one.drop("acme")
    assert _notes(one, "acme") == [1, 2]


@POSTGRESQL
def test_postgresql_duplicate_and_drop_end_the_other_workers_sessions(
    workers: tuple[Storage, Storage],
) -> None:
    """The finding: "other sessions are connected to it", because only the calling
    worker's connections were released. The other worker's next transactions succeed."""
    one, other = workers
    _make(one, "src", 1)
    assert _notes(other, "src") == [1]  # pooled, idle: what a worker holds between requests
    one.duplicate("src", "dst")
    assert _notes(other, "src") == [1]  # reconnected
    assert _notes(other, "dst") == [1]
    one.drop("dst")
    with pytest.raises(MissingError, match="'dst' does not exist"):
        _notes(other, "dst")
    one.drop("src")
    assert not other.exists("src")


@POSTGRESQL
def test_postgresql_sessions_of_another_role_are_left_alone(db_url: str) -> None:
    """A storage that is not superuser may only end its own role's sessions: another
    role's one is waited for (PostgreSQL's 5 s), not a permission error."""
    url = make_url(db_url)
    conninfo = f"host={url.host} port={url.port} user={url.username}"
    with psycopg.connect(conninfo + " dbname=postgres", autocommit=True) as admin:
        admin.execute("CREATE ROLE tenantry_limited LOGIN CREATEDB")
        limited = Storage(url.set(username="tenantry_limited").render_as_string(hide_password=False))
        try:
            _make(limited, "mine", 1)
            assert _notes(limited, "mine") == [1]  # a pooled session of our own role too
            foreign = psycopg.connect(conninfo + " dbname=mine")  # the superuser's
            threading.Timer(0.5, foreign.close).start()  # leaves while the drop waits
            limited.drop("mine")
            assert not limited.exists("mine")
        finally:
            limited.close()
            admin.execute("DROP DATABASE IF EXISTS mine WITH (FORCE)")
            admin.execute("DROP ROLE tenantry_limited")
