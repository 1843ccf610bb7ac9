"""Groups: implied-group closure, exclusive user types, the computed ``share`` flag."""

from __future__ import annotations

import pytest

from tenantry.exceptions import ValidationError
from tenantry.orm.environment import Environment
from tests.security.helpers import make_group, make_user

ONE_TYPE = "The user cannot have more than one user types."


def test_has_group_is_true_for_implied_groups(env: Environment) -> None:
    manager = make_user(env, "manager", ["sale_demo.group_sale_manager"])
    for xml_id in (
        "sale_demo.group_sale_manager",
        "sale_demo.group_sale_salesman_all_leads",
        "sale_demo.group_sale_salesman",
        "base.group_user",
    ):
        assert manager.has_group(xml_id), xml_id
    assert not manager.has_group("base.group_system")
    assert not manager.has_group("base.group_portal")


def test_policy_groups_are_the_transitive_closure(env: Environment) -> None:
    top = make_group(env, "Top", implied=[make_group(env, "Middle", implied=["base.group_user"])])
    user = make_user(env, "closure", [top])
    groups = env.cr.policy.groups(env, user.id)  # type: ignore[attr-defined]
    middle = top.implied_ids
    assert {top.id, middle.id, env.ref("base.group_user").id} <= groups
    assert env.ref("base.group_portal").id not in groups


def test_implied_cycles_are_harmless(env: Environment) -> None:
    first = make_group(env, "Cycle A")
    second = make_group(env, "Cycle B", implied=[first])
    first.write({"implied_ids": [(4, second.id)]})
    user = make_user(env, "cycle", [first])
    assert {first.id, second.id} <= env.cr.policy.groups(env, user.id)  # type: ignore[attr-defined]


def test_internal_and_portal_directly_is_refused(env: Environment) -> None:
    with pytest.raises(ValidationError, match=ONE_TYPE):
        make_user(env, "both", ["base.group_user", "base.group_portal"])


def test_internal_through_implication_and_portal_is_refused(env: Environment) -> None:
    with pytest.raises(ValidationError, match=ONE_TYPE):
        make_user(env, "both", ["sale_demo.group_sale_salesman", "base.group_portal"])


def test_adding_an_internal_group_to_a_portal_user_is_refused(env: Environment) -> None:
    portal = make_user(env, "portal", ["base.group_portal"])
    with pytest.raises(ValidationError, match=ONE_TYPE):
        portal.write({"groups_id": [(4, env.ref("sale_demo.group_sale_manager").id)]})


def test_portal_and_public_is_refused(env: Environment) -> None:
    with pytest.raises(ValidationError, match=ONE_TYPE):
        make_user(env, "both", ["base.group_public", "base.group_portal"])


@pytest.mark.parametrize(
    ("groups", "share"),
    [
        (["base.group_user"], False),
        (["sale_demo.group_sale_salesman"], False),
        (["base.group_system"], False),
        (["base.group_portal"], True),
        (["base.group_public"], True),
        ([], True),
        (["base.group_no_one"], True),
    ],
)
def test_share_is_computed_from_the_user_type(env: Environment, groups: list[str], share: bool) -> None:
    assert make_user(env, "sharer", groups).share is share


def test_share_follows_a_change_of_groups(env: Environment) -> None:
    user = make_user(env, "demoted", ["base.group_user"])
    assert user.share is False
    user.write({"groups_id": [(6, 0, [env.ref("base.group_portal").id])]})
    assert user.share is True


def test_share_follows_a_later_change_of_implied_groups(env: Environment) -> None:
    bridge = env["res.groups"].create({"name": "Bridge"})
    user = env["res.users"].create({"name": "Late", "login": "late", "groups_id": [(6, 0, [bridge.id])]})
    assert user.share
    bridge.write({"implied_ids": [(4, env.ref("base.group_user").id)]})
    assert not user.share
