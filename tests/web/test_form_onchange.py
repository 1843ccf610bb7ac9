"""Live totals while a form is edited: the form POSTs itself with ``_onchange=1`` and gets
the computed values back (htmx out-of-band swaps), computed as the user in a rolled-back
savepoint: nothing is written, not even a sequence number."""

from __future__ import annotations

import re

import httpx

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in, token_of


def _swapped(html: str) -> dict[str, str]:
    found = re.findall(r'<div id="(v-[^"]+)" hx-swap-oob="true"[^>]*>\s*(.*?)\s*</div>', html, re.S)
    return {dom_id: re.sub(r"<[^>]+>", "", text).strip() for dom_id, text in found}


def test_editing_lines_recomputes_totals_without_writing_anything(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        sam = make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass")
        partner = env["res.partner"].create({"name": "Azure Interior"})
        desk = env.ref("sale_demo.product_desk").id
        line = {"product_id": desk, "price_unit": 100}
        values = {"partner_id": partner.id, "user_id": sam.id, "order_line": [(0, 0, line)]}
        order = env["sale.order"].create(values)
        order_id, line_id, count = order.id, order.order_line.id, env["sale.order"].search_count([])
        next_number = env.ref("sale_demo.seq_sale_order").number_next
    live = serve(instance, ServerConfig())
    url = f"/odoo/sale.order/{order_id}"
    with httpx.Client(base_url=live.url) as client:
        assert log_in(client, fresh_db, "sam", "sam-pass").status_code == 303
        edit = client.get(url, params={"edit": "1"})
        assert 'hx-trigger="change"' in edit.text and 'id="v-f-amount_total"' in edit.text
        token = token_of(edit.text)
        posted = {
            "csrf_token": token,
            "_onchange": "1",
            "partner_id": str(partner.id),
            "order_line": "",
            f"order_line.{line_id}.product_id": str(desk),
            f"order_line.{line_id}.product_uom_qty": "3",
            f"order_line.{line_id}.price_unit": "100",
            "order_line.n1.product_id": str(desk),
            "order_line.n1.product_uom_qty": "2",
            "order_line.n1.price_unit": "10.5",
        }
        live_values = client.post(url, data=posted, headers={"HX-Request": "true"})
        assert live_values.status_code == 200
        swapped = _swapped(live_values.text)
        assert swapped["v-f-amount_total"] == "321.00"
        assert swapped[f"v-f-order_line-{line_id}-price_subtotal"] == "300.00"
        assert swapped["v-f-order_line-n1-price_subtotal"] == "21.00"
        new = client.post("/odoo/sale.order/new", data={**posted, "order_line.1.product_id": "x"})
        assert new.status_code == 200 and _swapped(new.text)["v-f-amount_total"] == "21.00"  # n1 only
        bad = client.post(url, data={**posted, "order_line.n1.product_uom_qty": "many"})
        assert bad.status_code == 204  # not valid yet: nothing changes on the page
    with instance.env(fresh_db) as env:
        order = env["sale.order"].browse(order_id)
        assert order.amount_total == 100 and order.order_line.product_uom_qty == 1
        assert env["sale.order"].search_count([]) == count
        assert env.ref("sale_demo.seq_sale_order").number_next == next_number
