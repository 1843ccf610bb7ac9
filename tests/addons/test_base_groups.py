"""base: res.groups (full name, copy) and users' default groups (the template user), has_group."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tenantry.exceptions import AccessError, UserError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tests.security.helpers import make_group, make_user

TEMPLATE_GROUPS = ("base.group_user", "base.group_partner_manager")


def _ids(env: Environment, *xml_ids: str) -> set[int]:
    return {env.ref(x).id for x in xml_ids}


# -- default groups -------------------------------------------------------------------------


def test_the_template_user_is_archived_and_holds_the_default_groups(env: Environment) -> None:
    template = env.ref("base.default_user")
    assert template.active is False
    assert set(template.groups_id.ids) == _ids(env, *TEMPLATE_GROUPS)
    assert not env["res.users"].search([("login", "=", "default")])  # archived: hidden


@pytest.mark.parametrize("many", [False, True], ids=["one", "a list"])
def test_a_user_created_without_groups_gets_the_template_groups(env: Environment, many: bool) -> None:
    values = {"name": "Newcomer", "login": "newcomer"}
    user = env["res.users"].create([values] if many else values)
    assert set(user.groups_id.ids) == _ids(env, *TEMPLATE_GROUPS)
    assert user.share is False
    assert user.has_group("base.group_user")


def test_default_get_gives_the_template_groups(env: Environment) -> None:
    assert set(env["res.users"].default_get(["groups_id"])["groups_id"]) == _ids(env, *TEMPLATE_GROUPS)


def test_the_template_decides_the_default_groups(env: Environment) -> None:
    extra = make_group(env, "Everyone's", implied=["sale_demo.group_sale_salesman"])
    env.ref("base.default_user").write({"groups_id": [(6, 0, [extra.id])]})
    user = env["res.users"].create({"name": "Later", "login": "later"})
    # The template's groups, and what they imply.
    implied = _ids(env, "sale_demo.group_sale_salesman", "base.group_user")
    assert set(user.groups_id.ids) == {extra.id, *implied}


@pytest.mark.parametrize(
    ("groups", "kept"),
    [
        (["base.group_portal"], ["base.group_portal"]),
        (["base.group_public"], ["base.group_public"]),
        (["sale_demo.group_sale_salesman"], ["sale_demo.group_sale_salesman", "base.group_user"]),
        ([], []),
    ],
)
def test_a_user_created_with_groups_keeps_only_those(
    env: Environment, groups: list[str], kept: list[str]
) -> None:
    user = make_user(env, "chosen", groups)
    assert set(user.groups_id.ids) == _ids(env, *kept)


def test_a_copy_of_the_portal_template_is_a_portal_user_only(env: Environment) -> None:
    """What signup does (Odoo's auth_signup copies the template the parameter names)."""
    param = env["ir.config_parameter"].sudo().get_param("base.template_portal_user_id")
    template = env["res.users"].browse(int(param))
    assert template == env.ref("base.template_portal_user_id") and template.active is False
    user = template.copy({"name": "Signed Up", "login": "signed@example.com", "active": True})
    assert set(user.groups_id.ids) == _ids(env, "base.group_portal")
    assert user.share is True and user.active


def test_groups_added_to_the_template_are_added_to_internal_users(env: Environment) -> None:
    """Odoo: the template's new groups spread to every internal user (not to external ones)."""
    internal = make_user(env, "employee", ["base.group_user"])
    portal = make_user(env, "customer", ["base.group_portal"])
    extra = make_group(env, "New default")
    env.ref("base.default_user").write({"groups_id": [(4, extra.id)]})
    assert extra.id in internal.groups_id.ids
    assert extra.id in env.ref("base.user_admin").groups_id.ids
    assert extra.id not in portal.groups_id.ids


def test_the_template_user_cannot_be_deleted(env: Environment) -> None:
    with pytest.raises(UserError, match="Deleting the template users is not allowed"):
        env.ref("base.default_user").unlink()


# -- has_group ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["has_group", "has_groups"])
def test_has_group_on_an_empty_recordset_answers_for_the_current_user(env: Environment, method: str) -> None:
    portal = make_user(env, "asker", ["base.group_portal"])
    as_portal = env(user=portal.id)["res.users"]
    assert getattr(as_portal, method)("base.group_portal") is True
    assert getattr(as_portal, method)("base.group_user") is False
    admin = env(user=env.ref("base.user_admin").id)["res.users"]
    assert getattr(admin, method)("base.group_system") is True
    assert getattr(admin, method)("base.group_portal") is False


def test_an_external_user_still_cannot_ask_about_another(env: Environment) -> None:
    portal = make_user(env, "asker", ["base.group_portal"])
    admin = env.ref("base.user_admin").with_env(env(user=portal.id))
    with pytest.raises(AccessError, match=r"ony call user\.has_group\(\) with your current user"):
        admin.has_group("base.group_system")


def test_has_group_over_rpc_without_ids_answers_for_the_caller(instance: Instance, template: str) -> None:
    config = RpcConfig()
    uid = dispatch_rpc(instance, config, "common", "authenticate", [template, "demo", "demo", {}])

    def ask(xml_id: str) -> Any:
        params = [template, uid, "demo", "res.users", "has_group", [[], xml_id], {}]
        return dispatch_rpc(instance, config, "object", "execute_kw", params)

    assert ask("base.group_user") is True
    assert ask("base.group_system") is False


@pytest.mark.parametrize(
    "xml_id", ["base.main_company", "base.user_admin", "base.partner_admin", "base.lang_en"]
)
@pytest.mark.parametrize("method", ["has_group", "has_groups"])
def test_an_external_id_of_another_model_is_no_group(env: Environment, method: str, xml_id: str) -> None:
    """Only groups' external ids count: the id of a company or a user is not a group id
    (the company with id 1 is not the group with id 1, which the admin may hold)."""
    admin = env.ref("base.user_admin")
    assert getattr(admin, method)(xml_id) is False


def test_a_long_groups_spec_costs_no_query_per_name(env: Environment) -> None:
    """``has_groups`` is remote: a caller listing many external ids (of many modules)
    must not cost a lookup each; they are resolved from the security snapshot."""
    spec = ",".join(f"m{i}.g{i}" for i in range(20_000)) + ",base.group_user"
    user = env(user=env.ref("base.user_demo").id)["res.users"]
    assert user.has_groups("base.group_user")  # the snapshot is loaded
    selects: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        selects.append(statement)

    sa.event.listen(env.cr.conn, "before_cursor_execute", record)
    try:
        assert user.has_groups(spec) is True
        assert user.has_groups("!" + spec.replace(",", ",!")) is False
    finally:
        sa.event.remove(env.cr.conn, "before_cursor_execute", record)
    assert len(selects) < 5


# -- res.groups ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("ilike", "Sales / Admin"),
        ("ilike", "sales / administrator"),
        ("=", "Sales / Administrator"),
        ("like", "s / Adm"),
        ("in", ["Sales / Administrator"]),
    ],
)
def test_full_name_is_searchable_as_category_slash_name(env: Environment, operator: str, value: Any) -> None:
    found = env["res.groups"].search([("full_name", operator, value)])
    assert found == env.ref("sale_demo.group_sale_manager")


