"""Dump and restore: a dump made by a backend restores on the same backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tenantry.db import Storage
from tenantry.exceptions import MissingError, UserError
from tests.helpers import own


def _fill(storage: Storage, name: str) -> None:
    with storage.engine(name).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, body VARCHAR(100))")
        conn.execute(
            text("INSERT INTO note (id, body) VALUES (:id, :body)"),
            [{"id": i, "body": f"note {i} é"} for i in range(20)],
        )


def _notes(storage: Storage, name: str) -> list[tuple[int, str]]:
    with storage.engine(name).connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, body FROM note ORDER BY id")
        return [(row.id, row.body) for row in rows]


def test_dump_then_restore_round_trips_the_data(storage: Storage, tmp_path: Path) -> None:
    storage.create("src")
    _fill(storage, "src")
    dump = tmp_path / "src.dump"
    storage.dump("src", dump)
    assert dump.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["src.dump"]
    storage.restore("copy", dump)
    assert own(storage.list()) == ["copy", "src"]
    assert _notes(storage, "copy") == _notes(storage, "src")
    with storage.engine("copy").begin() as conn:  # and the restored database is writable
        conn.exec_driver_sql("DELETE FROM note")
    assert len(_notes(storage, "src")) == 20


def test_dump_replaces_an_existing_file(storage: Storage, tmp_path: Path) -> None:
    storage.create("src")
    _fill(storage, "src")
    dump = tmp_path / "src.dump"
    dump.write_text("old")
    storage.dump("src", str(dump))
    storage.restore("copy", str(dump))
    assert len(_notes(storage, "copy")) == 20


def test_restore_onto_an_existing_name_refuses_and_keeps_it(storage: Storage, tmp_path: Path) -> None:
    storage.create("src")
    _fill(storage, "src")
    storage.dump("src", tmp_path / "src.dump")
    storage.create("taken")
    with pytest.raises(UserError, match="'taken' already exists"):
        storage.restore("taken", tmp_path / "src.dump")
    with storage.engine("taken").connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    with pytest.raises(UserError, match="already exists"):
        storage.restore("src", tmp_path / "src.dump")
    assert len(_notes(storage, "src")) == 20


def test_restore_of_a_file_that_is_not_a_dump_leaves_no_database(storage: Storage, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"not a dump at all\n" * 100)
    with pytest.raises(UserError, match=r"garbage\.dump"):
        storage.restore("acme", garbage)
    assert not storage.exists("acme")
    assert own(storage.list()) == []


def test_restore_of_a_missing_file_raises_user_error(storage: Storage, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="No dump file"):
        storage.restore("acme", tmp_path / "nowhere.dump")
    assert not storage.exists("acme")


def test_dump_of_a_missing_database_raises_missing_error(storage: Storage, tmp_path: Path) -> None:
    with pytest.raises(MissingError):
        storage.dump("ghost", tmp_path / "ghost.dump")
    assert not (tmp_path / "ghost.dump").exists()
