"""``<button confirm="...">``: the POST runs only once confirmed (a page of its own
without JavaScript; the native dialog is tested in tests/web/browser/test_form_features.py)."""

from __future__ import annotations

import httpx

from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in, token_of

CONFIRM = "Cancel this order? It cannot be undone."


def add_cancel_confirmation(env: Environment) -> None:
    """sale.order's form with ``confirm`` on its Cancel button (an inheriting view)."""
    env["ir.ui.view"].create(
        {
            "name": "sale.order.form.confirm",
            "model": "sale.order",
            "inherit_id": env.ref("sale_demo.view_order_form").id,
            "arch": f"""<xpath expr="//button[@name='action_cancel']" position="attributes">
                <attribute name="confirm">{CONFIRM}</attribute></xpath>""",
        }
    )


def test_a_button_with_confirm_asks_on_a_page_then_runs_once_confirmed(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        add_cancel_confirmation(env)
        sam = make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass")
        partner = env["res.partner"].create({"name": "Azure Interior"})
        order = env["sale.order"].create({"partner_id": partner.id, "user_id": sam.id}).id
    live = serve(instance, ServerConfig())
    url = f"/odoo/sale.order/{order}"
    with httpx.Client(base_url=live.url) as client:
        assert log_in(client, fresh_db, "sam", "sam-pass").status_code == 303
        form = client.get(url)
        assert f'value="action_cancel" data-confirm="{CONFIRM}"' in form.text
        assert 'value="action_confirm" data-confirm' not in form.text
        fields = {"csrf_token": token_of(form.text), "type": "object", "name": "action_cancel"}
        asked = client.post(f"{url}/button", data=fields)
        assert asked.status_code == 200 and CONFIRM in asked.text
        assert 'name="confirmed" value="1"' in asked.text
        with instance.env(fresh_db) as env:
            assert env["sale.order"].browse(order).state == "draft"  # nothing ran yet
        again = {**fields, "csrf_token": token_of(asked.text), "confirmed": "1"}
        done = client.post(f"{url}/button", data=again)
        assert done.status_code == 303
        with instance.env(fresh_db) as env:
            assert env["sale.order"].browse(order).state == "cancel"