def test_full_name_follows_the_category_and_orders_searches(env: Environment) -> None:
    env.ref("sale_demo.module_category_sales").write({"name": "Selling"})
    manager = env.ref("sale_demo.group_sale_manager")
    assert manager.full_name == "Selling / Administrator"
    assert env["res.groups"].search([("full_name", "=", "Selling / Administrator")]) == manager
    names = env["res.groups"].search([], order="full_name").mapped("full_name")
    assert names == sorted(names)


def test_name_search_finds_groups_by_full_name(env: Environment) -> None:
    found = env["res.groups"].name_search("Administration / Sett")
    assert found == [(env.ref("base.group_system").id, "Administration / Settings")]
    by_category = {gid for gid, _ in env["res.groups"].name_search("Sales /")}
    assert by_category == _ids(
        env,
        "sale_demo.group_sale_salesman",
        "sale_demo.group_sale_salesman_all_leads",
        "sale_demo.group_sale_manager",
    )


def test_copy_of_a_group_is_named_copy_and_keeps_its_links(env: Environment) -> None:
    member = make_user(env, "member", ["base.group_user"])
    group = make_group(env, "Auditors", implied=["sale_demo.group_sale_salesman"], users=[(4, member.id)])
    duplicate = group.copy()
    assert duplicate.name == "Auditors (copy)"
    assert duplicate.implied_ids == group.implied_ids
    assert member in duplicate.users
    assert group.copy({"name": "Inspectors"}).name == "Inspectors"


def test_a_group_name_cannot_start_with_a_dash(env: Environment) -> None:
    group = make_group(env, "Plain")
    with pytest.raises(UserError, match='can not start with "-"'):
        group.write({"name": "-hidden"})


@pytest.mark.parametrize("pattern", ["%Sale%", "Sales /", "%Technical%", "Administration / "])
def test_full_name_like_matches_what_python_sees(env: Environment, pattern: str) -> None:
    """The SQL search agrees with the full names computed in Python."""
    everything = env["res.groups"].search([])
    found = env["res.groups"].search([("full_name", "like", pattern)])
    piece = pattern.strip("%")
    assert found and set(found.ids) == {g.id for g in everything if piece in g.full_name}


def test_apply_group_makes_groups_imply_it_once(env: Environment) -> None:
    target = make_group(env, "Target")
    plain = make_group(env, "Plain")
    already = make_group(env, "Already", implied=[target])
    member = make_user(env, "applied", [plain])
    (plain + already)._apply_group(target)
    assert target in plain.implied_ids and already.implied_ids == target
    assert target in member.groups_id


def test_remove_group_leaves_users_who_hold_it_from_elsewhere(env: Environment) -> None:
    user = make_user(env, "holder", [])
    target = make_group(env, "A", users=[(6, 0, user.ids)])
    other = make_group(env, "B", users=[(6, 0, user.ids)])
    carrier = make_group(env, "C", implied=[target])
    (other + carrier)._remove_group(target)
    assert target not in carrier.implied_ids
    assert user in target.users  # C had no users: nobody loses A
