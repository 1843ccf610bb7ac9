"""The web client's frame over HTTP: login redirects, CSRF, the ``cids`` cookie and switcher,
error pages and static files."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tenantry.web.frame import local_path
from tenantry.web.sessions import SessionStore
from tests.security.helpers import make_user
from tests.web.conftest import LiveServer, Serve


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as http:
        yield http


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def log_in(
    client: httpx.Client, db: str, login: str = "admin", password: str = "admin", redirect: str = ""
) -> httpx.Response:
    page = client.get("/web/login", params={"redirect": redirect} if redirect else None)
    fields = {"csrf_token": token_of(page.text), "db": db, "login": login, "password": password}
    if redirect:
        fields["redirect"] = redirect
    return client.post("/web/login", data=fields)


def test_a_page_without_a_session_redirects_to_login_then_back_with_its_query(
    client: httpx.Client, template: str
) -> None:
    response = client.get("/odoo", params={"a": "1", "b": "x y"})
    assert response.status_code == 303
    assert response.headers["location"] == "/web/login?redirect=/odoo%3Fa%3D1%26b%3Dx%2By"
    login_page = client.get(response.headers["location"])
    assert 'name="redirect" value="/odoo?a=1&amp;b=x+y"' in login_page.text
    after = log_in(client, template, redirect="/odoo?a=1&b=x+y")
    assert after.status_code == 303 and after.headers["location"] == "/odoo?a=1&b=x+y"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\t/evil",
        "odoo",
    ],
)
def test_login_never_redirects_off_site(target: str) -> None:
    assert local_path(target) == "/odoo"


def test_login_with_an_off_site_redirect_goes_home(client: httpx.Client, template: str) -> None:
    page = client.get("/web/login", params={"redirect": "//evil.example"})
    assert "evil" not in page.text
    response = log_in(client, template, redirect="//evil.example")
    assert response.headers["location"] == "/odoo"


def test_an_htmx_request_without_a_session_is_told_to_go_to_login(client: httpx.Client) -> None:
    response = client.get("/odoo", headers={"HX-Request": "true"})
    assert response.headers["hx-redirect"] == "/web/login?redirect=/odoo"


def test_an_expired_session_redirects_to_login(
    client: httpx.Client, instance: Instance, template: str
) -> None:
    log_in(client, template)
    assert client.get("/odoo").status_code == 200
    SessionStore(instance).expire(client.cookies["session_id"])
    response = client.get("/odoo")
    assert response.status_code == 303 and response.headers["location"] == "/web/login?redirect=/odoo"


def test_a_post_without_the_sessions_csrf_token_is_refused(client: httpx.Client, template: str) -> None:
    log_in(client, template)
    for headers, data in [({}, {"company_id": "1"}), ({"X-CSRF-Token": "forged"}, {"company_id": "1"})]:
        response = client.post("/web/session/switch_company", data=data, headers=headers)
        assert response.status_code == 403 and 'role="alert"' in response.text
        assert "cids" not in response.cookies
    token = token_of(client.get("/odoo").text)
    ok = client.post("/web/session/switch_company", data={"company_id": "1", "csrf_token": token})
    assert ok.status_code == 303 and ok.cookies["cids"] == "1"


@pytest.fixture
def two_companies(instance: Instance, fresh_db: str) -> tuple[str, int, int]:
    """``fresh_db`` with a user ``multi`` (password ``multi``) in two companies."""
    with instance.env(fresh_db) as env:
        main = env.ref("base.main_company")
        other = env["res.company"].create({"name": "Second Works"})
        make_user(env, "multi", company=main, companies=[main, other], password="multi")
        return fresh_db, int(main.id), int(other.id)


def test_the_switcher_sets_cids_and_changes_the_current_company(
    serve: Serve, instance: Instance, two_companies: tuple[str, int, int]
) -> None:
    db, main, other = two_companies
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as client:
        log_in(client, db, "multi", "multi")
        home = client.get("/odoo")
        assert 'action="/web/session/switch_company"' in home.text and "Second Works" in home.text
        token = token_of(home.text)
        fields = {"company_id": str(other), "allowed": [str(main), "999999"], "redirect": "/odoo?x=1"}
        response = client.post("/web/session/switch_company", data={**fields, "csrf_token": token})
        assert response.status_code == 303 and response.headers["location"] == "/odoo?x=1"
        assert response.cookies["cids"] == f"{other}-{main}"
        assert "in the company <strong>Second Works</strong>" in client.get("/odoo").text
        # Ids outside the user's companies, and junk, are ignored.
        client.cookies.set("cids", f"999999-x-{main}")
        assert "Second Works</strong>" not in client.get("/odoo").text
        refused = client.post(
            "/web/session/switch_company", data={"company_id": "999999", "csrf_token": token}
        )
        assert refused.status_code == 400 and 'role="alert"' in refused.text


def test_a_user_with_one_company_has_no_switcher(client: httpx.Client, template: str) -> None:
    log_in(client, template)
    home = client.get("/odoo")
    assert "switch_company" not in home.text
    assert "Preferences" in home.text and 'action="/web/session/logout"' in home.text


def test_static_files_are_served_with_cache_headers(client: httpx.Client) -> None:
    response = client.get("/web/static/lib/htmx.min.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert "max-age=" in response.headers["cache-control"]
    assert response.headers["etag"] and response.headers["last-modified"]
    again = client.get("/web/static/lib/htmx.min.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/web/static/css/web.css").status_code == 200
    for path in ("/web/static/../pages.py", "/web/static/%2e%2e/pages.py", "/web/static/nothing.css"):
        assert client.get(path).status_code == 404


def test_the_layout_links_the_stylesheet_and_htmx(client: httpx.Client, template: str) -> None:
    log_in(client, template)
    home = client.get("/odoo").text
    assert re.search(r'href="/web/static/css/web.css\?v=\w+"', home)
    assert re.search(r'src="/web/static/lib/htmx.min.js\?v=\w+"', home)
    assert "<header" in home and token_of(home) in home


def test_an_htmx_post_may_carry_the_token_in_its_header(client: httpx.Client, template: str) -> None:
    log_in(client, template)
    token = token_of(client.get("/odoo").text)
    headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    response = client.post("/web/session/switch_company", data={"company_id": "1"}, headers=headers)
    assert response.status_code == 303 and response.cookies["cids"] == "1"


def test_pages_are_neither_cached_nor_framed_by_other_sites(client: httpx.Client, template: str) -> None:
    login_page = client.get("/web/login")
    log_in(client, template)
    for response in (login_page, client.get("/odoo")):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_unknown_urls_get_a_not_found_page_where_browsers_go(client: httpx.Client) -> None:
    page = client.get("/odoo/a/b/c/d/e")
    assert page.status_code == 404 and 'role="alert"' in page.text
    assert client.get("/web/session/switch_company").status_code == 405
    rpc = client.get("/nothing/here")
    assert rpc.status_code == 404 and rpc.headers["content-type"].startswith("text/plain")
