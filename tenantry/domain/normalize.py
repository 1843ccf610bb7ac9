"""Normalization: small rewrite rules turning a parsed tree into the compilers' input.

The rules, each an equation on domains (``~`` is ``'!'``)::

    ~~x                      = x
    ~(x & y)                 = ~x | ~y                      (De Morgan, and dually)
    ~(f op v)                = (f neg(op) v)                if op has a negation
    (a.b.c op v)             = (a any [(b.c op v)])         a relational; recursively
    (f =? False)             = TRUE
    (f =? v)                 = (f = v)
    (f in [])                = FALSE        (f not in [])  = TRUE
    (f like '')              = TRUE         f not relational, and ilike ('%%' or NULL)
    (f not like '')          = (f = False)  f not relational: only "no value" is not like '%%'
    (f < None)               = FALSE        for every comparison operator
    (rel = 'name')           = (rel any [(rec_name = 'name')])   rel: m2o or x2many; in, like...
    (rel != 'name')          = (rel not any [(rec_name = 'name')])   so NULLs are included
    (rel ilike '')           = (rel any TRUE)   has a related record (Odoo's name search of '')
    (rel not ilike '')       = (rel not any TRUE)   has none
    (f in A) | (f in B)      = (f in A + B)   and the other merges of leaves on one
                                              field, see :mod:`tenantry.domain.merge`
    (f any FALSE)            = FALSE        (f not any FALSE) = TRUE
    (bool != True)           = (bool = False)   booleans only ever keep ``= True``/``= False``
    (f child_of [])          = FALSE

A normalized tree has: ``Not`` only directly above a leaf whose operator has no
negation (``=like``, ``=ilike``, ``child_of``, ``parent_of``); one-field paths;
no ``=?``; flattened ``And``/``Or`` with at least two children and no constants
(unless the whole tree is one). The compiler and the evaluator both start from
this form, which is where their semantics are defined.
"""

from __future__ import annotations

from typing import Any

from tenantry.domain.ast import AND, FALSE, OR, TRUE, And, Constant, Domain, Leaf, Not, Or, is_node
from tenantry.domain.limits import show
from tenantry.domain.merge import merge
from tenantry.domain.operators import COMPARISONS, HIERARCHY, LIKES, Operator
from tenantry.domain.parse import parse
from tenantry.domain.relations import comodel_of
from tenantry.domain.schema import CompileContext, FieldSchema, FieldType, ModelSchema, Schema
from tenantry.domain.values import ValueProblem, coerce
from tenantry.exceptions import ValidationError

_NAME_OPERATORS = frozenset({Operator.EQ, Operator.NE, Operator.IN, Operator.NOT_IN}) | LIKES


def normalize(node: Domain, model: ModelSchema | None = None, schema: Schema | None = None) -> Domain:
    """The normalized form of ``node`` (a parsed domain on ``model``). Idempotent.

    Without ``model`` and ``schema`` only the rules that hold for every field
    type apply (negation, constants, ``=?``, empty lists and patterns); a
    ``Not`` over a dotted path stays, since ``~(a.b = x)`` is ``a not any`` and
    not ``a.b != x``. The compiler and evaluator finish the job with the schema.
    """
    if (model is None) != (schema is None):
        raise TypeError("normalize() needs both model and schema, or neither")
    return _Normalizer(schema).node(node, model, negate=False)


def extra_domain(ctx: CompileContext, model: ModelSchema, schema: Schema) -> Domain | None:
    """``ctx.extra_domain(model)`` (a node, or a raw list that is parsed), normalized;
    None when there is none or it is ``TRUE``. Kept in ``ctx._memo``: a context
    serves one environment, whose rules do not change while it lives."""
    if ctx.extra_domain is None:
        return None
    key = ("extra_domain", model.name)
    if key in ctx._memo:
        return ctx._memo[key]  # type: ignore[no-any-return]
    extra = ctx.extra_domain(model)
    node = None
    if extra is not None:
        node = normalize(extra if is_node(extra) else parse(extra, model, schema), model, schema)
    result = None if node is None or node == TRUE else node
    ctx._memo[key] = result
    return result


