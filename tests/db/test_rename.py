"""Renaming a database, how a spare becomes a client: atomic, one winner, nothing lost."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import text

from tenantry.db import Storage
from tenantry.db.names import INTERNAL_PREFIX
from tenantry.exceptions import MissingError, UserError, ValidationError
from tests.helpers import own


def _fill(storage: Storage, name: str) -> None:
    with storage.engine(name).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE item (id INTEGER PRIMARY KEY, label VARCHAR(20))")
        conn.execute(text("INSERT INTO item (id, label) VALUES (:id, 'x')"), [{"id": i} for i in range(5)])


def _ids(storage: Storage, name: str) -> list[int]:
    with storage.engine(name).connect() as conn:
        return list(conn.exec_driver_sql("SELECT id FROM item ORDER BY id").scalars())


def test_rename_moves_the_data_and_the_files_under_the_new_name(storage: Storage) -> None:
    storage.create("src")
    _fill(storage, "src")
    fname = storage.filestore("src").write(b"hello", hashlib.sha1(b"hello").hexdigest())  # an attachment
    with storage.engine("src").connect() as conn:  # a connection of this instance, still pooled
        conn.exec_driver_sql("SELECT 1")
    storage.rename("src", "dst")
    assert own(storage.list()) == ["dst"]
    assert not storage.exists("src")
    assert _ids(storage, "dst") == [0, 1, 2, 3, 4]
    assert storage.filestore("dst").read(fname) == b"hello"
    assert not storage.filestore("src").root.exists()
    with pytest.raises(MissingError):
        storage.engine("src")


def test_rename_refuses_an_existing_target_and_keeps_both(storage: Storage) -> None:
    storage.create("src")
    _fill(storage, "src")
    storage.create("dst")
    with pytest.raises(UserError, match="already exists"):
        storage.rename("src", "dst")
    assert _ids(storage, "src") == [0, 1, 2, 3, 4]
    assert own(storage.list()) == ["dst", "src"]


def test_rename_of_a_missing_database_raises_missing_error(storage: Storage) -> None:
    with pytest.raises(MissingError):
        storage.rename("nothing", "dst")
    with pytest.raises(ValidationError):
        storage.rename("ok", "../escape")


def test_concurrent_renames_of_one_database_have_exactly_one_winner(storage: Storage) -> None:
    storage.create("src")
    _fill(storage, "src")
    barrier = threading.Barrier(6)
    outcomes: dict[str, str] = {}

    def claim(dst: str) -> None:
        barrier.wait()
        try:
            storage.rename("src", dst)
            outcomes[dst] = "won"
        except MissingError:
            outcomes[dst] = "missing"

    threads = [threading.Thread(target=claim, args=(f"dst{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [dst for dst, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    assert sorted(outcomes.values()) == ["missing"] * 5 + ["won"]
    assert own(storage.list()) == winners
    assert _ids(storage, winners[0]) == [0, 1, 2, 3, 4]


def test_rename_ends_the_other_processes_sessions_on_the_database(db_url: str, storage: Storage) -> None:
    storage.create("src")
    _fill(storage, "src")
    with Storage(db_url) as other:  # another worker, with an idle pooled connection
        assert _ids(other, "src") == [0, 1, 2, 3, 4]
        storage.rename("src", "dst")
        with pytest.raises(MissingError):
            _ids(other, "src")
        assert _ids(other, "dst") == [0, 1, 2, 3, 4]


def test_internal_databases_are_listed_apart(storage: Storage) -> None:
    storage.create("client")
    storage.create(INTERNAL_PREFIX + "spare")
    assert own(storage.list()) == ["client"]
    assert storage.list(internal=True) == [INTERNAL_PREFIX + "spare"]
    storage.rename(INTERNAL_PREFIX + "spare", "acme")
    assert own(storage.list()) == ["acme", "client"]
    assert storage.list(internal=True) == []
