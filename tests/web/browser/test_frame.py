"""The web client's frame in Chromium: logging in, coming back to the page asked for,
session expiry and the company switcher."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tenantry.web.sessions import SessionStore
from tests.security.helpers import make_user
from tests.web.browser.conftest import log_in, save_screenshot
from tests.web.conftest import LiveServer, Serve

if TYPE_CHECKING:
    import pytest
    from playwright.sync_api import Page


def test_logging_in_through_the_browser_shows_the_home_page(
    page: Page, live: LiveServer, template: str, request: pytest.FixtureRequest
) -> None:
    log_in(page, template)
    assert page.url == f"{live.url}/odoo"
    assert "Welcome, Administrator" in page.locator("main").inner_text()
    assert page.locator("header").get_by_text("Administrator").is_visible()
    assert page.locator("header").get_by_text("tenantry").is_visible()
    save_screenshot(page, request, "home")


def test_a_logged_out_visitor_logs_in_and_comes_back_to_the_page(
    page: Page, live: LiveServer, template: str
) -> None:
    page.goto("/odoo/preferences?from=test")
    assert page.url == f"{live.url}/web/login?redirect=/odoo/preferences%3Ffrom%3Dtest"
    log_in(page, template)
    assert page.url == f"{live.url}/odoo/preferences?from=test"
    assert page.get_by_role("heading", name="Preferences").is_visible()


def test_an_expired_session_sends_the_user_to_the_login_page(
    page: Page, live: LiveServer, instance: Instance, template: str
) -> None:
    log_in(page, template)
    session = next(c for c in page.context.cookies() if c["name"] == "session_id")
    SessionStore(instance).expire(session["value"])
    page.goto("/odoo/preferences")
    assert page.url.endswith("/web/login?redirect=/odoo/preferences")
    assert page.get_by_label("Password").is_visible()


def test_the_company_switcher_changes_the_current_company(
    page: Page, serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        main = env.ref("base.main_company")
        other = env["res.company"].create({"name": "Second Works"})
        make_user(env, "multi", company=main, companies=[main, other], password="multi")
        other_id = other.id
    live = serve(instance, ServerConfig())
    page.goto(f"{live.url}/web/login")
    log_in(page, fresh_db, "multi", "multi")
    assert "Second Works" not in page.locator("main").inner_text()
    page.get_by_label("Company").select_option(label="Second Works")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.url == f"{live.url}/odoo"
    assert "in the company Second Works" in page.locator("main").inner_text()
    cids = next(c for c in page.context.cookies() if c["name"] == "cids")
    assert cids["value"] == str(other_id)
