"""The domain syntax tree: immutable, hashable nodes and the ``AND``/``OR`` combinators.

A parsed domain is one :data:`Domain` node::

    parse(['|', ('a', '=', 1), '!', ('b', 'in', [2, 3])], ...)
    == Or((Leaf(('a',), Operator.EQ, 1), Not(Leaf(('b',), Operator.IN, (2, 3)))))

Nodes are frozen dataclasses, so a tree can be shared, cached and used as a key.
Leaf values are kept hashable (lists become tuples); the value of an ``any`` /
``not any`` leaf is itself a :data:`Domain` node over the field's comodel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

from tenantry.domain.operators import Operator


@dataclass(frozen=True, slots=True)
class Constant:
    """A domain matching every record (``TRUE``) or none (``FALSE``)."""

    value: bool

    def __repr__(self) -> str:
        return "TRUE" if self.value else "FALSE"

    def to_list(self) -> list[Any]:
        return [(1, "=", 1)] if self.value else [(0, "=", 1)]


TRUE = Constant(True)
FALSE = Constant(False)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One term ``(path, operator, value)``; ``path`` is the dotted field path, split."""

    path: tuple[str, ...]
    operator: Operator
    value: Any

    @property
    def field_name(self) -> str:
        """The first field of the path (the only one once normalized)."""
        return self.path[0]

    def to_term(self) -> tuple[Any, ...]:
        """The wire form ``('a.b', 'op', value)``, for error messages and round trips."""
        value = self.value.to_list() if isinstance(self.value, _NODE_TYPES) else self.value
        return (".".join(self.path), self.operator.value, value)

    def to_list(self) -> list[Any]:
        return [self.to_term()]


@dataclass(frozen=True, slots=True)
class And:
    """All children match. Built through :func:`AND`, which keeps at least two children."""

    children: tuple[Domain, ...]

    def to_list(self) -> list[Any]:
        return _prefix("&", self.children)


@dataclass(frozen=True, slots=True)
class Or:
    """Some child matches. Built through :func:`OR`, which keeps at least two children."""

    children: tuple[Domain, ...]

    def to_list(self) -> list[Any]:
        return _prefix("|", self.children)


@dataclass(frozen=True, slots=True)
class Not:
    """The child does not match."""

    child: Domain

    def to_list(self) -> list[Any]:
        return ["!", *self.child.to_list()]


Domain: TypeAlias = Constant | Leaf | And | Or | Not
"""Any domain node; the root of a parsed domain."""

_NODE_TYPES = (Constant, Leaf, And, Or, Not)


def is_node(value: object) -> bool:
    """Whether ``value`` is a domain node (as opposed to a raw list domain)."""
    return isinstance(value, _NODE_TYPES)


def _prefix(operator: str, children: tuple[Domain, ...]) -> list[Any]:
    # n children in prefix notation need n - 1 binary operators in front.
    out: list[Any] = [operator] * (len(children) - 1)
    for child in children:
        out.extend(child.to_list())
    return out


def AND(nodes: Iterable[Domain]) -> Domain:
    """The conjunction of ``nodes``, flattened, with constants folded.

    ``AND([]) == TRUE``; ``FALSE`` absorbs (``AND([x, FALSE]) == FALSE``);
    ``TRUE`` children vanish; a single child is returned as is.
    """
    children: list[Domain] = []
    for node in nodes:
        if isinstance(node, Constant):
            if not node.value:
                return FALSE
        elif isinstance(node, And):
            children.extend(node.children)
        else:
            children.append(node)
    if not children:
        return TRUE
    return children[0] if len(children) == 1 else And(tuple(children))


def OR(nodes: Iterable[Domain]) -> Domain:
    """The disjunction of ``nodes``, flattened, with constants folded.

    ``OR([]) == FALSE``; ``TRUE`` absorbs; ``FALSE`` children vanish.
    """
    children: list[Domain] = []
    for node in nodes:
        if isinstance(node, Constant):
            if node.value:
                return TRUE
        elif isinstance(node, Or):
            children.extend(node.children)
        else:
            children.append(node)
    if not children:
        return FALSE
    return children[0] if len(children) == 1 else Or(tuple(children))


def freeze(value: Any) -> Any:
    """``value`` made hashable: lists, tuples and sets become tuples, recursively."""
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    if isinstance(value, set | frozenset):
        return tuple(freeze(item) for item in sorted(value, key=repr))
    if isinstance(value, dict):
        return tuple((key, freeze(item)) for key, item in value.items())
    return value
