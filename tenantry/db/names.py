"""Database names: the one rule every storage operation checks first.

Names match ``^[a-z0-9][a-z0-9_.-]{0,62}$``: lower case, so that they are the same
on case-insensitive file systems and need no quoting games in PostgreSQL; dots and
hyphens allowed, so that host names can be database names; at most 63 characters,
PostgreSQL's identifier limit; never starting with a dot, so that no name is a
hidden or relative path (``..``).

Names starting with ``INTERNAL_PREFIX`` belong to the instance itself (the spare
databases of ``tenantry.saas.spares``): the listing hides them, and no client,
login or request may use one. ``_`` never occurs in a host name, so no database
named after its host can clash with them.
"""

from __future__ import annotations

import re

from tenantry.exceptions import ValidationError

__all__ = ["INTERNAL_PREFIX", "is_internal_name", "is_valid_name", "validate_client_name", "validate_name"]

_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")
INTERNAL_PREFIX = "internal_"


def validate_name(name: object) -> str:
    """Return ``name`` if it is a valid database name, else raise ``ValidationError``."""
    if not isinstance(name, str):
        raise ValidationError(
            f"A database name must be a string, not {type(name).__name__}",
            context={"name": repr(name)},
        )
    # fullmatch, not match + "$": "$" also matches before a trailing newline.
    if _NAME.fullmatch(name) is None:
        raise ValidationError(
            f"Invalid database name {name!r}: use 1 to 63 characters among lower-case "
            "letters, digits, '_', '.' and '-', starting with a letter or a digit",
            context={"name": name},
        )
    return name


def is_valid_name(name: object) -> bool:
    """Whether ``name`` is a valid database name (for filtering listings)."""
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def is_internal_name(name: object) -> bool:
    """Whether ``name`` is reserved for the instance's own databases (never a client's)."""
    return isinstance(name, str) and name.startswith(INTERNAL_PREFIX)


def validate_client_name(name: object) -> str:
    """``name`` if a client's database may have it: valid and not internal (``ValidationError``)."""
    validate_name(name)
    if is_internal_name(name):
        raise ValidationError(
            f"Database names starting with {INTERNAL_PREFIX!r} are reserved for the instance",
            context={"name": name},
        )
    return str(name)
