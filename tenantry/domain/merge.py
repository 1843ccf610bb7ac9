"""Merging: the leaves of one ``And`` or ``Or`` that test one field become one leaf.

Normalization applies these rules to every ``And``/``Or`` it builds, so a domain of
thousands of terms on a few fields compiles to a few conditions (one ``IN`` list, one
sub-select) instead of thousands, which databases plan in time growing faster than
their number. Each rule is an equation, ``a``, ``b`` values, ``A``, ``B`` sets of values
or sub-domains::

    (f in A) | (f in B)            = f in (A + B)            '=' is 'in' of one value
    (f not in A) & (f not in B)    = f not in (A + B)
    (f in A) & (f in B)            = f in (A ∩ B)            f scalar, not boolean
    (f not in A) | (f not in B)    = f not in (A ∩ B)        the same
    (f < a) | (f < b)              = f < max(a, b)           and <=; > and >= take min;
    (f < a) & (f < b)              = f < min(a, b)           numbers, dates and ids only
    (f child_of A) | (f child_of B)  = f child_of (A + B)      and parent_of
    (f any A) | (f any B)          = f any (A | B)
    (f not any A) & (f not any B)  = f not any (A | B)
    (f any A) & (f any B)          = f any (A & B)           f many2one: one related record
    (f not any A) | (f not any B)  = f not any (A & B)       the same

Booleans are left alone (normalization keeps them ``= True``/``= False``), and so are
string comparisons: which of two strings is smaller is the database collation's call.
In intersections, the values meaning "empty" (False, None, and '' for strings) are one.
"""

from __future__ import annotations

from typing import Any

from tenantry.domain.ast import AND, FALSE, OR, TRUE, And, Domain, Leaf, Or
from tenantry.domain.operators import COMPARISONS, HIERARCHY, Operator
from tenantry.domain.relations import comodel_of
from tenantry.domain.schema import FieldSchema, FieldType, ModelSchema, Schema
from tenantry.domain.values import is_empty

__all__ = ["merge"]

_ORDERED = frozenset(
    {FieldType.INTEGER, FieldType.FLOAT, FieldType.DATE, FieldType.DATETIME, FieldType.MANY2ONE}
)
_IN = {
    Operator.EQ: Operator.IN,
    Operator.IN: Operator.IN,
    Operator.NE: Operator.NOT_IN,
    Operator.NOT_IN: Operator.NOT_IN,
}
_EMPTY = object()

Key = tuple[str, Operator]
"""A merge group: the field, and the operator its leaves end up with."""


def merge(node: Domain, model: ModelSchema, schema: Schema) -> Domain:
    """``node`` (normalized children in a flattened ``And``/``Or``) with its mergeable
    leaves merged; any other node is returned as is."""
    if not isinstance(node, And | Or):
        return node
    disjunction = isinstance(node, Or)
    children: list[Domain] = []
    groups: dict[Key, list[Leaf]] = {}
    places: dict[Key, int] = {}
    for child in node.children:
        key = _key(child, model, disjunction)
        if key is None:
            children.append(child)
            continue
        assert isinstance(child, Leaf)
        if key not in groups:
            groups[key], places[key] = [], len(children)
            children.append(child)
        groups[key].append(child)
    if all(len(group) == 1 for group in groups.values()):
        return node
    for key, group in groups.items():
        if len(group) > 1:
            children[places[key]] = _merged(group, key[1], model, schema, disjunction)
    return OR(children) if disjunction else AND(children)


def _key(node: Domain, model: ModelSchema, disjunction: bool) -> Key | None:
    """The group of ``node`` among the children of an ``Or`` (``disjunction``) or an
    ``And``, None when it merges with nothing."""
    if not isinstance(node, Leaf) or len(node.path) != 1:
        return None
    field = model.field(node.field_name)
    operator = node.operator
    if field is None or field.type is FieldType.BOOLEAN:
        return None
    if operator in _IN:
        union = operator.is_negative != disjunction  # (in | in), (not in & not in)
        if union or not field.type.is_x2many:
            return (field.name, _IN[operator])
        return None
    if operator in (Operator.ANY, Operator.NOT_ANY):
        union = (operator is Operator.ANY) == disjunction
        if union or field.type is FieldType.MANY2ONE:
            return (field.name, operator)
        return None
    if operator in HIERARCHY:
        return (field.name, operator) if disjunction else None
    if operator in COMPARISONS and field.type in _ORDERED:
        return (field.name, operator)
    return None


def _merged(
    group: list[Leaf], operator: Operator, model: ModelSchema, schema: Schema, disjunction: bool
) -> Domain:
    path = group[0].path
    field = model.fields[group[0].field_name]
    if operator in (Operator.ANY, Operator.NOT_ANY):
        comodel = comodel_of(field, schema)
        union = (operator is Operator.ANY) == disjunction
        subs = [leaf.value for leaf in group]
        return Leaf(path, operator, merge(OR(subs) if union else AND(subs), comodel, schema))
    if operator in HIERARCHY:
        return Leaf(path, operator, _union(seed for leaf in group for seed in leaf.value))
    if operator in (Operator.IN, Operator.NOT_IN):
        sets = [
            leaf.value if leaf.operator in (Operator.IN, Operator.NOT_IN) else (leaf.value,) for leaf in group
        ]
        union = operator.is_negative != disjunction
        values = _union(v for values in sets for v in values) if union else _intersection(field, sets)
        if not values:  # only intersections get here: nothing is in an empty list
            return FALSE if operator is Operator.IN else TRUE
        return Leaf(path, operator, values)
    # ordered comparisons: the bound every record must pass (&), or one may (|)
    smaller = operator.value.startswith("<")
    pick = max if smaller == disjunction else min
    return Leaf(path, operator, pick(leaf.value for leaf in group))


def _union(values: Any) -> tuple[Any, ...]:
    """``values`` without repeats, in order; ``0`` and ``False`` stay apart."""
    seen: dict[tuple[type, Any], Any] = {}
    for value in values:
        seen.setdefault((type(value), value), value)
    return tuple(seen.values())


def _intersection(field: FieldSchema, sets: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The values in every one of ``sets``, as the field compares them (empty ones are one)."""

    def canonical(value: Any) -> Any:
        return _EMPTY if is_empty(field.type, value) else value

    others = [{canonical(value) for value in values} for values in sets[1:]]
    kept: dict[Any, Any] = {}
    for value in sets[0]:
        key = canonical(value)
        if key not in kept and all(key in other for other in others):
            kept[key] = False if key is _EMPTY else value
    return tuple(kept.values())
