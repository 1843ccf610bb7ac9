"""Recordsets: identity, set operations, environments, functional helpers."""

from __future__ import annotations

import pytest

from tenantry.exceptions import ValidationError
from tenantry.orm.environment import Environment


def test_browse_iterate_len_bool_and_ids(env: Environment) -> None:
    things = env["test.thing"].create([{"name": "x"}, {"name": "y"}])
    assert len(things) == 2 and bool(things)
    assert [t.name for t in things] == ["x", "y"]
    assert things.ids == [t.id for t in things]
    assert not env["test.thing"].browse()
    assert env["test.thing"].browse(things.ids[0]).name == "x"


def test_set_operations_keep_order_and_remove_duplicates(env: Environment) -> None:
    a, b, c = env["test.thing"].create([{"name": "a"}, {"name": "b"}, {"name": "c"}])
    assert (a | b | a).ids == [a.id, b.id]
    assert ((a | b) & (b | c)).ids == [b.id]
    assert ((a | b | c) - b).ids == [a.id, c.id]
    assert (a + a).ids == [a.id, a.id]
    assert a in (a | b) and c not in (a | b)
    assert (a | b) == (b | a)


def test_mixing_models_in_set_operations_is_a_type_error(env: Environment) -> None:
    with pytest.raises(TypeError):
        env["test.thing"].browse(1) | env["test.tag"].browse(1)


def test_ensure_one_refuses_several_records(env: Environment) -> None:
    things = env["test.thing"].create([{"name": "a"}, {"name": "b"}])
    with pytest.raises(ValueError, match="Expected singleton"):
        things.ensure_one()
    with pytest.raises(ValueError, match="Expected singleton"):
        _ = things.name


def test_empty_recordset_reads_empty_values(env: Environment) -> None:
    empty = env["test.thing"].browse()
    assert empty.name is False and empty.count == 0 and not empty.partner_id and not empty.tag_ids


def test_filtered_mapped_sorted(env: Environment) -> None:
    things = env["test.thing"].create(
        [{"name": "b", "count": 2}, {"name": "a", "count": 5}, {"name": "c", "count": 1}]
    )
    assert things.filtered(lambda t: t.count > 1).mapped("name") == ["b", "a"]
    assert things.sorted("count").mapped("name") == ["c", "b", "a"]
    assert things.sorted().mapped("name") == ["a", "b", "c"]  # _order = name
    assert things.sorted(key=lambda t: t.count, reverse=True).mapped("count") == [5, 2, 1]
    root = env.ref("test_orm.thing_root")
    assert root.mapped("tag_ids.name") == ["red", "blue"] or sorted(root.mapped("tag_ids.name")) == [
        "blue",
        "red",
    ]
    assert things.filtered("count")


def test_filtered_domain_evaluates_in_python(env: Environment) -> None:
    things = env["test.thing"].create([{"name": "a", "count": 3}, {"name": "b"}])
    assert things.filtered_domain([("count", ">", 1)]).mapped("name") == ["a"]
    assert things.filtered_domain([("count", "!=", 3)]).mapped("name") == ["b"]


def test_uid_1_is_always_superuser_and_with_user_drops_it(env: Environment) -> None:
    assert env.su and env.uid == 1
    admin = env.ref("base.user_admin")
    as_admin = env["test.thing"].with_user(admin)
    assert as_admin.env.uid == admin.id and not as_admin.env.su
    assert as_admin.sudo().env.su and as_admin.sudo().env.uid == admin.id
    assert as_admin.sudo().sudo(False).env.su is False
    assert env["test.thing"].with_user(1).env.su


def test_with_context_replaces_or_updates_and_keeps_companies(env: Environment) -> None:
    things = env["test.thing"].with_context(allowed_company_ids=[1], a=1)
    assert things.env.context["a"] == 1
    replaced = things.with_context({"b": 2})
    assert "a" not in replaced.env.context and replaced.env.context["allowed_company_ids"] == [1]
    assert things.with_context(c=3).env.context["a"] == 1


def test_with_company_puts_the_company_first(env: Environment) -> None:
    company_b = env["res.company"].create({"name": "B"})
    records = env["test.thing"].with_context(allowed_company_ids=[1])
    assert records.with_company(company_b).env.context["allowed_company_ids"] == [company_b.id, 1]
    assert records.with_company(company_b).with_company(1).env.context["allowed_company_ids"] == [
        1,
        company_b.id,
    ]
    assert records.with_company(False) is records


def test_browse_refuses_non_integer_ids(env: Environment) -> None:
    with pytest.raises(ValidationError):
        env["test.thing"].browse(["1"])  # type: ignore[list-item]


def test_exists_drops_deleted_records(env: Environment) -> None:
    a, b = env["test.thing"].create([{"name": "a"}, {"name": "b"}])
    a.unlink()
    assert (a | b).exists() == b


def test_getitem_reads_fields_by_name(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "n", "count": 4})
    assert thing["count"] == 4
    with pytest.raises(KeyError):
        thing["nope"]
