"""Fixtures for the addon tests: one database per addon test module and backend.

A test module declares which addons its database holds and asks for ``addon_db``:

    ADDONS = ["hidden_admin", "sale_demo"]

    def test_something(instance, addon_db):
        with rollback_env(instance, addon_db, uid=ADMIN) as env:
            ...

The database (``s-addons-<module>``) is created on first use for each backend,
shared by the module's tests (each works in a rolled-back transaction), and
dropped when the module is done.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tenantry.instance import Instance

ADMIN = 2
"""``base.user_admin``: a client's administrator, not the superuser."""


@pytest.fixture(scope="module")
def _module_databases() -> Iterator[list[tuple[Instance, str]]]:
    created: list[tuple[Instance, str]] = []
    yield created
    for inst, name in created:
        if inst.exists(name):
            inst.drop_database(name)


@pytest.fixture
def addon_db(
    instance: Instance, request: pytest.FixtureRequest, _module_databases: list[tuple[Instance, str]]
) -> str:
    module = request.module
    name = "s-addons-" + module.__name__.rsplit(".", 1)[-1].removeprefix("test_").replace("_", "-")
    if (instance, name) not in _module_databases:
        if instance.exists(name):
            instance.drop_database(name)
        instance.create_database(name, modules=module.ADDONS)
        _module_databases.append((instance, name))
    return name
