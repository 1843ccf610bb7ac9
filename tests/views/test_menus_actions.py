"""``visible_menus`` and ``window_action``: what a user may open."""

from __future__ import annotations

import pytest

from tenantry.exceptions import AccessError, MissingError
from tenantry.orm.environment import Environment
from tenantry.views import MenuNode, visible_menus, window_action
from tests.security.helpers import as_user, make_group, make_user


def _paths(nodes: list[MenuNode], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for node in nodes:
        path = f"{prefix}{node.name}"
        found.add(path)
        found |= _paths(list(node.children), path + "/")
    return found


def test_menus_are_hidden_from_users_outside_their_groups(env: Environment) -> None:
    plain = as_user(env, make_user(env, "plain"))
    admin = as_user(env, make_user(env, "boss", groups=["base.group_system"]))
    assert "Settings/Users & Companies/Users" in _paths(visible_menus(admin))
    assert not any(p.startswith("Settings") for p in _paths(visible_menus(plain)))


def test_menu_whose_action_is_unreadable_is_hidden_with_its_empty_parent(env: Environment) -> None:
    secret = make_group(env, "Secret actions")
    action = env["ir.actions.act_window"].create(
        {"name": "Countries (secret)", "res_model": "res.country", "groups_id": [(6, 0, [secret.id])]}
    )
    root = env["ir.ui.menu"].create({"name": "Atlas"})
    menu = env["ir.ui.menu"].create(
        {"name": "Secret countries", "parent_id": root.id, "action": f"ir.actions.act_window,{action.id}"}
    )
    outsider = as_user(env, make_user(env, "outsider"))
    insider = as_user(env, make_user(env, "insider", groups=["base.group_user", secret]))
    assert "Atlas" not in _paths(visible_menus(outsider))
    [atlas] = [n for n in visible_menus(insider) if n.name == "Atlas"]
    [node] = atlas.children
    assert (node.id, node.action_model, node.action_id) == (menu.id, "ir.actions.act_window", action.id)
    with pytest.raises(AccessError):
        window_action(outsider, action.id)
    assert window_action(insider, action.id).res_model == "res.country"


def test_window_action_by_xml_id_evaluates_domain_and_context(env: Environment) -> None:
    env.ref("base.action_res_users").write(
        {"domain": "[('create_uid', '=', uid), ('company_id', 'in', allowed_company_ids)]"}
    )
    boss = as_user(env, make_user(env, "boss2", groups=["base.group_system"]))
    action = window_action(boss, "base.action_res_users")
    assert action.xml_id == "base.action_res_users" and action.res_model == "res.users"
    assert action.domain == [("create_uid", "=", boss.uid), ("company_id", "in", boss.companies.ids)]
    assert action.context == {"search_default_no_share": 1}
    assert action.view_mode == ("list", "form")
    with pytest.raises(MissingError):
        window_action(boss, "base.no_such_action")
    with pytest.raises(MissingError):
        window_action(boss, "base.menu_administration")


def test_window_action_is_refused_when_its_model_is_unreadable(env: Environment) -> None:
    portal = as_user(env, make_user(env, "portal", groups=["base.group_portal"]))
    with pytest.raises(AccessError):
        window_action(portal, "base.ir_cron_act")


def test_menus_and_actions_are_read_again_after_a_change(env: Environment) -> None:
    admin = as_user(env, make_user(env, "boss3", groups=["base.group_system"]))
    assert "Settings/Users & Companies/Users" in _paths(visible_menus(admin))
    assert window_action(admin, "base.action_res_users").name == "Users"
    env.ref("base.menu_action_res_users").write({"name": "People"})
    other = make_group(env, "Other people")
    env.ref("base.action_res_users").write({"name": "People", "groups_id": [(6, 0, [other.id])]})
    assert "Settings/Users & Companies/People" in _paths(visible_menus(env))
    assert "Settings/Users & Companies/People" not in _paths(visible_menus(admin))
    with pytest.raises(AccessError):
        window_action(admin, "base.action_res_users")
    assert window_action(env, "base.action_res_users").name == "People"


def test_deleting_menus_detaches_their_children_and_deletes_a_tree_at_once(env: Environment) -> None:
    menus = env["ir.ui.menu"]
    root = menus.create({"name": "Root"})
    child = menus.create({"name": "Child", "parent_id": root.id})
    grandchild = menus.create({"name": "Grandchild", "parent_id": child.id})
    # A parent deleted with its children in one call (an uninstall does so, parents
    # first in id order): SQLite checks the restrict row by row.
    (root | child).unlink()
    assert not (root | child).exists()
    # As Odoo: a deleted menu's other children become top-level menus.
    assert grandchild.exists() and not grandchild.parent_id
