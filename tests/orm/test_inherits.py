"""Delegation inheritance (``_inherits``): test.variant has every field of test.thing.

The fixture model ``test.variant`` (tests/fixture_addons/test_orm) delegates to
``test.thing`` through ``thing_id`` and defines ``size`` and its own ``code``;
``test_orm_ext`` later adds ``rating`` to test.thing (and so to variants).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.orm import fields, models
from tenantry.orm.environment import Environment
from tenantry.orm.registry import AddonClasses, Registry
from tests.security.helpers import grant, make_rule, make_user


@pytest.fixture
def variants(env: Environment) -> dict[str, Any]:
    tags = env["test.tag"].create([{"name": "red"}, {"name": "blue"}])
    partner = env["res.partner"].create({"name": "Agrolait"})
    made = env["test.variant"].create(
        [
            {"name": "Bolt", "note": "steel", "count": 3, "kind": "b", "size": 8, "code": "V-B",
             "tag_ids": [(6, 0, [tags[0].id])], "partner_id": partner.id},
            {"name": "Anchor", "count": 1, "size": 2, "code": "V-A", "tag_ids": [(6, 0, tags.ids)]},
            {"name": "Cog", "note": "brass", "count": 2, "kind": "c", "size": 5},
        ]
    )  # fmt: skip
    return {"bolt": made[0], "anchor": made[1], "cog": made[2], "tags": tags, "partner": partner}


@contextmanager
def counting(env: Environment) -> Iterator[list[str]]:
    """The SELECT statements run on the environment's connection inside the block."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa.event.listen(env.cr.conn, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(env.cr.conn, "before_cursor_execute", record)


def test_a_child_model_has_every_field_of_its_parent_but_those_it_defines(env: Environment) -> None:
    variant, thing = env["test.variant"], env["test.thing"]
    inherited = {name for name, field in variant._fields.items() if field.inherited}
    own_and_magic = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date", "code"}
    assert inherited == set(thing._fields) - own_and_magic
    assert variant._fields["name"].related == "thing_id.name"
    assert not variant._fields["code"].inherited  # its own field wins, as in Odoo
    assert dict(variant._inherits) == {"test.thing": "thing_id"}


def test_create_makes_the_parent_records_from_the_inherited_values(
    env: Environment, variants: dict[str, Any]
) -> None:
    bolt = variants["bolt"]
    thing = bolt.thing_id
    assert (thing.name, thing.note, thing.count, thing.kind, thing.partner_id) == (
        "Bolt", "steel", 3, "b", variants["partner"],
    )  # fmt: skip
    assert thing.tag_ids == variants["tags"][0]
    assert thing.code is False and bolt.code == "V-B"  # the variant's own code stays its own
    assert variants["cog"].thing_id.kind == "c" and variants["anchor"].thing_id.kind == "a"  # default
    assert len((variants["bolt"] | variants["anchor"] | variants["cog"]).mapped("thing_id")) == 3


def test_create_with_a_parent_uses_it_and_writes_the_values_given_for_it(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "Existing", "kind": "c", "note": "old"})
    before = env["test.thing"].search_count([])
    variant = env["test.variant"].create({"thing_id": thing.id, "note": "new", "size": 1})
    assert variant.thing_id == thing
    assert env["test.thing"].search_count([]) == before
    # The given note is written; the parent's other values are not reset to defaults.
    assert (thing.note, thing.kind, thing.extra) == ("new", "c", "extra-default")


def test_a_parent_needs_its_required_values(env: Environment) -> None:
    with pytest.raises(ValidationError, match="name"):
        env["test.variant"].create({"size": 1})


def test_write_sends_inherited_values_to_the_parents(env: Environment, variants: dict[str, Any]) -> None:
    bolt, anchor = variants["bolt"], variants["anchor"]
    (bolt | anchor).write({"note": "painted", "size": 4, "tag_ids": [(5,)]})
    for variant in (bolt, anchor):
        thing = variant.thing_id
        assert (thing.note, variant.size, thing.tag_ids) == ("painted", 4, env["test.tag"])
    other = env["test.thing"].create({"name": "Other"})
    bolt.write({"thing_id": other.id, "count": 9})  # the new parent gets the value
    assert (other.count, bolt.count, bolt.name) == (9, 9, "Other")
    assert variants["partner"].exists() and env["test.thing"].search([("name", "=", "Bolt")]).count == 3


