"""x2many commands on one2many and many2many fields, as Odoo defines them."""

from __future__ import annotations

import pytest

from tenantry.exceptions import ValidationError
from tenantry.orm.commands import Command
from tenantry.orm.environment import Environment


@pytest.fixture
def tags(env: Environment):  # type: ignore[no-untyped-def]
    return env["test.tag"].create([{"name": n} for n in ("t1", "t2", "t3")])


def test_many2many_commands(env: Environment, tags) -> None:  # type: ignore[no-untyped-def]
    t1, t2, t3 = tags
    thing = env["test.thing"].create({"name": "m", "tag_ids": [Command.set([t1.id, t2.id])]})
    assert thing.tag_ids == t1 | t2
    thing.write({"tag_ids": [Command.link(t3.id), Command.unlink(t1.id)]})
    assert thing.tag_ids == t2 | t3
    thing.write({"tag_ids": [Command.create({"name": "t4"})]})
    assert "t4" in thing.tag_ids.mapped("name")
    thing.write({"tag_ids": [Command.update(t2.id, {"name": "t2b"})]})
    assert t2.name == "t2b"
    thing.write({"tag_ids": [Command.delete(t3.id)]})
    assert not t3.exists()
    thing.write({"tag_ids": [Command.clear()]})
    assert not thing.tag_ids
    thing.write({"tag_ids": [t1.id, t2.id]})  # a plain id list means "exactly these"
    assert thing.tag_ids == t1 | t2
    thing.tag_ids = t1
    assert thing.tag_ids == t1


def test_one2many_commands(env: Environment) -> None:
    thing = env["test.thing"].create(
        {"name": "o", "line_ids": [(0, 0, {"amount": 1}), (0, 0, {"amount": 2})]}
    )
    l1, l2 = thing.line_ids
    thing.write({"line_ids": [(1, l1.id, {"amount": 10})]})
    assert l1.amount == 10
    other = env["test.thing"].create({"name": "other", "line_ids": [(0, 0, {"amount": 5})]})
    moved = other.line_ids
    thing.write({"line_ids": [(4, moved.id)]})
    assert moved.thing_id == thing and not other.line_ids
    # The inverse many2one is required: unlinking a line deletes it.
    thing.write({"line_ids": [(3, l2.id)]})
    assert not l2.exists()
    thing.write({"line_ids": [(2, l1.id)]})
    assert not l1.exists()
    thing.write({"line_ids": [(6, 0, [])]})
    assert not thing.line_ids and not moved.exists()


def test_one2many_without_required_inverse_detaches(env: Environment) -> None:
    parent = env["test.thing"].create(
        {"name": "p", "child_ids": [(0, 0, {"name": "c1"}), (0, 0, {"name": "c2"})]}
    )
    c1, _c2 = parent.child_ids
    parent.write({"child_ids": [(3, c1.id)]})
    # parent_id has ondelete=cascade, so detaching deletes like Odoo does.
    assert not c1.exists()
    parent.write({"child_ids": [(5,)]})
    assert not parent.child_ids


@pytest.mark.parametrize(
    "bad",
    [[(9, 0, 0)], [(0, 0, "x")], [(4, "id")], [("x",)], "nope", [(6, 0, ["a"])], [()]],
)
def test_malformed_commands_are_validation_errors(env: Environment, bad: object) -> None:
    with pytest.raises(ValidationError):
        env["test.thing"].create({"name": "x", "tag_ids": bad})


def test_x2many_reads_hide_archived_targets(env: Environment, tags) -> None:  # type: ignore[no-untyped-def]
    t1, t2, _t3 = tags
    thing = env["test.thing"].create({"name": "a", "tag_ids": [(6, 0, [t1.id, t2.id])]})
    t2.active = False
    assert thing.tag_ids == t1
    assert thing.with_context(active_test=False).tag_ids == t1 | t2
