"""access_settings_menu: a non-administrator group that may read the settings."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.testing import rollback_env
from tenantry.views import visible_menus
from tests.addons.conftest import ADMIN

ADDONS = ["access_settings_menu", "sale_demo"]
SETTINGS_MENU = "access_settings_menu.group_show_settings_menu"
SECRET_KEY = "saas_client.secret_token"


def _user(env: Environment, login: str, *groups: str) -> Any:
    return env["res.users"].create(
        {"name": login.title(), "login": login, "groups_id": [(6, 0, [env.ref(g).id for g in groups])]}
    )


def test_an_internal_user_without_the_group_cannot_read_settings(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        clerk = _user(su_env, "clerk", "base.group_user")
        env = su_env(user=clerk.id)
        with pytest.raises(AccessError, match=r"(?s)System Parameter.*Administration/Show Settings menu"):
            env["ir.config_parameter"].search([])


def test_the_group_reads_settings_without_being_an_administrator(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        reader = _user(su_env, "reader", SETTINGS_MENU)
        env = su_env(user=reader.id)
        assert reader.has_group("base.group_user")
        assert not reader.has_group("base.group_system")
        assert env["ir.config_parameter"].get_param("database.uuid")
        assert env["ir.config_parameter"].search_count([("key", "=", "database.uuid")]) == 1


def test_the_group_cannot_change_settings(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        env = su_env(user=_user(su_env, "reader", SETTINGS_MENU).id)
        params = env["ir.config_parameter"]
        with pytest.raises(AccessError, match="not allowed to modify"):
            params.search([("key", "=", "database.uuid")]).write({"value": "x"})
        with pytest.raises(AccessError, match="not allowed to create"):
            params.set_param("new.key", "1")
        with pytest.raises(AccessError, match="not allowed to delete"):
            params.search([("key", "=", "database.uuid")]).unlink()


def test_the_group_does_not_see_secret_parameters(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        su_env["ir.config_parameter"].set_param(SECRET_KEY, "s3cr3t")
        reader = _user(su_env, "reader", SETTINGS_MENU)
        env = su_env(user=reader.id)
        assert env["ir.config_parameter"].get_param(SECRET_KEY) is False
        secret = su_env["ir.config_parameter"].search([("key", "=", SECRET_KEY)])
        with pytest.raises(AccessError):
            secret.with_env(env).read(["value"])
        # Administrators see everything, with or without the group.
        admin_env = su_env(user=ADMIN)
        assert admin_env["ir.config_parameter"].get_param(SECRET_KEY) == "s3cr3t"
        su_env.ref(SETTINGS_MENU).write({"users": [(4, ADMIN)]})
        assert admin_env["ir.config_parameter"].get_param(SECRET_KEY) == "s3cr3t"


def test_the_group_edits_its_own_company_only(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        other = su_env["res.company"].create({"name": "Elsewhere Ltd"})
        env = su_env(user=_user(su_env, "reader", SETTINGS_MENU).id)
        env.company.with_env(env).write({"name": "Renamed Ltd"})
        assert su_env.ref("base.main_company").name == "Renamed Ltd"
        with pytest.raises(AccessError):
            other.with_env(env).write({"name": "Taken over"})
        with pytest.raises(AccessError, match="not allowed to create"):
            env["res.company"].create({"name": "New Co"})
        clerk_env = su_env(user=_user(su_env, "clerk", "base.group_user").id)
        with pytest.raises(AccessError, match="not allowed to modify"):
            clerk_env.company.with_env(clerk_env).write({"name": "Nope"})


def test_the_superuser_reads_and_changes_every_setting(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        env["ir.config_parameter"].set_param(SECRET_KEY, "s3cr3t")
        assert env["ir.config_parameter"].get_param(SECRET_KEY) == "s3cr3t"
        assert env["ir.config_parameter"].sudo().set_param(SECRET_KEY, "other") == "s3cr3t"


def test_the_group_sees_the_settings_menu_and_others_do_not(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        reader = su_env(user=_user(su_env, "reader", SETTINGS_MENU).id)
        clerk = su_env(user=_user(su_env, "clerk", "base.group_user").id)
        assert "Settings" in [m.name for m in visible_menus(reader)]
        assert "Settings" not in [m.name for m in visible_menus(clerk)]
