"""ir_rule_protected: a client's administrator cannot touch protected record rules."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.testing import rollback_env
from tests.addons.conftest import ADMIN

ADDONS = ["ir_rule_protected", "sale_demo"]
PROTECTED = "base.res_partner_rule"


def _new_rule(env: Environment, protected: bool = False) -> Any:
    return (
        env["ir.rule"]
        .sudo()
        .create(
            {
                "name": "Scratch rule",
                "model_id": env["ir.model"].sudo()._get_id("sale.order"),
                "domain_force": "[('state', '!=', 'cancel')]",
                "protected": protected,
            }
        )
    )


def test_base_company_isolation_rules_are_protected_on_install(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        protected = env["ir.rule"].search([("protected", "=", True)])
        xmlids = {
            f"{d.module}.{d.name}"
            for d in env["ir.model.data"].search([("model", "=", "ir.rule"), ("res_id", "in", protected.ids)])
        }
        assert {
            "base.res_partner_rule",
            "base.res_users_rule",
            "base.res_company_rule_employee",
            "base.res_company_rule_erp_manager",
        } <= xmlids
        assert not env.ref("sale_demo.sale_order_personal_rule").protected


def test_admin_cannot_modify_a_protected_rule_and_the_error_names_it(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        rule = env.ref(PROTECTED)
        with pytest.raises(AccessError, match=r"modify protected record rules: 'res\.partner company' \(id"):
            rule.write({"domain_force": "[(1, '=', 1)]"})
        with pytest.raises(AccessError, match=r"res\.partner company"):
            rule.write({"active": False})
        assert rule.sudo().active
        assert rule.sudo().domain_force != "[(1, '=', 1)]"


def test_admin_cannot_delete_a_protected_rule(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        rule = env.ref(PROTECTED)
        with pytest.raises(AccessError, match=r"delete protected record rules: 'res\.partner company'"):
            rule.unlink()
        assert rule.sudo().exists()


def test_admin_cannot_protect_or_unprotect_rules(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        with pytest.raises(AccessError, match="protect or unprotect"):
            env.ref(PROTECTED).write({"protected": False})
        mine = _new_rule(env).with_env(env)
        with pytest.raises(AccessError, match="protect or unprotect record rules: 'Scratch rule'"):
            mine.write({"protected": True})
        with pytest.raises(AccessError, match="create protected record rules"):
            env["ir.rule"].create(
                {
                    "name": "Sneaky",
                    "model_id": env["ir.model"].sudo()._get_id("sale.order"),
                    "domain_force": "[]",
                    "protected": True,
                }
            )


def test_admin_still_manages_unprotected_rules(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        rule = env["ir.rule"].create(
            {
                "name": "Own rule",
                "model_id": env["ir.model"].sudo()._get_id("sale.order"),
                "domain_force": "[('state', '!=', 'cancel')]",
                "protected": False,
            }
        )
        rule.write({"domain_force": "[('state', '=', 'draft')]", "protected": False})
        copy = rule.copy()
        assert not copy.protected
        (rule | copy).unlink()
        assert not rule.sudo().exists()


def test_copying_a_protected_rule_gives_an_unprotected_rule(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        copy = _new_rule(env, protected=True).with_env(env).copy({"name": "Copy"})
        assert not copy.protected


@pytest.mark.parametrize("uid", [1, ADMIN], ids=["system-user", "admin-sudo"])
def test_superuser_may_change_unprotect_and_delete_protected_rules(
    instance: Instance, addon_db: str, uid: int
) -> None:
    with rollback_env(instance, addon_db, uid=uid) as env:
        rule = env.ref(PROTECTED).sudo()
        rule.write({"name": "renamed by the operator"})
        rule.write({"protected": False})
        rule.write({"protected": True})
        rule.unlink()
        assert not rule.exists()
        assert _new_rule(env, protected=True).protected


@pytest.mark.parametrize("group", ["base.group_portal", "base.group_user"])
def test_users_without_write_access_to_rules_are_refused_before_protected_rules_are_named(
    instance: Instance, addon_db: str, group: str
) -> None:
    """The refusal names the protected rules: only users who may change rules at all see it."""
    with rollback_env(instance, addon_db) as su_env:
        outsider = su_env["res.users"].create(
            {"name": "Outsider", "login": "outsider", "groups_id": [(6, 0, [su_env.ref(group).id])]}
        )
        rule = su_env.ref(PROTECTED).with_env(su_env(user=outsider.id))
        changes = (lambda: rule.write({"name": "x"}), lambda: rule.write({"protected": False}), rule.unlink)
        for change in changes:
            with pytest.raises(AccessError) as caught:
                change()
            assert "res.partner company" not in str(caught.value)
            assert "not allowed to" in str(caught.value)
