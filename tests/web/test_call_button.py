"""``/web/dataset/call_button`` and the API-key wizard behind Odoo's identity check, over HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.web.conftest import LiveServer, Serve
from tests.web.wire import Refused, call

ADMIN = 2


@pytest.fixture
def live(serve: Serve, instance: Instance) -> LiveServer:
    return serve(instance, ServerConfig())


@pytest.fixture
def web(live: LiveServer, fresh_db: str) -> Iterator[httpx.Client]:
    """The web client of ``admin`` on a fresh copy of the template (keys made here stay here)."""
    with httpx.Client(base_url=live.url, timeout=30) as http:
        _post(http, "/web/session/authenticate", {"db": fresh_db, "login": "admin", "password": "admin"})
        yield http


def _post(http: httpx.Client, path: str, params: dict[str, Any]) -> Any:
    response = http.post(path, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})
    assert response.status_code == 200
    body = response.json()
    if "error" in body:
        raise Refused(body["error"]["data"]["name"].rsplit(".", 1)[-1], body["error"]["data"]["message"])
    return body["result"]


def _button(http: httpx.Client, model: str, method: str, ids: list[int], **context: Any) -> Any:
    params = {"model": model, "method": method, "args": [ids], "kwargs": {"context": context}}
    return _post(http, "/web/dataset/call_button", params)


def _kw(http: httpx.Client, model: str, method: str, args: list[Any]) -> Any:
    params = {"model": model, "method": method, "args": args, "kwargs": {}}
    return _post(http, "/web/dataset/call_kw", params)


def _new_key(http: httpx.Client, password: str = "admin", **vals: Any) -> dict[str, Any]:
    """odoorpc's test_login_with_api_key, step by step: the wizard, the check, the key."""
    wizard = _kw(http, "res.users.apikeys.description", "create", [{"name": "script", **vals}])
    check = _button(http, "res.users.apikeys.description", "make_key", [wizard])
    assert (check["type"], check["res_model"]) == ("ir.actions.act_window", "res.users.identitycheck")
    _kw(http, "res.users.identitycheck", "write", [[check["res_id"]], {"password": password}])
    result: dict[str, Any] = _button(http, "res.users.identitycheck", "run_check", [check["res_id"]])
    return result


def _login(live: LiveServer, db: str, password: str) -> Any:
    return call(live.url, "jsonrpc", "common", "login", [db, "admin", password])


def test_call_button_returns_the_action_a_button_gives(web: httpx.Client, fresh_db: str) -> None:
    french = _kw(web, "res.lang", "search", [[("code", "=", "fr_FR"), ("active", "=", False)]])
    wizard = _kw(web, "base.language.install", "create", [{"lang_ids": [(6, 0, french)]}])
    assert _button(web, "base.language.install", "lang_install", [wizard]) == {
        "type": "ir.actions.client",
        "tag": "reload_context",
    }
    not_an_action = {
        "model": "res.users",
        "method": "has_group",
        "args": [[ADMIN], "base.group_user"],
        "kwargs": {},
    }
    assert _post(web, "/web/dataset/call_button", not_an_action) is False
    show = _button(web, "res.users", "api_key_wizard", [ADMIN])  # an act_window: views made
    assert show["res_model"] == "res.users.identitycheck" and show["views"] == [[False, "form"]]


def test_call_button_needs_a_session(live: LiveServer, template: str) -> None:
    with httpx.Client(base_url=live.url) as anonymous:
        params = {"model": "res.lang", "method": "get_installed", "args": [], "kwargs": {}}
        response = anonymous.post("/web/dataset/call_button", json={"jsonrpc": "2.0", "params": params})
        assert response.json()["error"]["code"] == 100


def test_a_key_made_through_the_identity_check_logs_in(
    live: LiveServer, web: httpx.Client, fresh_db: str
) -> None:
    shown = _new_key(web)
    assert (shown["res_model"], shown["type"]) == ("res.users.apikeys.show", "ir.actions.act_window")
    key = shown["context"]["default_key"]
    assert _login(live, fresh_db, key) == ADMIN
    assert call(
        live.url, "xmlrpc", "object", "execute_kw", [fresh_db, ADMIN, key, "res.users", "context_get", []]
    )
    keys = _kw(web, "res.users.apikeys", "list_keys", [])
    assert [k["name"] for k in keys] == ["script"]


