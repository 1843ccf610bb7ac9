"""With ``--db-filter ^%h$`` a host reaches its own database only, whatever the route."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.web.conftest import LiveServer, Serve

A, B = "a.localhost", "b.localhost"


@pytest.fixture
def hosts(instance: Instance, template: str) -> Iterator[None]:
    for name in (A, B):
        if not instance.exists(name):
            instance.duplicate_database(template, name)
    yield


@pytest.fixture
def filtered(serve: Serve, instance: Instance, hosts: None) -> LiveServer:
    return serve(instance, ServerConfig(db_filter=r"^%h$"))


def call(
    server: LiveServer, host: str, path: str, params: dict[str, Any], cookies: dict[str, str] | None = None
) -> httpx.Response:
    with httpx.Client(base_url=server.url, headers={"Host": host}, cookies=cookies) as http:
        return http.post(path, json={"jsonrpc": "2.0", "params": params, "id": 1})


def test_database_list_is_filtered_by_host(filtered: LiveServer) -> None:
    assert call(filtered, "www.a.localhost:8069", "/web/database/list", {}).json()["result"] == [A]


def test_execute_kw_cannot_name_another_hosts_database(filtered: LiveServer) -> None:
    args = [B, 2, "admin", "res.partner", "search_count", [[]]]
    body = call(filtered, A, "/jsonrpc", {"service": "object", "method": "execute_kw", "args": args}).json()
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    own = call(filtered, B, "/jsonrpc", {"service": "object", "method": "execute_kw", "args": args}).json()
    assert own["result"] > 0


def test_xmlrpc_cannot_name_another_hosts_database(filtered: LiveServer) -> None:
    payload = xmlrpc.client.dumps((B, "admin", "admin", {}), "authenticate").encode()
    with httpx.Client(base_url=filtered.url, headers={"Host": A}) as http:
        response = http.post("/xmlrpc/2/common", content=payload, headers={"Content-Type": "text/xml"})
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.loads(response.content)
    assert info.value.faultCode == 3


def test_web_authenticate_refuses_another_hosts_database(filtered: LiveServer) -> None:
    body = call(
        filtered, A, "/web/session/authenticate", {"db": B, "login": "admin", "password": "admin"}
    ).json()
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessError"


def test_a_session_cookie_replayed_on_another_host_is_expired(filtered: LiveServer) -> None:
    auth = call(filtered, B, "/web/session/authenticate", {"db": B, "login": "admin", "password": "admin"})
    cookies = {"session_id": auth.cookies["session_id"]}
    params = {"model": "res.partner", "method": "search_count", "args": [[]], "kwargs": {}}
    assert call(filtered, B, "/web/dataset/call_kw", params, cookies).json()["result"] > 0
    replayed = call(filtered, A, "/web/dataset/call_kw", params, cookies).json()
    assert replayed["error"]["code"] == 100


def test_a_session_forged_for_another_database_is_expired(filtered: LiveServer) -> None:
    """The database part of the id is only a hint: the hash must exist in that database."""
    auth = call(filtered, B, "/web/session/authenticate", {"db": B, "login": "admin", "password": "admin"})
    _, secret = auth.cookies["session_id"].split(".", 1)
    own = call(filtered, A, "/web/session/authenticate", {"db": A, "login": "admin", "password": "admin"})
    forged = own.cookies["session_id"].split(".", 1)[0] + "." + secret
    body = call(filtered, A, "/web/session/check", {}, {"session_id": forged}).json()
    assert body["error"]["code"] == 100
