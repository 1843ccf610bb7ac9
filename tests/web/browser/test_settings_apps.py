"""Settings, menus and the Apps page in Chromium: menus follow the user's groups and their
actions are refused by URL; a duplicate login on a new user is shown inline; an
administrator installs and uninstalls an addon from the Apps page, and once
``access_apps`` is installed, the Apps page is gone for them (menu and URL)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tenantry.instance import Instance
from tests.security.helpers import make_user
from tests.web.browser.conftest import log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

APPS_ACTION = "/odoo/action-base.open_module_tree"


@pytest.fixture
def office(instance: Instance, fresh_db: str) -> str:
    """An internal user ``ivy`` without Sales or Settings, and one order she may not see."""
    with instance.env(fresh_db) as env:
        make_user(env, "ivy", groups=["base.group_user"], password="ivy-pass-1")
        customer = env["res.partner"].create({"name": "Hidden Hollow Ltd"})
        env["sale.order"].create({"name": "SECRET-ORDER-9", "partner_id": customer.id})
    return fresh_db


def _refused(page: Page, path: str, *secrets: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 403, path
    assert page.get_by_role("alert").is_visible()
    assert not any(secret in page.content() for secret in secrets), path


def _module_state(instance: Instance, db: str, name: str) -> str:
    with instance.env(db) as env:
        return str(env["ir.module.module"].search([("name", "=", name)]).state)


def test_menus_follow_the_groups_and_a_hidden_menu_s_action_is_refused_by_url(
    page: Page, office: str
) -> None:
    log_in(page, office, "ivy", "ivy-pass-1")
    home = page.locator("main")
    assert home.get_by_role("link", name="Contacts").is_visible()  # her groups' app
    for app in ("Sales", "Settings", "Apps"):
        assert home.get_by_role("link", name=app, exact=True).count() == 0, app
    _refused(page, "/odoo/action-sale_demo.action_orders", "SECRET-ORDER-9", "Hidden Hollow")
    _refused(page, APPS_ACTION, "access_apps", "sale_demo")


def test_a_duplicate_login_on_a_new_user_is_shown_inline_and_nothing_is_created(
    page: Page, office: str, instance: Instance
) -> None:
    log_in(page, office)
    page.locator("main").get_by_role("link", name="Settings", exact=True).click()
    page.wait_for_load_state()
    page.locator("header").get_by_text("Users & Companies").click()  # the sub-menu opens
    page.locator("header").get_by_role("link", name="Users", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="New").or_(page.get_by_role("button", name="New")).first.click()
    page.wait_for_url(re.compile(r"/odoo/res\.users/new"))
    page.locator("input[name=name]").fill("Second Admin")
    page.get_by_label("Email Address").fill("ivy")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.is_visible()
    assert page.locator("input[name=name]").input_value() == "Second Admin"
    assert page.get_by_label("Email Address").input_value() == "ivy"
    with instance.env(office) as env:
        users = env["res.users"].with_context(active_test=False)
        assert not users.search([("name", "=", "Second Admin")])
        assert len(users.search([("login", "=", "ivy")])) == 1


def _open_module(page: Page, name: str) -> None:
    page.goto(f"{APPS_ACTION}?q={name}")  # a search of its own: not only applications
    page.locator("tr[data-id]").filter(has_text=name).get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/odoo/ir\.module\.module/\d+"))


def _press(page: Page, button: str, state: str) -> None:
    """Press a header button (accepting its confirmation) and wait for the module's state."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    confirm = page.get_by_role("button", name=re.compile("^(Confirm|OK|Continue)$"))
    if confirm.count():  # a confirmation page rather than a dialog
        confirm.first.click()
        page.wait_for_load_state()
    status = page.locator('[data-field="state"]')
    assert state in status.inner_text(), status.inner_text()


def test_an_administrator_installs_and_uninstalls_addons_until_access_apps_takes_the_page_away(
    page: Page, office: str, instance: Instance
) -> None:
    log_in(page, office)
    page.locator("main").get_by_role("link", name="Apps", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("tr[data-id]").count() >= 1

    _open_module(page, "access_settings_menu")
    _press(page, "Activate", "Installed")
    assert page.get_by_role("status").or_(page.get_by_text("Done.")).first.is_visible()
    assert _module_state(instance, office, "access_settings_menu") == "installed"
    _press(page, "Uninstall", "Not Installed")
    assert _module_state(instance, office, "access_settings_menu") == "uninstalled"

    _open_module(page, "access_apps")
    _press(page, "Activate", "Installed")
    assert _module_state(instance, office, "access_apps") == "installed"
    page.goto("/odoo")
    assert page.locator("main").get_by_role("link", name="Settings", exact=True).is_visible()
    assert page.locator("main").get_by_role("link", name="Apps", exact=True).count() == 0
    _refused(page, APPS_ACTION, "access_settings_menu")
