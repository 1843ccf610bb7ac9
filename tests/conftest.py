"""Shared fixtures: storage on both backends over one throwaway PostgreSQL cluster per session.

- ``pg_cluster`` (session): the shared :class:`tenantry.testing.PostgresCluster`, started on
  first use and stopped when the session ends.
- ``db_url``: a storage URL, once per backend (ids ``sqlite`` and ``postgresql``; the latter
  is marked ``postgres``). SQLite gets a fresh directory; PostgreSQL the shared cluster, from
  which every database the test created is dropped afterwards.
- ``storage``: a :class:`tenantry.db.Storage` on ``db_url``, closed afterwards.
- ``fresh_engine``: the engine of an empty database ``t`` created through ``storage``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine

from tenantry.db import Storage
from tenantry.db.pgtools import find_pg_binary
from tenantry.testing import PostgresCluster, shared_cluster

_CLUSTER_DATABASES = ("postgres", "template0", "template1")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    try:
        find_pg_binary("initdb")
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    cluster = shared_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data'}"
        return
    # Requested lazily so that a run without PostgreSQL tests never starts the cluster.
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    yield cluster.url
    _drop_test_databases(cluster)


@pytest.fixture
def storage(db_url: str) -> Iterator[Storage]:
    store = Storage(db_url)
    yield store
    store.close()


@pytest.fixture
def fresh_engine(storage: Storage) -> Engine:
    storage.create("t")
    return storage.engine("t")


def _drop_test_databases(cluster: PostgresCluster) -> None:
    """Drop every database but the cluster's own ones; the test created them all."""
    conninfo = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE NOT (datname = ANY(%s))",
                [list(_CLUSTER_DATABASES)],
            )
        ]
        for name in names:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
