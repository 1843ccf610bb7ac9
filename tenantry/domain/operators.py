"""Term operators of the domain language: their wire spellings and how they negate.

The spellings are Odoo's, exactly, because domains arrive over RPC and from
data files written for Odoo. ``'!'`` is pushed down into leaves with
:data:`NEGATIONS`; operators without an entry there (``=?``, ``=like``,
``=ilike``, ``child_of``, ``parent_of``) stay under a ``Not`` node.
"""

from __future__ import annotations

from enum import StrEnum


class Operator(StrEnum):
    """A leaf operator, valued with its wire spelling."""

    EQ = "="
    NE = "!="
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    EQ_OPTIONAL = "=?"
    LIKE = "like"
    NOT_LIKE = "not like"
    ILIKE = "ilike"
    NOT_ILIKE = "not ilike"
    EQ_LIKE = "=like"
    EQ_ILIKE = "=ilike"
    IN = "in"
    NOT_IN = "not in"
    CHILD_OF = "child_of"
    PARENT_OF = "parent_of"
    ANY = "any"
    NOT_ANY = "not any"

    @property
    def negation(self) -> Operator | None:
        """The operator matching exactly the leaves this one does not, if there is one."""
        return NEGATIONS.get(self)

    @property
    def is_negative(self) -> bool:
        """Whether this is the ``not``-form of a positive operator (``!=``, ``not in``...)."""
        return self in _NEGATIVE

    @property
    def positive(self) -> Operator:
        """The positive form: ``not in`` -> ``in``; a positive operator is returned as is."""
        return NEGATIONS[self] if self in _NEGATIVE else self


ALIASES: dict[str, Operator] = {"<>": Operator.NE, "==": Operator.EQ}
"""Other spellings accepted on input and rewritten to the canonical operator."""

NEGATIONS: dict[Operator, Operator] = {
    Operator.LT: Operator.GE,
    Operator.GE: Operator.LT,
    Operator.GT: Operator.LE,
    Operator.LE: Operator.GT,
    Operator.EQ: Operator.NE,
    Operator.NE: Operator.EQ,
    Operator.IN: Operator.NOT_IN,
    Operator.NOT_IN: Operator.IN,
    Operator.LIKE: Operator.NOT_LIKE,
    Operator.NOT_LIKE: Operator.LIKE,
    Operator.ILIKE: Operator.NOT_ILIKE,
    Operator.NOT_ILIKE: Operator.ILIKE,
    Operator.ANY: Operator.NOT_ANY,
    Operator.NOT_ANY: Operator.ANY,
}
"""``'!'`` over a leaf with the key operator is the leaf with the value operator."""

_NEGATIVE = frozenset({Operator.NE, Operator.NOT_IN, Operator.NOT_LIKE, Operator.NOT_ILIKE, Operator.NOT_ANY})

COMPARISONS = frozenset({Operator.LT, Operator.LE, Operator.GT, Operator.GE})
"""Ordering operators: plain comparisons that never match an empty value."""

LIKES = frozenset(
    {
        Operator.LIKE,
        Operator.NOT_LIKE,
        Operator.ILIKE,
        Operator.NOT_ILIKE,
        Operator.EQ_LIKE,
        Operator.EQ_ILIKE,
    }
)
"""Pattern operators."""

HIERARCHY = frozenset({Operator.CHILD_OF, Operator.PARENT_OF})
"""Operators following a model's parent field."""

_BY_SPELLING: dict[str, Operator] = {op.value: op for op in Operator} | ALIASES


def lookup(spelling: str) -> Operator | None:
    """The operator spelled ``spelling`` (case-insensitive, aliases accepted), or None."""
    return _BY_SPELLING.get(spelling.lower())
