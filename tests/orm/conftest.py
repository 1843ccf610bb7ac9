"""ORM fixtures: a session instance per backend, a template database, a rolled-back env per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tests.helpers import FIXTURE_ADDONS, rollback_env

TEMPLATE = "tpl-orm"


@pytest.fixture(scope="session")
def _instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Instance]]:
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
    request: pytest.FixtureRequest, _instances: dict[str, Instance], tmp_path_factory: pytest.TempPathFactory
) -> Instance:
    backend = request.param
    inst = _instances.get(backend)
    if inst is None:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('orm') / 'data'}"
        else:
            url = request.getfixturevalue("pg_cluster").url
        inst = Instance(url, addons_path=[FIXTURE_ADDONS])
        _instances[backend] = inst
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
    name = f"t-{abs(hash(request.node.nodeid)) % 10**8}"
    if instance.exists(name):
        instance.drop_database(name)
    instance.duplicate_database(template, name)
    yield name
    if instance.exists(name):
        instance.drop_database(name)


__all__ = ["Path"]
