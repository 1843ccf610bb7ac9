"""Parsing: structure, operators, field paths and values; errors name the term."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tenantry.domain import FALSE, TRUE, And, Leaf, Not, Operator, Or, parse
from tenantry.domain.limits import MAX_DEPTH
from tenantry.exceptions import ValidationError

from ._models import COUNTRY, PARTNER, SCHEMA


def p(domain: Any) -> Any:
    return parse(domain, PARTNER, SCHEMA)


def leaf(path: str, op: str, value: Any) -> Leaf:
    return Leaf(tuple(path.split(".")), Operator(op), value)


def test_empty_domain_is_true() -> None:
    assert p([]) == TRUE
    assert p(()) == TRUE


def test_constant_leaves_are_true_and_false() -> None:
    assert p([(1, "=", 1)]) == TRUE
    assert p([(0, "=", 1)]) == FALSE
    assert p(["|", (0, "=", 1), ("name", "=", "a")]) == leaf("name", "=", "a")


def test_consecutive_terms_are_joined_by_an_implicit_and() -> None:
    assert p([("name", "=", "a"), ("score", "=", 1)]) == And((leaf("name", "=", "a"), leaf("score", "=", 1)))


def test_prefix_operators_build_the_tree() -> None:
    domain = ["|", "!", ("name", "=", "a"), "&", ("score", ">", 1), ("score", "<", 5)]
    assert p(domain) == Or(
        (
            Not(leaf("name", "=", "a")),
            And((leaf("score", ">", 1), leaf("score", "<", 5))),
        )
    )


def test_leaves_may_be_lists_as_they_arrive_from_json() -> None:
    assert p([["name", "in", ["a", "b"]]]) == leaf("name", "in", ("a", "b"))


def test_operator_spelling_is_case_insensitive_and_aliases_are_accepted() -> None:
    assert p([("name", "ILIKE", "a")]) == leaf("name", "ilike", "a")
    assert p([("name", "<>", "a")]) == leaf("name", "!=", "a")
    assert p([("name", "==", "a")]) == leaf("name", "=", "a")


def test_in_with_a_bool_becomes_equality_and_equality_with_a_list_becomes_in() -> None:
    assert p([("is_company", "in", True)]) == leaf("is_company", "=", True)
    assert p([("is_company", "not in", False)]) == leaf("is_company", "!=", False)
    assert p([("score", "=", [1, 2])]) == leaf("score", "in", (1, 2))
    assert p([("score", "!=", (1,))]) == leaf("score", "not in", (1,))


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (("parent_id", "in", "Agrolait"), leaf("parent_id", "=", "Agrolait")),
        (("country_id", "not in", "Belgium"), leaf("country_id", "!=", "Belgium")),
        (("tag_ids", "in", "red"), leaf("tag_ids", "=", "red")),
        (("child_ids", "in", 7), leaf("child_ids", "=", 7)),
        (("line_ids", "not in", 2), leaf("line_ids", "!=", 2)),
        (("tag_ids", "in", 3), leaf("tag_ids", "=", 3)),
        (("parent_id.country_id", "in", "Belgium"), leaf("parent_id.country_id", "=", "Belgium")),
    ],
)
def test_in_with_one_related_record_becomes_equality(term: Any, expected: Leaf) -> None:
    # Odoo: a name on any relational field, an id on an x2many.
    assert p([term]) == expected


@pytest.mark.parametrize("term", [("parent_id", "in", 3), ("score", "in", 3), ("name", "in", "a")])
def test_in_with_one_value_is_refused_elsewhere(term: Any) -> None:
    with pytest.raises(ValidationError, match="needs a list of values"):
        p([term])


@pytest.mark.parametrize("op", ["=like", "=ilike", "=LIKE"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("score", "1%"),
        ("score", 1),
        ("id", "_"),
        ("credit", "%"),
        ("parent_id.score", "1"),
        ("line_ids.qty", "%"),
    ],
)
def test_equal_like_on_an_integer_field_is_refused_naming_the_term(op: str, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        p([("name", "=", "a"), (field, op, value)])
    assert str(info.value).startswith(f"Invalid domain term #2 ({field!r}, {op!r}, {value!r})")
    assert "not supported on integer fields" in str(info.value)


def test_like_on_an_integer_field_and_equal_like_elsewhere_are_accepted() -> None:
    assert p([("score", "like", "1")]) == leaf("score", "like", "1")
    assert p([("birthday", "=like", "2020-%")]) == leaf("birthday", "=like", "2020-%")
    assert p([("parent_id", "=ilike", "agro%")]) == leaf("parent_id", "=ilike", "agro%")


def test_values_are_coerced_to_the_field_type() -> None:
    assert p([("score", "=", "3")]) == leaf("score", "=", 3)
    assert p([("birthday", "<", "2020-01-31")]) == leaf("birthday", "<", date(2020, 1, 31))
    assert p([("created_at", "=", "2020-01-31 10:00:00")]) == leaf(
        "created_at", "=", datetime(2020, 1, 31, 10, 0)
    )


def test_a_date_compared_with_a_datetime_means_the_end_of_day_for_greater_and_at_most() -> None:
    end, start = datetime(2020, 1, 31, 23, 59, 59), datetime(2020, 1, 31)
    assert p([("created_at", ">", "2020-01-31")]) == leaf("created_at", ">", end)
    assert p([("created_at", "<=", date(2020, 1, 31))]) == leaf("created_at", "<=", end)
    assert p([("created_at", "<", "2020-01-31")]) == leaf("created_at", "<", start)
    assert p([("created_at", ">=", "2020-01-31")]) == leaf("created_at", ">=", start)


def test_any_sub_domains_are_parsed_against_the_comodel() -> None:
    node = p([("country_id", "any", [("code", "=", "BE")])])
    assert node == Leaf(("country_id",), Operator.ANY, Leaf(("code",), Operator.EQ, "BE"))


def test_parsed_nodes_are_accepted_and_revalidated() -> None:
    node = p([("name", "=", "a")])
    assert p(node) == node
    assert p(["|", node, ("score", "=", 1)]) == Or((node, leaf("score", "=", 1)))
    with pytest.raises(ValidationError, match="unknown field 'code'"):
        parse(Leaf(("code",), Operator.EQ, "x"), PARTNER, SCHEMA)


def test_parsed_nodes_are_hashable() -> None:
    node = p([("name", "in", ["a", "b"]), ("country_id", "any", [("code", "in", ["BE"])])])
    assert hash(node) == hash(
        p([("name", "in", ("a", "b")), ("country_id", "any", [("code", "in", ("BE",))])])
    )


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        (
            [("name", "=", "a"), ("foo", "=", 1)],
            "Invalid domain term #2 ('foo', '=', 1) on model 'test.partner': unknown field 'foo'.",
        ),
        (
            [("name", "===", "a")],
            "Invalid domain term #1 ('name', '===', 'a') on model 'test.partner': unknown operator '==='.",
        ),
        (
            [("name", "=")],
            "Invalid domain term #1 ('name', '=') on model 'test.partner': "
            "a term is (field, operator, value).",
        ),
        (
            ["&", ("score", "in", 5), ("name", "=", "a")],
            "Invalid domain term #2 ('score', 'in', 5) on model 'test.partner': "
            "operator 'in' needs a list of values.",
        ),
        (
            [("parent_id.foo", "=", 1)],
            "Invalid domain term #1 ('parent_id.foo', '=', 1) on model 'test.partner': "
            "unknown field 'foo' on model 'test.partner'.",
        ),
        (
            [("name.foo", "=", 1)],
            "Invalid domain term #1 ('name.foo', '=', 1) on model 'test.partner': "
            "field 'name' is not relational, '.' cannot follow it.",
        ),
        (
            [("display", "=", "x")],
            "Invalid domain term #1 ('display', '=', 'x') on model 'test.partner': "
            "field 'display' is not stored and cannot be searched.",
        ),
        (
            [("name", "any", [])],
            "Invalid domain term #1 ('name', 'any', []) on model 'test.partner': "
            "operator 'any' needs a relational field.",
        ),
        (
            [("score", "=", "many")],
            "Invalid domain term #1 ('score', '=', 'many') on model 'test.partner': "
            "'many' is not a valid integer value.",
        ),
        (
            [(None, "=", 1)],
            "Invalid domain term #1 (None, '=', 1) on model 'test.partner': "
            "the left side must be a field name or a dotted path.",
        ),
        (
            [("tag_ids", "<", 3)],
            "Invalid domain term #1 ('tag_ids', '<', 3) on model 'test.partner': "
            "operator '<' is not supported on many2many.",
        ),
    ],
)
def test_bad_terms_raise_a_validation_error_naming_the_term(domain: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        p(domain)
    assert str(info.value) == message


def test_errors_in_sub_domains_name_the_comodel() -> None:
    with pytest.raises(ValidationError) as info:
        p([("country_id", "any", [("nope", "=", 1)])])
    assert str(info.value) == (
        "Invalid domain term #1 ('nope', '=', 1) on model 'test.country': unknown field 'nope'."
    )


def test_child_of_needs_a_parent_field() -> None:
    with pytest.raises(ValidationError, match=r"model 'test\.tag' has no parent field"):
        p([("tag_ids", "child_of", 1)])
    with pytest.raises(ValidationError, match="need 'id' or a relational field"):
        p([("name", "child_of", 1)])
    assert parse([("id", "child_of", [1, "x"])], COUNTRY, SCHEMA) == Leaf(
        ("id",), Operator.CHILD_OF, (1, "x")
    )


@pytest.mark.parametrize(
    ("domain", "reason"),
    [
        (["&", ("name", "=", "a")], "operator '&' at position 1 needs 2 term(s) after it"),
        (["!"], "operator '!' at position 1 needs 1 term(s) after it"),
        (["^", ("name", "=", "a")], "unknown operator '^' at position 1"),
        ([("name", "=", "a"), 42], "term #2 42 is not a term"),
        ("name = a", "a domain is a list of terms"),
    ],
)
def test_malformed_structure_raises_a_validation_error(domain: Any, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        p(domain)
    assert str(info.value) == f"Invalid domain {domain!r}: {reason}."


def test_deeply_nested_domains_are_refused() -> None:
    domain: list[Any] = ["!"] * 150 + [("name", "=", "a")]
    with pytest.raises(ValidationError, match=f"nested more than {MAX_DEPTH} levels deep"):
        p(domain)


def test_long_flat_domains_are_not_deep() -> None:
    domain: list[Any] = ["|"] * 299 + [("id", "=", i) for i in range(300)]
    node = p(domain)
    assert isinstance(node, Or) and len(node.children) == 300
