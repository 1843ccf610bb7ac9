"""Record rules (``ir.rule``): the seed's scenarios, how rules combine, where they filter or raise."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tests.security.helpers import as_user, grant, make_group, make_rule, make_user

COOKIES = (
    "If you really, really need access, perhaps you can win over your friendly administrator "
    "with a batch of freshly baked cookies."
)
COMPANY_NOTE = (
    "Note: this might be a multi-company issue. Switching company may help - in Odoo, not in real life!"
)


# -- the seed's sales scenarios -------------------------------------------------------------


@pytest.fixture
def orders(env: Environment) -> dict[str, Any]:
    """The demo orders (admin's, demo's), plus an unassigned one and one of a fresh salesman."""
    salesman = make_user(env, "salesman", ["sale_demo.group_sale_salesman"])
    partner = env.ref("base.res_partner_1")
    return {
        "salesman": salesman,
        "admin": env.ref("sale_demo.sale_order_1"),
        "demo": env.ref("sale_demo.sale_order_2"),
        "unassigned": env["sale.order"].create({"partner_id": partner.id, "user_id": False}),
        "own": env["sale.order"].create({"partner_id": partner.id, "user_id": salesman.id}),
    }


def test_own_documents_only_sees_own_and_unassigned_orders(env: Environment, orders: dict[str, Any]) -> None:
    mine = env["sale.order"].with_user(orders["salesman"])
    assert set(mine.search([]).ids) == {orders["own"].id, orders["unassigned"].id}
    with pytest.raises(AccessError, match="top-secret"):
        mine.browse(orders["admin"].id).read(["name"])


def test_all_documents_sees_every_order(env: Environment, orders: dict[str, Any]) -> None:
    orders["salesman"].write({"groups_id": [(4, env.ref("sale_demo.group_sale_salesman_all_leads").id)]})
    found = env["sale.order"].with_user(orders["salesman"]).search([])
    expected = {orders[k].id for k in ("admin", "demo", "unassigned", "own")}
    assert expected <= set(found.ids)
    assert found == env["sale.order"].search([])


def test_sales_manager_inherits_all_documents(env: Environment, orders: dict[str, Any]) -> None:
    manager = make_user(env, "salesboss", ["sale_demo.group_sale_manager"])
    assert env["sale.order"].with_user(manager).search([]) == env["sale.order"].search([])


def test_salesman_creates_own_order_but_not_for_a_colleague(env: Environment, orders: dict[str, Any]) -> None:
    mine = env["sale.order"].with_user(orders["salesman"])
    partner = env.ref("base.res_partner_1")
    assert mine.create({"partner_id": partner.id}).user_id == orders["salesman"]
    with pytest.raises(AccessError, match="doesn't have 'create' access"):
        mine.create({"partner_id": partner.id, "user_id": env.ref("base.user_admin").id})


# -- combination ------------------------------------------------------------------------------


@pytest.fixture
def things(env: Environment) -> Any:
    grant(env, "test.thing", "base.group_user", "rwcu")
    grant(env, "test.line", "base.group_user", "rwcu")
    grant(env, "test.tag", "base.group_user", "rwcu")
    return env["test.thing"].create([{"name": f"t{n}", "count": n} for n in range(5)])


def _visible(env: Environment, user: Any, things: Any) -> set[int]:
    found = env["test.thing"].with_user(user).search([("id", "in", things.ids)])
    return {found.browse(i).sudo().count for i in found.ids}


def test_global_rules_are_anded(env: Environment, things: Any) -> None:
    user = make_user(env, "globals")
    make_rule(env, "test.thing", "[('count', '>', 0)]")
    make_rule(env, "test.thing", "[('count', '<', 4)]")
    assert _visible(env, user, things) == {1, 2, 3}


def test_group_rules_are_ored_then_anded_with_global(env: Environment, things: Any) -> None:
    first, second, other = make_group(env, "First"), make_group(env, "Second"), make_group(env, "Other")
    user = make_user(env, "mixed", ["base.group_user", first, second])
    make_rule(env, "test.thing", "[('count', '<', 4)]")
    make_rule(env, "test.thing", "[('count', '=', 0)]", groups=[first])
    make_rule(env, "test.thing", "[('count', 'in', [3, 4])]", groups=[second])
    make_rule(env, "test.thing", "[('count', '=', 2)]", groups=[other])  # not the user's
    assert _visible(env, user, things) == {0, 3}


def test_user_without_group_rule_is_only_restricted_by_globals(env: Environment, things: Any) -> None:
    user = make_user(env, "nogrouprule")
    make_rule(env, "test.thing", "[('count', '>=', 2)]")
    make_rule(env, "test.thing", "[('count', '=', 4)]", groups=[make_group(env, "Elsewhere")])
    assert _visible(env, user, things) == {2, 3, 4}


def test_no_rule_at_all_means_no_restriction(env: Environment, things: Any) -> None:
    assert _visible(env, make_user(env, "free"), things) == {0, 1, 2, 3, 4}


def test_false_group_rule_as_only_group_rule_hides_everything(env: Environment, things: Any) -> None:
    locked = make_group(env, "Locked")
    user = make_user(env, "locked", ["base.group_user", locked])
    make_rule(env, "test.thing", "[(0, '=', 1)]", groups=[locked])
    assert _visible(env, user, things) == set()
    with pytest.raises(AccessError):
        things[:1].with_user(user).read(["name"])


def test_an_open_group_rule_opens_the_group_part(env: Environment, things: Any) -> None:
    user = make_user(env, "opened")
    make_rule(env, "test.thing", "[('id', '=', False), ('name', '=', False)]", groups=["base.group_user"])
    make_rule(env, "test.thing", "[(1, '=', 1)]", groups=["base.group_user"])
    make_rule(env, "test.thing", "[('count', '!=', 1)]")
    assert _visible(env, user, things) == {0, 2, 3, 4}


def test_rule_of_several_groups_applies_to_each(env: Environment, things: Any) -> None:
    first, second = make_group(env, "A1"), make_group(env, "A2")
    user = make_user(env, "second", ["base.group_user", second])
    make_rule(env, "test.thing", "[('count', '=', 1)]", groups=[first, second])
    assert _visible(env, user, things) == {1}


def test_write_only_rule_restricts_writing_not_reading(env: Environment, things: Any) -> None:
    user = make_user(env, "writer")
    make_rule(env, "test.thing", "[('count', '>', 2)]", perms="w")
    mine = things.with_user(user)
    assert _visible(env, user, things) == {0, 1, 2, 3, 4}
    mine.filtered(lambda t: t.sudo().count == 3).write({"name": "ok"})
    with pytest.raises(AccessError, match="doesn't have 'write' access"):
        mine.filtered(lambda t: t.sudo().count == 1).write({"name": "no"})
    mine.filtered(lambda t: t.sudo().count == 1).unlink()


def test_inactive_rules_are_ignored(env: Environment, things: Any) -> None:
    user = make_user(env, "inactive")
    rule = make_rule(env, "test.thing", "[('count', '=', 0)]")
    assert _visible(env, user, things) == {0}
    rule.write({"active": False})
    assert _visible(env, user, things) == {0, 1, 2, 3, 4}


def test_rule_undone_by_a_savepoint_no_longer_applies(env: Environment, things: Any) -> None:
    user = make_user(env, "undone")
    with pytest.raises(RuntimeError), env.cr.savepoint():
        make_rule(env, "test.thing", "[('count', '=', 0)]")
        assert _visible(env, user, things) == {0}
        raise RuntimeError
    assert _visible(env, user, things) == {0, 1, 2, 3, 4}


# -- create ---------------------------------------------------------------------------------


def test_create_is_checked_after_insert(env: Environment, things: Any) -> None:
    user = make_user(env, "creator")
    make_rule(env, "test.thing", "[('count', '>', 0)]", perms="c")
    mine = env["test.thing"].with_user(user)
    assert mine.create({"name": "positive", "count": 1}).count == 1
    with pytest.raises(AccessError, match="doesn't have 'create' access"), env.cr.savepoint():
        mine.create({"name": "zero", "count": 0})
    assert not env["test.thing"].search([("name", "=", "zero")])


def test_refused_create_rolls_the_transaction_back(instance: Instance, fresh_db: str) -> None:
    with instance.env(fresh_db) as env:
        grant(env, "test.thing", "base.group_user", "rwcu")
        make_rule(env, "test.thing", "[('count', '>', 0)]", perms="c")
        uid = make_user(env, "committer").id
    with pytest.raises(AccessError), instance.env(fresh_db, uid=uid) as env:
        env["test.thing"].create({"name": "refused", "count": 0})
    with instance.env(fresh_db) as env:
        assert not env["test.thing"].search([("name", "=", "refused")])


# -- explicit ids raise, searches filter ------------------------------------------------------


@pytest.fixture
def hidden(env: Environment, things: Any) -> dict[str, Any]:
    user = make_user(env, "filtered")
    make_rule(env, "test.thing", "[('count', '>', 1)]", name="positive things")
    return {"user": user, "ok": things[3], "no": things[1]}


@pytest.mark.parametrize(
    "call",
    [
        lambda rec: rec.read(["name"]),
        lambda rec: rec.name,
        lambda rec: rec.write({"name": "x"}),
        lambda rec: rec.unlink(),
        lambda rec: rec.check_access_rule("read"),
    ],
    ids=["read", "field", "write", "unlink", "check_access_rule"],
)
def test_explicit_ids_outside_the_rules_raise(env: Environment, hidden: dict[str, Any], call: Any) -> None:
    with pytest.raises(AccessError, match="top-secret"):
        call(hidden["no"].with_user(hidden["user"]))
    call(hidden["ok"].with_user(hidden["user"]))


def test_searches_filter_silently(env: Environment, things: Any, hidden: dict[str, Any]) -> None:
    model = env["test.thing"].with_user(hidden["user"])
    scope = [("id", "in", things.ids)]
    assert model.search(scope) == things.filtered(lambda t: t.count > 1)
    assert model.search_count(scope) == 3
    assert sum(g["kind_count"] for g in model.read_group(scope, ["count"], ["kind"])) == 3
    assert {i for i, _ in model.name_search("t", args=scope)} == set(things[2:].ids)
    assert [r["id"] for r in model.search_read(scope, ["name"])] == things[2:].ids


def test_x2many_reads_are_filtered_by_the_comodel_rules(env: Environment, things: Any) -> None:
    user = make_user(env, "lines")
    thing = things[0]
    red, blue = env["test.tag"].create([{"name": "r", "color": 1}, {"name": "b", "color": 2}])
    thing.write(
        {"tag_ids": [(6, 0, [red.id, blue.id])], "line_ids": [(0, 0, {"amount": 1}), (0, 0, {"amount": 2})]}
    )
    make_rule(env, "test.tag", "[('color', '=', 1)]")
    make_rule(env, "test.line", "[('amount', '>', 1)]")
    mine = thing.with_user(user)
    assert mine.tag_ids.ids == [red.id]
    assert mine.line_ids.sudo().mapped("amount") == [2.0]
    row = mine.read(["tag_ids", "line_ids"])[0]
    assert row["tag_ids"] == [red.id] and len(row["line_ids"]) == 1
    assert len(thing.tag_ids) == 2 and len(thing.line_ids) == 2


def test_many2one_shows_the_name_of_a_forbidden_target(env: Environment, things: Any) -> None:
    user = make_user(env, "m2o")
    target = things[0]
    child = env["test.thing"].create({"name": "child", "count": 9, "parent_id": target.id})
    make_rule(env, "test.thing", "[('count', '>', 0)]")
    mine = child.with_user(user)
    assert mine.read(["parent_id"])[0]["parent_id"] == (target.id, "t0")
    assert mine.parent_id.id == target.id
    with pytest.raises(AccessError):
        _ = mine.parent_id.name


# -- empty recordsets ----------------------------------------------------------------------


def test_empty_recordsets_check_nothing(env: Environment) -> None:
    user = make_user(env, "empty")  # no ACL at all on test.thing
    model = env["test.thing"].with_user(user)
    assert model.browse().write({"name": "x"}) is True
    assert model.browse().unlink() is True
    assert not model.create([])
    with pytest.raises(AccessError):
        model.create({"name": "x"})


# -- messages --------------------------------------------------------------------------------


def test_ordinary_users_get_the_short_message(env: Environment, hidden: dict[str, Any]) -> None:
    user = hidden["user"]
    with pytest.raises(AccessError) as info:
        hidden["no"].with_user(user).write({"name": "x"})
    assert str(info.value) == (
        "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
        f"Sorry, Filtered (id={user.id}) doesn't have 'write' access to:\n"
        "- Test Thing (test.thing)\n\n" + COOKIES
    )


def test_technical_users_get_records_and_blamed_rules(env: Environment, things: Any) -> None:
    group = make_group(env, "Group 2")
    user = make_user(env, "debug", ["base.group_user", "base.group_no_one", group])
    make_rule(env, "test.thing", "[('count', '=', 42)]", name="rule 0")
    make_rule(env, "test.thing", "[(1, '=', 1)]", name="rule 1")
    make_rule(env, "test.thing", "[(0, '=', 1)]", groups=[group], name="rule 2")
    make_rule(env, "test.thing", "[('count', '=', 55)]", groups=[group], name="rule 3")
    target = things[0]
    with pytest.raises(AccessError) as info:
        target.with_user(user).write({"name": "x"})
    assert str(info.value) == (
        "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
        f"Sorry, Debug (id={user.id}) doesn't have 'write' access to:\n"
        f"- Test Thing, t0 (test.thing: {target.id})\n\n"
        "Blame the following rules:\n- rule 0\n- rule 2\n- rule 3\n\n" + COOKIES
    )


def test_only_the_failing_global_rule_is_blamed(env: Environment, things: Any) -> None:
    user = make_user(env, "globalsany", ["base.group_user", "base.group_no_one"])
    make_rule(env, "test.thing", "[('count', '=', 42)]", name="rule 0")
    make_rule(env, "test.thing", "[(1, '=', 1)]", name="rule 1")
    with pytest.raises(AccessError) as info:
        things[0].with_user(user).unlink()
    message = str(info.value)
    assert "doesn't have 'unlink' access" in message
    assert "Blame the following rules:\n- rule 0\n\n" in message and "rule 1" not in message


def test_company_rules_add_a_note(env: Environment, things: Any) -> None:
    user = make_user(env, "companynote", ["base.group_user", "base.group_no_one"])
    make_rule(env, "test.thing", "[('company_id', '!=', False)]", name="company rule")
    with pytest.raises(AccessError) as info:
        things[0].with_user(user).read(["name"])
    assert str(info.value).endswith(
        "Blame the following rules:\n- company rule\n\n" + COMPANY_NOTE + "\n\n" + COOKIES
    )


def test_portal_users_in_technical_features_get_the_short_message(env: Environment, things: Any) -> None:
    user = make_user(env, "portaldebug", ["base.group_portal", "base.group_no_one"])
    grant(env, "test.thing", "base.group_portal", "r")
    make_rule(env, "test.thing", "[('count', '=', 42)]", name="rule 0")
    with pytest.raises(AccessError) as info:
        things[0].with_user(user).read(["name"])
    assert "- Test Thing (test.thing)\n\n" in str(info.value) and "Blame" not in str(info.value)


# -- ir.rule itself -----------------------------------------------------------------------------


def test_rule_on_ir_rule_is_refused(env: Environment) -> None:
    with pytest.raises(ValidationError, match=r"Rules can not be applied on the Record Rules model\."):
        make_rule(env, "ir.rule", "[(1, '=', 1)]")


@pytest.mark.parametrize(
    "domain", ["[('nope', '=', 1)]", "[('count', 'bad op', 1)]", "42", "[('count', '=', undefined)]", "[("]
)
def test_invalid_domain_is_refused(env: Environment, domain: str) -> None:
    with pytest.raises(ValidationError, match="Invalid domain"):
        make_rule(env, "test.thing", domain)


def test_rule_needs_at_least_one_permission(env: Environment) -> None:
    message = "Rule must have at least one checked access right!"
    with pytest.raises(ValidationError, match=message), env.cr.savepoint():
        make_rule(env, "test.thing", "[(1, '=', 1)]", perms="")
    rule = make_rule(env, "test.thing", "[(1, '=', 1)]", perms="r")
    with pytest.raises(ValidationError, match=message), env.cr.savepoint():
        rule.write({"perm_read": False})


def test_permission_defaults_differ_for_rules_and_acl_rows(env: Environment) -> None:
    model_id = env["ir.model"]._get_id("test.thing")
    rule = env["ir.rule"].create({"name": "defaults", "model_id": model_id})
    assert (rule.perm_read, rule.perm_write, rule.perm_create, rule.perm_unlink) == (True,) * 4
    assert getattr(rule, "global") is True
    row = env["ir.model.access"].create({"name": "defaults", "model_id": model_id})
    assert (row.perm_read, row.perm_write, row.perm_create, row.perm_unlink) == (False,) * 4


def test_rule_with_groups_is_not_global(env: Environment) -> None:
    rule = make_rule(env, "test.thing", "[(1, '=', 1)]", groups=["base.group_user"])
    assert getattr(rule, "global") is False


# -- the guide's private-addresses pitfall ------------------------------------------------------


def test_private_addresses_pair_reopens_what_another_group_rule_restricts(env: Environment) -> None:
    """Group rules are ORed: the "non-private addresses for every employee" rule grants every
    non-private contact to all internal users, so a group rule meant to restrict contacts (here:
    only Belgian ones) restricts nothing. This is Odoo's semantics, and the guide's warning."""
    private_group = make_group(env, "Private Addresses")
    belgian_group = make_group(env, "Belgian Contacts Only")
    make_rule(env, "res.partner", "[('type', '=', 'private')]", groups=[private_group], name="private")
    make_rule(
        env,
        "res.partner",
        "['|', ('type', '!=', 'private'), ('type', '=', False)]",
        groups=["base.group_user"],
        name="non-private",
    )
    make_rule(env, "res.partner", "[('country_id.code', '=', 'BE')]", groups=[belgian_group], name="BE")
    secret = env["res.partner"].create(
        {"name": "Hidden Home", "type": "private", "country_id": env.ref("base.us").id}
    )
    belgian = env.ref("base.res_partner_1")
    american = env.ref("base.res_partner_2")

    user = make_user(env, "belgian", ["base.group_user", belgian_group])
    partners = env["res.partner"].with_user(user)
    found = partners.search([])
    assert belgian in found
    assert american in found  # the restriction meant by "Belgian Contacts Only" is gone
    assert secret not in found

    both = make_user(env, "privileged", ["base.group_user", belgian_group, private_group])
    assert {american, secret} <= set(env["res.partner"].with_user(both).search([]))

    # Without the "non-private" rule, the Belgian restriction holds again.
    env["ir.rule"].search([("name", "=", "non-private")]).write({"active": False})
    found = as_user(env, user)["res.partner"].search([])
    assert belgian in found and american not in found and secret not in found
