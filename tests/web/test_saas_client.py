"""saas_client over real HTTP: the user cap under concurrent RPC calls, a blocked client's
logins, calls and pages, and the banners."""

from __future__ import annotations

import datetime as dt
import re
import xmlrpc.client
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.web.conftest import Serve

ADMIN = 2


@pytest.fixture
def client_db(instance: Instance) -> Iterator[str]:
    name = "s-web-saas-client"
    if instance.exists(name):
        instance.drop_database(name)
    instance.create_database(name, modules=["saas_client"], admin_password="admin")
    yield name
    instance.drop_database(name)


def _set(instance: Instance, db: str, **params: object) -> None:
    with instance.env(db) as env:
        for key, value in params.items():
            env["ir.config_parameter"].set_param(f"saas_client.{key}", value)


def _log_in(http: httpx.Client, db: str) -> httpx.Response:
    token = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/web/login").text)
    assert token
    return http.post(
        "/web/login", data={"csrf_token": token.group(1), "db": db, "login": "admin", "password": "admin"}
    )


def test_twenty_concurrent_creations_at_the_limit_never_exceed_it(
    serve: Serve, instance: Instance, client_db: str
) -> None:
    url = serve(instance, ServerConfig()).url
    with instance.env(client_db) as env:
        internal = env["res.users"].search_count([("share", "=", False), ("id", "!=", 1)])
    limit = internal + 3
    _set(instance, client_db, max_users=limit)

    def create(i: int) -> str:
        with xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object") as proxy:
            try:
                proxy.execute_kw(
                    client_db, ADMIN, "admin", "res.users", "create", [{"name": f"U{i}", "login": f"u{i}"}]
                )
            except xmlrpc.client.Fault as fault:
                return fault.faultString
        return "ok"

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(create, range(20)))
    assert results.count("ok") == 3, results
    assert all("at most" in r for r in results if r != "ok"), results
    with instance.env(client_db) as env:
        assert env["res.users"].search_count([("share", "=", False), ("id", "!=", 1)]) == limit


def test_a_blocked_client_refuses_everyone_until_opened_again_and_pages_show_banners(
    serve: Serve, instance: Instance, client_db: str
) -> None:
    url = serve(instance, ServerConfig()).url
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=4, minutes=1)
    _set(
        instance,
        client_db,
        expiration_datetime=soon.strftime("%Y-%m-%d %H:%M:%S"),
        block_on_expiration="1",
        total_storage_limit=500,
    )
    with (
        xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common") as common,
        xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object") as models,
        httpx.Client(base_url=url) as http,
    ):
        assert _log_in(http, client_db).status_code == 303
        home = http.get("/odoo")
        assert "Your trial expires in about 4 hours." in home.text
        assert re.search(r"Storage \d+ % of 500 MB", home.text)

        _set(instance, client_db, expiration_datetime="2020-01-01 00:00:00")  # expired
        page = http.get("/odoo")
        assert page.status_code == 403 and "has expired" in page.text and "Database blocked" in page.text
        with pytest.raises(xmlrpc.client.Fault, match="has expired"):
            common.authenticate(client_db, "admin", "admin", {})
        with pytest.raises(xmlrpc.client.Fault, match="has expired"):
            models.execute_kw(client_db, ADMIN, "admin", "res.users", "search", [[]])
        login = _log_in(http, client_db)
        assert login.status_code == 200 and "has expired" in login.text

        _set(instance, client_db, expiration_datetime=False, suspended="1")
        with pytest.raises(xmlrpc.client.Fault, match="suspended"):
            models.execute_kw(client_db, ADMIN, "admin", "res.users", "search", [[]])
        params = {"db": client_db, "login": "admin", "password": "admin"}
        answer = http.post("/web/session/authenticate", json={"jsonrpc": "2.0", "params": params}).json()
        assert answer["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
        assert "suspended" in answer["error"]["data"]["message"]

        _set(instance, client_db, suspended=False)  # open again: the old session has ended
        assert http.get("/odoo").status_code == 303
        assert common.authenticate(client_db, "admin", "admin", {}) == ADMIN
        assert models.execute_kw(client_db, ADMIN, "admin", "res.users", "search", [[["id", "=", 2]]]) == [2]
        assert _log_in(http, client_db).status_code == 303
        home = http.get("/odoo")
        assert home.status_code == 200 and "Your trial" not in home.text
