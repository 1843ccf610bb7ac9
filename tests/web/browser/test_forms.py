"""A salesman's order made in Chromium: the customer found with the autocomplete (htmx),
two lines added, saved, and the form read back; the form passes axe."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tenantry.instance import Instance
from tests.security.helpers import make_user
from tests.web.browser.conftest import log_in, save_screenshot, serious_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def shop_db(instance: Instance, fresh_db: str) -> str:
    with instance.env(fresh_db) as env:
        make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass-1")
        env["res.partner"].create({"name": "Zebulon Quayle Traders"})
    return fresh_db


def test_a_salesman_creates_an_order_with_the_autocomplete_and_two_lines(
    page: Page, shop_db: str, request: pytest.FixtureRequest
) -> None:
    log_in(page, shop_db, "sam", "sam-pass-1")
    page.goto("/odoo/sale.order/new")
    customer = page.get_by_label("Customer")
    with page.expect_response(re.compile(r"/name_search\?")):
        customer.fill("Zebulon")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#f-partner_id-list option')].map(o => o.value).join('|')"
        " === 'Zebulon Quayle Traders'"
    )
    customer.fill("Zebulon Quayle Traders")  # the suggestion taken
    for product, quantity, price in (("Office Desk", "2", "100.25"), ("Office Chair", "3", "10")):
        page.get_by_role("button", name="Add a line").click()
        page.wait_for_load_state()
        row = page.locator("tr:not([data-line])").filter(has=page.get_by_label("Product")).last
        row.get_by_label("Product").fill(product)
        row.get_by_label("Quantity").fill(quantity)
        row.get_by_label("Unit Price").fill(price)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/odoo/sale\.order/\d+"))
    assert page.locator('[data-field="partner_id"]').inner_text().strip() == "Zebulon Quayle Traders"
    assert page.locator('[data-field="amount_total"]').inner_text().strip() == "230.50"
    assert page.locator("tr[data-line]").count() == 2
    save_screenshot(page, request, "order-form")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Edit").click()
    page.wait_for_load_state()
    save_screenshot(page, request, "order-form-edit")
    assert serious_violations(page) == []
