"""The recordset API as Odoo's ``test_api`` describes it: ``mapped``, relational fields
read on several records, comparisons as sets, and reads after part of a batch is gone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tenantry.exceptions import MissingError
from tenantry.orm.environment import Environment
from tenantry.orm.recordset import Recordset


@pytest.fixture
def things(env: Environment) -> Recordset:
    red, blue = env["test.tag"].create([{"name": "red"}, {"name": "blue"}])
    mine, other = env["res.partner"].create([{"name": "Mine"}, {"name": "Other"}])
    return env["test.thing"].create(
        [
            {"name": "a", "partner_id": mine.id, "tag_ids": [(6, 0, [red.id, blue.id])]},
            {"name": "b", "partner_id": other.id, "tag_ids": [(6, 0, [blue.id])]},
            {"name": "c", "partner_id": mine.id},
            {"name": "d"},
        ]
    )


def test_mapped_many2one_is_the_union_in_order_without_duplicates(things: Recordset) -> None:
    partners = things.mapped("partner_id")
    assert isinstance(partners, Recordset) and partners._name == "res.partner"
    assert partners.mapped("name") == ["Mine", "Other"]
    assert things.mapped("tag_ids").mapped("name") == ["blue", "red"]  # tags by name


def test_mapped_function_returning_records_is_their_union(things: Recordset) -> None:
    partners = things.mapped(lambda thing: thing.partner_id)
    assert isinstance(partners, Recordset) and partners.mapped("name") == ["Mine", "Other"]
    tags = things.mapped(lambda thing: thing.tag_ids)
    assert tags.mapped("name") == ["blue", "red"]  # tags by name
    # Other values stay a list, one per record.
    assert things.mapped(lambda thing: thing.name.upper()) == ["A", "B", "C", "D"]


def test_mapped_on_empty_recordsets_keeps_the_kind_of_result(env: Environment) -> None:
    empty = env["test.thing"].browse()
    partners = empty.mapped(lambda thing: thing.partner_id)
    assert isinstance(partners, Recordset) and partners._name == "res.partner" and not partners
    assert empty.mapped(lambda thing: thing.name) == []
    assert empty.mapped("partner_id")._name == "res.partner"


def test_mapped_empty_path_is_the_recordset_itself(things: Recordset) -> None:
    assert things.mapped("") == things
    assert things.mapped("").ids == things.ids


def test_relational_field_on_several_records_is_the_union(things: Recordset) -> None:
    assert things.partner_id.mapped("name") == ["Mine", "Other"]
    assert things.tag_ids.mapped("name") == ["blue", "red"]  # tags by name
    assert things.partner_id.name if len(things.partner_id) == 1 else True
    with pytest.raises(ValueError, match="Expected singleton"):
        _ = things.name  # a scalar field still needs one record


def test_recordsets_compare_as_sets(things: Recordset) -> None:
    a, b, c, _ = things
    assert a | b <= things and a | b < things
    assert things >= a | b and things > a | b
    assert things <= things and things >= things
    assert not things < things and not things > things
    assert not (a | c) <= (a | b)
    assert (b | a) <= (a | b) and not (b | a) < (a | b)


def test_comparing_recordsets_of_different_models_is_a_type_error(
    env: Environment, things: Recordset
) -> None:
    with pytest.raises(TypeError):
        _ = things <= env["test.tag"].browse()
    with pytest.raises(TypeError):
        _ = things < 3  # type: ignore[operator]


def test_records_of_a_batch_are_read_after_others_are_deleted(env: Environment, things: Recordset) -> None:
    ids = things.ids
    gone = ids[1]
    env.cr.conn.execute(sa.text("DELETE FROM test_thing WHERE id = :id"), {"id": gone})
    env.cr.invalidate()
    batch = env["test.thing"].browse(ids)
    # Reading the first record prefetches the whole batch, the deleted one included.
    assert batch[0].name == "a"
    assert batch[2].name == "c" and batch[3].name == "d"
    assert batch[2].partner_id.name == "Mine"
    with pytest.raises(MissingError):
        _ = batch[1].name
    assert batch.exists().ids == [ids[0], ids[2], ids[3]]
