"""Compilation: a domain into a SQLAlchemy Core boolean expression over a model's table.

One handler per node kind, and per field kind a table from operator to leaf
handler. User values only ever reach SQL as bind parameters typed by the column
they are compared with, so SQLAlchemy can cache the statement's compilation.

NULL needs care, because SQL's three-valued logic is not Odoo's:

* ``f != v`` is NULL (not true) where ``f`` is NULL, yet Odoo counts a missing
  value as "different from v": negative operators add ``OR f IS NULL``.
* ``NOT x`` is NULL where ``x`` is; a ``Not`` node compiles to
  ``NOT coalesce(x, false)`` so it is the exact complement the evaluator computes.

Every sub-select reads an alias of its table, never the table itself, so a path
from a model back to itself (``parent_id.name`` on partners) is not silently
correlated with the outer query.
"""

from __future__ import annotations

import operator as py_operator
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, FromClause, Select

from tenantry.domain.ast import And, Constant, Domain, Leaf, Not, Or
from tenantry.domain.limits import show
from tenantry.domain.normalize import extra_domain, normalize
from tenantry.domain.operators import Operator
from tenantry.domain.relations import active_field, comodel_of, hierarchy_of
from tenantry.domain.schema import CompileContext, FieldSchema, FieldType, ModelSchema, Schema
from tenantry.domain.sql import InlineBudget, among, conjunction, disjunction
from tenantry.domain.values import LIKE_ESCAPE, like_pattern, split_empty
from tenantry.exceptions import ValidationError

Expression = ColumnElement[bool]

COMPARE: dict[Operator, Callable[[Any, Any], Any]] = {
    Operator.LT: py_operator.lt,
    Operator.LE: py_operator.le,
    Operator.GT: py_operator.gt,
    Operator.GE: py_operator.ge,
}
"""Ordering operators; the same functions build SQL (column overloads) and compare in Python."""


def compile_domain(
    node: Domain,
    model: ModelSchema,
    schema: Schema,
    ctx: CompileContext,
    table: FromClause | None = None,
) -> Expression:
    """The SQL condition selecting the rows of ``model`` (or of ``table``, an alias of
    its table) that match ``node``. ``node`` is normalized first (cheap, idempotent)."""
    target = model.table if table is None else table
    return _Compiler(schema, ctx).node(normalize(node, model, schema), model, target)


