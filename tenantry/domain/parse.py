"""Parsing: an Odoo prefix-notation list into a validated :data:`Domain` tree.

Everything a domain can get wrong is found here, before any SQL is built:
its structure, its operators, every field of every dotted path, and the shape
of every value. Errors are :class:`~tenantry.exceptions.ValidationError` naming
the term, its position (1-based, in the list it appears in) and the model::

    Invalid domain term #2 ('foo', '=', 1) on model 'res.partner': unknown field 'foo'.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

from tenantry.domain import limits
from tenantry.domain.ast import AND, FALSE, OR, TRUE, And, Constant, Domain, Leaf, Not, Or, is_node
from tenantry.domain.limits import MAX_DEPTH, relation_depth, show
from tenantry.domain.operators import COMPARISONS, HIERARCHY, Operator, lookup
from tenantry.domain.relations import RelationProblem, comodel_of, hierarchy_of
from tenantry.domain.schema import FieldSchema, FieldType, ModelSchema, Schema
from tenantry.domain.values import ValueProblem, coerce
from tenantry.exceptions import ValidationError

_TOO_DEEP = (
    f"nested more than {MAX_DEPTH} levels deep (a relation followed by a dotted path, "
    "'any' or a name search counts 4 levels, 6 for a many2many)"
)
_SCALAR_SWAP = {Operator.IN: Operator.EQ, Operator.NOT_IN: Operator.NE}
_LIST_SWAP = {Operator.EQ: Operator.IN, Operator.NE: Operator.NOT_IN}


class _TermProblem(ValueError):
    """Why one term is invalid; turned into a ValidationError naming the term."""


def parse(domain: Any, model: ModelSchema, schema: Schema) -> Domain:
    """Parse and validate ``domain`` (a list/tuple in prefix notation, or a node) on ``model``.

    Consecutive terms are joined by an implicit ``'&'``; ``[]`` is ``TRUE``;
    ``(1, '=', 1)`` and ``(0, '=', 1)`` are the constants ``TRUE`` and ``FALSE``.
    A node built earlier (by this function or the combinators) is re-validated
    against ``model``, so trees from elsewhere get the same guarantees. A list beyond
    the size limits of :mod:`tenantry.domain.limits` is refused before anything else.
    """
    limits.check(domain)
    return _Parser(schema).domain(domain, model)


class _Parser:
    __slots__ = ("_schema",)

    def __init__(self, schema: Schema) -> None:
        self._schema = schema

    def domain(self, domain: Any, model: ModelSchema) -> Domain:
        node, _depth = self._domain(domain, model)
        return node

    def _domain(self, domain: Any, model: ModelSchema) -> tuple[Domain, int]:
        if is_node(domain):
            return self._node(domain, 1, model)
        if not isinstance(domain, list | tuple):
            raise _structure_error(domain, "a domain is a list of terms")
        stack: list[tuple[Domain, int] | _Chain] = []
        # Prefix notation reads naturally from the end: operands are pushed
        # first, and each operator pops the subtrees that follow it.
        for index in range(len(domain) - 1, -1, -1):
            item = domain[index]
            if isinstance(item, str):
                stack.append(self._operator(domain, index, item, stack))
            elif is_node(item):
                stack.append(self._node(item, index + 1, model))
            elif isinstance(item, list | tuple):
                stack.append(self._term(item, index + 1, model))
            else:
                raise _structure_error(domain, f"term #{index + 1} {show(item)} is not a term")
            top = stack[-1]
            if isinstance(top, tuple) and top[1] > MAX_DEPTH:
                raise _structure_error(domain, _TOO_DEEP)
        stack.reverse()
        return _combine(AND, And, [_done(domain, item) for item in stack])

    @staticmethod
    def _operator(
        domain: Sequence[Any], index: int, item: str, stack: list[tuple[Domain, int] | _Chain]
    ) -> tuple[Domain, int] | _Chain:
        arity = {"!": 1, "&": 2, "|": 2}.get(item)
        if arity is None:
            raise _structure_error(domain, f"unknown operator {show(item)} at position {index + 1}")
        if len(stack) < arity:
            raise _structure_error(
                domain, f"operator {item!r} at position {index + 1} needs {arity} term(s) after it"
            )
        if arity == 1:
            child, depth = _done(domain, stack.pop())
            return Not(child), depth + 1
        kind: type[And | Or] = And if item == "&" else Or
        first, second = stack.pop(), stack.pop()
        if isinstance(first, _Chain) and first.kind is kind:
            if isinstance(second, _Chain) and second.kind is kind:
                first.parts.extend(second.parts)
            else:
                first.parts.append(_done(domain, second))
            return first
        if isinstance(second, _Chain) and second.kind is kind:
            second.parts.appendleft(_done(domain, first))
            return second
        return _Chain(kind, deque((_done(domain, first), _done(domain, second))))

    def _node(self, node: Domain, position: int, model: ModelSchema) -> tuple[Domain, int]:
        if isinstance(node, Constant):
            return node, 1
        if isinstance(node, Not):
            child, depth = self._node(node.child, position, model)
            return Not(child), depth + 1
        if isinstance(node, And | Or):
            parts = [self._node(child, position, model) for child in node.children]
            return _combine(AND, And, parts) if isinstance(node, And) else _combine(OR, Or, parts)
        term = (".".join(node.path), node.operator.value, node.value)
        return self._term(term, position, model)

    def _term(self, term: Sequence[Any], position: int, model: ModelSchema) -> tuple[Domain, int]:
        try:
            return self._leaf(term, model)
        except (_TermProblem, ValueProblem, RelationProblem) as exc:
            shown = show(tuple(term) if isinstance(term, list) else term)
            raise ValidationError(
                f"Invalid domain term #{position} {shown} on model {model.name!r}: {exc}.",
                context={"model": model.name, "term": shown, "position": position},
            ) from None

    def _leaf(self, term: Sequence[Any], model: ModelSchema) -> tuple[Domain, int]:
        if len(term) != 3:
            raise _TermProblem("a term is (field, operator, value)")
        left, spelling, right = term
        constant = _constant(left, spelling, right)
        if constant is not None:
            return constant, 1
        if not isinstance(left, str) or not left:
            raise _TermProblem("the left side must be a field name or a dotted path")
        operator = lookup(spelling) if isinstance(spelling, str) else None
        if operator is None:
            raise _TermProblem(f"unknown operator {show(spelling)}")
        # Odoo's lenient spellings: ('f', 'in', True) and ('f', '=', [1, 2]).
        if isinstance(right, bool) and operator in _SCALAR_SWAP:
            operator = _SCALAR_SWAP[operator]
        elif isinstance(right, list | tuple | set | frozenset) and operator in _LIST_SWAP:
            operator = _LIST_SWAP[operator]
        path = tuple(left.split("."))
        field, owner, depth = self._walk(path, model)
        if field.search is not None:
            return self._searched(field, owner, path, operator, right, depth)
        if operator in _SCALAR_SWAP and _one_related(field, right):
            # ('partner_id', 'in', 'Agrolait'), ('child_ids', 'not in', 7): Odoo reads '=' / '!='.
            operator = _SCALAR_SWAP[operator]
        last = relation_depth(field.type)  # what the last step adds when it is a sub-select
        if operator in (Operator.ANY, Operator.NOT_ANY):
            if not field.type.is_relational:
                raise _TermProblem(f"operator {operator.value!r} needs a relational field")
            if not (is_node(right) or isinstance(right, list | tuple)):
                raise _TermProblem(f"operator {operator.value!r} needs a domain")
            sub, sub_depth = self._domain(right, comodel_of(field, self._schema))
            return Leaf(path, operator, sub), depth + last + sub_depth
        if operator in HIERARCHY:
            hierarchy_of(owner, field, self._schema)  # raises when there is no tree to follow
        elif field.type.is_x2many and operator in COMPARISONS:
            raise _TermProblem(f"operator {operator.value!r} is not supported on {field.type}")
        value = coerce(field, operator, right)
        names = field.type.is_relational and _names_in(value)
        if names:
            comodel = comodel_of(field, self._schema)
            if comodel.field(comodel.rec_name) is None:
                raise _TermProblem(f"model {comodel.name!r} has no name field to search")
        # The last step nests a sub-select too for names, x2many and hierarchies.
        if operator in HIERARCHY:
            last = max(last, relation_depth(FieldType.MANY2ONE))
        elif not (names or field.type.is_x2many):
            last = 0
        return Leaf(path, operator, value), 1 + depth + last

    def _searched(
        self,
        field: FieldSchema,
        owner: ModelSchema,
        path: tuple[str, ...],
        operator: Operator,
        right: Any,
        depth: int,
    ) -> tuple[Domain, int]:
        """A leaf on a field searched by a function: the domain the function gives, on the
        field's model (through ``any`` when the path leads there)."""
        assert field.search is not None
        sub, sub_depth = self._domain(field.search(operator.value, right), owner)
        if len(path) == 1:
            return sub, depth + sub_depth
        return Leaf(path[:-1], Operator.ANY, sub), 1 + depth + sub_depth

    def _walk(self, path: tuple[str, ...], model: ModelSchema) -> tuple[FieldSchema, ModelSchema, int]:
        """The last field of ``path``, the model holding it and the nesting its steps
        add (each relation followed nests a sub-select); checks every step."""
        owner = model
        depth = 0
        for step, name in enumerate(path):
            field = owner.field(name) if name else None
            if field is None:
                where = "" if step == 0 else f" on model {owner.name!r}"
                raise _TermProblem(f"unknown field {name!r}{where}")
            if not field.searchable:
                raise _TermProblem(f"field {name!r} is not stored and cannot be searched")
            if field.delegate is not None:  # tested on the parent record: a sub-select
                depth += relation_depth(FieldType.MANY2ONE)
            if step == len(path) - 1:
                return field, owner, depth
            if not field.type.is_relational:
                raise _TermProblem(f"field {name!r} is not relational, '.' cannot follow it")
            depth += relation_depth(field.type)
            owner = comodel_of(field, self._schema)
        raise _TermProblem("empty field path")  # unreachable: split() gives at least one name


