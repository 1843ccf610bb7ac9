"""The views and menus base and sale_demo ship, as their users get them."""

from __future__ import annotations

from tenantry.orm.environment import Environment
from tenantry.views import MenuNode, get_view, visible_menus, window_action
from tests.security.helpers import as_user, make_user


def _paths(nodes: tuple[MenuNode, ...] | list[MenuNode], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for node in nodes:
        found.add(prefix + node.name)
        found |= _paths(node.children, f"{prefix}{node.name}/")
    return found


def test_every_shipped_view_resolves(env: Environment) -> None:
    views = env["ir.ui.view"].search([("mode", "=", "primary")])
    assert len(views) >= 15
    for view in views:
        assert get_view(env, view.model, view.type, view.id).arch.tag == view.type


def test_salesman_order_form_has_no_internal_note_but_the_manager_has(env: Environment) -> None:
    salesman = as_user(env, make_user(env, "seller", groups=["sale_demo.group_sale_salesman"]))
    manager = as_user(env, make_user(env, "chief", groups=["sale_demo.group_sale_manager"]))
    form = get_view(salesman, "sale.order", "form")
    assert form.id == env.ref("sale_demo.view_order_form").id
    assert "internal_note" not in form.field_names and form.arch.find(".//page[@name='internal']") is None
    assert {"partner_id", "order_line", "state", "amount_total"} <= set(form.field_names)
    assert [b.get("name") for b in form.arch.iter("button")] == ["action_confirm", "action_cancel"]
    assert "internal_note" in get_view(manager, "sale.order", "form").field_names


def test_order_search_view_offers_my_orders_states_and_group_bys(env: Environment) -> None:
    salesman = as_user(env, make_user(env, "seller", groups=["sale_demo.group_sale_salesman"]))
    search = get_view(salesman, "sale.order", "search")
    filters = {f.get("name"): f for f in search.arch.iter("filter")}
    assert filters["my_sale_orders_filter"].get("domain") == "[('user_id', '=', uid)]"
    assert {"draft", "sales", "locked", "cancel", "customer", "salesperson", "status"} <= set(filters)
    action = window_action(salesman, "sale_demo.action_orders")
    assert action.search_view_id == search.id
    assert action.context == {}  # no default filter: salesmen see unassigned orders, managers all


def test_menus_of_salesmen_plain_users_and_administrators(env: Environment) -> None:
    salesman = as_user(env, make_user(env, "seller", groups=["sale_demo.group_sale_salesman"]))
    plain = as_user(env, make_user(env, "plain"))
    admin = as_user(env, env.ref("base.user_admin"))
    sales = {"Sales/Orders", "Sales/Products", "Sales/Customers"}
    assert sales <= _paths(visible_menus(salesman))
    assert not any(p.startswith(("Sales", "Settings")) for p in _paths(visible_menus(plain)))
    assert "Contacts/Contacts" in _paths(visible_menus(plain))
    settings = {
        "Settings/Users & Companies/Users",
        "Settings/Users & Companies/Groups",
        "Settings/Users & Companies/Companies",
        "Settings/Technical/Security/Access Rights",
        "Settings/Technical/Security/Record Rules",
    }
    assert settings | sales <= _paths(visible_menus(admin))
    [sales_root] = [n for n in visible_menus(admin) if n.name == "Sales"]
    [orders] = [c for c in sales_root.children if c.name == "Orders"]
    assert orders.action_xml_id == "sale_demo.action_orders"


def test_apps_menu_and_module_form_for_administrators(env: Environment) -> None:
    admin = as_user(env, env.ref("base.user_admin"))
    assert "Apps/Apps" in _paths(visible_menus(admin))
    assert "Apps" not in _paths(visible_menus(as_user(env, make_user(env, "plain"))))
    form = get_view(admin, "ir.module.module", "form")
    assert [b.get("name") for b in form.arch.iter("button")] == [
        "button_immediate_install", "button_immediate_upgrade", "button_immediate_uninstall",
    ]  # fmt: skip
    assert window_action(admin, "base.open_module_tree").context == {"search_default_app": 1}
