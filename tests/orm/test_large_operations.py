"""Internal searches over many records stay within the domain language's limits.

``MAX_VALUES`` caps what a client may put in a domain; the ORM's own searches over
the records of a large operation (the rule check before a write or unlink,
recomputations triggered by a write) go in batches instead of hitting it.
"""

from __future__ import annotations

import pytest

from tenantry.domain import limits
from tenantry.orm.environment import Environment
from tests.security.helpers import as_user, make_user


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(limits, "MAX_VALUES", 10)
    return 10


def test_a_user_writes_and_unlinks_more_records_than_a_domain_may_list(
    env: Environment, small_limit: int
) -> None:
    seller = make_user(env, "bulk-seller", ["sale_demo.group_sale_salesman"])
    user_env = as_user(env, seller)
    customer = env["res.partner"].create({"name": "Bulk customer"})
    product = env["product.product"].search([], limit=1)
    orders = user_env["sale.order"].create(
        [{"partner_id": customer.id, "user_id": seller.id} for _ in range(3 * small_limit)]
    )
    lines = user_env["sale.order.line"].create(
        [{"order_id": order.id, "product_id": product.id, "price_unit": 2.0} for order in orders]
    )
    # A rule check over 30 ids and a recomputation of 30 orders' totals.
    lines.write({"price_unit": 5.0, "product_uom_qty": 1.0})
    assert set(orders.mapped("amount_total")) == {5.0}
    with pytest.raises(Exception, match="more than 10 values"):
        user_env["sale.order"].search([("id", "in", orders.ids)])  # a client's domain: still capped
    lines.unlink()
    assert set(orders.mapped("amount_total")) == {0.0}
