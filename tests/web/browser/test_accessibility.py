"""axe-core in Chromium: no serious or critical accessibility violation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.browser.conftest import log_in, serious_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_the_login_page_has_no_serious_accessibility_violation(page: Page, template: str) -> None:
    page.goto("/web/login")
    assert serious_violations(page) == []
    page.keyboard.press("Tab")  # from the autofocused login to the password, by keyboard
    focused = page.evaluate(
        "[document.activeElement.name, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["password", "solid"]


def test_the_layout_and_preferences_have_no_serious_accessibility_violation(
    page: Page, template: str
) -> None:
    log_in(page, template)
    assert serious_violations(page) == []
    page.goto("/odoo/preferences")
    assert serious_violations(page) == []
