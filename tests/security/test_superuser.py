"""Superuser mode: uid 1 and ``sudo()`` bypass ACLs and rules; the admin (uid 2) does not."""

from __future__ import annotations

import pytest

from tenantry.exceptions import AccessError
from tenantry.orm.environment import SUPERUSER_ID, Environment
from tests.security.helpers import grant, make_rule, make_user


def test_uid_1_is_always_superuser(env: Environment) -> None:
    system = Environment(env.cr, SUPERUSER_ID)
    assert system.su and system(su=False).su
    assert env["test.thing"].with_user(SUPERUSER_ID).env.su


def test_superuser_bypasses_acl_and_rules(env: Environment) -> None:
    make_rule(env, "test.thing", "[(0, '=', 1)]")  # and no ACL row on test.thing
    total = env["test.thing"].search_count([])
    assert total >= 1
    system = Environment(env.cr, SUPERUSER_ID)
    assert system["test.thing"].search_count([]) == total
    thing = system["test.thing"].create({"name": "by the system"})
    thing.write({"name": "renamed"})
    thing.unlink()


def test_admin_is_subject_to_rules_unless_sudo(env: Environment) -> None:
    admin = env.ref("base.user_admin")
    assert admin.id == 2
    grant(env, "test.thing", "base.group_system", "rwcu")
    make_rule(env, "test.thing", "[(0, '=', 1)]")
    things = env["test.thing"].with_user(admin)
    assert not things.env.su
    assert things.search_count([]) == 0
    with pytest.raises(AccessError, match="top-secret"):
        things.browse(env.ref("test_orm.thing_root").id).read(["name"])
    assert things.sudo().search_count([]) == env["test.thing"].search_count([]) >= 1
    assert things.sudo().browse(env.ref("test_orm.thing_root").id).name == "root"


def test_with_user_turns_superuser_mode_off(env: Environment) -> None:
    user = make_user(env, "plain")
    assert env.su
    mine = env["test.thing"].with_user(user)
    assert mine.env.uid == user.id and not mine.env.su
    assert mine.sudo().env.su and mine.sudo().env.uid == user.id
    assert not mine.sudo().with_user(env.ref("base.user_admin")).env.su
    assert not mine.sudo().sudo(False).env.su
    with pytest.raises(AccessError):
        mine.search([])
    assert mine.sudo().search_count([]) >= 1


def test_sudo_is_idempotent_and_keeps_the_user(env: Environment) -> None:
    user = make_user(env, "keeper")
    mine = env["test.thing"].with_user(user)
    assert mine.sudo().sudo().env == mine.sudo().env
    assert mine.sudo().env.user == user
