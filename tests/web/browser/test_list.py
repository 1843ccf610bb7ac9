"""A salesman's order list in Chromium: the Sales app from the home page, own and
unassigned orders only, search as you type, and no serious accessibility violation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tenantry.instance import Instance
from tests.security.helpers import make_user
from tests.web.browser.conftest import log_in, save_screenshot, serious_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def orders(instance: Instance, fresh_db: str) -> tuple[str, list[int], int]:
    """sam's orders and an unassigned one (the ones sam sees), and tom's."""
    with instance.env(fresh_db) as env:
        env["sale.order"].search([]).unlink()
        sam = make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass")
        tom = make_user(env, "tom", groups=["sale_demo.group_sale_salesman"], password="tom-pass")
        customers = [env["res.partner"].create({"name": n}) for n in ("Azure Interior", "Deco Addict")]
        visible = [
            env["sale.order"]
            .create({"name": f"SO{i:03d}", "partner_id": customers[i % 2].id, "user_id": sam.id})
            .id
            for i in range(1, 7)
        ]
        visible.append(
            env["sale.order"].create({"name": "SO100", "partner_id": customers[0].id, "user_id": False}).id
        )
        hidden = env["sale.order"].create({"name": "SO200", "partner_id": customers[1].id, "user_id": tom.id})
        return fresh_db, visible, hidden.id


def test_a_salesman_opens_the_sales_app_and_sees_own_and_unassigned_orders(
    page: Page, orders: tuple[str, list[int], int], request: pytest.FixtureRequest
) -> None:
    db, visible, hidden = orders
    log_in(page, db, "sam", "sam-pass")
    page.get_by_role("link", name="Sales").click()
    page.wait_for_load_state()
    rows = page.locator("tr[data-id]")
    assert sorted(int(i) for i in rows.evaluate_all("rs => rs.map(r => r.dataset.id)")) == sorted(visible)
    assert str(hidden) not in rows.evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert page.get_by_role("link", name="Orders").count() >= 1  # the app's menu in the top bar
    shot = save_screenshot(page, request, suffix="list")
    assert Path(shot).stat().st_size > 0
    assert serious_violations(page) == []
    page.get_by_label("Search").fill("Deco")  # htmx swaps the results as the user types
    page.wait_for_function("document.querySelectorAll('tr[data-id]').length === 3")
    assert "q=Deco" in page.url
