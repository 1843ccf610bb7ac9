"""The sale addon: the Sales application's actions and menus, under Odoo's external ids."""

from __future__ import annotations

from tenantry.instance import Instance
from tenantry.rpc.call import call_kw
from tests.addons.conftest import ADMIN
from tests.helpers import rollback_env

ADDONS = ["sale"]


def test_sales_installs_over_sale_demo_with_odoos_actions_and_menus(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        installed = env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
        assert {"base", "mail", "sale_demo", "sale"} <= set(installed)
        orders, quotations = env.ref("sale.action_orders"), env.ref("sale.action_quotations")
        assert orders.res_model == quotations.res_model == "sale.order"
        assert env.ref("sale.menu_sale_order").action == orders
        assert env.ref("sale.menu_sale_quotations").complete_name == "Sales/Orders/Quotations"


def test_modules_list_what_their_data_made(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        sale = call_kw(env, "ir.module.module", "search", [[("name", "=", "sale")]], {})
        [row] = call_kw(
            env,
            "ir.module.module",
            "read",
            [sale, ["menus_by_module", "reports_by_module", "views_by_module"]],
            {},
        )
        assert row["menus_by_module"].splitlines() == [
            "Sales",
            "Sales/Orders",
            "Sales/Orders/Customers",
            "Sales/Orders/Orders",
            "Sales/Orders/Quotations",
        ]
        assert row["reports_by_module"] == "" and row["views_by_module"] == ""  # text, even when empty
        demo = call_kw(env, "ir.module.module", "search", [[("name", "=", "sale_demo")]], {})
        [row] = call_kw(env, "ir.module.module", "read", [demo, ["reports_by_module"]], {})
        assert row["reports_by_module"] == "Quotation / Order"
