"""create, write, unlink, copy, name_create, name_search, integrity errors, transactions."""

from __future__ import annotations

import pytest

from tenantry.exceptions import MissingError, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment


def test_create_takes_a_dict_or_a_list(env: Environment) -> None:
    one = env["test.thing"].create({"name": "one"})
    many = env["test.thing"].create([{"name": "a"}, {"name": "b"}])
    assert len(one) == 1 and len(many) == 2
    assert env["test.thing"].create([]) == env["test.thing"].browse()
    with pytest.raises(ValidationError):
        env["test.thing"].create("name")  # type: ignore[arg-type]


def test_log_access_fields_are_set(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "x"})
    assert thing.create_uid.id == 1 and thing.create_date and thing.write_date
    admin = env.ref("base.user_admin")
    thing.with_user(admin).sudo().write({"count": 1})
    assert thing.write_uid == admin


def test_write_on_empty_recordset_does_nothing(env: Environment) -> None:
    assert env["test.thing"].browse().write({"name": False}) is True


def test_write_on_deleted_record_is_a_missing_error(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "x"})
    thing.unlink()
    with pytest.raises(MissingError):
        thing.write({"count": 1})
    with pytest.raises(MissingError):
        _ = thing.name


def test_unlink_cascades_and_restrict_refuses(env: Environment) -> None:
    parent = env["test.thing"].create({"name": "p", "line_ids": [(0, 0, {"amount": 1})]})
    child = env["test.thing"].create({"name": "c", "parent_id": parent.id})
    line = parent.line_ids
    parent.unlink()
    assert not child.exists() and not line.exists()
    country = env["res.country"].create({"name": "Testland", "code": "QQ"})
    env["res.partner"].create({"name": "p", "country_id": country.id})
    with pytest.raises(ValidationError, match="another model requires"):
        country.unlink()


def test_unique_constraint_gives_the_authors_message(env: Environment) -> None:
    env["test.thing"].create({"name": "a", "code": "SAME"})
    with pytest.raises(ValidationError, match="The code of a thing must be unique"):
        env["test.thing"].create({"name": "b", "code": "SAME"})


def test_check_constraint_gives_the_authors_message(env: Environment) -> None:
    with pytest.raises(ValidationError, match="The count cannot be negative"):
        env["test.thing"].create({"name": "neg", "count": -1})


def test_python_constraint_runs_on_create_and_write(env: Environment) -> None:
    with pytest.raises(ValidationError, match="too large"):
        env["test.thing"].create({"name": "big", "ratio": 5000})
    thing = env["test.thing"].create({"name": "ok", "ratio": 1})
    with pytest.raises(ValidationError, match="too large"):
        thing.write({"ratio": 2000})


def test_copy_duplicates_stored_values_and_lines(env: Environment) -> None:
    thing = env["test.thing"].create(
        {"name": "orig", "count": 2, "tag_ids": [(4, env.ref("test_orm.tag_red").id)]}
    )
    order = env.ref("sale_demo.sale_order_1")
    copy = thing.copy({"name": "copy"})
    assert copy.name == "copy" and copy.count == 2 and copy.tag_ids == thing.tag_ids and copy != thing
    order_copy = order.copy()
    assert len(order_copy.order_line) == len(order.order_line)
    assert order_copy.order_line != order.order_line
    assert order_copy.amount_total == order.amount_total


def test_name_create_and_name_search(env: Environment) -> None:
    new_id, name = env["test.tag"].name_create("violet")
    assert name == "violet" and env["test.tag"].browse(new_id).name == "violet"
    found = env["res.partner"].name_search("wood")
    assert [n for _i, n in found] == ["Wood Corner", "Wood Corner, Brandon Freeman"]
    assert env["res.partner"].name_search("wood", [("is_company", "=", True)]) == [
        (env.ref("base.res_partner_1").id, "Wood Corner")
    ]
    assert len(env["res.partner"].name_search("", limit=2)) == 2


def test_an_error_rolls_back_the_whole_environment_scope(instance: Instance, fresh_db: str) -> None:
    with pytest.raises(ValidationError), instance.env(fresh_db) as env:
        env["test.thing"].create({"name": "kept?"})
        env["test.thing"].create({"name": "dup", "code": "ROOT"})
    with instance.env(fresh_db) as env:
        assert not env["test.thing"].search([("name", "=", "kept?")])
        env["test.thing"].create({"name": "committed"})
    with instance.env(fresh_db) as env:
        assert env["test.thing"].search_count([("name", "=", "committed")]) == 1


def test_unknown_model_is_a_user_error(env: Environment) -> None:
    with pytest.raises(UserError, match="doesn't exist"):
        env["no.such.model"]


def test_savepoint_undoes_only_the_block(env: Environment) -> None:
    kept = env["test.thing"].create({"name": "kept"})
    with pytest.raises(ValidationError), env.cr.savepoint():
        env["test.thing"].create({"name": "gone"})
        env["test.thing"].create({"name": "dup", "code": "ROOT"})
    assert kept.exists() and not env["test.thing"].search([("name", "=", "gone")])


def test_a_bad_value_leaves_the_record_untouched(env: Environment) -> None:
    thing = env["test.thing"].create(
        {"name": "stable", "count": 1, "tag_ids": [(4, env.ref("test_orm.tag_red").id)]}
    )
    before = thing.read(["name", "count", "kind", "tag_ids"])
    for vals in (
        {"count": 5, "kind": "zzz"},
        {"count": 5, "nope": 1},
        {"name": "changed", "tag_ids": [(9, 0)]},
        {"count": 5, "day": "not a date"},
    ):
        with pytest.raises(ValidationError):
            thing.write(vals)
        assert thing.read(["name", "count", "kind", "tag_ids"]) == before


def test_a_failed_create_in_a_batch_creates_nothing(env: Environment) -> None:
    count = env["test.thing"].search_count([])
    with pytest.raises(ValidationError):
        env["test.thing"].create([{"name": "first"}, {"name": "second", "kind": "zzz"}])
    assert env["test.thing"].search_count([]) == count
