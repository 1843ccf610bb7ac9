"""A form field's arch ``domain`` and ``context`` narrow its autocomplete (name_search)
and the values the form accepts, as Odoo's client narrows them."""

from __future__ import annotations

import httpx

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in, token_of

ARCH = """<field name="partner_id" position="attributes">
    <attribute name="domain">[('is_company', '=', True), ('create_uid', '!=', user_id)]</attribute>
    <attribute name="context">{'active_test': False}</attribute>
</field>"""



def test_arch_domain_and_context_narrow_the_autocomplete_and_the_accepted_values(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        env["ir.ui.view"].create(
            {
                "name": "sale.order.form.companies",
                "model": "sale.order",
                "inherit_id": env.ref("sale_demo.view_order_form").id,
                "arch": ARCH,
            }
        )
        sam = make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass")
        partners = env["res.partner"]
        company = partners.create({"name": "Zeta Company", "is_company": True})
        person = partners.create({"name": "Zeta Person"})
        partners.create({"name": "Zeta Archived Co", "is_company": True, "active": False})
        order = env["sale.order"].create({"partner_id": company.id, "user_id": sam.id}).id
    live = serve(instance, ServerConfig())
    url = f"/odoo/sale.order/{order}"
    with httpx.Client(base_url=live.url) as client:
        assert log_in(client, fresh_db, "sam", "sam-pass").status_code == 303
        search = {"field": "partner_id", "q": "Zeta"}
        for params in (search, {**search, "record": order}):
            found = client.get("/odoo/sale.order/name_search", params=params)
            assert found.status_code == 200, found.text[-1500:]
            assert "Zeta Company" in found.text and "Zeta Archived Co" in found.text  # active_test=False
            assert "Zeta Person" not in found.text
        edit = client.get(url, params={"edit": "1"})
        assert f"&amp;record={order}&amp;" in edit.text and "Zeta Person" not in edit.text
        token = token_of(edit.text)
        for refused in ("Zeta Person", str(person.id)):
            saved = client.post(url, data={"csrf_token": token, "partner_id": refused})
            assert saved.status_code == 422 and 'role="alert"' in saved.text
        with instance.env(fresh_db) as env:
            assert env["sale.order"].browse(order).partner_id == company
        archived = client.post(url, data={"csrf_token": token, "partner_id": "Zeta Archived Co"})
        assert archived.status_code == 303
        with instance.env(fresh_db) as env:
            assert env["sale.order"].browse(order).partner_id.name == "Zeta Archived Co"
            view = env["ir.ui.view"].search([("name", "=", "sale.order.form.companies")])
            view.arch = ARCH.replace("user_id)", "nope)")
        broken = client.get("/odoo/sale.order/name_search", params={"field": "partner_id", "q": "Z"})
        assert broken.status_code == 400 and 'role="alert"' in broken.text
