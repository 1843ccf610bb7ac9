"""Normalization: each rewrite rule, checked by its equation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tenantry.domain import FALSE, TRUE, And, Leaf, Not, Operator, Or, normalize, parse

from ._models import PARTNER, SCHEMA


def n(domain: Any) -> Any:
    return normalize(parse(domain, PARTNER, SCHEMA), PARTNER, SCHEMA)


def leaf(path: str, op: str, value: Any) -> Leaf:
    return Leaf(tuple(path.split(".")), Operator(op), value)


def test_double_negation_cancels() -> None:
    assert n(["!", "!", ("name", "=", "a")]) == leaf("name", "=", "a")


def test_negation_is_pushed_through_and_or_by_de_morgan() -> None:
    assert n(["!", "&", ("name", "=", "a"), ("score", "<", 3)]) == Or(
        (leaf("name", "!=", "a"), leaf("score", ">=", 3))
    )
    assert n(["!", "|", ("name", "in", ["a"]), ("name", "like", "b")]) == And(
        (leaf("name", "not in", ("a",)), leaf("name", "not like", "b"))
    )


@pytest.mark.parametrize("op", ["=like", "=ilike"])
def test_operators_without_negation_stay_under_not(op: str) -> None:
    assert n(["!", ("name", op, "a%")]) == Not(leaf("name", op, "a%"))


def test_child_of_stays_under_not() -> None:
    assert n(["!", ("id", "child_of", 1)]) == Not(leaf("id", "child_of", (1,)))


def test_dotted_paths_become_nested_any() -> None:
    assert n([("parent_id.country_id.code", "=", "BE")]) == Leaf(
        ("parent_id",),
        Operator.ANY,
        Leaf(("country_id",), Operator.ANY, leaf("code", "=", "BE")),
    )


def test_negation_of_a_path_applies_to_the_any_not_inside_it() -> None:
    # ('parent_id.name', '!=', 'X') needs a parent; its negation keeps parentless rows.
    assert n([("parent_id.name", "!=", "X")]) == Leaf(("parent_id",), Operator.ANY, leaf("name", "!=", "X"))
    assert n(["!", ("parent_id.name", "=", "X")]) == Leaf(
        ("parent_id",), Operator.NOT_ANY, leaf("name", "=", "X")
    )


def test_optional_equality_with_false_is_true_and_otherwise_equality() -> None:
    assert n([("name", "=?", False)]) == TRUE
    assert n([("score", "=?", 3)]) == leaf("score", "=", 3)
    assert n(["!", ("score", "=?", 3)]) == leaf("score", "!=", 3)
    assert n(["!", ("score", "=?", None)]) == FALSE


def test_empty_in_lists_and_empty_like_patterns_fold_to_constants() -> None:
    assert n([("score", "in", [])]) == FALSE
    assert n([("score", "not in", [])]) == TRUE
    assert n([("name", "like", "")]) == TRUE
    assert n([("name", "ilike", False)]) == TRUE


@pytest.mark.parametrize("op", ["not like", "not ilike"])
@pytest.mark.parametrize("field", ["name", "ref", "kind", "score", "birthday"])
@pytest.mark.parametrize("empty", ["", False])
def test_not_like_empty_keeps_only_the_records_without_a_value(field: str, op: str, empty: Any) -> None:
    # Odoo: NOT (f ILIKE '%%') OR f IS NULL, that is f IS NULL.
    assert n([(field, op, empty)]) == leaf(field, "=", False)
    assert n(["!", (field, op.removeprefix("not "), empty)]) == leaf(field, "=", False)


@pytest.mark.parametrize("field", ["parent_id", "country_id", "child_ids", "tag_ids", "line_ids"])
@pytest.mark.parametrize("empty", ["", False])
def test_relational_like_empty_is_having_a_related_record(field: str, empty: Any) -> None:
    # Odoo searches the comodel by name, and an empty pattern names every record.
    for op in ("like", "ilike"):
        assert n([(field, op, empty)]) == Leaf((field,), Operator.ANY, TRUE)
        assert n([(field, f"not {op}", empty)]) == Leaf((field,), Operator.NOT_ANY, TRUE)


def test_without_a_schema_like_empty_stays_a_leaf() -> None:
    # Whether it means TRUE or "has a related record" depends on the field's type.
    assert normalize(parse([("parent_id", "ilike", "")], PARTNER, SCHEMA)) == leaf("parent_id", "ilike", "")
    assert normalize(parse([("name", "not like", False)], PARTNER, SCHEMA)) == leaf("name", "not like", "")


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        (["|", ("score", "=", 1), ("score", "=", 2)], leaf("score", "in", (1, 2))),
        (
            ["|", "|", ("id", "=", 3), ("id", "in", [1, 3]), ("id", "=", False)],
            leaf("id", "in", (3, 1, False)),
        ),
        (["|", ("score", "=", 0), ("score", "=", False)], leaf("score", "in", (0, False))),
        (["|", ("name", "=", "a"), ("name", "in", ["b", ""])], leaf("name", "in", ("a", "b", ""))),
        (["|", ("parent_id", "=", 1), ("parent_id", "=", False)], leaf("parent_id", "in", (1, False))),
        (["|", ("tag_ids", "=", 1), ("tag_ids", "in", [2])], leaf("tag_ids", "in", (1, 2))),
        ([("score", "!=", 1), ("score", "not in", [2, 1])], leaf("score", "not in", (1, 2))),
        (["!", "|", ("score", "=", 1), ("score", "=", 2)], leaf("score", "not in", (1, 2))),
        (["!", "&", ("score", "!=", 1), ("score", "!=", 2)], leaf("score", "in", (1, 2))),
        (
            ["|", ("country_id", "=", "Belgium"), ("country_id", "ilike", "fr")],
            Leaf(
                ("country_id",), Operator.ANY, Or((leaf("name", "=", "Belgium"), leaf("name", "ilike", "fr")))
            ),
        ),
        (
            ["|", ("parent_id.name", "=", "a"), ("parent_id.name", "=", "b")],
            Leaf(("parent_id",), Operator.ANY, leaf("name", "in", ("a", "b"))),
        ),
        (
            [("line_ids", "not any", [("qty", "=", 1)]), ("line_ids", "not any", [("qty", "=", 2)])],
            Leaf(("line_ids",), Operator.NOT_ANY, leaf("qty", "in", (1, 2))),
        ),
        # intersections, for scalar fields ('' and False are one empty value)
        ([("score", "in", [1, 2, 3]), ("score", "in", [3, 2, 7])], leaf("score", "in", (2, 3))),
        ([("score", "=", 1), ("score", "=", 2)], FALSE),
        ([("name", "in", ["a", ""]), ("name", "in", [False, "b"])], leaf("name", "in", (False,))),
        ([("score", "in", [0, 1]), ("score", "in", [False, 0])], leaf("score", "in", (0,))),
        (["|", ("score", "not in", [1, 2]), ("score", "!=", 2)], leaf("score", "not in", (2,))),
        (["|", ("score", "!=", 1), ("score", "!=", 2)], TRUE),
        # ordered comparisons on numbers, dates and ids
        ([("score", ">", 1), ("score", ">", 5), ("score", ">", 3)], leaf("score", ">", 5)),
        (["|", ("score", ">", 1), ("score", ">", 5)], leaf("score", ">", 1)),
        ([("credit", "<=", 1), ("credit", "<=", -4)], leaf("credit", "<=", -4)),
        (
            ["|", ("birthday", "<", "2020-01-01"), ("birthday", "<", "2021-01-01")],
            leaf("birthday", "<", date(2021, 1, 1)),
        ),
        ([("parent_id", ">=", 2), ("parent_id", ">=", 4)], leaf("parent_id", ">=", 4)),
        # hierarchies (|), many2one sub-domains (&)
        (["|", ("id", "child_of", 1), ("id", "child_of", [2, 1])], leaf("id", "child_of", (1, 2))),
        (
            [("country_id", "any", [("code", "=", "BE")]), ("country_id.name", "ilike", "bel")],
            Leaf(("country_id",), Operator.ANY, And((leaf("code", "=", "BE"), leaf("name", "ilike", "bel")))),
        ),
        (
            [
                "|",
                ("parent_id", "not any", [("score", ">", 1)]),
                ("parent_id", "not any", [("score", ">", 5)]),
            ],
            Leaf(("parent_id",), Operator.NOT_ANY, leaf("score", ">", 5)),
        ),
    ],
)
def test_leaves_on_one_field_merge(domain: Any, expected: Any) -> None:
    assert n(domain) == expected
    assert normalize(n(domain), PARTNER, SCHEMA) == expected


@pytest.mark.parametrize(
    "domain",
    [
        ["|", ("score", "=", 1), ("ref", "=", "a")],  # two fields
        ["|", ("score", "=", 1), ("score", "<", 0)],  # two operators
        [("score", ">", 1), ("score", ">=", 2)],
        ["|", ("is_company", "=", True), ("ref", "=", "a")],  # booleans keep '= True'/'= False'
        [("name", ">", "a"), ("name", ">", "B")],  # strings: the collation orders them
        [("tag_ids", "=", 1), ("tag_ids", "=", 2)],  # x2many: may have both
        ["|", ("tag_ids", "!=", 1), ("tag_ids", "!=", 2)],
        [("line_ids", "any", [("qty", "=", 1)]), ("line_ids", "any", [("qty", "=", 2)])],
        [("id", "child_of", 1), ("id", "child_of", 2)],
    ],
)
def test_leaves_that_do_not_merge(domain: Any) -> None:
    node = n(domain)
    assert isinstance(node, And | Or) and len(node.children) == 2


def test_comparing_with_nothing_matches_nothing_either_way() -> None:
    assert n([("score", "<", False)]) == FALSE
    assert n(["!", ("score", "<", False)]) == FALSE


def test_many2one_compared_with_a_name_searches_the_comodel_rec_name() -> None:
    assert n([("country_id", "=", "Belgium")]) == Leaf(
        ("country_id",), Operator.ANY, leaf("name", "=", "Belgium")
    )
    assert n([("country_id", "ilike", "bel")]) == Leaf(
        ("country_id",), Operator.ANY, leaf("name", "ilike", "bel")
    )


def test_negative_name_comparisons_complement_the_positive_search() -> None:
    assert n([("country_id", "!=", "Belgium")]) == Leaf(
        ("country_id",), Operator.NOT_ANY, leaf("name", "=", "Belgium")
    )
    assert n([("tag_ids", "not ilike", "re")]) == Leaf(
        ("tag_ids",), Operator.NOT_ANY, leaf("name", "ilike", "re")
    )


def test_mixed_id_and_name_lists_are_split() -> None:
    assert n([("country_id", "in", [1, "Belgium"])]) == Or(
        (
            Leaf(("country_id",), Operator.ANY, leaf("name", "in", ("Belgium",))),
            leaf("country_id", "in", (1,)),
        )
    )


def test_booleans_keep_only_equal_true_and_equal_false() -> None:
    assert n([("is_company", "!=", True)]) == leaf("is_company", "=", False)
    assert n([("is_company", "!=", False)]) == leaf("is_company", "=", True)
    assert n(["!", ("is_company", "=", True)]) == leaf("is_company", "=", False)
    assert n([("is_company", "in", [True, False])]) == TRUE
    assert n([("is_company", "not in", [True, False])]) == FALSE


def test_any_over_nothing_is_false_and_not_any_over_nothing_is_true() -> None:
    assert n([("line_ids", "any", [(0, "=", 1)])]) == FALSE
    assert n([("line_ids", "not any", [(0, "=", 1)])]) == TRUE


def test_sub_domains_are_normalized_too() -> None:
    assert n([("line_ids", "any", ["!", ("qty", "<", 1)])]) == Leaf(
        ("line_ids",), Operator.ANY, leaf("qty", ">=", 1)
    )


def test_normalize_is_idempotent() -> None:
    domain = ["!", "|", ("parent_id.name", "=like", "a%"), "&", ("name", "!=", False),
              ("country_id", "not in", [1, "x"])]  # fmt: skip
    once = n(domain)
    assert normalize(once, PARTNER, SCHEMA) == once


def test_without_a_schema_only_type_independent_rules_apply() -> None:
    node = parse(["!", "&", ("parent_id.name", "=", "X"), ("score", "=?", False)], PARTNER, SCHEMA)
    assert normalize(node) == Not(leaf("parent_id.name", "=", "X"))
    assert normalize(parse(["!", ("score", "<", 2)], PARTNER, SCHEMA)) == leaf("score", ">=", 2)
