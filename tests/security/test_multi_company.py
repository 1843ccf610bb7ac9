"""Multi-company: allowed companies, the company rules, ``check_company``, company-dependent values."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError, UserError
from tenantry.orm.environment import Environment
from tests.security.helpers import as_user, make_user

UNAUTHORIZED = "Access to unauthorized or invalid companies."


@pytest.fixture
def companies(env: Environment) -> dict[str, Any]:
    """Companies A (main), B and C; a salesman of A allowed in A and C, a manager in A and B."""
    a = env.ref("base.main_company")
    b = env["res.company"].create({"name": "Company B"})
    c = env["res.company"].create({"name": "Company C"})
    user = make_user(env, "mc", ["sale_demo.group_sale_salesman_all_leads"], company=a, companies=[a, c])
    manager = make_user(env, "mcboss", ["sale_demo.group_sale_manager"], company=a, companies=[a, b])
    return {"a": a, "b": b, "c": c, "user": user, "manager": manager}


# -- the environment ------------------------------------------------------------------------


def test_without_allowed_companies_env_uses_the_users_companies(
    env: Environment, companies: dict[str, Any]
) -> None:
    user_env = as_user(env, companies["user"])
    assert user_env.company == companies["a"]
    assert user_env.companies == companies["a"] | companies["c"]


def test_allowed_companies_choose_company_and_companies(env: Environment, companies: dict[str, Any]) -> None:
    a, c = companies["a"], companies["c"]
    user_env = as_user(env, companies["user"], allowed_company_ids=[c.id, a.id])
    assert user_env.company == c
    assert user_env.companies.ids == [c.id, a.id]


@pytest.mark.parametrize(
    "allowed", [lambda co: [co["a"].id, co["b"].id], lambda co: [co["b"].id], lambda co: ["company_qsdf", 1]]
)
def test_unauthorized_companies_are_refused(
    env: Environment, companies: dict[str, Any], allowed: Any
) -> None:
    user_env = as_user(env, companies["user"], allowed_company_ids=allowed(companies))
    with pytest.raises(AccessError, match=UNAUTHORIZED):
        _ = user_env.companies
    with pytest.raises(AccessError, match=UNAUTHORIZED):
        _ = user_env.company
    with pytest.raises(AccessError, match=UNAUTHORIZED):
        user_env["sale.order"].search([])  # the company rule needs company_ids


def test_superuser_mode_does_not_check_allowed_companies(env: Environment, companies: dict[str, Any]) -> None:
    a, b = companies["a"], companies["b"]
    user_env = as_user(env, companies["user"], allowed_company_ids=[a.id, b.id])(su=True)
    assert user_env.companies == a | b
    assert user_env(context={"allowed_company_ids": [b.id, "abc"]}).company == b


def test_with_company_puts_the_company_first(env: Environment, companies: dict[str, Any]) -> None:
    a, c = companies["a"], companies["c"]
    orders = env["sale.order"].with_user(companies["user"])
    assert orders.with_company(c).env.context["allowed_company_ids"] == [c.id]
    assert orders.with_company(c).env.companies == c
    on_a = orders.with_context(allowed_company_ids=[a.id])
    assert on_a.with_company(c).env.context["allowed_company_ids"] == [c.id, a.id]
    assert on_a.with_company(c).with_company(a).env.context["allowed_company_ids"] == [a.id, c.id]
    assert on_a.with_company(a) is on_a
    for falsy in (False, None, 0, env["res.company"]):
        assert on_a.with_company(falsy) is on_a
    assert on_a.with_company(c).env.company == c


def test_a_replaced_context_keeps_the_allowed_companies(env: Environment, companies: dict[str, Any]) -> None:
    a = companies["a"]
    things = env["test.thing"].with_context(allowed_company_ids=[a.id])
    assert things.with_context({"lang": "en_US"}).env.context["allowed_company_ids"] == [a.id]


# -- the multi-company rule ------------------------------------------------------------------


@pytest.fixture
def company_orders(env: Environment, companies: dict[str, Any]) -> dict[str, Any]:
    partner = env.ref("base.res_partner_1")
    make = env["sale.order"].create
    return {
        "a": make({"partner_id": partner.id, "company_id": companies["a"].id}),
        "b": make({"partner_id": partner.id, "company_id": companies["b"].id}),
        "c": make({"partner_id": partner.id, "company_id": companies["c"].id}),
    }


def test_orders_of_other_companies_are_hidden(
    env: Environment, companies: dict[str, Any], company_orders: dict[str, Any]
) -> None:
    a, b = companies["a"], companies["b"]
    manager = env["sale.order"].with_user(companies["manager"])
    scope = [("id", "in", [o.id for o in company_orders.values()])]
    assert manager.search(scope) == company_orders["a"] | company_orders["b"]
    assert manager.with_context(allowed_company_ids=[a.id]).search(scope) == company_orders["a"]
    assert manager.with_context(allowed_company_ids=[b.id]).search(scope) == company_orders["b"]
    with pytest.raises(AccessError, match="top-secret"):
        company_orders["b"].with_user(companies["manager"]).with_company(a).with_context(
            allowed_company_ids=[a.id]
        ).read(["name"])
    with pytest.raises(AccessError, match="top-secret"):
        company_orders["c"].with_user(companies["manager"]).read(["name"])


def test_company_rule_failure_mentions_the_multi_company_note(
    env: Environment, companies: dict[str, Any], company_orders: dict[str, Any]
) -> None:
    companies["manager"].write({"groups_id": [(4, env.ref("base.group_no_one").id)]})
    order = (
        company_orders["b"]
        .with_user(companies["manager"])
        .with_context(allowed_company_ids=[companies["a"].id])
    )
    with pytest.raises(AccessError) as info:
        order.write({"note": "x"})
    message = str(info.value)
    assert "Blame the following rules:\n- Sales Order multi-company\n" in message
    assert "Note: this might be a multi-company issue." in message


# -- check_company -----------------------------------------------------------------------


@pytest.fixture
def partners(env: Environment, companies: dict[str, Any]) -> dict[str, Any]:
    make = env["res.partner"].create
    return {
        "a": make({"name": "Partner A", "company_id": companies["a"].id}),
        "b": make({"name": "Partner B", "company_id": companies["b"].id}),
        "none": make({"name": "Shared Partner"}),
    }


@pytest.mark.parametrize(
    ("company", "partner", "ok"),
    [("a", "a", True), ("b", "a", False), ("a", "none", True), (None, "none", True), (None, "a", False)],
)
def test_check_company_on_create(
    env: Environment,
    companies: dict[str, Any],
    partners: dict[str, Any],
    company: str | None,
    partner: str,
    ok: bool,
) -> None:
    vals = {
        "name": "child",
        "company_id": companies[company].id if company else False,
        "partner_id": partners[partner].id,
    }
    if ok:
        env["test.thing"].create(vals)
    else:
        with pytest.raises(
            UserError, match="Incompatible companies on records:\n- “child” belongs to company"
        ):
            env["test.thing"].create(vals)


def test_check_company_on_write(
    env: Environment, companies: dict[str, Any], partners: dict[str, Any]
) -> None:
    thing = env["test.thing"].create(
        {"name": "mover", "company_id": companies["a"].id, "partner_id": partners["a"].id}
    )
    with pytest.raises(UserError, match="Incompatible companies"), env.cr.savepoint():
        thing.write({"company_id": companies["b"].id})
    with (
        pytest.raises(UserError, match=r"“Partner” \(partner_id: “Partner B”\) belongs to another company"),
        env.cr.savepoint(),
    ):
        thing.write({"partner_id": partners["b"].id})
    thing.write({"company_id": companies["b"].id, "partner_id": partners["b"].id})
    assert thing.company_id == companies["b"] and thing.partner_id == partners["b"]


def test_sale_order_checks_its_customer(
    env: Environment, companies: dict[str, Any], partners: dict[str, Any]
) -> None:
    with pytest.raises(UserError, match="Incompatible companies"):
        env["sale.order"].create({"partner_id": partners["b"].id, "company_id": companies["a"].id})


# -- defaults and company-dependent values ------------------------------------------------------


def test_company_id_defaults_to_env_company(env: Environment, companies: dict[str, Any]) -> None:
    partner = env.ref("base.res_partner_1")
    manager = env["sale.order"].with_user(companies["manager"])
    assert manager.create({"partner_id": partner.id}).company_id == companies["a"]
    assert (
        manager.with_company(companies["b"]).create({"partner_id": partner.id}).company_id == companies["b"]
    )
    assert (
        env["sale.order"].with_company(companies["c"]).create({"partner_id": partner.id}).company_id
        == (companies["c"])
    )


def test_company_dependent_values_per_company(env: Environment, companies: dict[str, Any]) -> None:
    a, b = companies["a"], companies["b"]
    thing = env["test.thing"].with_company(a).create({"name": "priced", "cost": 5.0})
    thing.with_company(b).write({"cost": 7.0})
    assert thing.with_company(a).cost == 5.0
    assert thing.with_company(b).cost == 7.0
    assert thing.with_company(companies["c"]).cost == 0.0
    assert env["test.thing"].with_company(b).search([("cost", "=", 7.0)]) == thing
    assert not env["test.thing"].with_company(a).search([("cost", "=", 7.0)])
    product = env.ref("sale_demo.product_desk")
    product.with_company(a).standard_price = 100
    product.with_company(b).standard_price = 80
    seen_by = env["product.product"].with_user(companies["manager"]).browse(product.id)
    assert seen_by.standard_price == 100
    assert seen_by.with_company(b).standard_price == 80
