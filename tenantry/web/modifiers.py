"""The ``invisible``, ``readonly`` and ``required`` attributes of a form's nodes.

Three spellings, as Odoo has had them, evaluated over the record's values (many2one
as an id, x2many as a list of ids) with the safe evaluator, never ``eval``::

    invisible="1"                                   # static
    readonly="state in ('sale', 'done')"            # Odoo 17: an expression
    attrs="{'invisible': [('state', '!=', 'draft')]}"   # Odoo <= 16: a domain
    states="draft,sent"                             # buttons: shown in these states

An expression that cannot be evaluated counts as false (the node shown, editable,
optional): the server checks values again when they are saved.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree.ElementTree import Element

from tenantry.domain import safe_eval
from tenantry.exceptions import TenantryError

__all__ = ["MODIFIERS", "domain_holds", "modifier"]

_log = logging.getLogger(__name__)

MODIFIERS = ("invisible", "readonly", "required", "column_invisible")

_COMPARE: dict[str, Any] = {
    "=": lambda a, b: a == b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a is not False and a < b,
    "<=": lambda a, b: a is not False and a <= b,
    ">": lambda a, b: a is not False and a > b,
    ">=": lambda a, b: a is not False and a >= b,
    "in": lambda a, b: (set(a) & set(b)) if isinstance(a, list) else a in b,
    "not in": lambda a, b: not (set(a) & set(b)) if isinstance(a, list) else a not in b,
}


def modifier(node: Element, name: str, values: Mapping[str, Any]) -> bool:
    """Whether the modifier ``name`` holds for ``node`` given the record's ``values``."""
    text = node.get(name)
    if text is None and name == "invisible" and node.get("states"):
        states = [s.strip() for s in str(node.get("states")).split(",")]
        return values.get("state") not in states
    if text is None:
        attrs = node.get("attrs")
        if not attrs:
            return False
        try:
            spec = safe_eval(attrs, {})
        except TenantryError:
            _log.warning("unreadable attrs %r", attrs)
            return False
        domain = spec.get(name) if isinstance(spec, dict) else None
        return domain_holds(domain, values) if isinstance(domain, list | tuple) else bool(domain)
    text = text.strip()
    if text in ("", "0", "False", "false"):
        return False
    if text in ("1", "True", "true"):
        return True
    try:
        result = safe_eval(text, {**values, "context": {}, "parent": {}})
    except TenantryError:
        return False
    if isinstance(result, list) and (not result or isinstance(result[0], list | tuple | str)):
        return domain_holds(result, values)
    return bool(result)


def domain_holds(domain: Sequence[Any], values: Mapping[str, Any]) -> bool:
    """A simple domain (``&``, ``|``, ``!`` and ``(field, op, value)`` leaves) over ``values``."""
    items = list(domain)
    if not items:
        return True

    def term(position: int) -> tuple[bool, int]:
        item = items[position]
        if item == "!":
            result, after = term(position + 1)
            return not result, after
        if item in ("&", "|"):
            left, after = term(position + 1)
            right, end = term(after)
            return (left and right) if item == "&" else (left or right), end
        return _leaf(item, values), position + 1

    results: list[bool] = []
    position = 0
    while position < len(items):
        result, position = term(position)
        results.append(result)
    return all(results)


def _leaf(item: Any, values: Mapping[str, Any]) -> bool:
    if not isinstance(item, list | tuple) or len(item) != 3:
        return False
    name, op, expected = item
    if not isinstance(name, str) or op not in _COMPARE:
        return False
    actual = values.get(name.split(".")[0], False)
    try:
        return bool(_COMPARE[op](actual, expected))
    except TypeError:
        return False
