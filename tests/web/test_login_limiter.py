"""One login limiter behind every credential check, over real HTTP.

Failures count per (database, login, client address) whichever entry point they come
through; once ``MAX_FAILURES`` are counted, every entry point refuses that login from
that address, even with the right password, until the window has passed. ``execute_kw``
used to verify passwords without any limit (30 guesses in 6 s, then the right one
accepted) while ``common.authenticate`` for the same login was locked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.security import auth
from tenantry.web import ServerConfig
from tests.web.conftest import LiveServer, Serve
from tests.web.wire import Refused, call

LOGIN = PASSWORD = "demo"
MASTER = "master-x"


@dataclass
class Target:
    """The user under attack, and the sessions and keys prepared before the attack."""

    url: str
    db: str
    uid: int
    clients: list[httpx.Client] = field(default_factory=list)
    api_key: str = ""

    def session(self) -> httpx.Client:
        """A web client logged in as the user (made before any failure is counted)."""
        client = httpx.Client(base_url=self.url)
        self.clients.append(client)
        body = _json(
            client, "/web/session/authenticate", {"db": self.db, "login": LOGIN, "password": PASSWORD}
        )
        assert body["result"]["uid"] == self.uid
        return client


def _json(client: httpx.Client, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _refused(attempt: Callable[[], Any]) -> bool:
    try:
        attempt()
    except Refused as refused:
        assert refused.kind == "AccessDenied", refused
        return True
    return False


# Each entry point: prepare(target) -> try(password) -> whether the password was accepted.
Attempt = Callable[[str], bool]


def _common_login(t: Target) -> Attempt:
    return lambda password: call(t.url, "xmlrpc", "common", "login", [t.db, LOGIN, password]) == t.uid


def _common_authenticate(t: Target) -> Attempt:
    def attempt(password: str) -> bool:
        return bool(call(t.url, "jsonrpc", "common", "authenticate", [t.db, LOGIN, password, {}]) == t.uid)

    return attempt


def _execute_kw(t: Target) -> Attempt:
    def attempt(password: str) -> bool:
        params = [t.db, t.uid, password, "res.users", "context_get", []]
        return not _refused(lambda: call(t.url, "xmlrpc", "object", "execute_kw", params))

    return attempt


def _execute(t: Target) -> Attempt:
    def attempt(password: str) -> bool:
        params = [t.db, t.uid, password, "res.users", "context_get"]
        return not _refused(lambda: call(t.url, "legacy", "object", "execute", params))

    return attempt


def _web_authenticate(t: Target) -> Attempt:
    client = httpx.Client(base_url=t.url)
    t.clients.append(client)

    def attempt(password: str) -> bool:
        body = _json(client, "/web/session/authenticate", {"db": t.db, "login": LOGIN, "password": password})
        return "result" in body

    return attempt


def _web_login_form(t: Target) -> Attempt:
    client = httpx.Client(base_url=t.url)
    t.clients.append(client)

    def attempt(password: str) -> bool:
        page = client.get("/web/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        fields = {"csrf_token": token.group(1), "db": t.db, "login": LOGIN, "password": password}
        return client.post("/web/login", data=fields).status_code == 303

    return attempt


def _change_password_in_a_session(t: Target) -> Attempt:
    client = t.session()

    def attempt(old: str) -> bool:
        params = {"model": "res.users", "method": "change_password", "args": [old, PASSWORD], "kwargs": {}}
        body = _json(client, "/web/dataset/call_kw", params)
        if "error" in body:
            assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied", body
            return False
        return True

    return attempt


def _change_password_with_an_api_key(t: Target) -> Attempt:
    """Every call passes its own check (the key): its guesses of the password count all the same."""

    def attempt(old: str) -> bool:
        params = [t.db, t.uid, t.api_key, "res.users", "change_password", [old, PASSWORD]]
        return not _refused(lambda: call(t.url, "jsonrpc", "object", "execute_kw", params))

    return attempt


ENTRY_POINTS: dict[str, Callable[[Target], Attempt]] = {
    "common.login": _common_login,
    "common.authenticate": _common_authenticate,
    "object.execute_kw": _execute_kw,
    "object.execute": _execute,
    "/web/session/authenticate": _web_authenticate,
    "/web/login": _web_login_form,
    "change_password": _change_password_in_a_session,
    "change_password with an API key": _change_password_with_an_api_key,
}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(auth, "clock", lambda: now[0])  # the server runs in this process
    return now


@pytest.fixture
def target(server: LiveServer, instance: Instance, template: str) -> Iterator[Target]:
    with instance.env(template) as env:
        uid = int(env["res.users"].search([("login", "=", LOGIN)]).id)
        key = env["res.users.apikeys"]._generate_for(uid, "limiter test")
    made = Target(server.url, template, uid, api_key=key)
    yield made
    for client in made.clients:
        client.close()
    with instance.env(template) as env:
        env["res.users.apikeys"].sudo().search([("user_id", "=", uid)]).unlink()
    auth.forget(instance)


@pytest.mark.parametrize("failing", list(ENTRY_POINTS))
def test_failures_through_any_entry_point_lock_the_login_out_of_every_entry_point(
    target: Target, clock: list[float], failing: str
) -> None:
    attempts = {name: prepare(target) for name, prepare in ENTRY_POINTS.items()}
    for _ in range(auth.MAX_FAILURES):
        assert attempts[failing]("wrong") is False
    locked = [name for name, attempt in attempts.items() if not attempt(PASSWORD)]
    assert locked == list(ENTRY_POINTS)  # the right password, refused everywhere
    clock[0] += auth.FAILURE_WINDOW + 1
    assert attempts["common.login"](PASSWORD) is True  # it was the lockout, and it ends


def test_thirty_guesses_through_execute_kw_do_not_find_the_password(
    target: Target, clock: list[float]
) -> None:
    messages = []
    for guess in range(30):
        params = [target.db, target.uid, f"guess-{guess}", "res.users", "context_get", []]
        with pytest.raises(Refused) as refused:
            call(target.url, "jsonrpc", "object", "execute_kw", params)
        messages.append(refused.value.message)
    assert all("Too many login failures" in m for m in messages[auth.MAX_FAILURES :])
    assert _execute_kw(target)(PASSWORD) is False
    assert call(target.url, "xmlrpc", "common", "authenticate", [target.db, LOGIN, PASSWORD, {}]) is False


def test_an_unknown_uid_is_counted_under_a_key_of_its_own(target: Target, clock: list[float]) -> None:
    def unknown(password: str) -> Refused:
        params = [target.db, 999_999, password, "res.users", "context_get", []]
        with pytest.raises(Refused) as refused:
            call(target.url, "xmlrpc", "object", "execute_kw", params)
        return refused.value

    for _ in range(auth.MAX_FAILURES):
        assert "Too many" not in unknown("wrong").message
    assert "Too many login failures" in unknown("wrong").message
    assert _execute_kw(target)(PASSWORD) is True  # the real users are not locked by it


def test_guessing_the_master_password_is_limited(
    serve: Serve, instance: Instance, template: str, clock: list[float]
) -> None:
    url = serve(instance, ServerConfig(master_password=MASTER)).url
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(Refused, match="Access Denied"):
            call(url, "xmlrpc", "db", "list_countries", ["guess"])
    with pytest.raises(Refused, match="Too many login failures"):
        call(url, "xmlrpc", "db", "list_countries", [MASTER])
    clock[0] += auth.FAILURE_WINDOW + 1
    assert ["BE", "Belgium"] in call(url, "xmlrpc", "db", "list_countries", [MASTER])
