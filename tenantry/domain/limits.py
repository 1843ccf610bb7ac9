"""How big a domain may be: checked on the raw list, before anything costly is done with it.

Every stage after parsing walks the tree (normalize, compile, evaluate, the ORM's memo
keys), SQLAlchemy and the database parse the SQL it becomes, and each costs time and
memory in proportion to the domain. The limits below are far above what a client
sends, and low enough that a domain at the limit runs on both back ends::

    MAX_TERMS      terms and operators, sub-domains included: 20 000 (Odoo's own tests
                   OR 9 500 terms, 18 999 items; the SQL of such a domain stays flat:
                   ORs of '=' on one field become one IN list, other wide ANDs and ORs
                   are grouped, see :mod:`tenantry.domain.sql`)
    MAX_VALUES     values in the lists of a domain ('in', 'not in', 'child_of'...),
                   all lists together: 200 000 (clients do send ('id', 'in', ids)
                   with tens of thousands of ids)
    MAX_DEPTH      nesting of '!', '&' and '|', where each relation followed (a step
                   of a dotted path, an 'any' sub-domain, a search by name or in a
                   hierarchy) counts as the sub-select it nests: 4 levels for a
                   many2one or a one2many (the comodel's rules nest in it, and a
                   rule's parent_of a recursive query), 6 for a many2many. 28:
                   SQLite's parser gives up not far above (its default stack of 100)
    MAX_RELATIONS  relations followed along one branch, (MAX_DEPTH - 1) // 4, checked before
                   parsing (which recurses into 'any' sub-domains)
    MAX_PATH       characters of a field path: 512
    MAX_PATTERN    characters of a 'like' value: 10 000 (SQLite refuses patterns
                   of more than 50 000 bytes; matching costs the text's length
                   times the pattern's)

:func:`check` reads only the shape of the domain (lengths, paths, operators), so
refusing a 10 MB domain takes no longer than looking at its first terms. The parser
calls it; the ORM calls it too, before it builds a memo key out of the domain.
Going over a limit is a :class:`~tenantry.exceptions.ValidationError` naming it.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tenantry.domain.schema import FieldType
from tenantry.exceptions import ValidationError

__all__ = [
    "MAX_DEPTH",
    "MAX_PATH",
    "MAX_PATTERN",
    "MAX_RELATIONS",
    "MAX_TERMS",
    "MAX_VALUES",
    "DomainSize",
    "check",
    "id_batches",
    "relation_depth",
    "show",
]

MAX_TERMS = 20_000
MAX_VALUES = 200_000
MAX_DEPTH = 28
_RELATION_DEPTH = {FieldType.MANY2ONE: 4, FieldType.ONE2MANY: 4, FieldType.MANY2MANY: 6}
# The leaf at the end of the relations is one level more.
MAX_RELATIONS = (MAX_DEPTH - 1) // min(_RELATION_DEPTH.values())
MAX_PATH = 512
MAX_PATTERN = 10_000

_SUB_DOMAIN = frozenset({"any", "not any"})
_LIKES = frozenset({"like", "not like", "ilike", "not ilike", "=like", "=ilike"})


@dataclass(frozen=True, slots=True)
class DomainSize:
    """What :func:`check` counted: ``terms`` (and operators) and ``values`` in lists."""

    terms: int
    values: int


def check(domain: Any) -> DomainSize:
    """Refuse ``domain`` if it is beyond a limit; how big it is otherwise.

    Only lists and tuples are looked at (anything else is the parser's to refuse).
    The walk is iterative and stops at the first limit passed.
    """
    terms = values = 0
    # (a list of terms, the relations followed to reach it)
    pending: list[tuple[Any, int]] = [(domain, 0)]
    while pending:
        items, relations = pending.pop()
        if not isinstance(items, list | tuple):
            continue
        terms += len(items)
        if terms > MAX_TERMS:
            raise _too_big(domain, f"more than {MAX_TERMS} terms and operators", "terms", MAX_TERMS)
        for item in items:
            if not isinstance(item, list | tuple) or len(item) != 3:
                continue
            path, operator, value = item
            depth = relations
            if isinstance(path, str):
                if len(path) > MAX_PATH:
                    raise _too_big(
                        domain, f"a field path longer than {MAX_PATH} characters", "path", MAX_PATH
                    )
                depth += path.count(".")
            if isinstance(operator, str) and operator in _SUB_DOMAIN and isinstance(value, list | tuple):
                depth += 1
                pending.append((value, depth))
            elif isinstance(value, str):
                if len(value) > MAX_PATTERN and isinstance(operator, str) and operator.lower() in _LIKES:
                    raise _too_big(
                        domain, f"a pattern longer than {MAX_PATTERN} characters", "pattern", MAX_PATTERN
                    )
            elif isinstance(value, list | tuple | set | frozenset):
                values += len(value)
                if values > MAX_VALUES:
                    raise _too_big(
                        domain, f"more than {MAX_VALUES} values in its lists", "values", MAX_VALUES
                    )
            if depth > MAX_RELATIONS:
                raise _too_big(
                    domain,
                    f"more than {MAX_RELATIONS} relations followed (by dotted paths and 'any')",
                    "relations",
                    MAX_RELATIONS,
                )
    return DomainSize(terms, values)


def relation_depth(kind: FieldType) -> int:
    """The nesting a relation of this type adds when followed (0: not a relation)."""
    return _RELATION_DEPTH.get(kind, 0)


def show(value: Any, limit: int = 200) -> str:
    """``repr(value)`` for a message, at most ``limit`` characters, in time bounded by
    ``limit`` too: a domain of a million values is not written out to be cut."""
    text = _SHOW.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Repr(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 8
        self.maxtuple = self.maxlist = self.maxset = self.maxfrozenset = self.maxdict = 40
        self.maxstring = self.maxother = self.maxlong = 200

    def repr_str(self, x: str, level: int) -> str:
        return repr(x) if len(x) <= self.maxstring else repr(x[: self.maxstring]) + "..."


_SHOW = _Repr()


def _too_big(domain: Any, reason: str, limit: str, value: int) -> ValidationError:
    return ValidationError(
        f"Invalid domain {show(domain)}: {reason}.",
        context={"reason": reason, "limit": limit, "max": value},
    )


def id_batches(ids: Sequence[int]) -> Iterator[list[int]]:
    """``ids`` in lists small enough for ``('id', 'in', batch)``: internal searches over
    many records (a rule check before a large write, recomputations) stay within
    :data:`MAX_VALUES`, which is a limit on what clients send, not on what the ORM does."""
    step = max(MAX_VALUES // 2, 1)
    for start in range(0, len(ids), step):
        yield list(ids[start : start + step])
