"""Duplicating a database, the provisioning hot path: complete copy or nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tenantry.db import Storage
from tenantry.db import postgres as postgres_backend
from tenantry.db import sqlite as sqlite_backend
from tenantry.db.postgres import PostgresBackend
from tenantry.exceptions import MissingError, UserError
from tests.helpers import own


class _Interrupted(Exception):
    pass


def _fill(storage: Storage, name: str, rows: int = 50) -> None:
    with storage.engine(name).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE item (id INTEGER PRIMARY KEY, label VARCHAR(2000))")
        conn.execute(
            text("INSERT INTO item (id, label) VALUES (:id, :label)"),
            [{"id": i, "label": f"item {i} " + "x" * 1000} for i in range(rows)],
        )


def _ids(storage: Storage, name: str) -> list[int]:
    with storage.engine(name).connect() as conn:
        return list(conn.exec_driver_sql("SELECT id FROM item ORDER BY id").scalars())


def _leftovers(storage: Storage) -> list[str]:
    """Temporary files left in a SQLite directory or among the filestores (none expected, ever)."""
    found = [f"filestore/{p.name}" for p in storage.filestores.base.glob(".*")]
    if storage.dialect != "sqlite":
        return found
    directory = sqlite_backend.directory_from_url(storage.url)
    if not directory.exists():
        return found
    others = [p.name for p in directory.iterdir() if p.suffix != ".sqlite3" and p.name != "filestore"]
    return sorted(found + others)


def test_duplicate_copies_the_data(storage: Storage) -> None:
    storage.create("src")
    _fill(storage, "src")
    storage.duplicate("src", "dst")
    assert own(storage.list()) == ["dst", "src"]
    assert _ids(storage, "dst") == list(range(50))


def test_duplicate_is_independent_of_its_source(storage: Storage) -> None:
    storage.create("src")
    _fill(storage, "src")
    storage.duplicate("src", "dst")
    with storage.engine("dst").begin() as conn:
        conn.exec_driver_sql("DELETE FROM item WHERE id >= 10")
    with storage.engine("src").begin() as conn:
        conn.exec_driver_sql("INSERT INTO item (id, label) VALUES (100, 'new')")
    assert _ids(storage, "dst") == list(range(10))
    assert _ids(storage, "src") == [*range(50), 100]


def test_duplicate_leaves_the_source_usable(storage: Storage) -> None:
    storage.create("src")
    _fill(storage, "src")
    storage.duplicate("src", "dst")
    with storage.engine("src").begin() as conn:
        conn.exec_driver_sql("DELETE FROM item")
    assert _ids(storage, "src") == []


def test_duplicate_onto_an_existing_name_refuses_and_keeps_the_target(storage: Storage) -> None:
    storage.create("src")
    _fill(storage, "src")
    storage.create("dst")
    with storage.engine("dst").begin() as conn:
        conn.exec_driver_sql("CREATE TABLE mine (id INTEGER)")
    with pytest.raises(UserError, match="'dst' already exists"):
        storage.duplicate("src", "dst")
    with storage.engine("dst").connect() as conn:
        tables = conn.exec_driver_sql("SELECT count(*) FROM mine").scalar()
    assert tables == 0
    assert own(storage.list()) == ["dst", "src"]


def test_duplicate_of_a_missing_source_raises_missing_error(storage: Storage) -> None:
    with pytest.raises(MissingError, match="'ghost' does not exist"):
        storage.duplicate("ghost", "dst")
    assert not storage.exists("dst")
    assert _leftovers(storage) == []


def test_duplicate_interrupted_midway_leaves_no_target(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: the page copy fails after its first step. PostgreSQL: another session holds
    the source and cannot be ended (as another role's could not), so CREATE DATABASE fails
    (after PostgreSQL's own 5 s wait)."""
    storage.create("src")
    _fill(storage, "src", rows=200)
    if storage.dialect == "sqlite":
        directory = sqlite_backend.directory_from_url(storage.url)
        steps: list[int] = []

        def copy_then_fail(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
            def progress(status: int, remaining: int, total: int) -> None:
                steps.append(remaining)
                assert [p for p in directory.iterdir() if p.name.startswith(".dst.")]
                raise _Interrupted

            source.backup(target, pages=1, progress=progress)

        monkeypatch.setattr(sqlite_backend, "_backup", copy_then_fail)
        with pytest.raises(_Interrupted):
            storage.duplicate("src", "dst")
        assert steps and steps[0] > 0  # it really stopped midway
    else:
        ends_nobody = text("SELECT true, CAST(:name AS text) WHERE false")
        monkeypatch.setattr(postgres_backend, "_TERMINATE_OTHERS", ends_nobody)
        other = Storage(storage.url)
        try:
            with other.engine("src").connect() as held:
                held.exec_driver_sql("SELECT 1")
                with pytest.raises(UserError, match="other sessions are connected"):
                    storage.duplicate("src", "dst")
        finally:
            other.close()
    assert not storage.exists("dst")
    assert own(storage.list()) == ["src"]
    assert _leftovers(storage) == []
    monkeypatch.undo()
    storage.duplicate("src", "dst")  # and a retry succeeds
    assert _ids(storage, "dst") == list(range(200))


def test_duplicate_failing_after_the_copy_leaves_no_target(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: the copy is complete but publishing it fails. PostgreSQL: the server created
    the database, then the client failed (e.g. the connection dropped)."""
    storage.create("src")
    _fill(storage, "src")
    if storage.dialect == "sqlite":

        def publish_fails(tmp: Path, final: Path, name: str) -> None:
            raise _Interrupted

        monkeypatch.setattr(sqlite_backend, "_publish", publish_fails)
    else:
        create = PostgresBackend._create_database

        def create_then_fail(self: PostgresBackend, name: str, **kwargs: Any) -> None:
            create(self, name, **kwargs)
            assert self.exists(name)
            raise _Interrupted

        monkeypatch.setattr(PostgresBackend, "_create_database", create_then_fail)
    with pytest.raises(_Interrupted):
        storage.duplicate("src", "dst")
    assert not storage.exists("dst")
    assert own(storage.list()) == ["src"]
    assert _leftovers(storage) == []
