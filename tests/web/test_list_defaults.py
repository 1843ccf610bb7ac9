"""An action's ``search_default_*`` context keys pre-select the list's search, as Odoo's."""

from __future__ import annotations

import re

import httpx

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in


def _ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)}


def test_search_defaults_preselect_filters_fields_and_group_bys_until_the_user_searches(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        env["sale.order"].search([]).unlink()
        sam = make_user(env, "sam", groups=["sale_demo.group_sale_salesman"], password="sam-pass")
        azure, deco = (env["res.partner"].create({"name": n}) for n in ("Azure Interior", "Deco Addict"))
        other_co = env["res.company"].create({"name": "Other Co"})
        hidden = env["res.partner"].create({"name": "Secret Partner", "company_id": other_co.id})

        def order(partner: object, state: str) -> int:
            values = {"partner_id": partner.id, "user_id": sam.id, "state": state}  # type: ignore[attr-defined]
            return int(env["sale.order"].create(values).id)

        draft_azure = order(azure, "draft")
        order(azure, "sale"), order(deco, "draft")
        actions = env["ir.actions.act_window"]
        preset = actions.create(
            {
                "name": "Azure drafts",
                "res_model": "sale.order",
                "context": f"{{'search_default_draft': 1, 'search_default_partner_id': {azure.id}, "
                "'search_default_nope': 1, 'search_default_sales': 0}",
            }
        ).id
        grouped = actions.create(
            {"name": "By status", "res_model": "sale.order", "context": "{'search_default_status': True}"}
        ).id
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as client:
        assert log_in(client, fresh_db, "sam", "sam-pass").status_code == 303
        page = client.get(f"/odoo/action-{preset}")
        assert page.status_code == 200 and _ids(page.text) == {draft_azure}
        assert re.search(r'name="filter" value="draft" checked', page.text)
        assert not re.search(r'name="filter" value="sales" checked', page.text)  # a false default
        assert f'name="search_partner_id" value="{azure.id}" checked' in page.text
        assert "Customer: Azure Interior" in page.text
        sort_link = re.search(r'href="([^"]*order=name[^"]*)"', page.text)
        assert sort_link and "filter=draft" in sort_link[1]
        assert f"search_partner_id={azure.id}" in sort_link[1]
        # The user's own search replaces the defaults, an emptied one included.
        assert len(_ids(client.get(f"/odoo/action-{preset}", params={"q": ""}).text)) == 3
        assert len(_ids(client.get(f"/odoo/action-{preset}", params={"filter": "sales"}).text)) == 1
        deco_only = client.get(f"/odoo/action-{preset}", params={"search_partner_id": str(deco.id)})
        assert len(_ids(deco_only.text)) == 1 and "Customer: Deco Addict" in deco_only.text
        by_name = client.get("/odoo/sale.order", params={"search_name": "S0000"})
        assert len(_ids(by_name.text)) == 3
        # A group-by filter as a default groups the list; the model's own URL has no defaults.
        by_status = client.get(f"/odoo/action-{grouped}").text
        assert '<option value="state" selected>' in by_status and _ids(by_status) == set()  # folded groups
        assert len(_ids(client.get("/odoo/sale.order").text)) == 3
        # Bad values: a clear 400; a record the user may not read shows no name.
        for params in ({"search_partner_id": "x"}, {"search_state": "a" * 300}, {"search_note": "x"}):
            bad = client.get("/odoo/sale.order", params=params)
            assert bad.status_code == 400 and 'role="alert"' in bad.text
        secret = client.get("/odoo/sale.order", params={"search_partner_id": str(hidden.id)})
        assert "Secret Partner" not in secret.text and _ids(secret.text) == set()
