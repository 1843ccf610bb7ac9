"""Shared fixtures: storage on both backends over one throwaway PostgreSQL cluster per session.

- ``pg_cluster`` (session): the shared :class:`tenantry.testing.PostgresCluster`, started on
  first use and stopped when the session ends.
- ``db_url``: a storage URL, once per backend (ids ``sqlite`` and ``postgresql``; the latter
  is marked ``postgres``). SQLite gets a fresh directory; PostgreSQL the shared cluster, from
  which every database the test created is dropped afterwards.
- ``storage``: a :class:`tenantry.db.Storage` on ``db_url``, closed afterwards.
- ``fresh_engine``: the engine of an empty database ``t`` created through ``storage``.

ORM-level fixtures share one :class:`tenantry.Instance` per backend for the whole session
(with the test addons of ``tests/fixture_addons`` mounted); their databases are named
``s-...`` and survive the per-test clean-up of ``db_url``:

- ``instance``: that instance, once per backend;
- ``template``: a database with base, the test addons and sale_demo with demo data;
- ``env``: a superuser environment on the template, rolled back after the test;
- ``fresh_db``: a committed copy of the template, dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine

from tenantry.db import Storage
from tenantry.db.pgtools import find_pg_binary
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.security import auth
from tenantry.testing import PostgresCluster, shared_cluster
from tests.helpers import FIXTURE_ADDONS, SESSION_PREFIX, rollback_env

_CLUSTER_DATABASES = ("postgres", "template0", "template1")
TEMPLATE = f"{SESSION_PREFIX}tpl-orm"


@pytest.fixture(scope="session", autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """PostgreSQL filestores (``TENANTRY_DATA_DIR``, which the servers and commands the tests
    start inherit) in a temporary directory, never in the working directory."""
    before = os.environ.get("TENANTRY_DATA_DIR")
    os.environ["TENANTRY_DATA_DIR"] = str(tmp_path_factory.mktemp("data-dir"))
    yield
    if before is None:
        os.environ.pop("TENANTRY_DATA_DIR", None)
    else:
        os.environ["TENANTRY_DATA_DIR"] = before


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    try:
        find_pg_binary("initdb")
    except FileNotFoundError as exc:
        # Never a silent skip: the suite promises PostgreSQL. Opting out is explicit.
        if os.environ.get("TENANTRY_SKIP_POSTGRES") == "1":
            pytest.skip(f"{exc} (TENANTRY_SKIP_POSTGRES=1)")
        pytest.fail(f"{exc}: install PostgreSQL (make test does on Debian as root)", pytrace=False)
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
                "SELECT datname FROM pg_database WHERE NOT (datname = ANY(%s)) AND datname NOT LIKE %s",
                [list(_CLUSTER_DATABASES), SESSION_PREFIX + "%"],
            )
        ]
        for name in names:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def _instances() -> Iterator[dict[str, Instance]]:
    cache: dict[str, Instance] = {}
    yield cache
    for inst in cache.values():
        inst.close()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def instance(
    request: pytest.FixtureRequest,
    _instances: dict[str, Instance],
    tmp_path_factory: pytest.TempPathFactory,
) -> Instance:
    backend: str = request.param
    inst = _instances.get(backend)
    if inst is None:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('session') / 'data'}"
        else:
            url = request.getfixturevalue("pg_cluster").url
        inst = Instance(url, addons_path=[FIXTURE_ADDONS])
        _instances[backend] = inst
    auth.forget(inst)  # no login failures counted by earlier tests (same client address)
    return inst


@pytest.fixture
def template(instance: Instance) -> str:
    """A database with base, the test addons and sale_demo with demo data (made once)."""
    if not instance.exists(TEMPLATE):
        instance.create_database(TEMPLATE, modules=["test_orm_ext", "sale_demo"], demo=True)
    return TEMPLATE


@pytest.fixture
def env(instance: Instance, template: str) -> Iterator[Environment]:
    """A superuser environment on the template, rolled back after the test."""
    with rollback_env(instance, template) as env:
        yield env


@pytest.fixture
def fresh_db(instance: Instance, template: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A committed copy of the template, dropped afterwards."""
    name = session_db_name(request)
    if instance.exists(name):
        instance.drop_database(name)
    instance.duplicate_database(template, name)
    yield name
    if instance.exists(name):
        instance.drop_database(name)


def session_db_name(request: pytest.FixtureRequest, kind: str = "t") -> str:
    """A database name unique to the test, kept out of the ``db_url`` clean-up."""
    return f"{SESSION_PREFIX}{kind}-{abs(hash(request.node.nodeid)) % 10**8}"
