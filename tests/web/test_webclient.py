"""``/jsonrpc`` and the web client's JSON routes, with server-side sessions, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tenantry.web.sessions import SessionStore
from tests.web.conftest import LiveServer, Serve


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as http:
        yield http


def rpc(client: httpx.Client, path: str, params: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    response = client.post(
        path, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 7}, **kwargs
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["jsonrpc"] == "2.0" and body["id"] == 7
    return body


def login(client: httpx.Client, db: str) -> dict[str, Any]:
    body = rpc(client, "/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})
    result: dict[str, Any] = body["result"]
    return result


def test_health_needs_nothing(client: httpx.Client) -> None:
    response = client.get("/web/health")
    assert response.status_code == 200 and response.json() == {"status": "pass"}


def test_jsonrpc_dispatches_to_the_services(client: httpx.Client, template: str) -> None:
    version = rpc(client, "/jsonrpc", {"service": "common", "method": "version", "args": []})["result"]
    assert version["protocol_version"] == 1
    uid = rpc(
        client, "/jsonrpc", {"service": "common", "method": "login", "args": [template, "admin", "admin"]}
    )
    count = rpc(
        client,
        "/jsonrpc",
        {
            "service": "object",
            "method": "execute_kw",
            "args": [template, uid["result"], "admin", "res.partner", "search_count", [[]]],
        },
    )
    assert count["result"] > 0


def test_jsonrpc_errors_use_odoo_names(client: httpx.Client, template: str) -> None:
    body = rpc(
        client,
        "/jsonrpc",
        {
            "service": "object",
            "method": "execute_kw",
            "args": [template, 2, "wrong", "res.partner", "search", [[]]],
        },
    )
    assert body["error"]["code"] == 200
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert "result" not in body


def test_version_info_needs_no_session(client: httpx.Client) -> None:
    assert rpc(client, "/web/webclient/version_info", {})["result"]["protocol_version"] == 1


def test_non_json_requests_are_refused(client: httpx.Client) -> None:
    assert client.post("/web/session/check", content=b"{}").status_code == 400
    bad = client.post("/jsonrpc", content=b"{", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.text == "Invalid JSON data"


def test_authenticate_returns_session_info_and_sets_the_cookie(client: httpx.Client, template: str) -> None:
    response = client.post(
        "/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": template, "login": "admin", "password": "admin"}, "id": 1},
    )
    info = response.json()["result"]
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=604800" in cookie
    assert "secure" not in cookie
    assert info["session_id"] == response.cookies["session_id"]
    assert info["db"] == template and info["username"] == "admin" and info["uid"] > 0
    for key in (
        "name",
        "user_context",
        "company_id",
        "user_companies",
        "partner_id",
        "is_admin",
        "is_system",
        "server_version",
        "server_version_info",
    ):
        assert key in info
    assert info["is_system"] is True


def test_cookie_is_secure_behind_an_https_proxy(serve: Serve, instance: Instance, template: str) -> None:
    proxied = serve(instance, ServerConfig(proxy_mode=True))  # X-Forwarded-Proto is trusted
    response = httpx.post(
        proxied.url + "/web/session/authenticate",
        json={"params": {"db": template, "login": "admin", "password": "admin"}},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "secure" in response.headers["set-cookie"].lower()


def test_login_rotates_the_session_id(client: httpx.Client, template: str) -> None:
    first = login(client, template)["session_id"]
    second = login(client, template)["session_id"]
    assert first != second
    client.cookies.set("session_id", first)
    assert rpc(client, "/web/session/check", {})["error"]["code"] == 100


def test_bad_credentials_are_access_denied(client: httpx.Client, template: str) -> None:
    body = rpc(client, "/web/session/authenticate", {"db": template, "login": "admin", "password": "nope"})
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert "session_id" not in client.cookies


@pytest.mark.parametrize("db", ["s-no-such-db", "bad name!"])
def test_authenticate_on_a_missing_database_fails_as_connecting_does(client: httpx.Client, db: str) -> None:
    body = rpc(client, "/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})
    assert body["error"]["code"] == 200
    assert body["error"]["data"]["name"] == "psycopg2.OperationalError"
    assert "session_id" not in client.cookies


def test_call_kw_runs_as_the_session_user(client: httpx.Client, template: str) -> None:
    uid = login(client, template)["uid"]
    for path in ("/web/dataset/call_kw", "/web/dataset/call_kw/res.users/read"):
        body = rpc(
            client, path, {"model": "res.users", "method": "read", "args": [[uid], ["login"]], "kwargs": {}}
        )
        assert body["result"] == [{"id": uid, "login": "admin"}]
    assert rpc(client, "/web/session/check", {}) == {"jsonrpc": "2.0", "id": 7}
    assert rpc(client, "/web/session/get_session_info", {})["result"]["uid"] == uid


def test_call_kw_without_a_session_is_code_100(client: httpx.Client) -> None:
    body = rpc(
        client,
        "/web/dataset/call_kw",
        {"model": "res.partner", "method": "search", "args": [[]], "kwargs": {}},
    )
    assert body["error"]["code"] == 100


def test_an_expired_session_is_code_100(client: httpx.Client, instance: Instance, template: str) -> None:
    sid = login(client, template)["session_id"]
    SessionStore(instance).expire(sid)
    body = rpc(
        client,
        "/web/dataset/call_kw",
        {"model": "res.partner", "method": "search", "args": [[]], "kwargs": {}},
    )
    assert body["error"]["code"] == 100


def test_destroy_logs_out(client: httpx.Client, template: str) -> None:
    login(client, template)
    body = rpc(client, "/web/session/destroy", {})
    assert "result" not in body and "error" not in body
    assert rpc(client, "/web/session/check", {})["error"]["code"] == 100


def test_sessions_store_only_a_hash_of_the_id(
    client: httpx.Client, instance: Instance, template: str
) -> None:
    sid = login(client, template)["session_id"]
    with instance.env(template) as env:
        hashes = env["ir.sessions"].search([]).mapped("sid_hash")
    assert sid not in hashes and len(hashes) >= 1


def test_database_list_shows_every_database_without_a_filter(client: httpx.Client, template: str) -> None:
    assert template in rpc(client, "/web/database/list", {})["result"]
