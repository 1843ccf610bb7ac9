"""Model access (``ir.model.access``): a union of grants, and Odoo's refusal message.

A permission is granted when at least one active row for the model grants it and
either has no group (everyone) or a group of the user. Rows never deny: there is
no way to take back what another row grants. A model without any row is open to
nobody but the superuser.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tenantry.orm.access import Operation

_VERBS = {
    Operation.READ: "access",
    Operation.WRITE: "modify",
    Operation.CREATE: "create",
    Operation.UNLINK: "delete",
}


@dataclass(frozen=True, slots=True)
class AccessRow:
    """One ``ir.model.access`` row, as the checks need it."""

    id: int
    name: str
    model: str
    group_id: int | None
    perms: frozenset[Operation]


def allowed(rows: Iterable[AccessRow], operation: Operation, groups: frozenset[int]) -> bool:
    """Whether any row grants ``operation`` to a user in ``groups``."""
    return any(operation in row.perms and (row.group_id is None or row.group_id in groups) for row in rows)


def granting_groups(rows: Iterable[AccessRow], operation: Operation) -> set[int]:
    """The groups of the rows granting ``operation`` (group-less rows are not listed)."""
    return {row.group_id for row in rows if operation in row.perms and row.group_id is not None}


def access_error_message(
    description: str, model: str, operation: Operation, group_names: Iterable[str]
) -> str:
    """Odoo's text: what was refused, which groups may, and what to do."""
    header = f"You are not allowed to {_VERBS[operation]} '{description}' ({model}) records."
    names = sorted(group_names, key=str.lower)
    if names:
        groups = "This operation is allowed for the following groups:\n" + "\n".join(
            f"\t- {name}" for name in names
        )
    else:
        groups = "No group currently allows this operation."
    return f"{header}\n\n{groups}\n\nContact your administrator to request access if necessary."
