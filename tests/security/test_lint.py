"""The rule lint: the guide's "private addresses" pitfall, rules that never match, models without ACL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tenantry.orm.environment import Environment
from tenantry.security.lint import Finding, FindingKind, lint

PRIVATE = "[('type', '=', 'private')]"
NON_PRIVATE = "['|', ('type', '!=', 'private'), ('type', '=', False)]"


def _group(env: Environment, name: str, implied: tuple[str, ...] = ("base.group_user",)) -> Any:
    return env["res.groups"].create({"name": name, "implied_ids": [(6, 0, [env.ref(x).id for x in implied])]})


def _rule(env: Environment, name: str, model: str, domain: str, groups: list[Any], **values: Any) -> Any:
    return env["ir.rule"].create(
        {
            "name": name,
            "model_id": env["ir.model"].search([("model", "=", model)]).id,
            "domain_force": domain,
            "groups": [(6, 0, [g.id for g in groups])],
            **values,
        }
    )


def _of(findings: list[Finding], kind: FindingKind) -> list[Finding]:
    return [f for f in findings if f.kind is kind]


def test_lint_on_the_stock_rules_reports_only_the_test_models_without_acl(env: Environment) -> None:
    # sale_demo's own/all documents pair is a promotion (All Documents implies Own Documents),
    # base's company rules for portal and public cannot meet the employee's: nothing to report
    # but the fixture addons' models, which really have no ACL row.
    findings = lint(env)
    assert [(f.kind, f.model) for f in findings] == [
        (FindingKind.NO_ACL, model)
        for model in ("test.gadget", "test.line", "test.tag", "test.thing", "test.variant")
    ]
    assert (
        findings[0].message == "test.gadget has no ACL row (ir.model.access): only the superuser can use it."
    )


def test_lint_finds_the_private_addresses_pair_reopening_a_restriction(env: Environment) -> None:
    private = _group(env, "Private Addresses")
    persons = _group(env, "Persons Only")
    user = env.ref("base.group_user")
    _rule(env, "Private addresses", "res.partner", PRIVATE, [private])
    _rule(env, "Non-private addresses", "res.partner", NON_PRIVATE, [user])
    _rule(env, "Persons only", "res.partner", "[('is_company', '=', False)]", [persons])

    reopened = _of(lint(env), FindingKind.REOPENED)

    pairs = {f.rules: f for f in reopened}
    assert set(pairs) == {
        ("Non-private addresses", "Private addresses"),
        ("Non-private addresses", "Persons only"),
        ("Private addresses", "Persons only"),
    }
    widened = pairs[("Non-private addresses", "Persons only")]
    assert widened.model == "res.partner"
    assert widened.groups == ("Persons Only", "User types/Internal User")
    assert widened.message == (
        f"'Non-private addresses' {NON_PRIVATE} re-opens records that 'Persons only' "
        "[('is_company', '=', False)] excludes (read, write, create, unlink); every user of "
        "Persons Only also holds User types/Internal User: 'Persons only' restricts nobody."
    )
    mutual = pairs[("Private addresses", "Persons only")]
    assert "each re-open records the other excludes" in mutual.message
    assert "for users holding both Private Addresses and Persons Only" in mutual.message


def test_lint_does_not_report_a_wider_rule_of_an_implying_group(env: Environment) -> None:
    juniors = _group(env, "Juniors")
    seniors = env["res.groups"].create({"name": "Seniors", "implied_ids": [(4, juniors.id)]})
    _rule(env, "Own partners", "res.partner", "[('user_id', '=', user.id)]", [juniors])
    _rule(env, "All partners", "res.partner", "[(1, '=', 1)]", [seniors])
    assert _of(lint(env), FindingKind.REOPENED) == []


def test_lint_does_not_report_rules_of_exclusive_user_types(env: Environment) -> None:
    portal = env.ref("base.group_portal")
    _rule(env, "Portal: everything", "sale.order", "[(1, '=', 1)]", [portal])
    assert _of(lint(env), FindingKind.REOPENED) == []  # no portal user is a salesman


def test_lint_does_not_report_a_rule_structurally_within_the_other(env: Environment) -> None:
    extra = _group(env, "Extra")
    _rule(
        env, "Own and confirmed", "sale.order", "[('user_id', '=', user.id), ('state', '=', 'sale')]", [extra]
    )
    reopened = _of(lint(env), FindingKind.REOPENED)
    # Personal Orders and All Orders admit unconfirmed orders: reported in that direction only,
    # since own confirmed orders are within both of them.
    assert sorted(f.rules for f in reopened) == [
        ("All Orders", "Own and confirmed"),
        ("Personal Orders", "Own and confirmed"),
    ]


def test_lint_finds_rules_that_can_never_match(env: Environment) -> None:
    extra = _group(env, "Extra")
    _rule(env, "Nobody", "sale.order", "[(0, '=', 1)]", [])
    _rule(env, "Contradiction", "sale.order", "['&', ('id', '=', False), ('id', '!=', False)]", [extra])
    _rule(env, "Two states", "sale.order", "[('state', '=', 'draft'), ('state', 'in', ['sale'])]", [extra])
    _rule(env, "Possible", "sale.order", "[('state', '=', 'draft'), ('state', '!=', 'sale')]", [extra])

    never = {f.rules[0]: f for f in _of(lint(env), FindingKind.NEVER_MATCHES)}

    assert set(never) == {"Nobody", "Contradiction", "Two states"}
    assert never["Nobody"].message == (
        "'Nobody' can never match ([(0, '=', 1)]): a global rule: the model is closed to "
        "everybody but the superuser."
    )
    assert never["Contradiction"].groups == ("Extra",)
    assert "it grants nothing to its groups" in never["Contradiction"].message


def test_lint_reports_a_rule_whose_domain_cannot_be_evaluated(env: Environment) -> None:
    rule = _rule(env, "Broken", "sale.order", "[('user_id', '=', user.id)]", [])
    table = env.registry["ir.rule"]._table_obj
    env.cr.conn.execute(
        sa.update(table).where(table.c.id == rule.id).values(domain_force="[('nope', '=', 1)]")
    )

    invalid = _of(lint(env), FindingKind.INVALID_DOMAIN)

    assert [(f.model, f.rules) for f in invalid] == [("sale.order", ("Broken",))]
    assert "unknown field 'nope'" in invalid[0].message


def test_lint_finds_a_model_without_acl_and_notes_inactive_rows(env: Environment) -> None:
    env["ir.model.access"].search([("model_id.model", "=", "sale.order.line")]).unlink()
    manager = env["ir.model.access"].search([("name", "=", "sale.order manager")])
    manager.write({"active": False})
    _rule(env, "Switched off", "sale.order", "[(0, '=', 1)]", [], active=False)

    findings = lint(env)

    assert [f.message for f in findings if f.model == "sale.order.line"] == [
        "sale.order.line has no ACL row (ir.model.access): only the superuser can use it."
    ]
    assert {f.message for f in _of(findings, FindingKind.INACTIVE)} == {
        "ACL rows sale.order manager on sale.order are inactive.",
        "Rule 'Switched off' on sale.order is inactive: it restricts nothing.",
    }
    assert _of(findings, FindingKind.NEVER_MATCHES) == []  # inactive rules are not judged


def test_findings_turn_into_plain_dicts(env: Environment) -> None:
    data = lint(env)[0].to_dict()
    assert data == {
        "kind": "no_acl",
        "model": "test.gadget",
        "message": "test.gadget has no ACL row (ir.model.access): only the superuser can use it.",
        "rules": [],
        "groups": [],
    }
