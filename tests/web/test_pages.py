"""The login page, the home page and logout, with their CSRF checks."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.web.conftest import LiveServer


@pytest.fixture
def browser(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as http:
        yield http


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _log_in(browser: httpx.Client, db: str, password: str = "admin") -> httpx.Response:
    token = _token(browser.get("/web/login").text)
    return browser.post(
        "/web/login", data={"csrf_token": token, "db": db, "login": "admin", "password": password}
    )


def test_login_page_has_a_form_with_a_csrf_token(browser: httpx.Client) -> None:
    page = browser.get("/web/login")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'action="/web/login"' in page.text and _token(page.text)


def test_login_redirects_to_the_home_page_which_says_who_and_where(
    browser: httpx.Client, template: str
) -> None:
    response = _log_in(browser, template)
    assert response.status_code == 303 and response.headers["location"] == "/odoo"
    assert browser.get("/web").headers["location"] == "/odoo"
    home = browser.get("/odoo")
    assert home.status_code == 200
    assert "admin" in home.text and template in home.text and "Log out" in home.text


def test_wrong_password_shows_the_form_again_with_a_message(browser: httpx.Client, template: str) -> None:
    response = _log_in(browser, template, password="nope")
    assert response.status_code == 200
    assert "Wrong login or password." in response.text and 'action="/web/login"' in response.text
    assert "session_id" not in browser.cookies


def test_a_login_post_without_a_valid_token_is_refused(browser: httpx.Client, template: str) -> None:
    browser.get("/web/login")
    fields = {"db": template, "login": "admin", "password": "admin"}
    assert browser.post("/web/login", data=fields).status_code == 403
    assert browser.post("/web/login", data={**fields, "csrf_token": "forged"}).status_code == 403
    assert "session_id" not in browser.cookies


def test_home_without_a_session_redirects_to_login_and_back(browser: httpx.Client) -> None:
    response = browser.get("/odoo")
    assert response.status_code == 303 and response.headers["location"] == "/web/login?redirect=/odoo"


def test_logout_needs_the_sessions_csrf_token(browser: httpx.Client, template: str) -> None:
    _log_in(browser, template)
    token = _token(browser.get("/odoo").text)
    assert browser.post("/web/session/logout", data={"csrf_token": "forged"}).status_code == 403
    assert browser.get("/odoo").status_code == 200
    response = browser.post("/web/session/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/web/login"
    assert browser.get("/odoo").status_code == 303


def test_pages_escape_what_they_show(browser: httpx.Client, template: str) -> None:
    token = _token(browser.get("/web/login").text)
    page = browser.post(
        "/web/login",
        data={"csrf_token": token, "db": template, "login": "<script>x</script>", "password": "x"},
    )
    assert "<script>x</script>" not in page.text and "&lt;script&gt;" in page.text
