"""odooly 2.6.7 end to end: its web-API mode (``/web/session/*``, ``/web/dataset/call_kw``) and
its JSON-RPC mode (``/jsonrpc``). Skipped when odooly is not installed."""

from __future__ import annotations

from typing import Any

import odooly
import pytest

from tests.web.conftest import LiveServer


def _client(url: str, db: str, user: str = "admin", password: str = "admin") -> Any:
    return odooly.Client(url, db=db, user=user, password=password)


def test_web_api_login_search_read_and_create(master_server: LiveServer, template: str) -> None:
    client = _client(master_server.url, template)
    assert client._proxy is None  # web-API mode, not JSON-RPC
    assert client.version_info == 17.0
    env = client.env
    assert env.db_name == template and env.uid > 0
    assert env.user.login == "admin"
    Partner = env["res.partner"]
    rows = Partner.search_read([("is_company", "=", True)], ["name"])
    assert rows and all(set(row) == {"id", "name"} for row in rows)
    partner = Partner.create({"name": "Odooly Partner", "is_company": True})
    try:
        assert partner.id > 0 and partner.name == "Odooly Partner"
        found = Partner.search_read([("name", "=", "Odooly Partner")], ["is_company"])
        assert found == [{"id": partner.id, "is_company": True}]
        partner.write({"name": "Odooly Renamed"})
        assert Partner.browse(partner.id).read("name") == "Odooly Renamed"
    finally:
        partner.unlink()
    assert not Partner.search([("id", "=", partner.id)])
    env.session_destroy()


def test_web_api_wrong_password_is_refused(master_server: LiveServer, template: str) -> None:
    with pytest.raises(odooly.Error, match="Invalid username or password"):
        _client(master_server.url, template, user="odooly-nobody", password="wrong")


def test_jsonrpc_mode_login_and_search_read(master_server: LiveServer, template: str) -> None:
    client = _client(master_server.url + "/jsonrpc", template)
    assert client._proxy is not None
    Partner = client.env["res.partner"]
    rows = Partner.search_read([("id", "=", client.env.user.partner_id.id)], ["name"])
    assert len(rows) == 1 and rows[0]["name"]
