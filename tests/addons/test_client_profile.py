"""The five hardening addons together, as a SaaS client database gets them."""

from __future__ import annotations

import pytest

from tenantry.exceptions import AccessError
from tenantry.instance import Instance
from tenantry.testing import rollback_env
from tests.addons.conftest import ADMIN

ADDONS = [
    "ir_rule_protected",
    "access_restricted",
    "hidden_admin",
    "access_apps",
    "access_settings_menu",
    "sale_demo",
]


def test_the_admin_neither_sees_nor_grants_the_apps_group(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        apps = env(su=True).ref("access_apps.group_allow_apps")
        assert apps.id not in env["res.groups"].search([]).ids
        with pytest.raises(AccessError, match="access rights you do not have yourself"):
            env["res.users"].browse(ADMIN).write({"groups_id": [(4, apps.id)]})
        with pytest.raises(AccessError, match="may upgrade addons"):
            env["ir.module.module"].search([("name", "=", "base")]).button_immediate_upgrade()


def test_another_administrator_cannot_drop_the_hidden_admin_from_a_group(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as su_env:
        groups = ["base.group_user", "base.group_erp_manager", "base.group_system"]
        other = su_env["res.users"].create(
            {"name": "Other", "login": "other", "groups_id": [(6, 0, [su_env.ref(g).id for g in groups])]}
        )
        env = su_env(user=other.id)
        settings = env.ref("base.group_system")
        assert ADMIN not in settings.users.ids
        settings.write({"users": [(6, 0, [other.id])]})
        assert su_env["res.users"].browse(ADMIN).has_group("base.group_system")
        assert ADMIN not in env["res.users"].search([]).ids


def test_the_admin_cannot_loosen_the_company_rules(instance: Instance, addon_db: str) -> None:
    with (
        rollback_env(instance, addon_db, uid=ADMIN) as env,
        pytest.raises(AccessError, match="protected record rules"),
    ):
        env.ref("base.res_partner_rule").write({"domain_force": "[(1, '=', 1)]"})


def test_a_settings_reader_is_not_an_administrator(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        reader = su_env["res.users"].create(
            {
                "name": "Reader",
                "login": "reader",
                "groups_id": [(6, 0, [su_env.ref("access_settings_menu.group_show_settings_menu").id])],
            }
        )
        env = su_env(user=reader.id)
        assert env["ir.config_parameter"].get_param("database.uuid")
        with pytest.raises(AccessError):
            env["ir.module.module"].search([("name", "=", "sale_demo")]).button_immediate_uninstall()
