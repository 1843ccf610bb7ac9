"""The storage errors every backend raises, worded once."""

from __future__ import annotations

from tenantry.exceptions import MissingError, UserError

__all__ = ["already_exists", "in_use", "missing"]


def missing(name: str) -> MissingError:
    return MissingError(f"The database {name!r} does not exist", context={"database": name})


def already_exists(name: str) -> UserError:
    return UserError(f"The database {name!r} already exists", context={"database": name})


def in_use(name: str, action: str) -> UserError:
    return UserError(
        f"Cannot {action} the database {name!r}: other sessions are connected to it",
        context={"database": name},
    )
