"""The ``is_hidden`` flag: shared by users and partners, set only in superuser mode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm import api, fields

HELP = "Invisible to everyone but the superuser and the hidden user itself."


def hidden_field() -> Any:
    return fields.Boolean("Hidden", default=False, copy=False, help=HELP)


class HiddenFlagMixin:
    """Refuses ``is_hidden`` in create and write values unless in superuser mode."""

    env: Any
    _name: str

    def _check_hidden_flag(self, vals_list: list[Mapping[str, Any]], operation: str) -> None:
        if not self.env.su and any("is_hidden" in vals for vals in vals_list):
            raise AccessError(
                f"Only the superuser may hide or reveal {self._name} records.",
                context={"model": self._name, "operation": operation, "fields": ["is_hidden"]},
            )

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        listed = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        self._check_hidden_flag(listed, "create")
        return super().create(vals_list)  # type: ignore[misc]

    def write(self, vals: Any) -> bool:
        self._check_hidden_flag([vals], "write")
        result: bool = super().write(vals)  # type: ignore[misc]
        return result
