"""What pages keep between requests (menus, the Print menu, the session read in the page's
own transaction) follows every change at once: another transaction's write shows on the
very next request, and one user's answer is never another's."""

from __future__ import annotations

import httpx

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.security.helpers import make_user
from tests.web.conftest import Serve
from tests.web.test_frame import log_in

SALESMAN = "sale_demo.group_sale_salesman"
MANAGER = "sale_demo.group_sale_manager"
REPORT = "Quotation / Order"


def test_menus_and_print_menu_follow_menu_report_and_group_changes_at_once(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        make_user(env, "sam", groups=[SALESMAN], password="sam-pass")
        make_user(env, "max", groups=[MANAGER], password="max-pass")
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as sam, httpx.Client(base_url=live.url) as max_:
        assert log_in(sam, fresh_db, "sam", "sam-pass").status_code == 303
        assert log_in(max_, fresh_db, "max", "max-pass").status_code == 303
        page = sam.get("/odoo/sale.order").text
        assert REPORT in page and "Quarterly Review" not in page

        with instance.env(fresh_db) as env:
            env["ir.ui.menu"].create(
                {
                    "name": "Quarterly Review",
                    "parent_id": env.ref("sale_demo.menu_sale_root").id,
                    "action": f"ir.actions.act_window,{env.ref('sale_demo.action_orders').id}",
                    "groups_id": [(6, 0, [env.ref(MANAGER).id])],
                }
            )
            env.ref("sale_demo.action_report_saleorder").write({"groups_id": [(6, 0, [env.ref(MANAGER).id])]})
        page = sam.get("/odoo/sale.order").text
        assert REPORT not in page and "Quarterly Review" not in page
        page = max_.get("/odoo/sale.order").text
        assert REPORT in page and "Quarterly Review" in page

        with instance.env(fresh_db) as env:  # sam becomes a manager: the security version changes
            sam_user = env["res.users"].search([("login", "=", "sam")])
            sam_user.write({"groups_id": [(4, env.ref(MANAGER).id)]})
        page = sam.get("/odoo/sale.order").text
        assert REPORT in page and "Quarterly Review" in page


def test_a_session_ended_elsewhere_is_refused_on_the_next_page(
    serve: Serve, instance: Instance, fresh_db: str
) -> None:
    with instance.env(fresh_db) as env:
        make_user(env, "sam", groups=[SALESMAN], password="sam-pass")
    live = serve(instance, ServerConfig())
    with httpx.Client(base_url=live.url) as sam:
        assert log_in(sam, fresh_db, "sam", "sam-pass").status_code == 303
        assert sam.get("/odoo/sale.order").status_code == 200
        with instance.env(fresh_db) as env:  # another worker's logout, or an archived user
            env["ir.sessions"].search([("login", "=", "sam")]).unlink()
        response = sam.get("/odoo/sale.order", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/web/login")
