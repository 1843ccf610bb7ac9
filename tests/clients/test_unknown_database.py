"""A call naming a database that does not exist fails as Odoo 17's does, over real HTTP.

Odoo opens the registry before anything else and fails connecting: ``/xmlrpc/2`` fault 1,
JSON-RPC code 200 named ``psycopg2.OperationalError``, the message saying the database
does not exist. Wrong credentials on an existing database stay ``False`` / fault 3.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.web.conftest import LiveServer

MISSING = "s-no-such-database"


@pytest.fixture
def http(master_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=master_server.url) as client:
        yield client


def jsonrpc(http: httpx.Client, service: str, method: str, *args: Any) -> dict[str, Any]:
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"service": service, "method": method, "args": args},
    }
    response = http.post("/jsonrpc", json={**body, "id": 3})
    assert response.status_code == 200
    reply: dict[str, Any] = response.json()
    return reply


@pytest.mark.parametrize(
    "service, method, args",
    [
        ("common", "login", (MISSING, "admin", "admin")),
        ("common", "authenticate", (MISSING, "admin", "admin", {})),
        ("object", "execute_kw", (MISSING, 2, "admin", "res.partner", "search", [[]])),
        ("object", "execute", (MISSING, 2, "admin", "res.partner", "search", [])),
    ],
)
def test_a_missing_database_is_fault_1(
    master_server: LiveServer, service: str, method: str, args: tuple[Any, ...]
) -> None:
    with (
        xmlrpc.client.ServerProxy(f"{master_server.url}/xmlrpc/2/{service}") as proxy,
        pytest.raises(xmlrpc.client.Fault) as info,
    ):
        getattr(proxy, method)(*args)
    assert info.value.faultCode == 1
    assert f'database "{MISSING}" does not exist' in info.value.faultString


def test_a_missing_database_over_jsonrpc_is_named_as_odoos_connection_error(http: httpx.Client) -> None:
    for service, method, args in (
        ("common", "login", (MISSING, "admin", "admin")),
        ("object", "execute_kw", (MISSING, 2, "admin", "res.partner", "search", [[]])),
    ):
        error = jsonrpc(http, service, method, *args)["error"]
        assert error["code"] == 200 and error["message"] == "Odoo Server Error"
        assert error["data"]["name"] == "psycopg2.OperationalError"
        assert error["data"]["message"] == f'FATAL:  database "{MISSING}" does not exist'


def test_an_invalid_name_is_a_missing_database_too(master_server: LiveServer) -> None:
    with (
        xmlrpc.client.ServerProxy(f"{master_server.url}/xmlrpc/2/common") as common,
        pytest.raises(xmlrpc.client.Fault) as info,
    ):
        common.login("Not a valid name!", "admin", "admin")
    assert info.value.faultCode == 1 and "does not exist" in info.value.faultString


def test_on_an_existing_database_bad_credentials_are_unchanged(
    master_server: LiveServer, template: str
) -> None:
    with xmlrpc.client.ServerProxy(f"{master_server.url}/xmlrpc/2/common") as common:
        assert common.login(template, "admin", "wrong") is False
    with (
        xmlrpc.client.ServerProxy(f"{master_server.url}/xmlrpc/2/object") as models,
        pytest.raises(xmlrpc.client.Fault) as info,
    ):
        models.execute_kw(template, 2, "wrong", "res.partner", "search", [[]])
    assert info.value.faultCode == 3


def test_legacy_xmlrpc_gives_the_message_as_fault_code(master_server: LiveServer) -> None:
    with (
        xmlrpc.client.ServerProxy(f"{master_server.url}/xmlrpc/common") as common,
        pytest.raises(xmlrpc.client.Fault) as info,
    ):
        common.login(MISSING, "admin", "admin")
    assert "does not exist" in str(info.value.faultCode)