def _constant(left: Any, spelling: Any, right: Any) -> Constant | None:
    """``TRUE`` for ``(1, '=', 1)``, ``FALSE`` for ``(0, '=', 1)``, else None."""
    if isinstance(left, int) and spelling == "=" and isinstance(right, int) and right == 1:
        if left == 1:
            return TRUE
        if left == 0:
            return FALSE
    return None


def _one_related(field: FieldSchema, value: Any) -> bool:
    """Whether ``value`` is one related record, not a list: a name for any relational
    field, or an id for an x2many (a many2one's single id is refused, as by Odoo)."""
    if isinstance(value, str):
        return field.type.is_relational
    return field.type.is_x2many and isinstance(value, int) and not isinstance(value, bool)


def _names_in(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, tuple) and any(isinstance(item, str) for item in value)


class _Chain:
    """An '&' or '|' being parsed, its operands gathered in place: combining them at
    each operator would copy the operands of a chain of n operators n times (a
    9 500-term OR took over a second). It becomes a node once complete (:func:`_done`)."""

    __slots__ = ("kind", "parts")

    def __init__(self, kind: type[And | Or], parts: deque[tuple[Domain, int]]) -> None:
        self.kind = kind
        self.parts = parts

    def done(self) -> tuple[Domain, int]:
        return (
            _combine(AND, And, list(self.parts)) if self.kind is And else _combine(OR, Or, list(self.parts))
        )


def _done(domain: Any, item: tuple[Domain, int] | _Chain) -> tuple[Domain, int]:
    """``item`` as a node and its depth; a chain is checked for depth as it is completed."""
    if isinstance(item, tuple):
        return item
    node, depth = item.done()
    if depth > MAX_DEPTH:
        raise _structure_error(domain, _TOO_DEEP)
    return node, depth


def _combine(combinator: Any, kind: type[And | Or], parts: list[tuple[Domain, int]]) -> tuple[Domain, int]:
    """Combine ``parts`` and track the nesting depth of the (flattened) result."""
    node: Domain = combinator([part for part, _ in parts])
    if not isinstance(node, kind):
        return node, max((depth for part, depth in parts if part is node), default=1)
    # Operands of the same kind were flattened in: their depth does not grow.
    depth = max(d if isinstance(p, kind) else d + 1 for p, d in parts)
    return node, depth


def _structure_error(domain: Any, reason: str) -> ValidationError:
    return ValidationError(f"Invalid domain {show(domain)}: {reason}.", context={"reason": reason})
