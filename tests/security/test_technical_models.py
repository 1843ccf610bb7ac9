"""The technical models guard themselves: addons change through their owners only."""

from __future__ import annotations

import pytest

from tenantry.exceptions import AccessError, UserError
from tenantry.orm.environment import Environment

from .helpers import as_user, make_user


def test_installing_addons_needs_write_access_on_modules(env: Environment) -> None:
    employee = make_user(env, "employee", groups=["base.group_user"])
    module = as_user(env, employee)["ir.module.module"].search([("name", "=", "sale_demo")])
    assert module  # readable by internal users
    with pytest.raises(AccessError, match="not allowed to modify"):
        module.button_immediate_upgrade()


def test_models_and_fields_are_not_deleted_by_administrators(env: Environment) -> None:
    admin_env = as_user(env, env.ref("base.user_admin"))
    with pytest.raises(UserError, match="uninstall the addon"):
        admin_env["ir.model"].search([("model", "=", "sale.order")]).unlink()
    with pytest.raises(UserError, match="uninstall the addon"):
        admin_env["ir.model.fields"].search([("model", "=", "sale.order")], limit=1).unlink()
    assert env["ir.rule"].search([("model_id.model", "=", "sale.order")])


def test_has_groups_reads_odoo_group_specs(env: Environment) -> None:
    salesman = make_user(env, "seller", groups=["sale_demo.group_sale_salesman"])
    assert salesman.has_groups("base.group_user")  # implied
    assert salesman.has_groups("base.group_system,sale_demo.group_sale_salesman")
    assert not salesman.has_groups("base.group_system")
    assert not salesman.has_groups("!base.group_user")
    assert salesman.has_groups("!base.group_portal")
    assert not salesman.has_groups(".")


def test_ir_model_access_check_answers_for_the_current_user(env: Environment) -> None:
    employee = make_user(env, "checker", groups=["base.group_user"])
    access = as_user(env, employee)["ir.model.access"]
    assert access.check("res.partner", "read") is True
    assert access.check("res.partner", "unlink", raise_exception=False) is False
    with pytest.raises(AccessError, match="not allowed to delete"):
        access.check("res.partner", "unlink")
