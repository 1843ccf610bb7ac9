"""search, search_count, search_read, ordering, paging and archived records."""

from __future__ import annotations

import pytest

from tenantry.exceptions import ValidationError
from tenantry.orm.environment import Environment


@pytest.fixture
def things(env: Environment):  # type: ignore[no-untyped-def]
    return env["test.thing"].create(
        [
            {"name": "s1", "count": 3, "code": "B"},
            {"name": "s2", "count": 1},
            {"name": "s3", "count": 2, "code": "A", "active": False},
        ]
    )


def test_archived_records_are_hidden_unless_asked(env: Environment, things) -> None:  # type: ignore[no-untyped-def]
    names = env["test.thing"].search([("name", "like", "s")]).mapped("name")
    assert names == ["s1", "s2"]
    everything = env["test.thing"].with_context(active_test=False).search([("name", "like", "s")])
    assert everything.mapped("name") == ["s1", "s2", "s3"]
    assert env["test.thing"].search([("name", "like", "s"), ("active", "=", False)]).mapped("name") == ["s3"]


def test_order_offset_limit_and_count(env: Environment, things) -> None:  # type: ignore[no-untyped-def]
    model = env["test.thing"].with_context(active_test=False)
    domain = [("name", "like", "s")]
    assert model.search(domain, order="count desc").mapped("count") == [3, 2, 1]
    assert model.search(domain, order="count", offset=1, limit=1).mapped("count") == [2]
    assert model.search_count(domain) == 3 and model.search_count(domain, limit=2) == 2


def test_nulls_sort_last_ascending_and_first_descending(env: Environment, things) -> None:  # type: ignore[no-untyped-def]
    model = env["test.thing"].with_context(active_test=False)
    domain = [("name", "like", "s")]
    assert model.search(domain, order="code").mapped("code") == ["A", "B", False]
    assert model.search(domain, order="code desc").mapped("code") == [False, "B", "A"]


def test_order_by_many2one_uses_the_target_order(env: Environment) -> None:
    orders = env["sale.order"].search([], order="partner_id")
    partners = [o.partner_id.complete_name for o in orders]
    assert partners == sorted(partners)


@pytest.mark.parametrize(
    "order",
    [
        "name; DROP TABLE test_thing",
        "nope",
        "name sideways",
        "line_ids",
        "name,, id desc nulls maybe",
    ],
)
def test_bad_orders_are_validation_errors(env: Environment, order: str) -> None:
    with pytest.raises(ValidationError):
        env["test.thing"].search([], order=order)


@pytest.mark.parametrize(("offset", "limit"), [(-1, None), ("1", None), (0, -5), (0, "10")])
def test_bad_paging_is_a_validation_error(env: Environment, offset: object, limit: object) -> None:
    with pytest.raises(ValidationError):
        env["test.thing"].search([], offset=offset, limit=limit)  # type: ignore[arg-type]


def test_search_read_returns_rows_in_order(env: Environment, things) -> None:  # type: ignore[no-untyped-def]
    rows = env["test.thing"].search_read([("name", "like", "s")], ["name", "count"], order="count")
    assert rows == [
        {"id": things[1].id, "name": "s2", "count": 1},
        {"id": things[0].id, "name": "s1", "count": 3},
    ]
    assert env["test.thing"].search_read([("name", "=", "none")], ["name"]) == []


@pytest.mark.parametrize(
    "domain",
    [
        [("nope", "=", 1)],
        [("name", "~", 1)],
        ["&", ("name", "=", "x")],
        [("name", "=")],
        "name",
        [("count", "in", 5)],
    ],
)
def test_bad_domains_are_validation_errors(env: Environment, domain: object) -> None:
    with pytest.raises(ValidationError):
        env["test.thing"].search(domain)


def test_dotted_paths_and_hierarchies(env: Environment) -> None:
    wood = env.ref("base.res_partner_1")
    assert env["res.partner"].search([("parent_id.name", "=", "Wood Corner")]).mapped("name") == [
        "Brandon Freeman"
    ]
    family = env["res.partner"].search([("id", "child_of", wood.id)])
    assert family.mapped("name") == ["Wood Corner", "Brandon Freeman"]
    brandon = env.ref("base.res_partner_4")
    assert env["res.partner"].search([("id", "parent_of", brandon.id)]) == wood | brandon
    assert env["sale.order"].search([("order_line.product_id.default_code", "=", "DESK")]) == env.ref(
        "sale_demo.sale_order_1"
    )


@pytest.mark.parametrize("operator", ["parent_of", "child_of"])
@pytest.mark.parametrize("value", ["Leaf", ["Leaf", "Middle"], "iddl", "nobody"])
def test_filtered_domain_agrees_with_search_on_hierarchies_given_by_name(
    env: Environment, operator: str, value: object
) -> None:
    things = env["test.thing"]
    top = things.create({"name": "Top"})
    middle = things.create({"name": "Middle", "parent_id": top.id})
    leaf = things.create({"name": "Leaf", "parent_id": middle.id})
    aside = things.create({"name": "Aside", "parent_id": top.id})
    family = top | middle | leaf | aside
    domain = [("id", operator, value)]
    found = things.search([("id", "in", family.ids), *domain])
    assert family.filtered_domain(domain) == found
    if operator == "parent_of" and value == "Leaf":
        assert found == top | middle | leaf


def test_name_search_drops_an_empty_name_only_for_like_and_ilike(env: Environment) -> None:
    tags = env["test.tag"]
    named = tags.create({"name": "violet"})
    everyone = tags.search([])
    assert {i for i, _n in tags.name_search("", operator="ilike", limit=None)} == set(everyone.ids)
    assert {i for i, _n in tags.name_search("", operator="like", limit=None)} == set(everyone.ids)
    # Any other operator takes '' as a name like another: no tag is 'not ilike' '%%'.
    assert tags.name_search("", operator="not ilike") == []
    assert tags.name_search("", operator="not like") == []
    assert tags.name_search("", operator="=") == []
    assert tags.name_search("violet", operator="=") == [(named.id, "violet")]
    assert named.id not in {i for i, _n in tags.name_search("violet", operator="!=", limit=None)}
