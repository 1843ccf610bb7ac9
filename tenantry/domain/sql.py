"""SQL shapes the domain compiler needs beyond SQLAlchemy's own, for domains at their limits.

Long value lists, ``among(column, values)``: SQLAlchemy's ``IN`` sends one bind parameter
per value, and drivers cap them (psycopg: 65 535 per statement; SQLite builds:
32 766 to 250 000). A list longer than :data:`INLINE_VALUES` is sent as *one* parameter,
and so is every list once a statement has sent :data:`INLINE_BUDGET` values one by one
(an :class:`InlineBudget` counts them)::

    PostgreSQL  col = ANY(%(p)s::INTEGER[])                  NOT IN: col <> ALL(...)
    SQLite      col IN (SELECT value FROM json_each(?))      ? is a JSON array

A domain of :data:`~tenantry.domain.limits.MAX_TERMS` terms then needs at most two
parameters a term (a value, and the company's key of a company-dependent field) plus the
budget: 56 000 at most, within psycopg's limit.

Wide ``AND``/``OR``, ``conjunction(parts)`` / ``disjunction(parts)``: SQLite parses
``a AND b AND c ...`` into a tree as deep as the chain is long and refuses one deeper
than 1000. More than :data:`GROUP_WIDTH` operands are parenthesized in groups, so the
depth grows with the logarithm of the width::

    (a AND b AND ... ) AND (... AND z)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

__all__ = [
    "GROUP_WIDTH",
    "INLINE_BUDGET",
    "INLINE_VALUES",
    "InlineBudget",
    "among",
    "conjunction",
    "disjunction",
]

INLINE_VALUES = 16
"""Longest list sent as one parameter per value."""
INLINE_BUDGET = 16_000
"""Most values one statement sends one parameter each, all its short lists together."""
GROUP_WIDTH = 64
"""Most operands of one flat ``AND``/``OR`` chain in the SQL."""

Expression = ColumnElement[bool]


class InlineBudget:
    """How many more values a statement may send one parameter each."""

    __slots__ = ("left",)

    def __init__(self, values: int = INLINE_BUDGET) -> None:
        self.left = values

    def take(self, count: int) -> bool:
        """Whether ``count`` more values fit; they are counted when they do."""
        if count > self.left:
            return False
        self.left -= count
        return True


def among(
    column: ColumnElement[Any],
    values: Sequence[Any],
    negate: bool = False,
    budget: InlineBudget | None = None,
) -> Expression:
    """``column IN values`` (``NOT IN`` when ``negate``), ``values`` never empty; a short list
    is sent one parameter per value while ``budget`` (if given) allows."""
    if len(values) <= INLINE_VALUES and (budget is None or budget.take(len(values))):
        return column.not_in(values) if negate else column.in_(values)
    return _ValueList(column, values, negate)


def conjunction(parts: Sequence[Expression]) -> Expression:
    """``parts`` joined by AND, grouped so that no chain is longer than :data:`GROUP_WIDTH`."""
    return _grouped(sa.and_, list(parts))


def disjunction(parts: Sequence[Expression]) -> Expression:
    """``parts`` joined by OR, grouped so that no chain is longer than :data:`GROUP_WIDTH`."""
    return _grouped(sa.or_, list(parts))


def _grouped(join: Any, parts: list[Expression]) -> Expression:
    while len(parts) > GROUP_WIDTH:
        parts = [_Parenthesized(join(*parts[i : i + GROUP_WIDTH])) for i in range(0, len(parts), GROUP_WIDTH)]
    return join(*parts)  # type: ignore[no-any-return]


class _Parenthesized(ColumnElement[bool]):
    """``(element)``. SQLAlchemy's own grouping would be flattened back into the chain."""

    inherit_cache = True
    _is_implicitly_boolean = True
    _traverse_internals = [("element", InternalTraversal.dp_clauseelement)]  # noqa: RUF012
    type = sa.Boolean()

    def __init__(self, element: Expression) -> None:
        self.element = element


@compiles(_Parenthesized)
def _compile_parenthesized(element: _Parenthesized, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.element, **kw)})"


class _ListType(sa.types.TypeDecorator[Any]):
    """A list bound as one parameter: a PostgreSQL array, elsewhere a JSON array of the
    values as the item type stores them (SQLite's dates and datetimes are text)."""

    impl = sa.types.String
    cache_ok = True

    def __init__(self, item_type: sa.types.TypeEngine[Any]) -> None:
        super().__init__()
        self.item_type = item_type

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(self.item_type))
        return dialect.type_descriptor(sa.types.String())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return list(value)
        process = self.item_type.dialect_impl(dialect).bind_processor(dialect)
        return json.dumps([process(item) for item in value] if process else list(value))


class _ValueList(ColumnElement[bool]):
    """``column IN values`` with ``values`` bound as one parameter (see the module docstring)."""

    inherit_cache = True
    _is_implicitly_boolean = True
    _traverse_internals = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement),
        ("values", InternalTraversal.dp_clauseelement),
        ("negate", InternalTraversal.dp_boolean),
    ]
    type = sa.Boolean()

    def __init__(self, column: ColumnElement[Any], values: Sequence[Any], negate: bool) -> None:
        self.column = column
        self.values = sa.bindparam(None, list(values), type_=_ListType(column.type))
        self.negate = negate


@compiles(_ValueList)
def _compile_json_each(element: _ValueList, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column.self_group(), **kw)
    values = compiler.process(element.values, **kw)
    return f"{column} {'NOT IN' if element.negate else 'IN'} (SELECT value FROM json_each({values}))"


@compiles(_ValueList, "postgresql")
def _compile_any(element: _ValueList, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column.self_group(), **kw)
    values = compiler.process(element.values, **kw)
    return f"{column} <> ALL ({values})" if element.negate else f"{column} = ANY ({values})"
