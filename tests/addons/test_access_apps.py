"""access_apps: only the 'Allow installing apps' group installs, upgrades or uninstalls addons."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.testing import rollback_env
from tenantry.views import visible_menus
from tests.addons.conftest import ADMIN

ADDONS = ["access_apps", "sale_demo"]
APPS = "access_apps.group_allow_apps"


def _module(env: Environment, name: str) -> Any:
    return env["ir.module.module"].search([("name", "=", name)])


def _state(env: Environment, name: str) -> str:
    """The addon's state as stored now (the cache predates the install)."""
    env.cr.invalidate()
    return str(_module(env(su=True), name).state)


def test_only_the_system_user_is_in_the_apps_group(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        group = env.ref(APPS).with_context(active_test=False)
        assert group.users.ids == [1]  # __system__, an inactive user
        assert group.name == "Allow installing apps"
        assert not env["res.users"].browse(ADMIN).has_group(APPS)
        assert env["res.users"].browse(ADMIN).has_group("base.group_system")


def test_admin_cannot_install_upgrade_or_uninstall_addons(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        uninstalled = _module(env, "hidden_admin")
        installed = _module(env, "sale_demo")
        assert uninstalled.state == "uninstalled" and installed.state == "installed"
        message = r"Only members of the group 'Administration / Allow installing apps' may install"
        with pytest.raises(AccessError, match=message):
            uninstalled.button_immediate_install()
        with pytest.raises(AccessError, match=r"may not upgrade sale_demo"):
            installed.button_immediate_upgrade()
        with pytest.raises(AccessError, match=r"Administrator \(id 2\) may not uninstall sale_demo"):
            installed.button_immediate_uninstall()
        assert env.cr.postcommit == []
        assert _state(env, "hidden_admin") == "uninstalled"


def test_admin_cannot_change_addon_records(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        with pytest.raises(AccessError, match="may change addons"):
            _module(env, "sale_demo").write({"state": "to remove"})
        with pytest.raises(AccessError, match="may remove addons"):
            _module(env, "hidden_admin").unlink()
        with pytest.raises(AccessError, match="may register addons"):
            env["ir.module.module"].create({"name": "rogue"})


def test_admin_still_reads_the_addon_list(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        rows = env["ir.module.module"].search_read([], ["name", "state"])
        assert {"name": "access_apps", "state": "installed"} in [
            {"name": r["name"], "state": r["state"]} for r in rows
        ]


def test_an_internal_user_cannot_install_addons_either(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        clerk = su_env["res.users"].create(
            {"name": "Clerk", "login": "clerk", "groups_id": [(6, 0, [su_env.ref("base.group_user").id])]}
        )
        env = su_env(user=clerk.id)
        with pytest.raises(AccessError, match="may install"):
            _module(env, "hidden_admin").button_immediate_install()


def test_superuser_installs_addons(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        _module(env, "hidden_admin").sudo().button_immediate_install()
        assert _state(env, "hidden_admin") == "installed"


def test_a_member_of_the_apps_group_installs_addons(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        su_env.ref(APPS).write({"users": [(4, ADMIN)]})
        env = su_env(user=ADMIN)
        assert env.user.has_group(APPS)
        _module(env, "access_settings_menu").button_immediate_install()
        assert _state(su_env, "access_settings_menu") == "installed"


@pytest.mark.parametrize("group", ["base.group_portal", "base.group_public"])
def test_the_refusal_names_no_addon_the_caller_may_not_read(
    instance: Instance, addon_db: str, group: str
) -> None:
    """The ids come from the caller: a user who may not read addons learns no name from them."""
    with rollback_env(instance, addon_db) as su_env:
        outsider = su_env["res.users"].create(
            {"name": "Outsider", "login": "outsider", "groups_id": [(6, 0, [su_env.ref(group).id])]}
        )
        modules = su_env["ir.module.module"].search([]).with_env(su_env(user=outsider.id))
        for button in ("button_immediate_install", "button_immediate_upgrade", "button_immediate_uninstall"):
            with pytest.raises(AccessError, match="may not") as caught:
                getattr(modules, button)()
            assert not any(name in str(caught.value) for name in ("sale_demo", "access_apps", "base,"))


def test_the_apps_menu_shows_only_to_the_apps_group(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        admin = env(user=ADMIN)
        assert "Apps" not in [m.name for m in visible_menus(admin)]
        env["res.users"].browse(ADMIN).write({"groups_id": [(4, env.ref(APPS).id)]})
        assert "Apps" in [m.name for m in visible_menus(admin)]
