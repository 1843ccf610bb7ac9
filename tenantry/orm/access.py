"""The one place where access checks plug into the ORM.

Every search, read, write, create and unlink asks the transaction's
:class:`AccessPolicy`. The ORM never decides access itself: it calls

- ``check_model`` before anything (model access, ``ir.model.access``);
- ``rule_domain`` to filter searches in SQL and to verify explicit ids
  (record rules, ``ir.rule``);
- ``check_fields`` for fields restricted by ``groups=``.

:class:`OpenPolicy` allows everything: it serves databases before ``base`` is
installed, and superuser mode. The security layer provides the real policy.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from tenantry.domain import Domain

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.recordset import Recordset as BaseModel


class Operation(StrEnum):
    """The four operations access rights are given for (Odoo's wire spelling)."""

    READ = "read"
    WRITE = "write"
    CREATE = "create"
    UNLINK = "unlink"


class AccessPolicy(Protocol):
    """Decides what an environment may do; superuser mode never reaches it."""

    def check_model(
        self, env: Environment, model: str, operation: Operation, raise_exception: bool = True
    ) -> bool:
        """Model access: may this user do ``operation`` on ``model`` at all?"""
        ...

    def rule_domain(self, env: Environment, model: str, operation: Operation) -> Domain | None:
        """The record-rule domain for this user, or None when unrestricted."""
        ...

    def forbidden(self, records: BaseModel, operation: Operation, ids: Collection[int]) -> Exception:
        """The error for ``ids`` (existing records) that the rules keep out."""
        ...

    def check_fields(
        self, env: Environment, model: str, field_names: Collection[str], operation: Operation
    ) -> None:
        """Refuse fields restricted by ``groups=`` that the user lacks."""
        ...

    def field_allowed(self, env: Environment, model: str, field_name: str) -> bool:
        """Whether ``fields_get``/``read`` show this field to the user."""
        ...


class OpenPolicy:
    """Allows everything (no ``base`` yet, or an explicitly open database)."""

    def check_model(
        self, env: Environment, model: str, operation: Operation, raise_exception: bool = True
    ) -> bool:
        return True

    def rule_domain(self, env: Environment, model: str, operation: Operation) -> Domain | None:
        return None

    def forbidden(self, records: BaseModel, operation: Operation, ids: Collection[int]) -> Exception:
        from tenantry.exceptions import AccessError

        return AccessError(f"Access to {records._name} {sorted(ids)} is not allowed.")

    def check_fields(
        self, env: Environment, model: str, field_names: Collection[str], operation: Operation
    ) -> None:
        return None

    def field_allowed(self, env: Environment, model: str, field_name: str) -> bool:
        return True
