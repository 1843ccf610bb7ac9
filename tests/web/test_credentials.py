"""Wire credentials of any type, on every entry point, over real HTTP: only the right ones pass.

A ``null`` password used to skip the check of ``execute``/``execute_kw`` altogether
(any uid, any method). Whatever a client sends in place of a password or a uid
(``None``, ``False``, ``0``, ``""``, lists, dicts, floats, huge numbers, unknown ids),
the answer is ``AccessDenied`` (``False`` for ``common.login``/``authenticate``), on
XML-RPC, legacy XML-RPC and JSON-RPC alike, and nothing is read or written.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.security import auth
from tenantry.web import ServerConfig
from tests.web.conftest import LiveServer, Serve
from tests.web.wire import TRANSPORTS, Refused, call

ADMIN = 2
MASTER = "master-x"

# What may come in place of the admin's password "admin": all of it must be refused.
BAD_PASSWORDS: list[Any] = [
    None, False, True, 0, 1, 2.5, "", " ", "wrong", "ADMIN", [], ["admin"], {}, {"password": "admin"},
]  # fmt: skip
# JSON can also carry these (XML 1.0 cannot).
JSON_ONLY_PASSWORDS: list[Any] = ["admin\x00"]
# What may come in place of the admin's uid 2, with the right password.
BAD_UIDS: list[Any] = [
    None, False, True, 0, -2, 2.0, 2.5, "", "abc", " 2", "2.0", "0x2", "+2", "\u0662", [2], {"id": 2},
    2**31, 2**40, 999_999,
]  # fmt: skip
JSON_ONLY_UIDS: list[Any] = [10**30, -(10**30)]


def _object_params(method: str, db: str, uid: Any, password: Any, name: str, *args: Any) -> list[Any]:
    """``execute`` takes the arguments flat, ``execute_kw`` as one list."""
    if method == "execute":
        return [db, uid, password, "res.users", name, *args]
    return [db, uid, password, "res.users", name, list(args)]


def _denied(server: LiveServer, transport: str, service: str, method: str, params: list[Any]) -> Refused:
    with pytest.raises(Refused) as refused:
        call(server.url, transport, service, method, params)
    assert refused.value.kind == "AccessDenied", refused.value
    return refused.value


def _admin_name(instance: Instance, db: str) -> str:
    with instance.env(db) as env:
        return str(env["res.users"].browse(ADMIN).name)


# -- object ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["execute", "execute_kw"])
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_right_credentials_pass_on_every_object_entry_point(
    server: LiveServer, template: str, transport: str, method: str
) -> None:
    params = _object_params(method, template, ADMIN, "admin", "read", [ADMIN], ["login"])
    assert call(server.url, transport, "object", method, params) == [{"id": ADMIN, "login": "admin"}]


@pytest.mark.parametrize("method", ["execute", "execute_kw"])
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_any_other_password_is_access_denied_and_reads_or_writes_nothing(
    server: LiveServer, instance: Instance, template: str, transport: str, method: str
) -> None:
    name = _admin_name(instance, template)
    passwords = BAD_PASSWORDS + (JSON_ONLY_PASSWORDS if transport == "jsonrpc" else [])
    for password in passwords:
        read = _object_params(method, template, ADMIN, password, "read", [ADMIN], ["login"])
        assert "admin" not in _denied(server, transport, "object", method, read).message
        write = _object_params(method, template, ADMIN, password, "write", [ADMIN], {"name": "Pwned"})
        _denied(server, transport, "object", method, write)
        auth.forget(instance)  # the check answers here, not the login limiter
    assert _admin_name(instance, template) == name


@pytest.mark.parametrize("method", ["execute", "execute_kw"])
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_any_other_uid_is_access_denied_even_with_a_right_password(
    server: LiveServer, template: str, transport: str, method: str
) -> None:
    uids = BAD_UIDS + (JSON_ONLY_UIDS if transport == "jsonrpc" else [])
    for uid in uids:
        _denied(
            server, transport, "object", method, _object_params(method, template, uid, "admin", "context_get")
        )


def test_a_numeric_string_uid_is_read_as_odoo_reads_it(server: LiveServer, template: str) -> None:
    params = [template, str(ADMIN), "admin", "res.users", "context_get", []]
    assert call(server.url, "jsonrpc", "object", "execute_kw", params)["uid"] == ADMIN
    denied = [template, str(ADMIN), "wrong", "res.users", "context_get", []]
    _denied(server, "jsonrpc", "object", "execute_kw", denied)


# -- common ---------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_common_login_and_authenticate_are_false_for_anything_but_the_right_strings(
    server: LiveServer, instance: Instance, template: str, transport: str
) -> None:
    json_only = transport == "jsonrpc"
    passwords = BAD_PASSWORDS + (JSON_ONLY_PASSWORDS if json_only else [])
    logins: list[Any] = [None, False, 0, 2, "", [], ["admin"], {}, {"login": "admin"}, "Admin "]
    logins += ["admin\x00"] if json_only else []
    cases: list[tuple[Any, Any]] = [("admin", p) for p in passwords] + [(lo, "admin") for lo in logins]
    for login, password in cases:
        for method, extra in (("login", ()), ("authenticate", ({},))):
            params = [template, login, password, *extra]
            assert call(server.url, transport, "common", method, params) is False, (login, password)
        auth.forget(instance)
    assert call(server.url, transport, "common", "login", [template, "admin", "admin"]) == ADMIN


# -- db -------------------------------------------------------------------------------------


@pytest.fixture
def master_server(serve: Serve, instance: Instance, template: str) -> LiveServer:
    return serve(instance, ServerConfig(master_password=MASTER))


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_db_service_refuses_anything_but_the_master_password(
    master_server: LiveServer, instance: Instance, transport: str
) -> None:
    passwords = [p for p in BAD_PASSWORDS if p != "wrong"] + [
        "master",
        MASTER.upper(),
        [MASTER],
        {MASTER: MASTER},
    ]
    for password in passwords:
        for method, rest in (("list_countries", []), ("drop", ["s-never-made"]), ("dump", ["s-never-made"])):
            _denied(master_server, transport, "db", method, [password, *rest])
        auth.forget(instance)
    countries = call(master_server.url, transport, "db", "list_countries", [MASTER])
    assert ["BE", "Belgium"] in countries


# -- web routes -----------------------------------------------------------------------------


@pytest.fixture
def browser(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as http:
        yield http


def _json(client: httpx.Client, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_web_authenticate_refuses_wrong_credentials_of_any_type(
    browser: httpx.Client, instance: Instance, template: str
) -> None:
    bad_logins: list[Any] = [None, False, 0, "", [], {}, ["admin"]]
    cases: list[tuple[Any, Any]] = [("admin", p) for p in BAD_PASSWORDS] + [
        (lo, "admin") for lo in bad_logins
    ]
    for login, password in cases:
        body = _json(
            browser, "/web/session/authenticate", {"db": template, "login": login, "password": password}
        )
        assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied", (login, password, body)
        assert "session_id" not in browser.cookies
        auth.forget(instance)
    assert (
        _json(browser, "/web/session/authenticate", {"db": template, "login": "admin", "password": "admin"})[
            "result"
        ]["uid"]
        == ADMIN
    )


@pytest.mark.parametrize("password", ["", " ", "wrong", "ADMIN"])
def test_the_login_form_refuses_wrong_passwords(browser: httpx.Client, template: str, password: str) -> None:
    page = browser.get("/web/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    fields = {"csrf_token": token, "db": template, "login": "admin", "password": password}
    response = browser.post("/web/login", data=fields)
    assert response.status_code == 200 and "Wrong login or password." in response.text
    assert "session_id" not in browser.cookies


def _sid_for(db: str, secret: str) -> str:
    return base64.urlsafe_b64encode(db.encode()).decode().rstrip("=") + "." + secret


def test_call_kw_needs_a_live_session_of_its_own_database(
    browser: httpx.Client, template: str, fresh_db: str
) -> None:
    login = _json(
        browser, "/web/session/authenticate", {"db": fresh_db, "login": "admin", "password": "admin"}
    )
    real = login["result"]["session_id"]
    secret = real.split(".", 1)[1]
    cookies: list[str | None] = [
        None,  # no session at all
        "",
        "garbage",
        _sid_for(template, secrets.token_urlsafe(32)),  # well formed, never issued
        _sid_for(template, secret),  # a live session of fresh_db replayed on template
        _sid_for("s-never-made", secret),  # a database that does not exist
        real + "x",
        real.upper(),
    ]
    params = {"model": "res.users", "method": "read", "args": [[ADMIN], ["login"]], "kwargs": {}}
    for cookie in cookies:
        browser.cookies.clear()
        if cookie is not None:
            browser.cookies.set("session_id", cookie)
        body = _json(browser, "/web/dataset/call_kw", params)
        assert body.get("error", {}).get("code") == 100, (cookie, body)
    browser.cookies.clear()
    browser.cookies.set("session_id", real)
    assert _json(browser, "/web/dataset/call_kw", params)["result"] == [{"id": ADMIN, "login": "admin"}]
