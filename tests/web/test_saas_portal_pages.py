"""The portal's backend over HTTP: an operator's servers, plans, clients and audit pages,
the buttons of SPEC 8 on the forms, and the protocol's buttons refusing inline for now."""

from __future__ import annotations

import re

import httpx

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in, token_of

DB = "s-web-saas-portal"


def test_an_operator_works_the_portal_backend(serve: Serve, instance: Instance) -> None:
    if instance.exists(DB):
        instance.drop_database(DB)
    instance.create_database(DB, modules=["saas_portal"])
    try:
        with instance.env(DB) as env:
            make_user(env, "op", groups=["saas_portal.group_saas_portal_operator"], password="op-pass-12")
            server = env["saas_portal.server"].create({"name": "s1.example.com", "state": "ready"})
            template = env["saas_portal.database"].create({"name": "t1.example.com", "state": "open"})
            plan = env["saas_portal.plan"].create({"name": "Gold Plan", "template_id": template.id})
            client = env["saas_portal.client"].create(
                {"name": "acme.example.com", "server_id": server.id, "plan_id": plan.id, "state": "open"}
            )
            ids = (int(server.id), int(plan.id), int(client.id), str(server.client_secret))
        server_id, plan_id, client_id, secret = ids
        live = serve(instance, ServerConfig())
        with httpx.Client(base_url=live.url) as http:
            assert log_in(http, DB, "op", "op-pass-12").status_code == 303
            home = http.get("/odoo").text
            assert ">SaaS<" in home
            plans = http.get("/odoo/saas_portal.plan")
            assert plans.status_code == 200 and f'data-id="{plan_id}"' in plans.text
            url = f"/odoo/saas_portal.plan/{plan_id}"
            page = http.get(url).text
            for label in ("Create Template DB", "Log in to template DB", "Sync server", "Create Client"):
                assert f">{label}</button>" in page, label
            token = token_of(page)
            refused = http.post(
                f"{url}/button",
                data={"csrf_token": token, "type": "object", "name": "action_create_template"},
            )
            assert refused.status_code == 422
            assert re.search(r'role="alert"[^>]*>[^<]*not connected to a server yet', refused.text)
            wizard = http.post(
                f"{url}/button", data={"csrf_token": token, "type": "object", "name": "action_create_client"}
            )
            assert wizard.status_code == 303
            assert re.fullmatch(r"/odoo/saas_portal\.create_client/\d+", wizard.headers["location"])
            assert ">Create</button>" in http.get(wizard.headers["location"]).text
            form = http.get(f"/odoo/saas_portal.client/{client_id}").text
            for label in ("Configure", "Log in", "Block"):
                assert f">{label}</button>" in form, label
            assert ">Unblock</button>" not in form  # only for blocked clients
            configure = http.post(
                f"/odoo/saas_portal.client/{client_id}/button",
                data={"csrf_token": token_of(form), "type": "object", "name": "action_configure"},
            )
            assert re.fullmatch(r"/odoo/saas\.config/\d+", configure.headers["location"])
            server_page = http.get(f"/odoo/saas_portal.server/{server_id}").text
            assert "s1.example.com" in server_page and secret not in server_page
            assert "client_secret" not in server_page
            audit = http.get("/odoo/saas_portal.audit")
            assert audit.status_code == 200 and "acme.example.com" in audit.text
    finally:
        instance.drop_database(DB)
