"""Hierarchies (tenantry.orm.hierarchy): no write may make a record its own ancestor.

``test.thing`` has a plain ``parent_id`` and no code of its own about it: what holds here
holds for every model whose ``_parent_name`` is a many2one to itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from tenantry.exceptions import ValidationError
from tenantry.orm.environment import Environment
from tenantry.orm.hierarchy import DEFAULT_RECURSION_MESSAGE
from tests.security.helpers import make_group


def _chain(env: Environment, *names: str) -> list[Any]:
    """Things ``names[0] <- names[1] <- ...``, each the parent of the next."""
    things: list[Any] = []
    for name in names:
        parent = things[-1].id if things else False
        things.append(env["test.thing"].create({"name": name, "parent_id": parent}))
    return things


def _own_parent(t: list[Any]) -> None:
    t[2].write({"parent_id": t[2].id})


def _root_under_leaf(t: list[Any]) -> None:
    t[0].write({"parent_id": t[2].id})


def _middle_under_leaf(t: list[Any]) -> None:
    t[1].write({"parent_id": t[2].id})


def _two_at_once(t: list[Any]) -> None:
    # leaf -> middle -> root -> middle
    (t[2] | t[0]).write({"parent_id": t[1].id})


def _through_children_commands(t: list[Any]) -> None:
    sibling = t[0].create({"name": "sibling", "parent_id": t[1].id})
    swap = [(1, t[2].id, {"parent_id": sibling.id}), (1, sibling.id, {"parent_id": t[2].id})]
    t[1].write({"child_ids": swap})


def _by_assignment(t: list[Any]) -> None:
    t[0].parent_id = t[2]


def _in_a_new_chain(t: list[Any]) -> None:
    # root under middle after the middle and leaf became roots: a two-record loop
    (t[1] | t[2]).write({"parent_id": False})
    t[0].write({"parent_id": t[1].id})
    (t[2] | t[1]).write({"parent_id": t[0].id})


@pytest.mark.parametrize(
    "make_cycle",
    [
        _own_parent, _root_under_leaf, _middle_under_leaf, _two_at_once,
        _through_children_commands, _by_assignment, _in_a_new_chain,
    ],
)  # fmt: skip
def test_every_write_that_closes_a_loop_is_a_validation_error_and_changes_nothing(
    env: Environment, make_cycle: Callable[[list[Any]], None]
) -> None:
    things = _chain(env, "root", "middle", "leaf")
    before = {t.id: t.parent_id.id for t in things}
    with pytest.raises(ValidationError, match=DEFAULT_RECURSION_MESSAGE), env.cr.savepoint():
        make_cycle(things)
    assert {t.id: t.parent_id.id for t in things} == before
    assert not env["test.thing"].browse([t.id for t in things])._has_cycle()


def test_a_loop_is_refused_on_create_through_the_children_of_the_new_record(env: Environment) -> None:
    root, leaf = _chain(env, "root", "leaf")
    with pytest.raises(ValidationError, match=DEFAULT_RECURSION_MESSAGE), env.cr.savepoint():
        env["test.thing"].create({"name": "new", "parent_id": leaf.id, "child_ids": [(4, root.id)]})
    assert not root.parent_id


def test_writes_that_keep_a_tree_a_tree_are_accepted(env: Environment) -> None:
    root, middle, leaf = _chain(env, "root", "middle", "leaf")
    other = env["test.thing"].create({"name": "other root"})
    (root | middle | leaf).write({"note": "same tree"})  # no false cycle on a multi-write
    (middle | leaf).write({"parent_id": other.id})  # moving a subtree
    root.write({"parent_id": leaf.id})
    middle.write({"parent_id": False})
    assert [root.parent_id, leaf.parent_id, middle.parent_id] == [leaf, other, env["test.thing"]]


def test_has_cycle_ends_on_a_loop_already_stored_and_names_only_records_in_it(env: Environment) -> None:
    first, second = _chain(env, "first", "second")
    table = env["test.thing"]._table_obj
    # A loop written behind the ORM's back (an old database, a raw import).
    env.cr.conn.execute(sa.update(table).where(table.c.id == first.id).values(parent_id=second.id))
    env.cr.invalidate()
    assert first._has_cycle() and (first | second)._has_cycle()
    below = env["test.thing"].create({"name": "below", "parent_id": first.id})  # leads into the loop
    assert not below._has_cycle()
    assert not env["test.thing"]._has_cycle() and first._check_recursion() is False


def test_a_deep_hierarchy_is_walked_in_sql(env: Environment) -> None:
    table = env["test.thing"]._table_obj
    conn = env.cr.conn
    parent = None
    for index in range(1000):
        row = sa.insert(table).values(name=f"level {index}", parent_id=parent, active=True)
        parent = conn.execute(row.returning(table.c.id)).scalar_one()
    root = env["test.thing"].search([("name", "=", "level 0")])
    with pytest.raises(ValidationError), env.cr.savepoint():
        root.write({"parent_id": parent})
    root.write({"parent_id": False})


def test_many2many_self_relations_are_walked_too(env: Environment) -> None:
    first = make_group(env, "Loop A")
    second = make_group(env, "Loop B", implied=[first])
    groups = env["res.groups"]
    assert (first | second)._check_m2m_recursion("implied_ids")
    first.write({"implied_ids": [(4, second.id)]})  # Odoo 17 accepts it; the helper sees it
    assert first._has_cycle("implied_ids") and not second._check_m2m_recursion("implied_ids")
    assert not groups._has_cycle("implied_ids")


@pytest.mark.parametrize("name", ["nothing", "name", "partner_id", "tag_ids"])
def test_has_cycle_needs_a_relation_of_the_model_to_itself(env: Environment, name: str) -> None:
    with pytest.raises(ValueError, match=repr(name)):
        env["test.thing"]._has_cycle(name)


def test_the_message_is_the_models_own(env: Environment) -> None:
    partner = env["res.partner"].create({"name": "Elmtree"})
    with pytest.raises(ValidationError, match=r"You cannot create recursive Partner hierarchies\."):
        partner.write({"parent_id": partner.id})
