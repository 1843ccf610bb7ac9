"""Sales orders by role in Chromium: a manager sees every order of the current company
and switches company with the top bar's switcher; a salesman never sees the managers'
``internal_note``; a validation error is shown inline with the input kept and the order
unchanged in the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tenantry.instance import Instance
from tests.security.helpers import make_user
from tests.web.browser.conftest import log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

NOTE = "Discount agreed between managers only"


@dataclass
class Shop:
    db: str
    main_orders: list[int]  # every order of the main company (sam's, sue's, unassigned)
    second_orders: list[int]  # the second company's
    sams_order: int
    main_company: str


@pytest.fixture
def shop(instance: Instance, fresh_db: str) -> Shop:
    """Two companies; the manager ``meg`` allowed in both, the salesmen ``sam`` and ``sue``
    in the main one; orders in each company, sue's carrying an internal note."""
    with instance.env(fresh_db) as env:
        env["sale.order"].search([]).unlink()
        main = env.ref("base.main_company")
        second = env["res.company"].create({"name": "Second Works"})
        make_user(
            env, "meg", groups=["sale_demo.group_sale_manager"], company=main, companies=[main, second],
            password="meg-pass-1",
        )  # fmt: skip
        sam = make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass-1")
        sue = make_user(env, "sue", groups=["sale_demo.group_sale_salesman"], password="sue-pass-1")
        customer = env["res.partner"].create({"name": "Azure Interior"})
        orders = env["sale.order"]
        own = orders.create({"name": "SAM-1", "partner_id": customer.id, "user_id": sam.id})
        sues = orders.create(
            {"name": "SUE-1", "partner_id": customer.id, "user_id": sue.id, "internal_note": NOTE}
        )
        free = orders.create({"name": "FREE-1", "partner_id": customer.id, "user_id": False})
        second_orders = [
            orders.create(
                {"name": f"SECOND-{i}", "partner_id": customer.id, "user_id": False, "company_id": second.id}
            ).id
            for i in (1, 2)
        ]
        return Shop(fresh_db, [own.id, sues.id, free.id], second_orders, own.id, main.name)


def _row_ids(page: Page) -> list[int]:
    return sorted(int(i) for i in page.locator("tr[data-id]").evaluate_all("rs => rs.map(r => r.dataset.id)"))


def test_a_manager_sees_every_order_and_the_note_and_switching_company_changes_the_list(
    page: Page, shop: Shop
) -> None:
    log_in(page, shop.db, "meg", "meg-pass-1")
    page.goto("/odoo/sale.order")
    assert _row_ids(page) == sorted(shop.main_orders)
    assert page.get_by_role("columnheader", name="Internal Note").is_visible()
    assert NOTE in page.locator("table").inner_text()
    page.locator("tr[data-id]").filter(has_text="SUE-1").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/odoo/sale\.order/\d+"))
    assert page.locator('[data-field="internal_note"]').inner_text().strip() == NOTE
    page.get_by_role("button", name="Edit").click()
    page.wait_for_load_state()
    assert page.get_by_role("textbox", name="Internal Note").input_value() == NOTE

    page.goto("/odoo/sale.order")
    page.get_by_label("Company").select_option(label="Second Works")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.url.endswith("/odoo/sale.order")  # back to the list, now of the other company
    assert _row_ids(page) == sorted(shop.second_orders)
    assert page.get_by_label("Company").evaluate("s => s.selectedOptions[0].text") == "Second Works"
    refused = page.goto(f"/odoo/sale.order/{shop.main_orders[1]}")  # another company's order
    assert refused is not None and refused.status == 403 and page.get_by_role("alert").is_visible()
    assert NOTE not in page.content() and "SUE-1" not in page.locator("main").inner_text()
    page.get_by_label("Company").select_option(label=shop.main_company)
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    page.goto("/odoo/sale.order")
    assert _row_ids(page) == sorted(shop.main_orders)


def test_a_salesman_never_sees_the_note_and_a_bad_line_is_refused_inline(
    page: Page, shop: Shop, instance: Instance
) -> None:
    log_in(page, shop.db, "sam", "sam-pass-1")
    page.goto("/odoo/sale.order")
    assert len(_row_ids(page)) == 2  # sam's and the unassigned one
    assert page.get_by_role("columnheader", name="Internal Note").count() == 0
    assert "internal_note" not in page.content() and NOTE not in page.content()
    page.goto(f"/odoo/sale.order/{shop.sams_order}")
    assert page.locator('[data-field="internal_note"]').count() == 0
    assert page.get_by_role("heading", name="Internal Note").count() == 0
    assert "Internal Note" not in page.locator("main").inner_text()

    page.get_by_role("button", name="Edit").click()
    page.wait_for_load_state()
    assert page.locator('[name="internal_note"]').count() == 0 and "internal_note" not in page.content()
    page.get_by_label("Terms and conditions").fill("Keep this note")
    page.get_by_role("button", name="Add a line").click()
    page.wait_for_load_state()
    row = page.locator("tr:not([data-line])").filter(has=page.get_by_label("Product")).last
    row.get_by_label("Product").fill("Office Desk")
    row.get_by_label("Quantity").fill("-4")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert").filter(has_text="cannot be negative")
    assert alert.is_visible()
    assert page.get_by_label("Terms and conditions").input_value() == "Keep this note"
    assert page.locator("tr:not([data-line])").get_by_label("Quantity").last.input_value() == "-4"
    with instance.env(shop.db) as env:
        order = env["sale.order"].browse(shop.sams_order)
        assert not order.note and not order.order_line
