"""Creating, listing, dropping databases, and what their engines guarantee."""

from __future__ import annotations

import secrets
import threading

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from tenantry.db import Storage
from tenantry.exceptions import MissingError, UserError, ValidationError
from tests.helpers import own


def test_create_makes_an_empty_database_that_is_listed_and_exists(storage: Storage) -> None:
    assert own(storage.list()) == []
    storage.create("acme.example.com")
    storage.create("b-2")
    assert storage.exists("acme.example.com")
    assert not storage.exists("other")
    assert own(storage.list()) == ["acme.example.com", "b-2"]
    assert inspect(storage.engine("b-2")).get_table_names() == []


def test_create_refuses_an_existing_name(storage: Storage) -> None:
    storage.create("acme")
    with pytest.raises(UserError, match="already exists"):
        storage.create("acme")


def test_concurrent_creates_of_one_name_have_exactly_one_winner(storage: Storage) -> None:
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def create() -> None:
        barrier.wait()
        try:
            storage.create("race")
        except UserError:
            outcomes.append("refused")
        except Exception as exc:  # surfaced by the assertion below
            outcomes.append(repr(exc))
        else:
            outcomes.append("created")

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "refused", "refused", "refused"]
    assert own(storage.list()) == ["race"]


def test_drop_removes_the_database_and_its_engine(storage: Storage) -> None:
    storage.create("acme")
    with storage.engine("acme").connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    storage.drop("acme")
    assert not storage.exists("acme")
    assert own(storage.list()) == []
    with pytest.raises(MissingError):
        storage.engine("acme")


def test_drop_of_a_missing_database_raises_missing_error(storage: Storage) -> None:
    with pytest.raises(MissingError, match="does not exist"):
        storage.drop("ghost")


def test_engine_of_a_missing_database_raises_missing_error(storage: Storage) -> None:
    with pytest.raises(MissingError, match="'ghost' does not exist"):
        storage.engine("ghost")


def test_a_dropped_name_can_be_created_again_empty(storage: Storage) -> None:
    storage.create("acme")
    with storage.engine("acme").begin() as conn:
        conn.exec_driver_sql("CREATE TABLE x (id INTEGER)")
    storage.drop("acme")
    storage.create("acme")
    assert inspect(storage.engine("acme")).get_table_names() == []


def test_ddl_in_a_rolled_back_transaction_is_undone(fresh_engine: Engine) -> None:
    with pytest.raises(RuntimeError), fresh_engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE ghost (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO ghost (id) VALUES (1)")
        raise RuntimeError("roll back")
    assert inspect(fresh_engine).get_table_names() == []


def test_foreign_keys_are_enforced(fresh_engine: Engine) -> None:
    with fresh_engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))"
        )
    with pytest.raises(IntegrityError), fresh_engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO child (id, parent_id) VALUES (1, 42)")


def test_like_is_case_sensitive(fresh_engine: Engine) -> None:
    with fresh_engine.connect() as conn:
        like = text("SELECT :value LIKE :pattern")
        assert conn.execute(like, {"value": "Acme", "pattern": "acme"}).scalar() in (False, 0)
        assert conn.execute(like, {"value": "Acme", "pattern": "Ac%"}).scalar() in (True, 1)


def test_text_orders_by_code_point_like_python(fresh_engine: Engine) -> None:
    words = ["b", "B", "a", "é", "Z", "_", "ab", "A"]
    with fresh_engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE w (word VARCHAR(10))")
        for word in words:
            conn.exec_driver_sql(f"INSERT INTO w (word) VALUES ('{word}')")
        ordered = conn.exec_driver_sql("SELECT word FROM w ORDER BY word").scalars().all()
    assert ordered == sorted(words)


def test_databases_get_the_settings_tenantry_relies_on(storage: Storage, fresh_engine: Engine) -> None:
    with fresh_engine.connect() as conn:
        if storage.dialect == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
        else:
            assert conn.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
            collation = conn.exec_driver_sql(
                "SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()"
            ).one()
            assert tuple(collation) == ("C", "C")


def test_size_is_positive_and_grows_with_data(fresh_engine: Engine, storage: Storage) -> None:
    empty = storage.size("t")
    assert empty > 0
    with fresh_engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE blob (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute(
            text("INSERT INTO blob (id, body) VALUES (:id, :body)"),
            [{"id": i, "body": secrets.token_hex(2500)} for i in range(400)],
        )
    assert storage.size("t") > empty + 500_000


def test_size_of_a_missing_database_raises_missing_error(storage: Storage) -> None:
    with pytest.raises(MissingError):
        storage.size("ghost")


@pytest.mark.parametrize("name", ["postgres", "template0", "template1"])
def test_postgresql_own_databases_are_off_limits(storage: Storage, name: str) -> None:
    if storage.dialect == "sqlite":  # ordinary names there
        storage.create(name)
        assert own(storage.list()) == [name]
        return
    assert not storage.exists(name)
    assert own(storage.list()) == []
    storage.create("t")
    for operation in (
        lambda: storage.create(name),
        lambda: storage.drop(name),
        lambda: storage.size(name),
        lambda: storage.duplicate(name, "copy"),
        lambda: storage.duplicate("t", name),
    ):
        with pytest.raises(ValidationError, match="reserved by PostgreSQL"):
            operation()
    with pytest.raises(MissingError):
        storage.engine(name)