def test_the_identity_check_is_remembered_for_ten_minutes_in_the_session(
    instance: Instance, web: httpx.Client, fresh_db: str
) -> None:
    with pytest.raises(Refused, match="Incorrect Password") as refused:
        _new_key(web, password="wrong")
    assert refused.value.kind == "UserError"
    assert _kw(web, "res.users.apikeys", "list_keys", []) == []  # a wrong password makes no key
    _new_key(web)
    wizard = _kw(web, "res.users.apikeys.description", "create", [{"name": "second"}])
    direct = _button(web, "res.users.apikeys.description", "make_key", [wizard])
    assert direct["res_model"] == "res.users.apikeys.show"  # no second password asked
    with instance.env(fresh_db) as env:  # eleven minutes later
        sessions = env["ir.sessions"].search([("uid", "=", ADMIN), ("identity_checked", "!=", False)])
        sessions.write({"identity_checked": sessions.identity_checked - dt.timedelta(minutes=11)})
    wizard = _kw(web, "res.users.apikeys.description", "create", [{"name": "third"}])
    again = _button(web, "res.users.apikeys.description", "make_key", [wizard])
    assert again["res_model"] == "res.users.identitycheck"


def test_the_external_api_gets_the_check_too_with_the_password_in_the_context(
    live: LiveServer, fresh_db: str
) -> None:
    """Over /jsonrpc there is no session: every sensitive call asks, once per call."""

    def execute(model: str, method: str, args: list[Any], **kwargs: Any) -> Any:
        return call(
            live.url,
            "jsonrpc",
            "object",
            "execute_kw",
            [fresh_db, ADMIN, "admin", model, method, args, kwargs],
        )

    wizard = execute("res.users.apikeys.description", "create", [{"name": "cron"}])
    check = execute("res.users.apikeys.description", "make_key", [[wizard]])
    assert check["res_model"] == "res.users.identitycheck"
    shown = execute(
        "res.users.identitycheck", "run_check", [[check["res_id"]]], context={"password": "admin"}
    )
    assert _login(live, fresh_db, shown["context"]["default_key"]) == ADMIN


def test_an_expired_key_no_longer_logs_in(
    live: LiveServer, instance: Instance, web: httpx.Client, fresh_db: str
) -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    key = _new_key(web, expiration_date=soon)["context"]["default_key"]
    assert _login(live, fresh_db, key) == ADMIN
    with instance.env(fresh_db) as env:
        env["res.users.apikeys"].search([("name", "=", "script")]).write(
            {"expiration_date": dt.datetime(2000, 1, 1)}
        )
    assert _login(live, fresh_db, key) is False
    with pytest.raises(Refused, match="in the future"):
        _new_key(web, expiration_date="2000-01-01 00:00:00")


def test_identity_checks_are_their_makers_only_and_portal_users_make_no_keys(
    live: LiveServer, instance: Instance, fresh_db: str, web: httpx.Client
) -> None:
    wizard = _kw(web, "res.users.apikeys.description", "create", [{"name": "admin's"}])
    check = _button(web, "res.users.apikeys.description", "make_key", [wizard])
    with instance.env(fresh_db) as env:
        internal, portal = env.ref("base.group_user"), env.ref("base.group_portal")
        env["res.users"].create(
            [
                {
                    "name": "Mallory",
                    "login": "mallory",
                    "password": "mallory",
                    "groups_id": [(6, 0, internal.ids)],
                },
                {"name": "Pat", "login": "pat", "password": "pat", "groups_id": [(6, 0, portal.ids)]},
            ]
        )
    with httpx.Client(base_url=live.url, timeout=30) as mallory:
        _post(
            mallory, "/web/session/authenticate", {"db": fresh_db, "login": "mallory", "password": "mallory"}
        )
        for attempt in (
            lambda: _kw(
                mallory, "res.users.identitycheck", "write", [[check["res_id"]], {"password": "mallory"}]
            ),
            lambda: _button(
                mallory, "res.users.identitycheck", "run_check", [check["res_id"]], password="admin"
            ),
            lambda: _kw(
                mallory,
                "res.users.identitycheck",
                "create",
                [{"request": '[{}, "res.users", [2], "x", [], {}]'}],
            ),
        ):
            with pytest.raises(Refused) as refused:
                attempt()
            assert refused.value.kind == "AccessError"
    assert _kw(web, "res.users.apikeys", "list_keys", []) == []
    with httpx.Client(base_url=live.url, timeout=30) as pat:
        _post(pat, "/web/session/authenticate", {"db": fresh_db, "login": "pat", "password": "pat"})
        with pytest.raises(Refused) as refused:
            _kw(pat, "res.users.apikeys.description", "create", [{"name": "portal"}])
        assert refused.value.kind == "AccessError"


def test_check_identity_methods_refuse_to_run_outside_a_request(instance: Instance, fresh_db: str) -> None:
    with instance.env(fresh_db, uid=ADMIN) as env:
        wizard = env["res.users.apikeys.description"].create({"name": "script"})
        with pytest.raises(Exception, match="only be accessed over HTTP"):
            wizard.make_key()
