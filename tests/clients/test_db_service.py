"""The ``db`` service over XML-RPC (``/xmlrpc/2/db``) with ``xmlrpc.client`` and real HTTP."""

from __future__ import annotations

import base64
import xmlrpc.client
from collections.abc import Callable, Iterator
from typing import cast

import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.clients.conftest import MASTER
from tests.web.conftest import LiveServer, Serve

Proxy = Callable[[str, str], xmlrpc.client.ServerProxy]


def _list(db: xmlrpc.client.ServerProxy) -> list[str]:
    return cast(list[str], db.list())


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    opened: list[xmlrpc.client.ServerProxy] = []

    def make(url: str, service: str) -> xmlrpc.client.ServerProxy:
        opened.append(xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/{service}", allow_none=False))
        return opened[-1]

    yield make
    for p in opened:
        p("close")()


@pytest.fixture
def scratch(instance: Instance) -> Iterator[Callable[[str], str]]:
    """Names of databases the test may create: dropped before and after."""
    names: list[str] = []

    def name(suffix: str) -> str:
        db = f"s-xdb-{suffix}"
        if instance.exists(db):
            instance.drop_database(db)
        names.append(db)
        return db

    yield name
    for db in names:
        if instance.exists(db):
            instance.drop_database(db)


def test_no_password_methods(master_server: LiveServer, proxy: Proxy, template: str) -> None:
    db = proxy(master_server.url, "db")
    listed = _list(db)
    assert template in listed and listed == sorted(listed)
    assert db.db_exist(template) is True
    assert db.db_exist("s-xdb-no-such-database") is False
    assert db.db_exist("Not a valid name!") is False  # Odoo: False, not a fault
    assert db.server_version() == "17.0"
    assert ["en_US", "English (US)"] in cast(list[list[str]], db.list_lang())


def test_create_database_then_login_then_drop(
    master_server: LiveServer, proxy: Proxy, scratch: Callable[[str], str]
) -> None:
    db, common = proxy(master_server.url, "db"), proxy(master_server.url, "common")
    name = scratch("created")
    assert db.create_database(MASTER, name, False, "en_US", "s3cret", "boss") is True
    assert db.db_exist(name) is True and name in _list(db)
    uid = common.login(name, "boss", "s3cret")
    assert isinstance(uid, int) and uid > 0
    with pytest.raises(xmlrpc.client.Fault) as info:  # it exists now
        db.create_database(MASTER, name, False, "en_US")
    assert "already exists" in info.value.faultString
    assert db.drop(MASTER, name) is True
    assert db.db_exist(name) is False
    assert db.drop(MASTER, name) is False  # nothing left to drop


def test_duplicate_dump_restore_round_trip(
    master_server: LiveServer, proxy: Proxy, template: str, scratch: Callable[[str], str]
) -> None:
    db, common, models = (proxy(master_server.url, s) for s in ("db", "common", "object"))
    copy, restored = scratch("copy"), scratch("restored")
    assert db.duplicate_database(MASTER, template, copy) is True
    uid = common.login(copy, "admin", "admin")
    pid = models.execute_kw(copy, uid, "admin", "res.partner", "create", [{"name": "Survives the dump"}])

    dump = db.dump(MASTER, copy, "zip")
    assert isinstance(dump, str) and base64.b64decode(dump, validate=True)
    assert db.restore(MASTER, restored, dump) is True
    uid = common.login(restored, "admin", "admin")
    rows = models.execute_kw(restored, uid, "admin", "res.partner", "read", [[pid], ["name"]])
    assert rows == [{"id": pid, "name": "Survives the dump"}]
    with pytest.raises(xmlrpc.client.Fault):  # restoring over an existing database is refused
        db.restore(MASTER, restored, dump)

    for name in (copy, restored):
        assert db.drop(MASTER, name) is True
    assert not {copy, restored} & set(_list(db))


@pytest.mark.parametrize(
    "method, args",
    [
        ("create_database", ("s-xdb-never", False, "en_US")),
        ("duplicate_database", ("{template}", "s-xdb-never")),
        ("drop", ("{template}",)),
        ("dump", ("{template}", "zip")),
        ("restore", ("s-xdb-never", "AAAA")),
        ("change_admin_password", ("new",)),
    ],
)
def test_a_wrong_master_password_is_fault_3(
    master_server: LiveServer,
    proxy: Proxy,
    instance: Instance,
    template: str,
    method: str,
    args: tuple[object, ...],
) -> None:
    db = proxy(master_server.url, "db")
    args = tuple(a.format(template=template) if isinstance(a, str) else a for a in args)
    with pytest.raises(xmlrpc.client.Fault) as info:
        getattr(db, method)("wrong-master", *args)
    assert info.value.faultCode == 3
    assert instance.exists(template) and not instance.exists("s-xdb-never")


def test_management_without_a_master_password_configured_is_refused(
    serve: Serve, instance: Instance, template: str, proxy: Proxy
) -> None:
    server = serve(instance, ServerConfig())  # no master password at all
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy(server.url, "db").dump("", template, "zip")
    assert info.value.faultCode == 3


def test_with_list_db_off_the_listing_and_management_are_refused(
    serve: Serve, instance: Instance, template: str, proxy: Proxy
) -> None:
    server = serve(instance, ServerConfig(master_password=MASTER, list_db=False))
    db = proxy(server.url, "db")
    with pytest.raises(xmlrpc.client.Fault) as info:
        db.list()
    assert info.value.faultCode == 3
    with pytest.raises(xmlrpc.client.Fault) as info:
        db.dump(MASTER, template, "zip")
    assert info.value.faultCode == 3
    assert db.server_version() == "17.0"  # the rest of the service still answers
