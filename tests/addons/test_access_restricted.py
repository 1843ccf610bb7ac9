"""access_restricted: an administrator can neither grant nor see groups beyond their own."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.testing import rollback_env
from tests.addons.conftest import ADMIN

ADDONS = ["access_restricted", "sale_demo"]


def _secret_group(env: Environment) -> Any:
    """A group the administrator does not have (made by the operator)."""
    return env["res.groups"].sudo().create({"name": "Operator only"})


def _clerk(env: Environment) -> Any:
    return (
        env["res.users"]
        .sudo()
        .create(
            {
                "name": "Clerk",
                "login": "clerk",
                "groups_id": [(6, 0, [env.ref("base.group_user").id])],
            }
        )
    )


def test_admin_sees_only_the_groups_they_have_implied_ones_included(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        secret = _secret_group(env)
        mine = env.user._effective_group_ids()
        seen = env["res.groups"].search([])
        assert set(seen.ids) == mine
        assert secret.id not in seen.ids
        # Held through sale_demo.group_sale_manager only: still visible.
        assert env.ref("sale_demo.group_sale_salesman").id in seen.ids
        assert env["res.groups"].search_count([("name", "=", "Operator only")]) == 0
        with pytest.raises(AccessError):
            env["res.groups"].browse(secret.id).read(["name"])


def test_admin_cannot_give_a_user_a_group_they_lack(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        secret = _secret_group(env)
        clerk = _clerk(env).with_env(env)
        with pytest.raises(AccessError, match="access rights you do not have yourself"):
            clerk.write({"groups_id": [(4, secret.id)]})
        with pytest.raises(AccessError, match="access rights you do not have yourself"):
            clerk.write({"groups_id": [(6, 0, [env.ref("base.group_user").id, secret.id])]})
        assert secret.id not in clerk.sudo().groups_id.ids


def test_admin_cannot_create_a_user_with_a_group_they_lack(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        secret = _secret_group(env)
        with pytest.raises(AccessError, match="the new user 'spy'"):
            env["res.users"].create({"name": "Spy", "login": "spy", "groups_id": [(4, secret.id)]})
        assert not env["res.users"].sudo().search([("login", "=", "spy")])


def test_admin_cannot_add_users_to_a_group_they_lack(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        secret = _secret_group(env)
        clerk = _clerk(env)
        with pytest.raises(AccessError):
            env["res.groups"].browse(secret.id).write({"users": [(4, clerk.id)]})
        with pytest.raises(AccessError, match="not one of your groups"):
            env["res.groups"].create({"name": "Fresh", "users": [(4, clerk.id)]})
        assert clerk.id not in secret.users.ids


def test_admin_cannot_make_groups_imply_a_group_they_lack(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        secret = _secret_group(env)
        salesman = env.ref("sale_demo.group_sale_salesman")
        with pytest.raises(AccessError, match="the members of group"):
            salesman.write({"implied_ids": [(4, secret.id)]})
        with pytest.raises(AccessError, match="a new group's members"):
            env["res.groups"].create({"name": "Wide", "implied_ids": [(4, secret.id)]})
        assert secret.id not in salesman.sudo().implied_ids.ids


def test_admin_grants_and_implies_the_groups_they_have(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        clerk = _clerk(env).with_env(env)
        salesman = env.ref("sale_demo.group_sale_salesman")
        clerk.write({"groups_id": [(4, salesman.id)]})
        assert clerk.has_group("sale_demo.group_sale_salesman")
        group = env["res.groups"].create({"name": "Team", "implied_ids": [(4, salesman.id)]})
        assert group.sudo().implied_ids == salesman
        manager = env.ref("sale_demo.group_sale_manager")
        manager.write({"users": [(4, clerk.id)]})
        assert clerk.has_group("sale_demo.group_sale_manager")


def test_replacing_a_users_groups_keeps_the_groups_the_admin_cannot_see(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        secret = _secret_group(env)
        clerk = _clerk(env)
        clerk.write({"groups_id": [(4, secret.id)]})
        as_admin = clerk.with_env(env)
        assert secret.id not in as_admin.groups_id.ids  # the admin is not shown it
        salesman = env.ref("sale_demo.group_sale_salesman")
        as_admin.write({"groups_id": [(6, 0, [*as_admin.groups_id.ids, salesman.id])]})
        assert {secret.id, salesman.id} <= set(clerk.groups_id.ids)
        as_admin.write({"groups_id": [(5,)]})
        assert clerk.groups_id == secret


def test_superuser_grants_and_sees_any_group(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        secret = _secret_group(env)
        clerk = _clerk(env)  # sudo
        clerk.write({"groups_id": [(4, secret.id)]})
        secret.write({"users": [(4, ADMIN)], "implied_ids": [(4, env.ref("base.group_no_one").id)]})
        # Now one of the administrator's groups: visible and grantable by them.
        assert secret.id in env["res.groups"].search([]).ids
        env["res.users"].create({"name": "Aide", "login": "aide", "groups_id": [(4, secret.id)]})
    with rollback_env(instance, addon_db) as env:
        assert env.su
        everything = env["res.groups"].search([])
        assert set(everything.ids) > env["res.users"].browse(ADMIN)._effective_group_ids()


@pytest.mark.parametrize("group", ["base.group_portal", "base.group_user"])
def test_users_who_may_not_change_users_or_groups_learn_nothing_of_their_groups(
    instance: Instance, addon_db: str, group: str
) -> None:
    """The grant analysis reads groups as the superuser: the access check comes first, so
    its answer cannot tell whether the admin holds a group."""
    with rollback_env(instance, addon_db) as su_env:
        secret = _secret_group(su_env)
        outsider = su_env["res.users"].create(
            {"name": "Outsider", "login": "outsider", "groups_id": [(6, 0, [su_env.ref(group).id])]}
        )
        env = su_env(user=outsider.id)
        admin = env["res.users"].browse(ADMIN)
        system = su_env.ref("base.group_system")
        probes = [
            lambda: admin.write({"groups_id": [(6, 0, [secret.id])]}),
            lambda: admin.write({"groups_id": [(6, 0, [system.id])]}),
            lambda: env["res.groups"].browse(system.id).write({"implied_ids": [(6, 0, [secret.id])]}),
            lambda: env["res.groups"].browse(system.id).write({"users": [(4, ADMIN)]}),
        ]
        for probe in probes:
            with pytest.raises(AccessError) as caught:
                probe()
            assert "not allowed to modify" in str(caught.value), str(caught.value)


def test_admin_cannot_hand_out_default_groups_they_lack(instance: Instance, addon_db: str) -> None:
    """A user created without groups gets the template user's: the admin must hold them too."""
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        plain = env["res.users"].create({"name": "Plain", "login": "plain"})  # defaults the admin has
        assert plain.sudo().has_group("base.group_user")
        secret = _secret_group(env)
        env.ref("base.default_user").sudo().write({"groups_id": [(4, secret.id)]})
        env.ref("base.user_admin").sudo().write({"groups_id": [(3, secret.id)]})  # spread to them
        with pytest.raises(AccessError, match="the new user 'spy'"):
            env["res.users"].create({"name": "Spy", "login": "spy"})
        assert not env["res.users"].sudo().search([("login", "=", "spy")])
