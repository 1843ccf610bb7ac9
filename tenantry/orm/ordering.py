"""``order`` specifications (``"name desc, id"``) parsed, validated and compiled.

An order comes from callers (and over RPC from clients), so it is parsed
strictly: field names, ``asc``/``desc`` and ``nulls first``/``nulls last`` only;
anything else is a ``ValidationError``. Ordering by a many2one orders by the
comodel's own ``_order``, by an inherited field (``_inherits``) by the
parent's field. NULLs sort last ascending and first descending on
both backends (PostgreSQL's default), made explicit because SQLite differs;
non-nullable columns (``id``) get no NULLS clause, which would stop SQLite
from using the primary-key order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from tenantry.domain.schema import FieldType, ModelSchema, Schema
from tenantry.exceptions import ValidationError

if TYPE_CHECKING:
    from sqlalchemy.sql import ColumnElement, FromClause

_TERM = re.compile(
    r"^\s*(?P<field>[a-z_][a-z0-9_]*)(?:\s+(?P<dir>asc|desc))?(?:\s+nulls\s+(?P<nulls>first|last))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OrderTerm:
    field: str
    descending: bool = False
    nulls: str | None = None


def parse_order(spec: str, model: ModelSchema) -> tuple[OrderTerm, ...]:
    """Validate ``spec`` against ``model`` and split it into terms."""
    if not isinstance(spec, str):
        raise ValidationError(f"Invalid order {spec!r}: a string is expected")
    terms = []
    for part in spec.split(","):
        if not part.strip():
            continue
        match = _TERM.match(part)
        if not match:
            raise ValidationError(
                f"Invalid order {spec!r} on model {model.name!r}: bad term {part.strip()!r}"
            )
        name = match["field"]
        field = model.field(name)
        if field is None:
            raise ValidationError(f"Invalid order {spec!r}: unknown field {name!r} on model {model.name!r}")
        # An inherited field orders by the parent's (checked when compiled, with the schema).
        if (field.column is None and field.delegate is None) or field.type.is_x2many:
            raise ValidationError(f"Invalid order {spec!r}: field {model.name}.{name} is not stored")
        nulls = match["nulls"].lower() if match["nulls"] else None
        terms.append(OrderTerm(name, (match["dir"] or "asc").lower() == "desc", nulls))
    return tuple(terms)


def compile_order(
    spec: str,
    model: ModelSchema,
    schema: Schema,
    table: FromClause | None = None,
    *,
    check_field: Callable[[ModelSchema, Any], None] | None = None,
    company_id: int | None = None,
    _depth: int = 0,
) -> list[ColumnElement[Any]]:
    """SQLAlchemy ORDER BY clauses for ``spec`` on ``model`` (its table or ``table``)."""
    source = model.table if table is None else table
    compiler = _OrderCompiler(schema, check_field, company_id)
    clauses: list[ColumnElement[Any]] = []
    for term in parse_order(spec, model):
        for value, combined, nullable in compiler.values(model, source, term, _depth):
            clauses.append(_direction(value, combined, nullable=nullable))
    return clauses


class _OrderCompiler:
    """The values one order term sorts by: a column; the comodel's own ``_order`` for a
    many2one (one level deep); the parent's field for a field inherited through
    ``_inherits``. Values from another table are correlated scalar subqueries."""

    __slots__ = ("_check_field", "_company_id", "_schema")

    def __init__(
        self, schema: Schema, check_field: Callable[[ModelSchema, Any], None] | None, company_id: int | None
    ) -> None:
        self._schema = schema
        self._check_field = check_field
        self._company_id = company_id

    def values(
        self, model: ModelSchema, source: FromClause, term: OrderTerm, depth: int
    ) -> Iterator[tuple[Any, OrderTerm, bool]]:
        """``(value, term, nullable)`` for each value ``term`` on ``model`` sorts by."""
        field = model.fields[term.field]
        if self._check_field is not None:
            self._check_field(model, field)
        if field.delegate is not None:
            link = model.fields[field.delegate]
            parent = self._schema[link.relation or ""]
            inherited = parent.field(field.name)
            if inherited is None or (inherited.column is None and inherited.delegate is None):
                raise ValidationError(f"Invalid order: field {model.name}.{field.name} is not stored")
            alias = parent.table.alias()
            assert link.column is not None
            for value, combined, _nullable in self.values(parent, alias, term, depth):
                inner = sa.select(value).where(alias.c.id == source.c[link.column]).scalar_subquery()
                yield inner, combined, True
            return
        assert field.column is not None  # parse_order only keeps stored fields
        column: Any = source.c[field.column]
        if field.type is FieldType.MANY2ONE and field.relation and depth < 1 and not field.company_dependent:
            # Order by the target's own _order, through a scalar subquery per term.
            comodel = self._schema[field.relation]
            alias = comodel.table.alias()
            for sub in parse_order(comodel.order, comodel):
                combined = OrderTerm(sub.field, sub.descending != term.descending, term.nulls)
                for value, inner_term, _nullable in self.values(comodel, alias, combined, depth + 1):
                    inner = sa.select(value).where(alias.c.id == column).scalar_subquery()
                    yield inner, inner_term, True
            return
        if field.company_dependent:
            column = column[str(self._company_id)].as_string() if self._company_id else sa.null()
        yield column, term, field.name != "id"


def _direction(column: Any, term: OrderTerm, *, nullable: bool) -> ColumnElement[Any]:
    clause = column.desc() if term.descending else column.asc()
    if not nullable:
        return clause  # type: ignore[no-any-return]
    nulls = term.nulls or ("first" if term.descending else "last")
    return clause.nulls_first() if nulls == "first" else clause.nulls_last()  # type: ignore[no-any-return]
