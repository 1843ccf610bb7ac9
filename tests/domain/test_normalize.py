"""Normalization: each rewrite rule, checked by its equation."""

from __future__ import annotations

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
    assert n([("name", "not ilike", "")]) == FALSE


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
