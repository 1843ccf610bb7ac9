"""The access explainer: which ACL rows and rules apply, and which rule lets a record in or keeps it out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tenantry.exceptions import AccessError, UserError
from tenantry.orm.access import Operation
from tenantry.orm.environment import SUPERUSER_ID, Environment
from tenantry.rpc.call import call_kw
from tenantry.security.explain import explain
from tests.security.helpers import as_user

SALESMAN = "sale_demo.group_sale_salesman"


def _user(env: Environment, login: str, groups: list[str], companies: list[Any] | None = None) -> Any:
    values: dict[str, Any] = {
        "name": login.title(),
        "login": login,
        "groups_id": [(6, 0, [env.ref(g).id for g in groups])],
    }
    if companies:
        values.update(company_id=companies[0].id, company_ids=[(6, 0, [c.id for c in companies])])
    return env["res.users"].create(values)


@pytest.fixture
def sam(env: Environment) -> Any:
    return _user(env, "sam", [SALESMAN])


def _order(env: Environment, user: Any, **values: Any) -> Any:
    partner = env.ref("base.res_partner_1")
    return env["sale.order"].create(
        {"partner_id": partner.id, "user_id": user.id if user else False, **values}
    )


def test_explain_for_a_user_without_acl_refuses_before_any_rule(env: Environment) -> None:
    demo = env.ref("base.user_demo")  # an internal user without any sales group
    result = explain(env, demo.id, "sale.order", Operation.READ, env.ref("sale_demo.sale_order_2").id)

    assert not result.acl_allowed
    assert [(row.name, row.applies, row.grants) for row in result.acl] == [
        ("sale.order salesman", False, False),
        ("sale.order manager", False, False),
    ]
    assert result.verdict.startswith("refused: no ACL row grants read")
    assert result.record is not None and not result.record.allowed
    applying = [rule.name for rule in result.rules if rule.applies]
    assert applying == ["Sales Order multi-company"]  # globals apply to everyone
    assert "Model access (ir.model.access): refused" in result.render()


def test_explain_for_salesman_names_the_rule_that_keeps_another_users_order_out(
    env: Environment, sam: Any
) -> None:
    admins_order = env.ref("sale_demo.sale_order_1")
    result = explain(env, sam.id, "sale.order", "read", admins_order.id)

    assert result.acl_allowed
    assert [row.name for row in result.acl if row.grants] == ["sale.order salesman"]
    reasons = {rule.name: (rule.applies, rule.reason) for rule in result.rules}
    assert reasons["Personal Orders"] == (True, "applies through Sales/User: Own Documents Only")
    assert reasons["All Orders"] == (False, "not in the user's groups")
    assert reasons["Sales Order multi-company"] == (True, "global: always applies")
    record = result.record
    assert record is not None and record.exists and not record.allowed
    assert {(c.rule, c.satisfied) for c in record.checks} == {
        ("Personal Orders", False),
        ("Sales Order multi-company", True),
    }
    assert record.kept_out_by == ("Personal Orders",)
    assert record.let_in_by == ()
    assert result.verdict == f"refused: record {admins_order.id} is kept out by Personal Orders"
    text = result.render()
    assert "kept out by: Personal Orders (none of the user's group rules admits it)" in text


def test_explain_for_salesman_lets_own_order_in_through_personal_orders(env: Environment, sam: Any) -> None:
    own = _order(env, sam)
    result = explain(env, sam.id, "sale.order", "read", own.id)

    assert result.record is not None and result.record.allowed
    assert result.record.let_in_by == ("Personal Orders",)
    assert result.record.kept_out_by == ()
    company = env.ref("base.main_company").id
    # Normalized: the rule's two terms on user_id are one 'in' list.
    assert result.domain == ["&", ("company_id", "in", [company]), ("user_id", "in", [sam.id, False])]
    assert "let in by: Personal Orders" in result.render()


def test_explain_names_the_failing_global_rule_for_another_companys_order(env: Environment) -> None:
    main = env.ref("base.main_company")
    other = env["res.company"].create({"name": "Other Co"})
    seller = _user(env, "seller", [SALESMAN], companies=[main])
    foreign = _order(env, seller, company_id=other.id)

    result = explain(env, seller.id, "sale.order", "read", foreign.id)

    assert result.record is not None and not result.record.allowed
    assert result.record.kept_out_by == ("Sales Order multi-company",)
    assert result.companies == (main.id,)
    assert "kept out by: Sales Order multi-company (a global rule: nobody escapes it)" in result.render()


def test_explain_agrees_with_the_policy_on_every_order(env: Environment, sam: Any) -> None:
    _order(env, sam)
    _order(env, None)
    visible = set(env["sale.order"].with_user(sam).search([]).ids)
    for order in env["sale.order"].search([]):
        record = explain(env, sam.id, "sale.order", "read", order.id).record
        assert record is not None
        assert record.allowed == (order.id in visible), order.name


def test_explain_for_superuser_reports_no_restriction(env: Environment) -> None:
    result = explain(env, SUPERUSER_ID, "sale.order", "unlink", env.ref("sale_demo.sale_order_1").id)

    assert result.superuser
    assert result.verdict == "superuser: no restriction"
    assert result.record is not None and result.record.allowed
    assert "Verdict: superuser: no restriction" in result.render()


def test_explain_marks_inactive_rules_and_rules_for_other_operations(env: Environment, sam: Any) -> None:
    model_id = env["ir.model"].search([("model", "=", "sale.order")]).id
    env["ir.rule"].create(
        {"name": "Drafts only", "model_id": model_id, "domain_force": "[('state', '=', 'draft')]",
         "active": False},
    )  # fmt: skip
    env["ir.rule"].create(
        {"name": "Write own", "model_id": model_id, "domain_force": "[('user_id', '=', user.id)]",
         "perm_read": False, "perm_create": False, "perm_unlink": False},
    )  # fmt: skip
    reasons = {rule.name: rule.reason for rule in explain(env, sam.id, "sale.order", "read").rules}
    assert reasons["Drafts only"] == "inactive"
    assert reasons["Write own"] == "not for read"
    result = explain(env, sam.id, "sale.order", "write")
    assert {rule.name: rule.applies for rule in result.rules}["Write own"]
    assert result.verdict == "allowed on the records matching the effective domain (write)"


def test_explain_access_returns_plain_json_data_for_the_user(env: Environment, sam: Any) -> None:
    data = sam.explain_access("sale.order", "read", env.ref("sale_demo.sale_order_1").id)

    assert json.loads(json.dumps(data)) == data
    assert data["login"] == "sam"
    assert data["record"]["kept_out_by"] == ["Personal Orders"]
    assert data["domain"][0] == "&"
    # a user may explain their own access, not someone else's
    assert sam.with_user(sam).explain_access("sale.order")["user_id"] == sam.id
    demo = env.ref("base.user_demo")
    with pytest.raises(AccessError, match="Access Rights"):
        demo.with_user(sam).explain_access("sale.order")


def test_explain_of_an_unknown_model_or_user_is_a_user_error(env: Environment, sam: Any) -> None:
    with pytest.raises(UserError, match=r"Unknown model 'sale\.nope'"):
        explain(env, sam.id, "sale.nope", "read")
    with pytest.raises(UserError, match="Unknown user id 987654"):
        explain(env, 987654, "sale.order", "read")


# -- what an explanation shows depends on who asks ---------------------------------------------


def _explain_as(env: Environment, asker: Any, target: Any, *args: Any) -> dict[str, Any]:
    """``res.users.explain_access`` over RPC's calling convention, as ``asker``."""
    args = (target.ids, *args)
    result: dict[str, Any] = call_kw(as_user(env, asker), "res.users", "explain_access", list(args), {})
    return result


