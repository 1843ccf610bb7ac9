"""Sessions end when their user's password, login or active flag changes (Odoo's session token).

Over real HTTP on a fresh copy of the template: its admin's password changes here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tenantry.exceptions import SessionExpired
from tenantry.instance import Instance
from tenantry.web.sessions import SessionStore
from tests.web.conftest import LiveServer

Clients = Iterator[list[httpx.Client]]


@pytest.fixture
def clients(server: LiveServer) -> Clients:
    """Three cookie jars on the same server: three browsers."""
    opened = [httpx.Client(base_url=server.url) for _ in range(3)]
    yield opened
    for client in opened:
        client.close()


def rpc(client: httpx.Client, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def login(client: httpx.Client, db: str, user: str = "admin", password: str = "admin") -> int:
    body = rpc(client, "/web/session/authenticate", {"db": db, "login": user, "password": password})
    assert "result" in body, body
    uid: int = body["result"]["uid"]
    return uid


def call_kw(client: httpx.Client, model: str, method: str, *args: Any) -> dict[str, Any]:
    return rpc(
        client, "/web/dataset/call_kw", {"model": model, "method": method, "args": list(args), "kwargs": {}}
    )


def expired(client: httpx.Client) -> bool:
    error = rpc(client, "/web/session/check", {}).get("error")
    return error is not None and error["code"] == 100


@pytest.fixture
def other_user(instance: Instance, fresh_db: str) -> str:
    """A second internal user of ``fresh_db`` (login and password ``other``)."""
    with instance.env(fresh_db) as env:
        env["res.users"].create(
            {
                "name": "Other",
                "login": "other",
                "password": "other",
                "groups_id": [(4, env.ref("base.group_user").id)],
            }
        )
    return "other"


def test_a_password_change_ends_every_session_of_the_user(
    clients: list[httpx.Client], fresh_db: str, other_user: str
) -> None:
    changer, second, bystander = clients
    uid = login(changer, fresh_db)
    assert login(second, fresh_db) == uid
    login(bystander, fresh_db, other_user, other_user)

    assert call_kw(changer, "res.users", "write", [uid], {"password": "n3w"}) == {
        "jsonrpc": "2.0",
        "id": 1,
        "result": True,
    }
    assert expired(second)
    # Odoo 17 keeps no exception for the session that wrote: its web client reloads to the login page.
    assert expired(changer)
    assert not expired(bystander)  # another user's session is untouched
    body = rpc(second, "/web/session/authenticate", {"db": fresh_db, "login": "admin", "password": "admin"})
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert login(second, fresh_db, "admin", "n3w") == uid and not expired(second)


def test_change_password_checks_the_old_one_then_ends_the_sessions(
    clients: list[httpx.Client], fresh_db: str
) -> None:
    changer, second, _ = clients
    login(changer, fresh_db)
    login(second, fresh_db)

    wrong = call_kw(changer, "res.users", "change_password", "not-the-password", "n3w")
    assert wrong["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    empty = call_kw(changer, "res.users", "change_password", "admin", "  ")
    assert empty["error"]["data"]["name"] == "odoo.exceptions.UserError"
    assert not expired(changer) and not expired(second)  # nothing changed

    assert call_kw(changer, "res.users", "change_password", "admin", "n3w")["result"] is True
    assert expired(second) and expired(changer)
    login(second, fresh_db, "admin", "n3w")


def test_a_login_change_ends_the_sessions_too(
    clients: list[httpx.Client], instance: Instance, fresh_db: str, other_user: str
) -> None:
    client = clients[0]
    uid = login(client, fresh_db, other_user, other_user)
    with instance.env(fresh_db) as env:
        env["res.users"].browse(uid).write({"login": "renamed"})
    assert expired(client)


def test_refresh_keeps_the_session_that_changed_the_password(instance: Instance, fresh_db: str) -> None:
    store = SessionStore(instance)
    mine, elsewhere = store.create(fresh_db, 2), store.create(fresh_db, 2)
    with instance.env(fresh_db) as env:
        env["res.users"].browse(2).write({"password": "n3w"})
    store.refresh(mine)  # what a change-password page does right after the change
    assert store.load(mine.sid, None).uid == 2
    with pytest.raises(SessionExpired):
        store.load(elsewhere.sid, None)
    with pytest.raises(SessionExpired):  # an ended session cannot be brought back
        store.refresh(elsewhere)


def test_a_session_without_a_token_has_ended(instance: Instance, fresh_db: str) -> None:
    """Sessions stored before tokens existed end once, at their next use."""
    store = SessionStore(instance)
    session = store.create(fresh_db, 2)
    with instance.env(fresh_db) as env:
        env["ir.sessions"].search([("uid", "=", 2)]).write({"session_token": False})
    with pytest.raises(SessionExpired):
        store.load(session.sid, None)