class _Compiler:
    """Compiles normalized nodes. ``sudo`` compilers serve ``extra_domain`` (record rules):
    no field checks and no further extra domains inside them, as rules are not
    subject to rules. Compilers of one statement share its ``budget`` of parameters."""

    __slots__ = ("_budget", "_ctx", "_schema", "_sudo")

    def __init__(
        self, schema: Schema, ctx: CompileContext, sudo: bool = False, budget: InlineBudget | None = None
    ) -> None:
        self._schema = schema
        self._ctx = ctx
        self._sudo = sudo
        self._budget = InlineBudget() if budget is None else budget

    def _as_sudo(self) -> _Compiler:
        return _Compiler(self._schema, self._ctx, sudo=True, budget=self._budget)

    def _among(self, column: ColumnElement[Any], values: tuple[Any, ...], negate: bool = False) -> Expression:
        return among(column, values, negate, self._budget)

    def _within(self, column: ColumnElement[Any], targets: Select[Any] | tuple[Any, ...]) -> Expression:
        return self._among(column, targets) if isinstance(targets, tuple) else column.in_(targets)

    def node(self, node: Domain, model: ModelSchema, table: FromClause) -> Expression:
        return _NODE_HANDLERS[type(node)](self, node, model, table)

    # -- node kinds ---------------------------------------------------------------------

    def _constant(self, node: Constant, model: ModelSchema, table: FromClause) -> Expression:
        return sa.true() if node.value else sa.false()

    def _and(self, node: And, model: ModelSchema, table: FromClause) -> Expression:
        return conjunction([self.node(child, model, table) for child in node.children])

    def _or(self, node: Or, model: ModelSchema, table: FromClause) -> Expression:
        return disjunction([self.node(child, model, table) for child in node.children])

    def _not(self, node: Not, model: ModelSchema, table: FromClause) -> Expression:
        # coalesce: NOT over a NULL condition must be true, as the complement is.
        return sa.not_(sa.func.coalesce(self.node(node.child, model, table), sa.false()))

    def _leaf(self, leaf: Leaf, model: ModelSchema, table: FromClause) -> Expression:
        field = model.fields[leaf.field_name]
        if not self._sudo and self._ctx.check_field is not None:
            self._ctx.check_field(model, field)
        if field.delegate is not None:
            return self._delegated(field, model, table, leaf)
        handlers = _LEAF_HANDLERS[_kind(field)]
        handler = handlers.get(leaf.operator)
        if handler is None:
            raise ValidationError(
                f"Invalid domain term {show(leaf.to_term())} on model {model.name!r}: "
                f"operator {leaf.operator.value!r} is not supported on {field.type} fields."
            )
        return handler(self, field, model, table, leaf)

    def _delegated(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        """A leaf on a field inherited through ``_inherits``: the same leaf on the parent,
        ``link IN (SELECT id FROM parent WHERE leaf)``. The parent's active flag does not
        apply (the link is required: every record has one), nor its rules for a field read
        in superuser mode (res.users ``name``, as Odoo's join); a field read as the user is
        searched as the user reads it, through the parent's rules (the extra domain)."""
        link = model.fields[field.delegate or ""]
        parent = comodel_of(link, self._schema)
        alias = parent.table.alias()
        conditions = [self.node(leaf, parent, alias)]
        extra = self._extra(parent) if field.delegate_rules else None
        if extra is not None:
            conditions.append(_Compiler(self._schema, self._ctx, sudo=True).node(extra, parent, alias))
        return self._column(link, table).in_(sa.select(alias.c[_id_column(parent)]).where(*conditions))

    # -- scalar columns (and many2one, a column of ids) -------------------------------

    def _column(self, field: FieldSchema, table: FromClause) -> ColumnElement[Any]:
        """The SQL value of a stored field; for company-dependent fields, the current
        company's entry of the JSON column (NULL without a company or entry)."""
        assert field.column is not None
        column = table.c[field.column]
        if not field.company_dependent:
            return column
        sql_type, extract = _JSON_EXTRACT.get(field.type, (sa.String(), "as_string"))
        if self._ctx.company_id is None:
            return sa.cast(sa.null(), sql_type)
        element = column[str(self._ctx.company_id)]
        return getattr(element, extract)()  # type: ignore[no-any-return]

    def _equal(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        return self._membership(field, table, (leaf.value,), positive=True)

    def _not_equal(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        return self._membership(field, table, (leaf.value,), positive=False)

    def _in(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        return self._membership(field, table, leaf.value, positive=True)

    def _not_in(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        return self._membership(field, table, leaf.value, positive=False)

    def _membership(
        self, field: FieldSchema, table: FromClause, values: tuple[Any, ...], positive: bool
    ) -> Expression:
        """``f in values`` (or ``not in``) where empty values (False, None, and ''
        for strings) stand for NULL, and for strings also match ''."""
        column = self._column(field, table)
        present, has_null = split_empty(field.type, values)
        present = tuple(_sql_value(field, value) for value in present)
        test: Expression | None = None
        if present:
            if positive:
                test = column == present[0] if len(present) == 1 else self._among(column, present)
            else:
                test = column != present[0] if len(present) == 1 else self._among(column, present, True)
        if positive:
            if not has_null:
                assert test is not None
                return test
            null_test = column.is_(None)
            return null_test if test is None else sa.or_(test, null_test)
        if has_null:
            # NULL is one of the values excluded: the plain NOT IN already drops it.
            return sa.and_(*(part for part in (test, column.is_not(None)) if part is not None))
        # f != v is NULL where f is NULL, but a missing value is "not v" to Odoo.
        assert test is not None
        return sa.or_(test, column.is_(None))

    def _compare(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        column = self._column(field, table)
        return COMPARE[leaf.operator](column, _sql_value(field, leaf.value))  # type: ignore[no-any-return]

    def _like(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        column = self._column(field, table)
        if not field.type.is_string:
            column = sa.cast(column, sa.String())  # integers and dates match on their text
        pattern = like_pattern(leaf.operator, leaf.value)
        if leaf.operator in (Operator.LIKE, Operator.EQ_LIKE):
            return column.like(pattern, escape=LIKE_ESCAPE)
        if leaf.operator in (Operator.ILIKE, Operator.EQ_ILIKE):
            return column.ilike(pattern, escape=LIKE_ESCAPE)
        if leaf.operator is Operator.NOT_LIKE:
            test = column.not_like(pattern, escape=LIKE_ESCAPE)
        else:
            test = column.not_ilike(pattern, escape=LIKE_ESCAPE)
        return sa.or_(test, column.is_(None))  # a missing value does not contain the text

    # -- relations ------------------------------------------------------------------------

    def _many2one_any(
        self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf
    ) -> Expression:
        # Archived targets count: a many2one sub-search has no active filter.
        targets = self._sub_select(field, leaf.value, active_test=False)
        column = self._column(field, table)
        if leaf.operator is Operator.ANY:
            return column.in_(targets)
        return sa.or_(column.not_in(targets), column.is_(None))

    def _x2many_any(
        self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf
    ) -> Expression:
        active_test = self._ctx.active_test
        if field.type is FieldType.ONE2MANY:
            # The sub-domain goes straight into the lines' sub-select.
            def matching(lines: FromClause) -> list[Expression]:
                return self._sub_conditions(field, leaf.value, lines, active_test)

            test = self._one2many(field, model, table, matching)
        else:
            test = self._related(field, model, table, self._sub_select(field, leaf.value, active_test))
        return test if leaf.operator is Operator.ANY else sa.not_(test)

    def _x2many_in(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        """x2many against ids (and False = "no related record"), on the stored
        relation itself: no active filter, as in Odoo."""
        values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
        present, has_null = split_empty(field.type, values)
        parts: list[Expression] = []
        if present:
            parts.append(self._related(field, model, table, present))
        if has_null:
            parts.append(sa.not_(self._related(field, model, table, None)))
        test = sa.or_(*parts)
        return sa.not_(test) if leaf.operator.is_negative else test

    def _related(
        self,
        field: FieldSchema,
        model: ModelSchema,
        table: FromClause,
        targets: Select[Any] | tuple[Any, ...] | None,
    ) -> Expression:
        """Whether a record has a related record among ``targets`` (any at all if None)."""
        if field.type is FieldType.ONE2MANY:
            comodel = comodel_of(field, self._schema)

            def matching(lines: FromClause) -> list[Expression]:
                return [] if targets is None else [self._within(lines.c[_id_column(comodel)], targets)]

            return self._one2many(field, model, table, matching)
        # EXISTS(SELECT 1 FROM rel WHERE rel.column1 = outer.id [AND rel.column2 IN targets])
        assert field.relation_table is not None and field.column1 and field.column2
        rel = field.relation_table.alias()
        record_id = table.c[_id_column(model)]
        where = [rel.c[field.column1] == record_id]
        if targets is not None:
            where.append(self._within(rel.c[field.column2], targets))
        rows: Select[Any] = sa.select(sa.literal_column("1")).select_from(rel).where(*where)
        return sa.exists(rows.correlate(table))

    def _one2many(
        self,
        field: FieldSchema,
        model: ModelSchema,
        table: FromClause,
        conditions: Callable[[FromClause], list[Expression]],
    ) -> Expression:
        """``id IN (SELECT inverse FROM comodel WHERE inverse IS NOT NULL AND ...)``.

        ``inverse IS NOT NULL`` matters for the negative forms: ``id NOT IN (...)``
        is never true once the sub-select yields a NULL.
        """
        comodel = comodel_of(field, self._schema)
        lines = comodel.table.alias()
        inverse = self._column(comodel.fields[field.inverse_name or ""], lines)
        where = [inverse.is_not(None), *conditions(lines)]
        return table.c[_id_column(model)].in_(sa.select(inverse).where(*where))

    def _sub_select(self, field: FieldSchema, sub: Domain, active_test: bool) -> Select[Any]:
        """``SELECT id FROM comodel WHERE sub`` (plus active filter and extra domain)."""
        comodel = comodel_of(field, self._schema)
        alias = comodel.table.alias()
        conditions = self._sub_conditions(field, sub, alias, active_test)
        return sa.select(alias.c[_id_column(comodel)]).where(*conditions)

    def _sub_conditions(
        self, field: FieldSchema, sub: Domain, alias: FromClause, active_test: bool
    ) -> list[Expression]:
        """The conditions on ``alias`` (of the comodel) of a sub-search: the
        sub-domain, the active filter (x2many only) and the extra domain (rules)."""
        comodel = comodel_of(field, self._schema)
        conditions = [self.node(sub, comodel, alias)]
        active = active_field(comodel) if active_test else None
        if active is not None:
            conditions.append(self._column(active, alias) == sa.true())
        extra = self._extra(comodel)
        if extra is not None:
            conditions.append(self._as_sudo().node(extra, comodel, alias))
        return conditions

    def _extra(self, comodel: ModelSchema) -> Domain | None:
        return None if self._sudo else extra_domain(self._ctx, comodel, self._schema)

    # -- hierarchies ---------------------------------------------------------------------

    def _hierarchy(self, field: FieldSchema, model: ModelSchema, table: FromClause, leaf: Leaf) -> Expression:
        tree = hierarchy_of(model, field, self._schema)
        ids = self._tree_ids(tree.model, tree.parent, leaf.operator, leaf.value)
        if tree.on_record:
            return table.c[_id_column(model)].in_(ids)
        if field.type is FieldType.MANY2ONE:
            return self._column(field, table).in_(ids)
        return self._related(field, model, table, ids)

    def _tree_ids(
        self, model: ModelSchema, parent: FieldSchema, operator: Operator, seeds: tuple[Any, ...]
    ) -> Select[Any]:
        """The ids of ``seeds`` and their descendants (``child_of``) or ancestors
        (``parent_of``), by a recursive CTE. Seeds are ids or names (``rec_name``
        ilike). Like Odoo, the walk ignores rules and archiving."""
        start = model.table.alias()
        id_name = _id_column(model)
        conditions: list[Expression] = []
        ids = tuple(seed for seed in seeds if not isinstance(seed, str))
        if ids:
            conditions.append(self._among(start.c[id_name], ids))
        sudo = self._as_sudo()
        for name in (seed for seed in seeds if isinstance(seed, str)):
            by_name = Leaf((model.rec_name,), Operator.ILIKE, name)
            conditions.append(sudo.node(normalize(by_name, model, self._schema), model, start))
        tree = sa.select(start.c[id_name].label("id")).where(sa.or_(*conditions)).cte(recursive=True)
        step = model.table.alias()
        parent_column = step.c[parent.column or ""]
        if operator is Operator.CHILD_OF:
            walk = sa.select(step.c[id_name]).where(parent_column == tree.c.id)
        else:
            walk = sa.select(parent_column).where(step.c[id_name] == tree.c.id, parent_column.is_not(None))
        # UNION (not UNION ALL) also ends the walk on a cycle in the data.
        tree = tree.union(walk)
        return sa.select(tree.c.id)


def _kind(field: FieldSchema) -> str:
    if field.type.is_x2many:
        return "x2many"
    return "many2one" if field.type is FieldType.MANY2ONE else "scalar"


def _id_column(model: ModelSchema) -> str:
    field = model.field("id")
    return field.column if field is not None and field.column else "id"


def _sql_value(field: FieldSchema, value: Any) -> Any:
    """Company-dependent dates live in JSON as ISO text, and are compared as such."""
    if field.company_dependent and isinstance(value, date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return value


_JSON_EXTRACT: dict[FieldType, tuple[sa.types.TypeEngine[Any], str]] = {
    FieldType.INTEGER: (sa.Integer(), "as_integer"),
    FieldType.MANY2ONE: (sa.Integer(), "as_integer"),
    FieldType.FLOAT: (sa.Float(), "as_float"),
    FieldType.BOOLEAN: (sa.Boolean(), "as_boolean"),
}

_Handler = Callable[[_Compiler, FieldSchema, ModelSchema, FromClause, Leaf], Expression]

_NODE_HANDLERS: dict[type, Callable[[_Compiler, Any, ModelSchema, FromClause], Expression]] = {
    Constant: _Compiler._constant,
    Leaf: _Compiler._leaf,
    Not: _Compiler._not,
    And: _Compiler._and,
    Or: _Compiler._or,
}

_SCALAR: dict[Operator, _Handler] = {
    Operator.EQ: _Compiler._equal,
    Operator.NE: _Compiler._not_equal,
    Operator.IN: _Compiler._in,
    Operator.NOT_IN: _Compiler._not_in,
    Operator.LT: _Compiler._compare,
    Operator.LE: _Compiler._compare,
    Operator.GT: _Compiler._compare,
    Operator.GE: _Compiler._compare,
    Operator.LIKE: _Compiler._like,
    Operator.NOT_LIKE: _Compiler._like,
    Operator.ILIKE: _Compiler._like,
    Operator.NOT_ILIKE: _Compiler._like,
    Operator.EQ_LIKE: _Compiler._like,
    Operator.EQ_ILIKE: _Compiler._like,
    Operator.CHILD_OF: _Compiler._hierarchy,
    Operator.PARENT_OF: _Compiler._hierarchy,
}

_LEAF_HANDLERS: dict[str, dict[Operator, _Handler]] = {
    "scalar": _SCALAR,
    "many2one": _SCALAR | {Operator.ANY: _Compiler._many2one_any, Operator.NOT_ANY: _Compiler._many2one_any},
    "x2many": {
        Operator.EQ: _Compiler._x2many_in,
        Operator.NE: _Compiler._x2many_in,
        Operator.IN: _Compiler._x2many_in,
        Operator.NOT_IN: _Compiler._x2many_in,
        Operator.ANY: _Compiler._x2many_any,
        Operator.NOT_ANY: _Compiler._x2many_any,
        Operator.CHILD_OF: _Compiler._hierarchy,
        Operator.PARENT_OF: _Compiler._hierarchy,
    },
}
"""Leaf handlers by field kind, then operator. Relational names never get here:
normalization turned them into ``any`` over the comodel's ``rec_name``."""