def test_attribute_access_reads_the_parent(env: Environment, variants: dict[str, Any]) -> None:
    bolt = variants["bolt"]
    assert (bolt.name, bolt.note, bolt.kind, bolt.partner_id, bolt.tag_ids) == (
        "Bolt", "steel", "b", variants["partner"], variants["tags"][0],
    )  # fmt: skip
    bolt.thing_id.write({"name": "Bolt II"})
    assert bolt.name == "Bolt II" and bolt.display_name == "Bolt II"


@pytest.mark.parametrize("load", ["_classic_read", "_classic_write"])
def test_read_and_search_read_give_the_parents_values(
    env: Environment, variants: dict[str, Any], load: str
) -> None:
    bolt, partner, tags = variants["bolt"], variants["partner"], variants["tags"]
    names = ["name", "size", "code", "partner_id", "tag_ids", "kind", "child_ids", "count"]
    expected = {
        "id": bolt.id, "name": "Bolt", "size": 8, "code": "V-B", "tag_ids": [tags[0].id],
        "partner_id": (partner.id, "Agrolait") if load == "_classic_read" else partner.id,
        "kind": "b", "child_ids": [], "count": 3,
    }  # fmt: skip
    assert bolt.read(names, load=load) == [expected]
    assert env["test.variant"].search_read([("id", "=", bolt.id)], names, load=load) == [expected]
    assert variants["cog"].read(["partner_id"], load=load)[0]["partner_id"] is False


def test_inherited_values_are_prefetched_per_batch_not_per_record(env: Environment) -> None:
    env["test.variant"].create([{"name": f"v{i}", "count": i} for i in range(40)])
    variants = env["test.variant"].search([("name", "=like", "v%")])
    env.cr.invalidate()
    with counting(env) as statements:
        assert [v.count for v in variants] == [int(v.name[1:]) for v in variants]
    assert len(statements) <= 3, statements
    env.cr.invalidate()
    with counting(env) as statements:
        rows = variants.read(["name", "count", "size"])
    assert len(rows) == 40 and len(statements) <= 3, statements


DOMAINS = [
    [("name", "=", "Bolt")],
    [("name", "ilike", "o")],
    [("name", "!=", "Bolt")],
    [("note", "=", False)],
    [("note", "not ilike", "steel")],
    [("count", ">", 1)],
    [("kind", "in", ["a", "c"])],
    [("tag_ids", "in", [])],
    [("tag_ids.name", "=", "blue")],
    [("partner_id", "=", False)],
    [("partner_id.name", "ilike", "agro")],
    [("partner_id", "ilike", "agro")],
    ["!", ("name", "=like", "B%")],
    ["|", ("size", ">", 4), ("count", "=", 1)],
    [("code", "=", "V-A")],
]


@pytest.mark.parametrize("domain", DOMAINS, ids=[str(d) for d in DOMAINS])
def test_domains_on_inherited_fields_match_the_in_python_evaluation(
    env: Environment, variants: dict[str, Any], domain: list[Any]
) -> None:
    everything = env["test.variant"].search([])
    found = env["test.variant"].search(domain)
    assert found.ids == everything.filtered_domain(domain).ids
    expected = {
        "[('name', '=', 'Bolt')]": {"bolt"},
        "[('count', '>', 1)]": {"bolt", "cog"},
        "[('partner_id.name', 'ilike', 'agro')]": {"bolt"},
        "['|', ('size', '>', 4), ('count', '=', 1)]": {"bolt", "cog", "anchor"},
        "[('tag_ids.name', '=', 'blue')]": {"anchor"},
    }.get(str(domain))
    if expected is not None:
        assert set(found.ids) == {variants[key].id for key in expected}


