"""Field types: conversions in and out, defaults, required fields."""

from __future__ import annotations

import datetime as dt

import pytest

from tenantry.exceptions import ValidationError
from tenantry.orm.environment import Environment


def test_every_field_type_round_trips(env: Environment) -> None:
    tag = env.ref("test_orm.tag_red")
    partner = env["res.partner"].create({"name": "P"})
    thing = env["test.thing"].create(
        {
            "name": "all",
            "note": "long text",
            "count": 7,
            "ratio": 1.5,
            "flag": True,
            "day": "2024-02-29",
            "moment": "2024-02-29 13:14:15",
            "kind": "b",
            "data": {"k": [1, 2]},
            "blob": b"\x00\x01binary",
            "tag_ids": [(6, 0, [tag.id])],
            "partner_id": partner.id,
        }
    )
    assert thing.day == dt.date(2024, 2, 29)
    assert thing.moment == dt.datetime(2024, 2, 29, 13, 14, 15)
    assert thing.data == {"k": [1, 2]} and thing.blob == b"\x00\x01binary"
    assert thing.partner_id == partner and thing.tag_ids == tag
    [row] = thing.read(
        ["count", "ratio", "flag", "day", "moment", "kind", "blob", "partner_id", "tag_ids", "code"]
    )
    assert row["partner_id"] == (partner.id, "P")
    assert row["tag_ids"] == [tag.id]
    assert row["blob"] == "AAFiaW5hcnk="  # base64, as clients expect
    assert row["code"] is False  # empty values read as False, never None
    assert row["day"] == dt.date(2024, 2, 29)


def test_read_with_classic_write_gives_bare_many2one_ids(env: Environment) -> None:
    partner = env["res.partner"].create({"name": "P"})
    thing = env["test.thing"].create({"name": "x", "partner_id": partner.id})
    assert thing.read(["partner_id"], load="_classic_write")[0]["partner_id"] == partner.id


def test_defaults_apply_and_context_defaults_win(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "d"})
    assert thing.kind == "a" and thing.extra == "extra-default" and thing.active is True
    thing2 = env["test.thing"].with_context(default_kind="c").create({"name": "e"})
    assert thing2.kind == "c"
    assert env["test.thing"].default_get(["kind", "name"]) == {"kind": "a"}


def test_missing_required_field_is_a_validation_error(env: Environment) -> None:
    with pytest.raises(ValidationError, match="name"):
        env["test.thing"].create({"count": 1})
    thing = env["test.thing"].create({"name": "x"})
    with pytest.raises(ValidationError, match="name"):
        thing.write({"name": False})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "zzz"),
        ("count", "not a number"),
        ("count", [1]),
        ("ratio", "x"),
        ("day", "31/12/2024"),
        ("moment", "yesterday"),
        ("partner_id", "abc"),
        ("name", ["list"]),
        ("blob", "not base64!"),
    ],
)
def test_bad_field_values_are_validation_errors(env: Environment, field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        env["test.thing"].create({"name": "bad", field: value})


def test_unknown_field_is_a_validation_error_naming_it(env: Environment) -> None:
    with pytest.raises(ValidationError, match="nope"):
        env["test.thing"].create({"name": "x", "nope": 1})
    with pytest.raises(ValidationError, match="nope"):
        env["test.thing"].search_read([], ["nope"])


def test_assignment_writes(env: Environment) -> None:
    thing = env["test.thing"].create({"name": "x"})
    thing.count = 9
    partner = env["res.partner"].create({"name": "Q"})
    thing.partner_id = partner
    assert thing.read(["count", "partner_id"])[0]["count"] == 9
    assert thing.partner_id == partner


def test_fields_get_describes_fields_like_odoo(env: Environment) -> None:
    desc = env["test.thing"].fields_get()
    assert desc["kind"]["type"] == "selection"
    assert desc["kind"]["selection"] == [["a", "Alpha"], ["b", "Beta"], ["c", "Gamma"]]
    assert desc["partner_id"]["relation"] == "res.partner"
    assert desc["line_ids"]["relation_field"] == "thing_id"
    assert desc["cost"]["company_dependent"] is True
    assert desc["total"]["store"] is True and desc["label"]["store"] is False
    assert desc["name"]["required"] is True
    only = env["test.thing"].fields_get(["name"], ["type", "string"])
    assert only == {"name": {"type": "char", "string": "Name"}}


def test_display_name_and_name_get(env: Environment) -> None:
    partner = env["res.partner"].create({"name": "Child", "parent_id": env.ref("base.res_partner_1").id})
    assert partner.display_name == "Wood Corner, Child"
    assert partner.name_get() == [(partner.id, "Wood Corner, Child")]
