"""saas_client: the cap on active internal users, blocking, banners, the owner user."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tenantry.addons.saas_client.models.limits import ClientLimits, about
from tenantry.exceptions import AccessDenied, AccessError, DatabaseBlocked, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.security import auth
from tenantry.testing import rollback_env
from tests.addons.conftest import ADMIN

ADDONS = ["saas_client"]
NOW = dt.datetime(2026, 12, 3, 12, 0, 0)


def _internal_count(env: Environment) -> int:
    return env["res.users"].search_count([("share", "=", False), ("id", "!=", 1)])


def _user(env: Environment, login: str, group: str = "base.group_user", **vals: Any) -> Any:
    return env["res.users"].create(
        {"name": login.title(), "login": login, "groups_id": [(6, 0, [env.ref(group).id])], **vals}
    )


def test_the_owner_is_an_administrator_not_the_superuser(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        owner = env.ref("saas_client.owner_user")
        assert owner.id != 1 and owner.active
        assert owner.has_group("base.group_system") and owner.has_group("base.group_erp_manager")
        assert env["ir.config_parameter"].get_param("saas_client.owner_user") == "saas_client.owner_user"
        # It manages users as itself (ACLs apply, no superuser mode).
        as_owner = env(user=owner.id, su=False)
        assert not as_owner.su
        as_owner["res.users"].create({"name": "Clerk", "login": "clerk-by-owner"})


def test_max_users_caps_creation_and_reactivation_not_portal_users(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as su_env:
        env = su_env(user=ADMIN, su=False)
        spare = _user(su_env, "spare")
        spare.write({"active": False})
        su_env["ir.config_parameter"].set_param("saas_client.max_users", _internal_count(su_env) + 1)
        _user(env, "one")  # at the limit
        with pytest.raises(ValidationError, match=r"at most \d+ active users"), su_env.cr.savepoint():
            _user(env, "two")
        with pytest.raises(ValidationError, match="at most"), su_env.cr.savepoint():
            spare.with_env(env).write({"active": True})
        # Portal users are shared: not counted; making one internal is.
        portal = _user(env, "customer", "base.group_portal")
        assert portal.share
        with pytest.raises(ValidationError, match="at most"), su_env.cr.savepoint():
            portal.with_env(env).write({"groups_id": [(6, 0, [su_env.ref("base.group_user").id])]})
        nobody = su_env["res.users"].create({"name": "Nobody", "login": "nobody", "groups_id": [(6, 0, [])]})
        assert nobody.share
        # From the group's side.
        with pytest.raises(ValidationError, match="at most"), su_env.cr.savepoint():
            su_env.ref("base.group_user").write({"users": [(4, nobody.id)]})
        # Archiving one frees a seat; other writes of counted users are not refused.
        su_env.ref("saas_client.owner_user").write({"active": False})
        spare.with_env(env).write({"active": True, "name": "Spare again"})
        # 0 or no parameter: no limit.
        su_env["ir.config_parameter"].set_param("saas_client.max_users", "0")
        _user(env, "three")
        su_env["ir.config_parameter"].set_param("saas_client.max_users", False)
        _user(env, "four")


def test_only_the_provider_changes_the_limits_not_the_clients_administrators(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as su_env:
        su_env["ir.config_parameter"].set_param("saas_client.max_users", "5")
        owner = su_env(user=su_env.ref("saas_client.owner_user").id, su=False)
        params = owner["ir.config_parameter"]
        with pytest.raises(AccessError, match="service provider"):
            params.set_param("saas_client.max_users", "500")
        with pytest.raises(AccessError, match="service provider"):
            params.set_param("saas_client.suspended", "0")
        with pytest.raises(AccessError, match="service provider"):
            params.search([("key", "=", "saas_client.max_users")]).unlink()
        other = params.create({"key": "my.key", "value": "1"})
        with pytest.raises(AccessError, match="service provider"):
            other.write({"key": "saas_client.max_users"})
        params.set_param("my.key", "2")  # other parameters stay theirs
        assert su_env["ir.config_parameter"].get_param("saas_client.max_users") == "5"


def test_a_malformed_cap_refuses_new_users_rather_than_lifting_the_limit(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as env:
        env["ir.config_parameter"].set_param("saas_client.max_users", "ten")
        with pytest.raises(ValidationError, match="not a number"):
            _user(env, "someone")


def test_a_suspended_or_expired_client_refuses_logins_but_the_superuser(
    instance: Instance, addon_db: str
) -> None:
    with instance.env(addon_db) as env:
        env.ref("base.user_admin").write({"password": "admin"})
    try:
        assert auth.authenticate(instance, addon_db, "admin", "admin") == ADMIN
        with instance.env(addon_db) as env:
            env["ir.config_parameter"].set_param("saas_client.suspended", "1")
        for password in ("admin", "wrong"):  # no password is tried: the answer is the same
            with pytest.raises(DatabaseBlocked, match="suspended"):
                auth.authenticate(instance, addon_db, "admin", password)
        with instance.env(addon_db) as env:
            auth.check_open(env, 1)  # the superuser goes on
            with pytest.raises(DatabaseBlocked):
                auth.check_open(env, ADMIN)
            params = env["ir.config_parameter"]
            params.set_param("saas_client.suspended", False)
            past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
            params.set_param("saas_client.expiration_datetime", past.strftime("%Y-%m-%d %H:%M:%S"))
            auth.check_open(env, ADMIN)  # expired, but not blocking on expiration
            params.set_param("saas_client.block_on_expiration", "True")
        with pytest.raises(DatabaseBlocked, match="expired"):
            auth.authenticate(instance, addon_db, "admin", "admin")
        with instance.env(addon_db) as env:  # extended: open again
            later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
            env["ir.config_parameter"].set_param(
                "saas_client.expiration_datetime", later.strftime("%Y-%m-%d %H:%M:%S")
            )
        assert auth.authenticate(instance, addon_db, "admin", "admin") == ADMIN
        with pytest.raises(AccessDenied):  # blocked attempts were not counted as failures
            auth.authenticate(instance, addon_db, "admin", "wrong")
    finally:
        with instance.env(addon_db) as env:
            for key in ("suspended", "expiration_datetime", "block_on_expiration"):
                env["ir.config_parameter"].set_param(f"saas_client.{key}", False)


def test_limits_read_from_parameters_and_their_banners() -> None:
    limits = ClientLimits.from_params(
        {
            "saas_client.expiration_datetime": "2026-12-03 15:59:00",
            "saas_client.total_storage_limit": "500",
            "saas_client.max_users": "3",
        }
    )
    assert limits.max_users == 3 and not limits.blocked(NOW)
    assert limits.notices(NOW, 410 * 1024 * 1024) == [
        "Your trial expires in about 4 hours.",
        "Storage 82 % of 500 MB",
    ]
    assert limits.blocked(NOW + dt.timedelta(hours=5)) == ""  # no block_on_expiration
    blocking = ClientLimits.from_params(
        {
            "saas_client.expiration_datetime": "2026-12-03T12:00:00+00:00",
            "saas_client.block_on_expiration": "1",
        }
    )
    assert "expired" in blocking.blocked(NOW) and not blocking.blocked(NOW - dt.timedelta(seconds=1))
    assert ClientLimits.from_params({"saas_client.suspended": "true"}).blocked(NOW)
    assert ClientLimits.from_params({"saas_client.max_users": "x"}).max_users_error == "x"
    assert [about(dt.timedelta(seconds=s)) for s in (30, 3600, 3 * 86400)] == [
        "about 1 minute",
        "about 1 hour",
        "about 3 days",
    ]
