"""The ``db`` service: open methods, master-password methods, and refusals."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from tenantry.exceptions import AccessDenied
from tenantry.instance import Instance
from tenantry.rpc import services
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.rpc.faults import to_xmlrpc_fault

CONFIG = RpcConfig(master_password="master")


@pytest.fixture
def names(instance: Instance, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Names for databases this test creates (``s-`` prefixed), dropped afterwards."""
    base = f"s-rpcdb-{abs(hash(request.node.nodeid)) % 10**6}"
    made = [f"{base}-{i}" for i in range(3)]
    yield made
    for name in made:
        if instance.exists(name):
            instance.drop_database(name)


def db(instance: Instance, method: str, *params: object, config: RpcConfig = CONFIG) -> object:
    return dispatch_rpc(instance, config, "db", method, list(params))


def test_open_methods_need_no_password(instance: Instance, template: str) -> None:
    assert template in db(instance, "list")  # type: ignore[operator]
    assert db(instance, "db_exist", template) is True
    assert db(instance, "db_exist", "s-no-such-db") is False
    assert db(instance, "server_version") == "17.0"
    assert ["en_US", "English (US)"] in db(instance, "list_lang")  # type: ignore[operator]


def test_list_applies_the_db_filter(instance: Instance, template: str) -> None:
    config = RpcConfig(db_filter=lambda name: name == template)
    assert db(instance, "list", config=config) == [template]


def test_create_duplicate_dump_restore_drop(instance: Instance, names: list[str]) -> None:
    first, second, third = names
    assert db(instance, "create_database", "master", first, False, "en_US", "secret", "boss") is True
    uid = dispatch_rpc(instance, CONFIG, "common", "login", [first, "boss", "secret"])
    assert isinstance(uid, int)
    assert db(instance, "duplicate_database", "master", first, second) is True
    assert dispatch_rpc(instance, CONFIG, "common", "login", [second, "boss", "secret"]) == uid
    dump = db(instance, "dump", "master", first, "zip")
    assert isinstance(dump, str) and base64.b64decode(dump)
    assert db(instance, "restore", "master", third, dump, True) is True
    assert dispatch_rpc(instance, CONFIG, "common", "login", [third, "boss", "secret"]) == uid
    assert db(instance, "drop", "master", first) is True
    assert db(instance, "drop", "master", first) is False
    assert first not in db(instance, "list")  # type: ignore[operator]


@pytest.mark.parametrize(
    "config",
    [
        RpcConfig(master_password="master"),
        RpcConfig(master_password=None),
        RpcConfig(master_password="master", list_db=False),
    ],
    ids=["wrong-password", "no-master-password", "no-database-list"],
)
def test_management_is_refused_with_fault_3(instance: Instance, names: list[str], config: RpcConfig) -> None:
    password = "wrong" if config.master_password else "master"
    if not config.list_db:
        password = "master"
    for method, params in (
        ("create_database", [names[0], False, "en_US"]),
        ("drop", [names[0]]),
        ("dump", [names[0], "zip"]),
        ("duplicate_database", [names[0], names[1]]),
        ("restore", [names[0], "AAAA"]),
        ("change_admin_password", ["new"]),
    ):
        with pytest.raises(AccessDenied) as caught:
            db(instance, method, password, *params, config=config)
        assert to_xmlrpc_fault(caught.value).faultCode == 3
    assert not instance.exists(names[0])


def test_listing_is_refused_without_database_list(instance: Instance) -> None:
    with pytest.raises(AccessDenied):
        db(instance, "list", config=RpcConfig(master_password="master", list_db=False))


def test_change_admin_password_applies_in_memory(instance: Instance, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "_MASTER_OVERRIDES", type(services._MASTER_OVERRIDES)())
    assert db(instance, "change_admin_password", "master", "newer") is True
    with pytest.raises(AccessDenied):
        db(instance, "change_admin_password", "master", "again")
    assert db(instance, "change_admin_password", "newer", "again") is True


def test_argon2_master_password_hashes_are_accepted(instance: Instance, names: list[str]) -> None:
    from tenantry.security.passwords import hash_password

    config = RpcConfig(master_password=hash_password("master"))
    assert db(instance, "drop", "master", names[0], config=config) is False
    with pytest.raises(AccessDenied):
        db(instance, "drop", "$argon2", names[0], config=config)
