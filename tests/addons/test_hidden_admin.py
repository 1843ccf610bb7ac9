"""hidden_admin: the admin user and its partner are invisible to the client's users."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.testing import rollback_env
from tests.addons.conftest import ADMIN

ADDONS = ["hidden_admin", "sale_demo"]
ADMIN_GROUPS = [
    "base.group_user",
    "base.group_erp_manager",
    "base.group_system",
    "base.group_partner_manager",
]


def _client_admin(env: Environment) -> Any:
    """Another administrator of the client database (a normal user with the admin groups)."""
    return (
        env["res.users"]
        .sudo()
        .create(
            {
                "name": "Client Admin",
                "login": "client-admin",
                "groups_id": [(6, 0, [env.ref(x).id for x in ADMIN_GROUPS])],
            }
        )
    )


def _admin_partner_id(env: Environment) -> int:
    return int(env["res.users"].sudo().browse(ADMIN).partner_id.id)


def test_searches_by_another_administrator_leave_the_admin_out(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        other = _client_admin(su_env)
        env = su_env(user=other.id)
        partner_id = _admin_partner_id(env)
        users = env["res.users"].with_context(active_test=False).search([])
        assert other.id in users.ids
        assert ADMIN not in users.ids
        assert env["res.users"].search_count([("login", "=", "admin")]) == 0
        assert env["res.users"].name_search("Administrator") == []
        partners = env["res.partner"].search([])
        assert partners and partner_id not in partners.ids
        assert env["res.partner"].search_count([("id", "=", partner_id)]) == 0


def test_reading_the_admin_user_or_partner_by_id_is_an_access_error(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as su_env:
        other = _client_admin(su_env)
        env = su_env(user=other.id)
        with pytest.raises(AccessError):
            env["res.users"].browse(ADMIN).read(["login"])
        with pytest.raises(AccessError):
            env["res.partner"].browse(_admin_partner_id(env)).read(["name"])
        with pytest.raises(AccessError):
            env["res.users"].browse(ADMIN).write({"name": "Renamed"})


def test_the_admin_still_sees_itself(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        assert ADMIN in env["res.users"].search([]).ids
        assert env["res.users"].browse(ADMIN).read(["login"])[0]["login"] == "admin"
        assert _admin_partner_id(env) in env["res.partner"].search([]).ids


def test_the_superuser_sees_the_admin(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        other = _client_admin(su_env)
        env = su_env(user=other.id)
        assert ADMIN in env["res.users"].sudo().search([]).ids
        assert _admin_partner_id(env) in env["res.partner"].sudo().search([]).ids
        assert env["res.users"].sudo().browse(ADMIN).is_hidden


def test_only_the_superuser_may_hide_or_reveal_records(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        partner = env["res.partner"].create({"name": "Customer"})
        with pytest.raises(AccessError, match=r"Only the superuser may hide or reveal res\.partner"):
            partner.write({"is_hidden": True})
        with pytest.raises(AccessError, match=r"hide or reveal res\.users"):
            env["res.users"].browse(ADMIN).write({"is_hidden": False})
        with pytest.raises(AccessError, match=r"hide or reveal res\.partner"):
            env["res.partner"].create({"name": "Ghost", "is_hidden": True})
        partner.sudo().write({"is_hidden": True})
        other = _client_admin(env)
        assert partner.id not in env(user=other.id)["res.partner"].search([]).ids


def test_rewriting_a_groups_users_keeps_the_hidden_admin_in_it(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        other = _client_admin(su_env)
        env = su_env(user=other.id)
        settings = env.ref("base.group_system")
        assert ADMIN not in settings.users.ids  # hidden from the other administrator
        settings.write({"users": [(6, 0, settings.users.ids)]})
        assert ADMIN in su_env.ref("base.group_system").users.ids
        settings.write({"users": [(5,)]})
        assert ADMIN in su_env.ref("base.group_system").users.ids
        assert other.id not in su_env.ref("base.group_system").users.ids
        assert su_env["res.users"].browse(ADMIN).has_group("base.group_system")


def test_naming_the_hidden_admin_in_a_groups_users_is_refused(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        other = _client_admin(su_env)
        env = su_env(user=other.id)
        settings = env.ref("base.group_system")
        with pytest.raises(AccessError, match=r"\(res.users\)"):
            settings.write({"users": [(3, ADMIN)]})
        with pytest.raises(AccessError, match=r"\(res.users\)"):
            settings.write({"users": [(6, 0, [other.id, ADMIN])]})
        assert su_env["res.users"].browse(ADMIN).has_group("base.group_system")


def test_the_superuser_may_remove_the_admin_from_groups(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        env.ref("sale_demo.group_sale_manager").sudo().write({"users": [(3, ADMIN)]})
        assert not env.user.has_group("sale_demo.group_sale_manager")