def test_domains_on_inherited_fields_run_in_one_query(env: Environment, variants: dict[str, Any]) -> None:
    env.user  # noqa: B018 (the policy reads the user once per transaction)
    with counting(env) as statements:
        found = env["test.variant"].search([("name", "ilike", "o"), ("count", ">", 1)])
    assert found == variants["bolt"] | variants["cog"]
    assert len(statements) == 1 and "test_thing" in statements[0]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("name", ["anchor", "bolt", "cog"]),
        ("name desc", ["cog", "bolt", "anchor"]),
        ("count, id", ["anchor", "cog", "bolt"]),
        ("note desc, size", ["anchor", "bolt", "cog"]),  # NULLs first when descending
        ("size desc, name", ["bolt", "cog", "anchor"]),
        ("partner_id, name", ["bolt", "anchor", "cog"]),  # by the partner's own order
    ],
)
def test_ordering_by_inherited_fields_sorts_in_sql(
    env: Environment, variants: dict[str, Any], order: str, expected: list[str]
) -> None:
    found = env["test.variant"].search([("id", "in", [variants[k].id for k in expected])], order=order)
    assert found.ids == [variants[k].id for k in expected]


def test_read_group_groups_and_aggregates_inherited_fields(
    env: Environment, variants: dict[str, Any]
) -> None:
    groups = env["test.variant"].read_group([], ["size:sum", "count:sum"], ["kind"], orderby="kind")
    assert [(g["kind"], g["kind_count"], g["size"], g["count"]) for g in groups] == [
        ("a", 1, 2, 1), ("b", 1, 8, 3), ("c", 1, 5, 2),
    ]  # fmt: skip
    by_partner = env["test.variant"].read_group([("kind", "!=", "c")], ["size:sum"], ["partner_id"])
    partner = variants["partner"]
    found = {(g["partner_id"] and g["partner_id"][0], g["size"]) for g in by_partner}
    assert found == {(partner.id, 8), (False, 2)}


def test_unlink_keeps_the_parent_and_deleting_the_parent_cascades(
    env: Environment, variants: dict[str, Any]
) -> None:
    bolt, anchor = variants["bolt"], variants["anchor"]
    thing = bolt.thing_id
    bolt.unlink()
    assert thing.exists() and not bolt.exists()
    anchor.thing_id.unlink()  # ondelete="cascade" on the link
    assert not anchor.exists()


def test_copy_gets_a_new_parent_from_the_copied_fields_unless_one_is_given(
    env: Environment, variants: dict[str, Any]
) -> None:
    bolt = variants["bolt"]
    copy = bolt.copy()
    assert copy.thing_id != bolt.thing_id
    copied = (copy.name, copy.note, copy.size, copy.code, copy.tag_ids)
    assert copied == ("Bolt", "steel", 8, "V-B", bolt.tag_ids)
    shared = bolt.copy({"thing_id": variants["cog"].thing_id.id, "code": "V-C2"})
    assert shared.thing_id == variants["cog"].thing_id
    assert (shared.name, shared.note) == ("Cog", "brass")  # the given parent's, untouched


def test_fields_get_describes_inherited_fields_as_their_parents(env: Environment) -> None:
    described = env["test.variant"].fields_get(["name", "tag_ids", "label", "code", "child_ids"])
    name = described["name"]
    assert (name["type"], name["related"], name["store"]) == ("char", "thing_id.name", False)
    assert (name["readonly"], name["searchable"], name["sortable"]) == (False, True, True)
    assert described["tag_ids"]["relation"] == "test.tag" and described["tag_ids"]["searchable"]
    assert described["child_ids"]["relation_field"] == "parent_id"
    assert not described["label"]["searchable"]  # the parent's is not stored either
    assert "related" not in described["code"]


def test_an_addon_extending_the_parent_extends_the_child(env: Environment, variants: dict[str, Any]) -> None:
    registry = env.registry
    assert registry.field_origin[("test.variant", "rating")] == "test_orm_ext"
    assert registry.field_origin[("test.variant", "name")] == "test_orm"
    variants["bolt"].write({"rating": "good"})
    assert variants["bolt"].thing_id.rating == "good"
    reflected = env["ir.model.fields"].search([("model", "=", "test.variant"), ("name", "=", "rating")])
    assert reflected.modules == "test_orm_ext" and not reflected.store
    # The same holds for res.users, through res.partner.
    assert env["res.users"]._fields["loyalty"].inherited