class _Normalizer:
    __slots__ = ("_schema",)

    def __init__(self, schema: Schema | None) -> None:
        self._schema = schema

    def node(self, node: Domain, model: ModelSchema | None, negate: bool) -> Domain:
        """``node``, or its negation when ``negate``, normalized."""
        if isinstance(node, Leaf):
            return self.leaf(node, model, negate)
        if isinstance(node, Not):
            return self.node(node.child, model, not negate)
        if isinstance(node, And | Or):
            combine = OR if isinstance(node, Or) != negate else AND
            combined = combine(self.node(child, model, negate) for child in node.children)
            if model is None or self._schema is None:
                return combined
            return merge(combined, model, self._schema)
        return Constant(node.value != negate)

    def leaf(self, leaf: Leaf, model: ModelSchema | None, negate: bool) -> Domain:
        field = None
        if model is not None:
            field = model.field(leaf.path[0])
            if field is None:
                raise ValidationError(
                    f"Invalid domain term {show(leaf.to_term())} on model {model.name!r}: "
                    f"unknown field {leaf.path[0]!r}."
                )
            if len(leaf.path) > 1:
                # a.b.c op v  ==  a any [(b.c, op, v)]: the negation lands on the any.
                inner = Leaf(leaf.path[1:], leaf.operator, leaf.value)
                return self.leaf(Leaf(leaf.path[:1], Operator.ANY, inner), model, negate)
        elif len(leaf.path) > 1:
            return Not(leaf) if negate else leaf  # see normalize(): needs the schema
        operator = leaf.operator
        negation = operator.negation
        if negate and negation is not None:
            operator, negate = negation, False
        node = self._canonical(leaf.path, field, model, operator, leaf.value)
        if not negate:
            return node
        if isinstance(node, Leaf) and node.operator is operator:
            return Not(node)  # no negation for this operator: stays under Not
        return self.node(node, model, negate=True)

    def _canonical(
        self,
        path: tuple[str, ...],
        field: FieldSchema | None,
        model: ModelSchema | None,
        operator: Operator,
        value: Any,
    ) -> Domain:
        """The normalized (positive) node for the one-field leaf ``(path, operator, value)``;
        ``field`` and ``model`` are None when normalizing without a schema."""
        if operator in (Operator.ANY, Operator.NOT_ANY):
            comodel = None
            if field is not None and self._schema is not None:
                comodel = comodel_of(field, self._schema)
            sub = self.node(value, comodel, negate=False)
            if sub == FALSE:
                return FALSE if operator is Operator.ANY else TRUE
            return Leaf(path, operator, sub)
        if operator is Operator.EQ_OPTIONAL:
            if value is None or value is False:
                return TRUE
            operator = Operator.IN if isinstance(value, tuple) else Operator.EQ
        if operator in LIKES and (value is None or value is False or value == ""):
            value = ""
            # Relational fields search the comodel's names (below); without a schema the
            # field's kind is unknown and the leaf stays.
            if field is not None and not field.type.is_relational:
                if operator in (Operator.LIKE, Operator.ILIKE):
                    return TRUE  # '%%' matches every value, and Odoo adds OR IS NULL
                if operator in (Operator.NOT_LIKE, Operator.NOT_ILIKE):
                    return self._canonical(path, field, model, Operator.EQ, False)
        if field is not None and model is not None:
            if field.type.is_relational and operator in _NAME_OPERATORS and _by_name(operator, value):
                return self._name_search(field, model, operator, value)
            if field.type is FieldType.BOOLEAN and operator in _NAME_OPERATORS - LIKES:
                return _boolean(path, operator, value)
        if operator in (Operator.IN, Operator.NOT_IN) and not value:
            return FALSE if operator is Operator.IN else TRUE
        if operator in COMPARISONS and value is None:
            return FALSE  # f < NULL is never true
        if operator in HIERARCHY and not value:
            return FALSE
        return Leaf(path, operator, value)

    def _name_search(self, field: FieldSchema, model: ModelSchema, operator: Operator, value: Any) -> Domain:
        """A relational field compared with names: a search on the comodel's ``rec_name``.

        Negative operators search the positive form and take the complement
        (``not any``), so records with no related record match ``!=`` too, as
        Odoo's "complemented name search OR IS NULL" does.
        """
        assert self._schema is not None
        comodel = comodel_of(field, self._schema)
        name_field = comodel.field(comodel.rec_name)
        if name_field is None:
            raise ValidationError(f"Model {comodel.name!r} has no name field to search.")
        positive = operator.positive
        ids: tuple[Any, ...] = ()
        names: Any = value
        if isinstance(value, tuple):  # a list mixing ids and names: split it
            ids = tuple(item for item in value if not isinstance(item, str))
            names = tuple(item for item in value if isinstance(item, str))
        try:
            names = coerce(name_field, positive, names)
        except ValueProblem as exc:
            raise ValidationError(f"Invalid name search on {comodel.name!r}: {exc}.") from None
        search = Leaf((field.name,), Operator.ANY, Leaf((name_field.name,), positive, names))
        node = OR([search, Leaf((field.name,), Operator.IN, ids)]) if ids else search
        return self.node(node, model, negate=operator.is_negative)


def _by_name(operator: Operator, value: Any) -> bool:
    """Whether a relational leaf searches the comodel by name rather than by id."""
    if operator in LIKES or isinstance(value, str):
        return True
    return isinstance(value, tuple) and any(isinstance(item, str) for item in value)


def _boolean(path: tuple[str, ...], operator: Operator, value: Any) -> Domain:
    """Boolean leaves reduced to ``= True`` / ``= False`` (where False includes NULL)."""
    items = (value,) if operator in (Operator.EQ, Operator.NE) else value
    wanted = {bool(item) for item in items}
    if operator.is_negative:
        wanted = {True, False} - wanted
    if len(wanted) == 2:
        return TRUE
    if not wanted:
        return FALSE
    return Leaf(path, Operator.EQ, wanted.pop())
