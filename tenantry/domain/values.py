"""Leaf values: coercion to the field's Python type, emptiness, and LIKE patterns.

Shared by the parser (which coerces once), the SQL compiler and the Python
evaluator, so that both back ends see exactly the same values and patterns.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time
from typing import Any

from tenantry.domain.limits import show
from tenantry.domain.operators import COMPARISONS, HIERARCHY, LIKES, Operator
from tenantry.domain.schema import FieldSchema, FieldType

_END_OF_DAY = time(23, 59, 59)

LIKE_ESCAPE = "\\"
"""The escape character of every LIKE pattern (SQLite has no default one)."""


class ValueProblem(ValueError):
    """A leaf value does not fit its field or operator; the parser adds the term to the message."""


def is_empty(field_type: FieldType, value: Any) -> bool:
    """Whether ``value`` means "no value" for a field of this type.

    ``None`` and ``False`` always do (``False`` is Odoo's NULL); for char, text
    and selection fields ``''`` does too, as an empty string and NULL are the
    same to a user. Note ``0`` is a value: the checks use ``is``, not ``==``.
    """
    if value is None or value is False:
        return True
    return field_type.is_string and value == ""


def split_empty(field_type: FieldType, values: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool]:
    """The non-empty ``values`` (deduplicated, in order) and whether any value was empty.

    When an empty value is present, the stored value that also means "empty"
    is kept among the values: ``''`` for strings (NULL and ``''`` are one thing
    to a user, so ``in [False]`` matches both) and ``False`` for booleans.
    """
    present = tuple(dict.fromkeys(v for v in values if not is_empty(field_type, v)))
    has_empty = any(is_empty(field_type, v) for v in values)
    if has_empty and field_type.is_string:
        present = (*present, "")
    elif has_empty and field_type is FieldType.BOOLEAN:
        present = (*present, False)
    return present, has_empty


def coerce(field: FieldSchema, operator: Operator, value: Any) -> Any:
    """``value`` converted for a leaf ``(field, operator, value)``; raises :class:`ValueProblem`.

    Lists become tuples of coerced items; dates given as strings become ``date``
    or ``datetime`` objects; a 10-character date compared with a datetime field
    means the end of that day for ``>`` and ``<=`` and its start otherwise, so
    ``('d', '>', '2024-01-31')`` skips the whole 31st.
    """
    if operator in (Operator.IN, Operator.NOT_IN):
        if not isinstance(value, list | tuple | set | frozenset):
            raise ValueProblem(f"operator {operator.value!r} needs a list of values")
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return tuple(_scalar(field, operator, item) for item in items)
    if operator in LIKES:
        return _pattern_value(field, operator, value)
    if operator in HIERARCHY:
        return _hierarchy_value(value)
    if isinstance(value, list | tuple | set | frozenset):
        raise ValueProblem(f"operator {operator.value!r} needs a single value, not a list")
    return _scalar(field, operator, value)


def _scalar(field: FieldSchema, operator: Operator, value: Any) -> Any:
    kind = field.type
    if value is None or value is False:
        if kind is FieldType.BOOLEAN:
            return False
        return None if operator in COMPARISONS else value
    if kind.is_relational:
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return value  # an id, or a name to search on the comodel
        raise ValueProblem(f"expected a record id or a name, got {show(value)}")
    converter = _CONVERTERS.get(kind)
    if converter is None:
        raise ValueProblem(f"{kind.value} fields can only be compared with False")
    try:
        return converter(value, operator)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueProblem(f"{show(value)} is not a valid {kind.value} value") from exc


def _to_int(value: Any, _op: Operator) -> int | float:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return int(value)
    raise TypeError(value)


def _to_float(value: Any, _op: Operator) -> float:
    if isinstance(value, int | float | str):
        return float(value)
    raise TypeError(value)


def _to_bool(value: Any, _op: Operator) -> bool:
    if isinstance(value, bool | int):
        return bool(value)
    raise TypeError(value)


def _to_str(value: Any, _op: Operator) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise TypeError(value)


def _to_date(value: Any, _op: Operator) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10]) if len(value) > 10 else date.fromisoformat(value)
    raise TypeError(value)


def _to_datetime(value: Any, operator: Operator) -> datetime:
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)  # stored datetimes are naive UTC
    if isinstance(value, date):
        day_time = _END_OF_DAY if operator in (Operator.GT, Operator.LE) else time.min
        return datetime.combine(value, day_time)
    raise TypeError(value)


_CONVERTERS = {
    FieldType.INTEGER: _to_int,
    FieldType.FLOAT: _to_float,
    FieldType.BOOLEAN: _to_bool,
    FieldType.CHAR: _to_str,
    FieldType.TEXT: _to_str,
    FieldType.SELECTION: _to_str,
    FieldType.REFERENCE: _to_str,
    FieldType.DATE: _to_date,
    FieldType.DATETIME: _to_datetime,
}

LIKE_TYPES = frozenset(
    {
        FieldType.CHAR,
        FieldType.TEXT,
        FieldType.SELECTION,
        FieldType.REFERENCE,
        FieldType.INTEGER,
        FieldType.DATE,
        FieldType.MANY2ONE,
        FieldType.ONE2MANY,
        FieldType.MANY2MANY,
    }
)
"""Field types LIKE works on. Relational ones search the comodel by name; integer
and date columns are matched on their text, which all back ends spell alike (not
by ``=like``/``=ilike`` for integers)."""


def _pattern_value(field: FieldSchema, operator: Operator, value: Any) -> str | None:
    if field.type not in LIKE_TYPES:
        raise ValueProblem(f"operator {operator.value!r} is not supported on {field.type} fields")
    if field.type is FieldType.INTEGER and operator in (Operator.EQ_LIKE, Operator.EQ_ILIKE):
        # Odoo compares =like's value with the column as a value of the column's type, and
        # a pattern is no integer ('like' looks for the digits in the column's text).
        raise ValueProblem(f"operator {operator.value!r} is not supported on integer fields")
    if value is None or value is False:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        return like_text(value)
    raise ValueProblem(f"operator {operator.value!r} needs a string, got {show(value)}")


def _hierarchy_value(value: Any) -> tuple[int | str, ...]:
    items = value if isinstance(value, list | tuple) else [value]
    out: list[int | str] = []
    for item in items:
        if item is None or item is False or item == 0:
            continue
        if isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
            out.append(item)
        else:
            raise ValueProblem(f"expected record ids or names, got {show(item)}")
    return tuple(out)


def like_pattern(operator: Operator, value: str) -> str:
    """The SQL LIKE pattern for ``(f, operator, value)``.

    ``like``/``ilike`` (and their negations) look for ``value`` anywhere:
    ``%value%``; ``=like``/``=ilike`` use ``value`` as the whole pattern. The
    value's own ``%`` and ``_`` stay wildcards and ``\\`` escapes them, as in
    Odoo. A trailing lone ``\\`` would escape nothing (PostgreSQL rejects it),
    so it is doubled to mean a literal backslash everywhere.
    """
    pattern = value if operator in (Operator.EQ_LIKE, Operator.EQ_ILIKE) else f"%{value}%"
    trailing = len(pattern) - len(pattern.rstrip(LIKE_ESCAPE))
    return pattern + LIKE_ESCAPE if trailing % 2 else pattern


def like_match(pattern: str, text: str, ignore_case: bool) -> bool:
    """Whether the whole of ``text`` matches SQL ``LIKE pattern ESCAPE '\\'``.

    Not a regular expression: ``.*a.*a.*a...`` backtracks exponentially, and a
    22-character pattern held a thread for minutes on a 40-character name. The pieces
    between ``%`` are found in order, each at its first place (``%`` absorbs whatever
    lies between), so the work is at most the length of the text times the pattern's.
    """
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    pieces = _like_pieces(pattern)
    if len(pieces) == 1:  # no '%': the text is the piece
        return len(text) == len(pieces[0]) and _piece_at(pieces[0], text, 0)
    first, *middle, last = pieces
    end = len(text) - len(last)
    if end < len(first) or not _piece_at(first, text, 0) or not _piece_at(last, text, end):
        return False
    position = len(first)
    for piece in middle:
        found = _find_piece(piece, text, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


_ANY_CHAR = None
"""``_`` in a piece: any one character."""


@functools.lru_cache(maxsize=512)
def _like_pieces(pattern: str) -> tuple[tuple[str | None, ...], ...]:
    """The pieces of ``pattern`` between its ``%``: characters, ``None`` for ``_``."""
    pieces: list[tuple[str | None, ...]] = []
    piece: list[str | None] = []
    chars = iter(pattern)
    for char in chars:
        if char == LIKE_ESCAPE:
            piece.append(next(chars, LIKE_ESCAPE))
        elif char == "%":
            pieces.append(tuple(piece))
            piece = []
        else:
            piece.append(_ANY_CHAR if char == "_" else char)
    pieces.append(tuple(piece))
    return tuple(pieces)


def _piece_at(piece: tuple[str | None, ...], text: str, start: int) -> bool:
    if start < 0 or start + len(piece) > len(text):
        return False
    return all(char is _ANY_CHAR or text[start + i] == char for i, char in enumerate(piece))


def _find_piece(piece: tuple[str | None, ...], text: str, start: int, end: int) -> int:
    """The first place of ``piece`` within ``text[start:end]``, or -1."""
    if _ANY_CHAR not in piece:
        return text.find("".join(piece), start, end)  # type: ignore[arg-type]
    found = _piece_regex(piece).search(text, start, end)  # literals and '.': no backtracking
    return -1 if found is None else found.start()


@functools.lru_cache(maxsize=512)
def _piece_regex(piece: tuple[str | None, ...]) -> re.Pattern[str]:
    return re.compile("".join("." if char is _ANY_CHAR else re.escape(char) for char in piece), re.DOTALL)


def like_text(value: Any) -> str:
    """The text a column value is matched on by LIKE (what ``CAST(col AS VARCHAR)`` gives)."""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
