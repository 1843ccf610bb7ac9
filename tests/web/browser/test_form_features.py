"""Form features that happen in the browser: a button's ``confirm`` as a native dialog,
and the totals updated as lines are edited (htmx), before the save."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenantry.instance import Instance
from tests.security.helpers import make_user
from tests.web.browser.conftest import log_in
from tests.web.test_form_confirm import CONFIRM, add_cancel_confirmation

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page


def test_a_confirm_button_asks_with_a_dialog_and_runs_only_when_accepted(
    page: Page, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        add_cancel_confirmation(env)
        sam = make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass")
        partner = env["res.partner"].create({"name": "Azure Interior"})
        order = env["sale.order"].create({"partner_id": partner.id, "user_id": sam.id}).id
    log_in(page, fresh_db, "sam", "sam-pass")
    page.goto(f"/odoo/sale.order/{order}")
    messages: list[str] = []

    def answer(accept: bool) -> None:
        def handle(dialog: Dialog) -> None:
            messages.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", handle)

    answer(False)
    page.get_by_role("button", name="Cancel", exact=True).click()
    assert messages == [CONFIRM] and page.url.endswith(f"/odoo/sale.order/{order}")
    with instance.env(fresh_db) as env:
        assert env["sale.order"].browse(order).state == "draft"
    answer(True)
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel", exact=True).click()
    assert messages == [CONFIRM, CONFIRM] and "Confirmation" not in page.title()
    with instance.env(fresh_db) as env:
        assert env["sale.order"].browse(order).state == "cancel"


def test_editing_a_line_updates_the_totals_before_the_save_and_writes_nothing(
    page: Page, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        sam = make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass")
        partner = env["res.partner"].create({"name": "Azure Interior"})
        line = {"product_id": env.ref("sale_demo.product_desk").id, "price_unit": 100}
        values = {"partner_id": partner.id, "user_id": sam.id, "order_line": [(0, 0, line)]}
        order = env["sale.order"].create(values)
        order_id, line_id = order.id, order.order_line.id
    log_in(page, fresh_db, "sam", "sam-pass")
    page.goto(f"/odoo/sale.order/{order_id}?edit=1")
    total = page.locator("#v-f-amount_total")
    subtotal = page.locator(f"#v-f-order_line-{line_id}-price_subtotal")
    assert total.inner_text().strip() == "100.00"
    page.locator(f"#f-order_line-{line_id}-product_uom_qty").fill("3")
    page.keyboard.press("Tab")  # a change event: the form POSTs itself (htmx) and swaps the values
    page.wait_for_function("document.querySelector('#v-f-amount_total').innerText.trim() === '300.00'")
    assert subtotal.inner_text().strip() == "300.00"
    with instance.env(fresh_db) as env:
        assert env["sale.order"].browse(order_id).amount_total == 100  # nothing saved yet
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    with instance.env(fresh_db) as env:
        assert env["sale.order"].browse(order_id).amount_total == 300
