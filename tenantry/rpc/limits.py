"""What a request may carry, whatever its wire (XML-RPC or JSON): checked as it is decoded.

Values from the wire reach code that recurses over them (marshalling, domain keys,
``repr`` in messages), the database drivers and the response encoders. Each limit
keeps one of those from failing on a value no real client sends::

    MAX_NESTING    arrays/structs (lists/dicts) inside each other: deeper would exhaust
                   the stack of the code that walks them
    MAX_INT_BITS   an XML-RPC integer fits in 64 bits, as every column and driver needs
    no NaN or infinity: not JSON, and no column or client agrees on them
    no lone UTF-16 surrogate (``"\\udc80"``): not text; no driver, encoder or XML
                   document can carry one

A value beyond a limit is a :class:`~tenantry.exceptions.ValidationError` (fault 2,
``odoo.exceptions.ValidationError``) naming the limit.
"""

from __future__ import annotations

import math
import re
from typing import Any

from tenantry.exceptions import ValidationError

__all__ = [
    "MAX_INT_BITS",
    "MAX_NESTING",
    "check_float",
    "check_int",
    "check_value",
    "int_out_of_range",
    "too_deep",
]

MAX_NESTING = 100
"""Deepest nesting of lists and dicts (arrays and structs) accepted in a request."""
MAX_INT_BITS = 64
"""Integers of an XML-RPC request are signed 64-bit values at most."""

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def too_deep() -> ValidationError:
    return ValidationError(
        f"Invalid request: values nested more than {MAX_NESTING} levels deep.",
        context={"limit": "nesting", "max": MAX_NESTING},
    )


def check_int(value: int) -> int:
    """``value``, if it fits in :data:`MAX_INT_BITS` signed bits."""
    if not -(2 ** (MAX_INT_BITS - 1)) <= value < 2 ** (MAX_INT_BITS - 1):
        raise int_out_of_range()
    return value


def int_out_of_range() -> ValidationError:
    return ValidationError(
        f"Invalid request: integer out of range (at most {MAX_INT_BITS} bits).",
        context={"limit": "integer", "max": MAX_INT_BITS},
    )


def check_float(value: float) -> float:
    """``value``, if it is finite."""
    if not math.isfinite(value):
        raise ValidationError(
            f"Invalid request: {value!r} is not a finite number.",
            context={"limit": "float"},
        )
    return value


def check_value(value: Any) -> None:
    """Refuse ``value`` if it nests deeper than :data:`MAX_NESTING`, holds a lone
    surrogate in a string (keys included) or a float that is not finite.

    Walks the containers iteratively: the value may be far deeper than the stack.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is str:
            _check_text(item)
        elif kind is float:
            check_float(item)
        elif kind is list or kind is dict:
            if depth > MAX_NESTING:
                raise too_deep()
            if kind is dict:
                for key in item:
                    if type(key) is str:
                        _check_text(key)
                item = item.values()
            stack.extend((child, depth + 1) for child in item if type(child) in _WALKED)


_WALKED = frozenset({str, float, list, dict})


def _check_text(text: str) -> None:
    if not text.isascii() and _LONE_SURROGATE.search(text):
        raise ValidationError(
            "Invalid request: a string holds a lone UTF-16 surrogate, which is not text.",
            context={"limit": "surrogate"},
        )
