"""Groups: implied-group closure, stored implied groups, exclusive user types, ``share``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


# -- stored implied groups (Odoo 17: groups_id rows hold implied groups) -------------------

SALES = ("sale_demo.group_sale_manager", "sale_demo.group_sale_salesman_all_leads")
IMPLIED_BY_MANAGER = ("sale_demo.group_sale_salesman_all_leads", "sale_demo.group_sale_salesman")


def _rows(env: Environment, user: Any) -> set[int]:
    """The user's stored groups, read in SQL (what ``groups_id`` and searches see)."""
    return set(user._group_rows()[user.id])


def _ids(env: Environment, *xml_ids: str) -> set[int]:
    return {env.ref(x).id for x in xml_ids}


def _via_create(env: Environment, group: Any) -> Any:
    return make_user(env, "stored", [group])


def _via_write(env: Environment, group: Any) -> Any:
    user = make_user(env, "stored", [])
    user.write({"groups_id": [(4, group.id)]})
    return user


def _via_group_users(env: Environment, group: Any) -> Any:
    user = make_user(env, "stored", [])
    group.write({"users": [(4, user.id)]})
    return user


def _via_new_group(env: Environment, group: Any) -> Any:
    user = make_user(env, "stored", [])
    env["res.groups"].create({"name": "Carrier", "implied_ids": [(4, group.id)], "users": [(4, user.id)]})
    return user


def _via_new_implication(env: Environment, group: Any) -> Any:
    carrier = make_group(env, "Carrier")
    user = make_user(env, "stored", [carrier])
    carrier.write({"implied_ids": [(4, group.id)]})
    return user


GIVING = {
    "create": _via_create,
    "write groups_id": _via_write,
    "write group.users": _via_group_users,
    "create group with users": _via_new_group,
    "write implied_ids": _via_new_implication,
}


@pytest.mark.parametrize("how", list(GIVING))
def test_a_group_given_by_any_path_stores_what_it_implies(env: Environment, how: str) -> None:
    manager = env.ref("sale_demo.group_sale_manager")
    user = GIVING[how](env, manager)
    wanted = _ids(env, "sale_demo.group_sale_manager", *IMPLIED_BY_MANAGER, "base.group_user")
    assert wanted <= _rows(env, user)
    assert wanted <= set(user.groups_id.ids)
    assert user.id in env.ref("sale_demo.group_sale_salesman").users.ids
    for gid in wanted:  # searches see the stored rows
        assert user in env["res.users"].search([("groups_id", "in", gid)])
    assert user.share is False


def _link_on_user(user: Any, group: Any) -> None:
    user.write({"groups_id": [(4, group.id)]})


def _link_on_group(user: Any, group: Any) -> None:
    group.write({"users": [(4, user.id)]})


def _imply_from_a_held_group(user: Any, group: Any) -> None:
    held = user.env["res.groups"].create({"name": "Held", "users": [(4, user.id)]})
    held.write({"implied_ids": [(4, group.id)]})


@pytest.mark.parametrize("given", ["sale_demo.group_sale_manager", "sale_demo.group_sale_salesman"])
@pytest.mark.parametrize("change", [_link_on_user, _link_on_group, _imply_from_a_held_group])
def test_a_membership_change_is_seen_at_once_from_both_sides(
    env: Environment, change: Any, given: str
) -> None:
    """Cached values (the group's users, the user's groups, the policy's answers) follow,
    also when the given group implies nothing the user lacked."""
    user = make_user(env, "watched", ["base.group_user"])
    salesman = env.ref("sale_demo.group_sale_salesman")
    as_user = env(user=user.id)["res.users"]
    assert user not in salesman.users and salesman not in user.groups_id
    assert not as_user.has_group("sale_demo.group_sale_salesman")
    change(user, env.ref(given))
    assert user in salesman.users and salesman in user.groups_id
    assert as_user.has_group("sale_demo.group_sale_salesman")
    assert as_user.has_groups(f"{given},base.group_portal")


def test_removing_a_group_removes_what_only_it_implied(env: Environment) -> None:
    other = make_group(env, "Unrelated")
    user = make_user(env, "remover", ["sale_demo.group_sale_manager", other])
    user.write({"groups_id": [(3, env.ref("sale_demo.group_sale_manager").id)]})
    # The user type stays: it changes only when a write names it.
    assert _rows(env, user) == {other.id, env.ref("base.group_user").id}
    assert not user.has_group("sale_demo.group_sale_salesman")


def test_removing_a_user_from_a_group_removes_what_only_it_implied(env: Environment) -> None:
    user = make_user(env, "leaver", ["sale_demo.group_sale_manager"])
    env.ref("sale_demo.group_sale_manager").write({"users": [(3, user.id)]})
    assert _rows(env, user) == {env.ref("base.group_user").id}


def test_a_group_still_implied_by_a_remaining_group_stays(env: Environment) -> None:
    user = make_user(env, "stayer", ["sale_demo.group_sale_manager"])
    user.write({"groups_id": [(3, env.ref("sale_demo.group_sale_salesman").id)]})
    assert _ids(env, *IMPLIED_BY_MANAGER) <= _rows(env, user)


