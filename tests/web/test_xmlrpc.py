"""Odoo's XML-RPC API end to end over real HTTP with ``xmlrpc.client``."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator

import pytest

from tests.web.conftest import LiveServer

_OPEN: list[xmlrpc.client.ServerProxy] = []


@pytest.fixture(autouse=True)
def _close_proxies() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop()("close")()


def _proxies(server: LiveServer, prefix: str = "/xmlrpc/2") -> tuple[xmlrpc.client.ServerProxy, ...]:
    proxies = tuple(
        xmlrpc.client.ServerProxy(f"{server.url}{prefix}/{service}") for service in ("common", "object")
    )
    _OPEN.extend(proxies)
    return proxies


def test_version_needs_no_login(server: LiveServer) -> None:
    common, _ = _proxies(server)
    version = common.version()
    assert version["protocol_version"] == 1
    assert {"server_version", "server_version_info", "server_serie"} <= set(version)


def test_authenticate_returns_the_uid_and_false_on_a_wrong_password(
    server: LiveServer, template: str
) -> None:
    common, _ = _proxies(server)
    uid = common.authenticate(template, "admin", "admin", {})
    assert isinstance(uid, int) and uid > 0
    assert common.authenticate(template, "admin", "wrong", {}) is False


def test_execute_kw_crud_round_trip(server: LiveServer, template: str) -> None:
    common, models = _proxies(server)
    uid = common.authenticate(template, "admin", "admin", {})
    pid = models.execute_kw(template, uid, "admin", "res.partner", "create", [{"name": "Web Partner"}])
    assert isinstance(pid, int)
    rows = models.execute_kw(
        template, uid, "admin", "res.partner", "search_read", [[("id", "=", pid)]], {"fields": ["name"]}
    )
    assert rows == [{"id": pid, "name": "Web Partner"}]
    assert models.execute_kw(template, uid, "admin", "res.partner", "write", [[pid], {"name": "Renamed"}])
    assert models.execute_kw(template, uid, "admin", "res.partner", "read", [[pid], ["name"]])[0]["name"] == (
        "Renamed"
    )
    assert models.execute_kw(template, uid, "admin", "res.partner", "unlink", [[pid]])
    assert models.execute_kw(template, uid, "admin", "res.partner", "search", [[("id", "=", pid)]]) == []


def test_private_method_is_fault_4(server: LiveServer, template: str) -> None:
    common, models = _proxies(server)
    uid = common.authenticate(template, "admin", "admin", {})
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(template, uid, "admin", "res.partner", "_read", [[1]])
    assert info.value.faultCode == 4
    assert "Private methods" in info.value.faultString


def test_validation_error_is_fault_2(server: LiveServer, template: str) -> None:
    common, models = _proxies(server)
    uid = common.authenticate(template, "admin", "admin", {})
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(template, uid, "admin", "res.users", "write", [[uid], {"password": ""}])
    assert info.value.faultCode == 2


def test_record_rule_violation_is_fault_4(server: LiveServer, instance, template: str) -> None:
    """A portal user reading another user's record is stopped by the portal rules."""
    with instance.env(template) as env:
        portal = env.ref("base.group_portal")
        login = "web-portal-user"
        user = env["res.users"].search([("login", "=", login)])
        if not user:
            user = env["res.users"].create(
                {
                    "name": "Portal Web",
                    "login": login,
                    "password": "portal-pw",
                    "groups_id": [(6, 0, [portal.id])],
                }
            )
        other = env["res.partner"].create({"name": "Not Yours"}).id
    common, models = _proxies(server)
    uid = common.authenticate(template, login, "portal-pw", {})
    assert uid == user.id
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(template, uid, "portal-pw", "res.partner", "write", [[other], {"name": "Mine"}])
    assert info.value.faultCode == 4


def test_legacy_endpoint_uses_string_fault_codes(server: LiveServer, template: str) -> None:
    common, models = _proxies(server, "/xmlrpc")
    uid = common.authenticate(template, "admin", "admin", {})
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(template, uid, "admin", "res.partner", "_read", [[1]])
    assert isinstance(info.value.faultCode, str)
