"""Database integrity errors turned into readable ``ValidationError``s.

PostgreSQL names the violated constraint; SQLite names the columns of a
UNIQUE violation. Either way the constraint is matched back to the model's
``_sql_constraints`` so the user sees the message its author wrote.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from tenantry.exceptions import ValidationError
from tenantry.orm.schema import constraint_name

if TYPE_CHECKING:
    from tenantry.orm.registry import Registry

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")

_DELETE_MESSAGE = (
    "The operation cannot be completed: another model requires the record being deleted. "
    "If possible, archive it instead."
)
_REFERENCE_MESSAGE = "The operation cannot be completed: a referenced record does not exist."


def integrity_error(exc: sa.exc.IntegrityError, registry: Registry, model: str) -> ValidationError:
    """The user-facing error for a failed INSERT/UPDATE/DELETE on ``model``."""
    orig: Any = exc.orig
    text = str(orig)
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    state = getattr(orig, "sqlstate", None)
    if name:
        message = _constraint_message(registry, name)
        if message:
            return ValidationError(message, context={"constraint": name})
    if state == "23503" or "FOREIGN KEY constraint failed" in text:
        lowered = text.lower()
        if "delete" in lowered or "still referenced" in lowered or state is None:
            # SQLite does not say which side failed; a delete is by far the usual case.
            return ValidationError(_DELETE_MESSAGE if "is not present" not in lowered else _REFERENCE_MESSAGE)
        return ValidationError(_REFERENCE_MESSAGE)
    match = _SQLITE_UNIQUE.search(text)
    if match:
        columns = [c.split(".", 1)[1] for c in match.group(1).split(", ")]
        table = match.group(1).split(".", 1)[0]
        message = _unique_message(registry, table, columns)
        if message:
            return ValidationError(message)
        return ValidationError(
            f"The operation cannot be completed: duplicate value for {', '.join(columns)}."
        )
    match = _SQLITE_CHECK.search(text)
    if match:
        message = _constraint_message(registry, match.group(1))
        if message:
            return ValidationError(message)
    if state == "23505":
        return ValidationError("The operation cannot be completed: a value must be unique.")
    if state == "23502" or "NOT NULL constraint failed" in text:
        return ValidationError(f"The operation cannot be completed: a mandatory field of {model} is not set.")
    return ValidationError(f"The operation cannot be completed: {text.splitlines()[0]}")


def _constraint_message(registry: Registry, name: str) -> str | None:
    for cls in registry.models.values():
        for key, _definition, message in cls._sql_constraints:
            if constraint_name(cls._table, key) == name:
                return message
    return None


def _unique_message(registry: Registry, table: str, columns: list[str]) -> str | None:
    for cls in registry.models.values():
        if cls._table != table:
            continue
        for index in cls._table_obj.indexes:
            if index.unique and [c.name for c in index.columns] == columns:
                return _constraint_message(registry, str(index.name))
    return None