def test_removing_an_implication_leaves_the_users_their_groups(env: Environment) -> None:
    """Odoo 17: a group that stops implying another does not take it from its users."""
    extra = make_group(env, "Extra")
    carrier = make_group(env, "Carrier", implied=[extra])
    user = make_user(env, "kept", [carrier])
    carrier.write({"implied_ids": [(3, extra.id)]})
    assert extra.id in _rows(env, user)
    assert extra.id in env.cr.policy.groups(env, user.id)  # type: ignore[attr-defined]


def test_remove_group_revokes_an_implication_from_users_who_have_it_only_through_it(
    env: Environment,
) -> None:
    extra = make_group(env, "Extra")
    carrier = make_group(env, "Carrier", implied=[extra])
    other = make_group(env, "Other carrier", implied=[extra])
    through_carrier = make_user(env, "through-carrier", [carrier])
    through_both = make_user(env, "through-both", [carrier, other])
    carrier._remove_group(extra)
    assert extra not in carrier.implied_ids
    assert extra.id not in _rows(env, through_carrier)
    assert extra.id in _rows(env, through_both)


DEMOTIONS: dict[str, Callable[[dict[str, int]], list[tuple[Any, ...]]]] = {
    "unlink internal, link portal": lambda g: [(3, g["internal"]), (4, g["portal"])],
    "as Odoo's form sends it": lambda g: [(3, g["internal"]), (3, g["public"]), (4, g["portal"])],
    "set portal": lambda g: [(6, 0, [g["portal"]])],
    "clear, link portal": lambda g: [(5,), (4, g["portal"])],
}


@pytest.mark.parametrize("how", list(DEMOTIONS))
def test_demoting_an_internal_user_in_one_write_keeps_only_the_named_groups(
    env: Environment, how: str
) -> None:
    """Odoo's demotion: the check sees the final state, and a demoted user keeps none of
    their internal groups (here one that implies Internal User would otherwise stay)."""
    bridge = make_group(env, "Bridge", implied=["base.group_user"])
    user = make_user(env, "demoted", [bridge, "base.group_partner_manager"])
    names = {"internal": "base.group_user", "portal": "base.group_portal", "public": "base.group_public"}
    ids = {key: env.ref(xml_id).id for key, xml_id in names.items()}
    user.write({"groups_id": DEMOTIONS[how](ids)})
    assert _rows(env, user) == {ids["portal"]}
    assert user.share is True
    assert user.has_group("base.group_portal") and not user.has_group("base.group_user")


def _two_types_by_create(env: Environment) -> None:
    make_user(env, "both", ["sale_demo.group_sale_salesman", "base.group_portal"])


def _two_types_by_write(env: Environment) -> None:
    make_user(env, "both", ["base.group_portal"]).write(
        {"groups_id": [(4, env.ref("sale_demo.group_sale_manager").id)]}
    )


def _two_types_by_group_users(env: Environment) -> None:
    portal = make_user(env, "both", ["base.group_portal"])
    env.ref("sale_demo.group_sale_salesman").write({"users": [(4, portal.id)]})


def _two_types_by_new_group(env: Environment) -> None:
    portal = make_user(env, "both", ["base.group_portal"])
    env["res.groups"].create(
        {"name": "Sneaky", "implied_ids": [(4, env.ref("base.group_user").id)], "users": [(4, portal.id)]}
    )


def _two_types_by_implication(env: Environment) -> None:
    extra = make_group(env, "Portal extra")
    make_user(env, "both", ["base.group_portal", extra])
    extra.write({"implied_ids": [(4, env.ref("sale_demo.group_sale_salesman").id)]})


def _two_types_by_implication_of_the_type(env: Environment) -> None:
    make_user(env, "both", ["base.group_portal"])
    env.ref("base.group_portal").write({"implied_ids": [(4, env.ref("base.group_user").id)]})


TWO_TYPES = {
    "create": _two_types_by_create,
    "write groups_id": _two_types_by_write,
    "write group.users": _two_types_by_group_users,
    "create group with users": _two_types_by_new_group,
    "write implied_ids": _two_types_by_implication,
    "write implied_ids of a user type": _two_types_by_implication_of_the_type,
}


@pytest.mark.parametrize("how", list(TWO_TYPES))
def test_two_user_types_are_refused_on_every_path(env: Environment, how: str) -> None:
    with pytest.raises(ValidationError, match=ONE_TYPE):
        TWO_TYPES[how](env)


@pytest.mark.parametrize("how", ["group side", "user side"])
def test_share_follows_membership_changes_made_from_either_side(env: Environment, how: str) -> None:
    user = make_user(env, "sided", [])
    internal = env.ref("base.group_user")
    assert user.share is True
    if how == "group side":
        internal.write({"users": [(4, user.id)]})
    else:
        user.write({"groups_id": [(4, internal.id)]})
    assert user.share is False
    assert user.partner_id.partner_share is False
    internal.write({"users": [(3, user.id)]})
    assert user.share is True
