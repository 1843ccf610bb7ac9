"""The syntax tree, its combinators and the operator table."""

from __future__ import annotations

import pytest

from tenantry.domain import AND, FALSE, OR, TRUE, And, Leaf, Not, Operator, Or
from tenantry.domain.operators import lookup

A = Leaf(("a",), Operator.EQ, 1)
B = Leaf(("b",), Operator.IN, (1, 2))
C = Leaf(("c",), Operator.LIKE, "x")


def test_and_of_nothing_is_true_and_or_of_nothing_is_false() -> None:
    assert AND([]) == TRUE
    assert OR([]) == FALSE


def test_false_absorbs_and_true_absorbs_or() -> None:
    assert AND([A, FALSE, B]) == FALSE
    assert OR([A, TRUE, B]) == TRUE


def test_neutral_constants_vanish_and_single_children_are_returned() -> None:
    assert AND([TRUE, A]) == A
    assert OR([FALSE, A, FALSE]) == A


def test_nested_combinations_of_the_same_kind_are_flattened() -> None:
    assert AND([A, AND([B, C])]) == And((A, B, C))
    assert OR([OR([A, B]), C]) == Or((A, B, C))
    assert AND([A, OR([B, C])]) == And((A, Or((B, C))))


def test_nodes_are_immutable_and_hashable() -> None:
    node = And((A, Not(Or((B, C)))))
    assert {node: 1}[And((A, Not(Or((B, C)))))] == 1
    with pytest.raises(AttributeError):
        A.value = 2  # type: ignore[misc]


def test_to_list_gives_back_a_prefix_domain() -> None:
    node = And((A, Not(Or((B, C))), Leaf(("r",), Operator.ANY, A)))
    assert node.to_list() == [
        "&", "&", ("a", "=", 1), "!", "|", ("b", "in", (1, 2)), ("c", "like", "x"),
        ("r", "any", [("a", "=", 1)]),
    ]  # fmt: skip
    assert TRUE.to_list() == [(1, "=", 1)]


def test_operators_have_odoo_wire_spellings() -> None:
    assert [op.value for op in Operator] == [
        "=", "!=", ">", ">=", "<", "<=", "=?", "like", "not like", "ilike", "not ilike",
        "=like", "=ilike", "in", "not in", "child_of", "parent_of", "any", "not any",
    ]  # fmt: skip
    assert lookup("<>") is Operator.NE
    assert lookup("==") is Operator.EQ
    assert lookup("NOT LIKE") is Operator.NOT_LIKE
    assert lookup("between") is None


@pytest.mark.parametrize(
    ("op", "negated"),
    [("<", ">="), (">", "<="), ("=", "!="), ("in", "not in"), ("like", "not like"),
     ("ilike", "not ilike"), ("any", "not any")],
)  # fmt: skip
def test_negatable_operators_negate_both_ways(op: str, negated: str) -> None:
    assert Operator(op).negation is Operator(negated)
    assert Operator(negated).negation is Operator(op)


@pytest.mark.parametrize("op", ["=?", "=like", "=ilike", "child_of", "parent_of"])
def test_some_operators_have_no_negation(op: str) -> None:
    assert Operator(op).negation is None