@pytest.mark.parametrize("groups", [[SALESMAN], ["base.group_portal"]], ids=["salesman", "portal"])
def test_an_explanation_hides_the_name_of_a_record_the_asker_may_not_read(
    env: Environment, groups: list[str]
) -> None:
    asker = _user(env, "asker", groups)
    elsewhere = env["res.company"].create({"name": "Elsewhere"})
    targets = [env["res.partner"].create({"name": "Hidden Partner", "company_id": elsewhere.id})]
    if SALESMAN in groups:
        targets.append(env.ref("sale_demo.sale_order_1"))  # the admin's order
    for target in targets:
        data = _explain_as(env, asker, asker, target._name, "read", target.id)
        assert data["record"]["exists"] and not data["record"]["allowed"]
        assert data["record"]["display_name"] == ""
        assert target.display_name not in json.dumps(data)
        text = explain(env(user=asker.id), asker.id, target._name, "read", target.id).render()
        assert target.display_name not in text


def test_an_explanation_names_a_record_the_asker_may_read(env: Environment, sam: Any) -> None:
    mine = _order(env, sam, name="SAM-1")
    assert _explain_as(env, sam, sam, "sale.order", "read", mine.id)["record"]["display_name"] == "SAM-1"


def test_an_access_rights_manager_sees_every_name(env: Environment, sam: Any) -> None:
    manager = _user(env, "rights", ["base.group_erp_manager"])
    order = env.ref("sale_demo.sale_order_1")
    data = _explain_as(env, manager, sam, "sale.order", "read", order.id)
    assert data["record"]["display_name"] == order.display_name != ""


@pytest.mark.parametrize("groups", [[SALESMAN], ["base.group_portal"]], ids=["salesman", "portal"])
def test_an_explanation_tells_nothing_of_records_of_a_model_the_asker_may_not_read(
    env: Environment, groups: list[str]
) -> None:
    asker = _user(env, "asker", groups)
    uuid = env["ir.config_parameter"].search([("key", "=", "database.uuid")])
    for record_id in (uuid.id, 987654):  # existing or not: the same answer
        with pytest.raises(AccessError, match="not allowed to access"):
            _explain_as(env, asker, asker, "ir.config_parameter", "read", record_id)
    assert not _explain_as(env, asker, asker, "ir.config_parameter", "read")["acl_allowed"]


@pytest.mark.parametrize("args", [["sale.order", "peek"], [["sale.order"]], ["sale.order", "read", "1"]])
def test_explain_access_refuses_malformed_arguments(env: Environment, sam: Any, args: list[Any]) -> None:
    with pytest.raises(UserError):
        _explain_as(env, sam, sam, *args)
