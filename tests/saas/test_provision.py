"""Provisioning a client from a template: from the spare pool or a direct clone, personalised,
all or nothing; spares hidden from everyone and handed out once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tenantry.exceptions import DatabaseNotFound, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.saas.provision import Personalization, provision
from tenantry.saas.spares import SparePool

TEMPLATE = "s-tpl-saas"


@pytest.fixture
def pool(instance: Instance) -> Iterator[SparePool]:
    """A pool of two spares of a base-only template; its spares and clients dropped afterwards."""
    if not instance.exists(TEMPLATE):
        instance.create_database(TEMPLATE, admin_password="admin")
    spares = SparePool(instance, {TEMPLATE: 2})
    yield spares
    spares.stop()
    spares.discard(TEMPLATE)
    for name in instance.list_databases():
        if name.startswith("s-client-"):
            instance.drop_database(name)


def _uuid(instance: Instance, db: str) -> str:
    with instance.env(db) as env:
        return str(env["ir.config_parameter"].get_param("database.uuid"))


def test_an_empty_pool_clones_and_personalises(instance: Instance, pool: SparePool) -> None:
    values = Personalization(
        owner_login="jo@acme.test",
        owner_name="Jo Owner",
        owner_email="jo@acme.test",
        company_name="Acme",
        params={"saas_client.max_users": "3"},
    )
    made = provision(instance, TEMPLATE, "s-client-a", values, pool=pool)
    assert made.source == "clone"
    assert made.uuid == _uuid(instance, "s-client-a") != _uuid(instance, TEMPLATE)
    with instance.env("s-client-a") as env:
        owner = env.ref("base.user_admin")
        assert owner is not None
        assert (owner.login, owner.name, owner.email) == ("jo@acme.test", "Jo Owner", "jo@acme.test")
        assert env.ref("base.main_company").name == "Acme"  # type: ignore[union-attr]
        assert env["ir.config_parameter"].get_param("saas_client.max_users") == "3"
    config = RpcConfig()
    # The template's password is not the owner's; the template keeps its own.
    assert dispatch_rpc(instance, config, "common", "login", ["s-client-a", "jo@acme.test", "admin"]) is False
    assert dispatch_rpc(instance, config, "common", "login", [TEMPLATE, "admin", "admin"])


def test_spares_are_hidden_handed_out_once_and_refilled(instance: Instance, pool: SparePool) -> None:
    assert pool.refill(TEMPLATE) == 2
    spares = pool.spares(TEMPLATE)
    assert len(spares) == 2
    spare = spares[0]
    # Invisible and unreachable: listing, existence, logins; refused as a client's name.
    assert spare not in instance.list_databases()
    assert not instance.exists(spare)
    with pytest.raises(DatabaseNotFound):
        dispatch_rpc(instance, RpcConfig(), "common", "login", [spare, "admin", "admin"])
    with pytest.raises(ValidationError, match="reserved"):
        instance.create_database(spare + "x")
    with pytest.raises(ValidationError, match="reserved"):
        provision(instance, TEMPLATE, spare + "x")

    # Four concurrent provisions share two spares: each handed out once, then clones.
    barrier = threading.Barrier(4)
    made = {}

    def run(name: str) -> None:
        barrier.wait()
        made[name] = provision(instance, TEMPLATE, name, Personalization(company_name=name), pool=pool)

    threads = [threading.Thread(target=run, args=(f"s-client-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.source for m in made.values()) == ["clone", "clone", "spare", "spare"]
    assert len({m.uuid for m in made.values()} | {_uuid(instance, TEMPLATE)}) == 5
    assert pool.spares(TEMPLATE) == []
    for name in made:
        with instance.env(name) as env:
            assert env.ref("base.main_company").name == name  # type: ignore[union-attr]

    # The background job refills; a template change discards the spares made before it.
    pool.start()
    assert pool.wait_filled(60)
    before = set(pool.spares(TEMPLATE))
    assert pool.template_changed(TEMPLATE) == 2
    assert pool.wait_filled(60)
    assert not before & set(pool.spares(TEMPLATE))


def test_a_failed_provision_leaves_no_database(instance: Instance, pool: SparePool) -> None:
    pool.refill(TEMPLATE)
    clash = Personalization(owner_login="__system__")  # the superuser's login: taken
    for use in (pool, None):
        with pytest.raises(ValidationError):
            provision(instance, TEMPLATE, "s-client-f", clash, pool=use)
        assert not instance.storage.exists("s-client-f")
    assert len(pool.spares(TEMPLATE)) == 1  # the first attempt used (and dropped) one
    provision(instance, TEMPLATE, "s-client-g", pool=None)
    with pytest.raises(UserError, match="already exists"):
        provision(instance, TEMPLATE, "s-client-g", Personalization(company_name="Other"), pool=pool)
    assert len(pool.spares(TEMPLATE)) == 1  # the spare stays in the pool
    with instance.env("s-client-g") as env:  # the existing client untouched
        assert env.ref("base.main_company").name != "Other"  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        Personalization(params={"k": 1})  # type: ignore[dict-item]
