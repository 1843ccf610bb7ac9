"""Python values to what Odoo puts on the wire (shared by XML-RPC and JSON-RPC).

::

    >>> to_wire({1: (date(2024, 5, 1), None, b"aGk=")})
    {'1': ['2024-05-01', False, 'aGk=']}

Datetimes are naive UTC (``"YYYY-MM-DD HH:MM:SS"``), dates ``"YYYY-MM-DD"``, ``None``
becomes ``False`` (XML-RPC cannot carry ``None``), recordsets their id list and mapping
keys strings. Anything else that has no wire form is a ``TypeError`` (a fault 1).
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["to_wire"]

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


_PLAIN = frozenset({str, int, float, bool})
"""Exact types that go on the wire as they are (subclasses such as enums do not)."""


def to_wire(value: Any) -> Any:
    """``value`` with every part replaced by its wire form (see the module docstring)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:  # the common containers first: read() rows and lists of them
        return {
            k if type(k) is str else _key(k): v if type(v) in _PLAIN else to_wire(v) for k, v in value.items()
        }
    if kind is list:
        return [v if type(v) in _PLAIN else to_wire(v) for v in value]
    if value is None:
        return False
    if isinstance(value, bool | int | float | str):
        if isinstance(value, enum.Enum):
            return to_wire(value.value)
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:  # raw binary: send it the way binary fields read, base64
            return base64.b64encode(raw).decode("ascii")
    if isinstance(value, Mapping):
        return {_key(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_wire(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return to_wire(value.value)
    from tenantry.orm.recordset import Recordset  # loaded by then: recordsets come from the ORM

    if isinstance(value, Recordset):
        return value.ids
    raise TypeError(f"cannot marshal {type(value).__name__} objects")


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    wire = to_wire(key)
    return wire if isinstance(wire, str) else str(wire)
