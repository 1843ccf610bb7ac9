"""x2many write commands, as Odoo spells them on the wire.

``(0, 0, vals)`` create, ``(1, id, vals)`` update, ``(2, id)`` delete the record,
``(3, id)`` unlink (drop the relation only), ``(4, id)`` link, ``(5,)`` clear,
``(6, 0, ids)`` replace. ``Command`` builds them by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any

from tenantry.exceptions import ValidationError


class Command(IntEnum):
    """The x2many command codes, with builders for the tuples."""

    CREATE = 0
    UPDATE = 1
    DELETE = 2
    UNLINK = 3
    LINK = 4
    CLEAR = 5
    SET = 6

    @classmethod
    def create(cls, values: Mapping[str, Any]) -> tuple[int, int, dict[str, Any]]:
        return (cls.CREATE, 0, dict(values))

    @classmethod
    def update(cls, id: int, values: Mapping[str, Any]) -> tuple[int, int, dict[str, Any]]:
        return (cls.UPDATE, id, dict(values))

    @classmethod
    def delete(cls, id: int) -> tuple[int, int, int]:
        return (cls.DELETE, id, 0)

    @classmethod
    def unlink(cls, id: int) -> tuple[int, int, int]:
        return (cls.UNLINK, id, 0)

    @classmethod
    def link(cls, id: int) -> tuple[int, int, int]:
        return (cls.LINK, id, 0)

    @classmethod
    def clear(cls) -> tuple[int, int, int]:
        return (cls.CLEAR, 0, 0)

    @classmethod
    def set(cls, ids: Iterable[int]) -> tuple[int, int, list[int]]:
        return (cls.SET, 0, list(ids))


def normalize_commands(field_label: str, value: Any) -> list[tuple[Any, ...]]:
    """Turn an x2many write value into a list of well-formed command tuples.

    Besides commands, Odoo accepts a plain list of ids or a recordset, meaning
    "exactly these records" (a SET), and False, meaning CLEAR.
    """
    if value is False or value is None:
        return [(Command.CLEAR,)]
    ids = getattr(value, "ids", None)
    if ids is not None:
        return [(Command.SET, 0, list(ids))]
    if not isinstance(value, list | tuple):
        raise ValidationError(f"Wrong value for {field_label}: {value!r} (a list of commands expected).")
    if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return [(Command.SET, 0, list(value))]
    commands: list[tuple[Any, ...]] = []
    for item in value:
        if not isinstance(item, list | tuple) or not item:
            raise ValidationError(f"Wrong value for {field_label}: bad command {item!r}.")
        code = item[0]
        if code not in {c.value for c in Command}:
            raise ValidationError(f"Wrong value for {field_label}: unknown command {item!r}.")
        code = Command(code)
        need = {Command.CREATE: 3, Command.UPDATE: 3, Command.SET: 3, Command.CLEAR: 1}.get(code, 2)
        if len(item) < need:
            raise ValidationError(f"Wrong value for {field_label}: incomplete command {item!r}.")
        if code in (Command.CREATE, Command.UPDATE) and not isinstance(item[2], Mapping):
            raise ValidationError(f"Wrong value for {field_label}: {item!r} needs a dict of values.")
        if code in (Command.UPDATE, Command.DELETE, Command.UNLINK, Command.LINK) and not (
            isinstance(item[1], int) and not isinstance(item[1], bool)
        ):
            raise ValidationError(f"Wrong value for {field_label}: {item!r} needs a record id.")
        if code == Command.SET:
            ids_ = item[2] or []
            if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids_):
                raise ValidationError(f"Wrong value for {field_label}: {item!r} needs a list of ids.")
        commands.append((code, *item[1:]))
    return commands