def test_inherited_fields_keep_the_parents_field_groups(env: Environment, variants: dict[str, Any]) -> None:
    user = make_user(env, "variant-reader")
    grant(env, "test.variant", "base.group_user", "r")
    grant(env, "test.thing", "base.group_user", "r")
    as_user = variants["bolt"].with_user(user)
    assert env["test.variant"]._fields["secret"].groups == "base.group_system"
    assert "secret" not in as_user.fields_get()
    with pytest.raises(AccessError):
        as_user.read(["secret"])
    with pytest.raises(AccessError):
        as_user.search([("secret", "=", "x")])


def test_reading_an_inherited_field_needs_access_to_the_parent(
    env: Environment, variants: dict[str, Any]
) -> None:
    user = make_user(env, "variant-user")
    grant(env, "test.variant", "base.group_user", "rw")
    grant(env, "test.thing", "base.group_user", "r")
    make_rule(env, "test.thing", "[('name', '!=', 'Bolt')]", perms="r")
    bolt = variants["bolt"].with_user(user)
    assert bolt.read(["size"])[0]["size"] == 8  # its own fields
    with pytest.raises(AccessError):
        bolt.read(["name"])  # as Odoo: read as the user, through the parent's rules
    with pytest.raises(AccessError):
        bolt.write({"note": "x"})  # no write access on test.thing


def test_inherited_fields_are_searched_and_grouped_as_the_user_reads_them(
    env: Environment, variants: dict[str, Any]
) -> None:
    user = make_user(env, "variant-searcher")
    grant(env, "test.variant", "base.group_user", "r")
    grant(env, "test.thing", "base.group_user", "r")
    make_rule(env, "test.thing", "[('name', '!=', 'Bolt')]", perms="r")
    mine = [("id", "in", [variants[k].id for k in ("bolt", "anchor", "cog")])]
    as_user = env["test.variant"].with_user(user)
    # What the user may not read of the parent does not select records for them...
    assert not as_user.search([("note", "=", "steel")])
    assert as_user.search([*mine, ("note", "!=", "steel")]) == variants["anchor"] | variants["cog"]
    assert env["test.variant"].search([("note", "=", "steel")]) == variants["bolt"]  # superuser
    # ... nor shows in groups: the hidden parent's value is no value.
    groups = as_user.read_group(mine, ["size:sum"], ["note"])
    assert {(g["note"], g["size"]) for g in groups} == {(False, 10), ("brass", 5)}
    assert {(g["note"], g["size"]) for g in env["test.variant"].read_group(mine, ["size:sum"], ["note"])} == {
        (False, 2), ("brass", 5), ("steel", 8),
    }  # fmt: skip
    # Without read access to the parent model at all, such a domain is refused.
    env["ir.model.access"].search([("model_id.model", "=", "test.thing")]).unlink()
    with pytest.raises(AccessError):
        as_user.search([("note", "=", "steel")])


def test_an_inherits_link_must_be_a_required_many2one_cascading_or_restricting() -> None:
    class Parent(models.Model):
        _name = "x.parent"
        _log_access = False
        name = fields.Char()

    class Loose(models.Model):
        _name = "x.loose"
        _log_access = False
        _inherits = {"x.parent": "parent_id"}
        parent_id = fields.Many2one("x.parent")

    with pytest.raises(UserError, match="must be required"):
        Registry([AddonClasses("x", "1.0", (Parent, Loose))])


def test_a_missing_inherits_link_is_made_required_and_cascading_as_in_odoo() -> None:
    class Parent(models.Model):
        _name = "x.parent"
        _log_access = False
        name = fields.Char()

    class Child(models.Model):
        _name = "x.child"
        _log_access = False
        _inherits = {"x.parent": "parent_id"}

    class Delegating(models.Model):
        _name = "x.delegating"
        _log_access = False
        base_id = fields.Many2one("x.parent", required=True, ondelete="restrict", delegate=True)

    registry = Registry([AddonClasses("x", "1.0", (Parent, Child, Delegating))])
    link = registry["x.child"]._fields["parent_id"]
    assert (link.required, link.ondelete, link.comodel_name) == (True, "cascade", "x.parent")
    assert registry["x.child"]._fields["name"].inherited
    assert dict(registry["x.delegating"]._inherits) == {"x.parent": "base_id"}
    assert registry["x.delegating"]._fields["name"].related == "base_id.name"
