"""Field groups: outside its groups, a ``groups=`` field is hidden, unreadable, unwritable, unsearchable."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tests.security.helpers import as_user, grant, make_rule, make_user

REFUSED = "The requested operation can not be completed due to security restrictions."


@pytest.fixture
def setup(env: Environment) -> dict[str, Any]:
    for model in ("test.thing", "test.tag", "test.line"):
        grant(env, model, "base.group_user", "rwcu")
    thing = env["test.thing"].create({"name": "classified", "secret": "s3cr3t"})
    return {
        "user": make_user(env, "clerk"),
        "system": make_user(env, "sysadmin", ["base.group_system"]),
        "thing": thing,
    }


def test_fields_get_hides_the_field(env: Environment, setup: dict[str, Any]) -> None:
    assert "secret" not in env["test.thing"].with_user(setup["user"]).fields_get()
    assert "name" in env["test.thing"].with_user(setup["user"]).fields_get()
    assert "secret" in env["test.thing"].with_user(setup["system"]).fields_get()
    assert "secret" in env["test.thing"].fields_get()


def test_read_refuses_the_field_when_asked(env: Environment, setup: dict[str, Any]) -> None:
    thing = setup["thing"].with_user(setup["user"])
    with pytest.raises(AccessError) as info:
        thing.read(["name", "secret"])
    message = str(info.value)
    assert message.startswith(REFUSED)
    assert "Document type: Test Thing (test.thing)\nOperation: read\n" in message
    assert "- secret (allowed for groups 'Administration/Settings')" in message
    with pytest.raises(AccessError, match="Operation: read"):
        _ = thing.secret


def test_read_without_fields_omits_the_field(env: Environment, setup: dict[str, Any]) -> None:
    row = setup["thing"].with_user(setup["user"]).read()[0]
    assert "secret" not in row and row["name"] == "classified"
    assert setup["thing"].with_user(setup["system"]).read()[0]["secret"] == "s3cr3t"


def test_write_refuses_the_field(env: Environment, setup: dict[str, Any]) -> None:
    with pytest.raises(AccessError, match="Operation: write"):
        setup["thing"].with_user(setup["user"]).write({"secret": "leak"})
    with pytest.raises(AccessError, match="Operation: write"):
        env["test.thing"].with_user(setup["user"]).create({"name": "n", "secret": "leak"})
    setup["thing"].with_user(setup["system"]).write({"secret": "new"})
    assert setup["thing"].secret == "new"


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.search([("secret", "=", "s3cr3t")]),
        lambda m: m.search_count([("secret", "!=", False)]),
        lambda m: m.search([("parent_id.secret", "=", "s3cr3t")]),
        lambda m: m.search([("child_ids", "any", [("secret", "=", "x")])]),
        lambda m: m.search([], order="secret"),
        lambda m: m.search([], order="name, secret desc"),
        lambda m: m.read_group([], ["count"], ["secret"]),
        lambda m: m.read_group([("secret", "=", "x")], ["count"], ["kind"]),
        lambda m: m.search_read([], ["secret"]),
    ],
    ids=["search", "count", "path", "any", "order", "order2", "groupby", "group-domain", "search_read"],
)
def test_searching_ordering_grouping_by_the_field_raises(
    env: Environment, setup: dict[str, Any], call: Any
) -> None:
    # Warm the memoized WHERE/ORDER BY as superuser first: the user must still be refused.
    call(env["test.thing"])
    with pytest.raises(AccessError):
        call(env["test.thing"].with_user(setup["user"]))
    call(env["test.thing"].with_user(setup["system"]))


def test_a_rule_on_a_restricted_field_still_filters(env: Environment, setup: dict[str, Any]) -> None:
    """Rule domains are applied as superuser (Odoo compiles them sudo): they may use any field."""
    make_rule(env, "test.thing", "[('secret', '=', 's3cr3t')]")
    mine = env["test.thing"].with_user(setup["user"])
    for _ in range(2):  # first compile, then the memoized WHERE clause
        assert mine.search([]) == setup["thing"]
        assert mine.search_count([("name", "=", "classified")]) == 1
    assert mine.browse(setup["thing"].id).name == "classified"


@pytest.mark.parametrize("field", ["secret_shown", "partner_vault"])
def test_a_related_field_takes_the_groups_of_its_target(
    env: Environment, setup: dict[str, Any], field: str
) -> None:
    """Related fields are computed as the superuser (Odoo's default): without their target's
    groups they would show anyone what the target shows only to some, or to no one."""
    partner = env["res.partner"].create({"name": "Vaulted", "vault": "v4ult"})
    thing = setup["thing"]
    thing.write({"partner_id": partner.id})
    clerk = as_user(env, setup["user"])
    assert field not in call_kw(clerk, "test.thing", "fields_get", [], {})
    assert field not in call_kw(clerk, "test.thing", "read", [thing.ids], {})[0]
    for call in (("read", [thing.ids, [field]]), ("search_read", [[], [field]])):
        with pytest.raises(AccessError):
            call_kw(clerk, "test.thing", *call, {})
    with pytest.raises(AccessError):
        _ = thing.with_env(clerk)[field]
    expected = {"secret_shown": "s3cr3t", "partner_vault": False}[field]  # vault: no one (but su)
    row = call_kw(as_user(env, setup["system"]), "test.thing", "read", [thing.ids], {})[0]
    assert row.get(field, False) == expected


def test_sale_order_internal_note_is_for_sales_administrators_only(env: Environment) -> None:
    # SPEC 6: sale.order.internal_note has groups="sale_demo.group_sale_manager".
    salesman = make_user(env, "seller", ["sale_demo.group_sale_salesman_all_leads"])
    manager = make_user(env, "boss", ["sale_demo.group_sale_manager"])
    order = env["sale.order"].search([], limit=1)
    order.internal_note = "margin is thin"
    orders = env["sale.order"].with_user(salesman)
    assert "internal_note" not in orders.fields_get() and "note" in orders.fields_get()
    with pytest.raises(AccessError, match=REFUSED):
        orders.browse(order.id).read(["internal_note"])
    with pytest.raises(AccessError, match=REFUSED):
        call_kw(as_user(env, salesman), "sale.order", "write", [[order.id], {"internal_note": "x"}], {})
    assert orders.with_user(manager).browse(order.id).read(["internal_note"])[0]["internal_note"] == (
        "margin is thin"
    )
