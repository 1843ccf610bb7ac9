"""A mixin for the models that define access: changing them makes cached checks stale."""

from __future__ import annotations

from typing import Any

from tenantry.orm import api
from tenantry.security.data import changed


class SecurityDataMixin:
    """Bumps the database's security version on every create, write and unlink."""

    env: Any

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        records = super().create(vals_list)  # type: ignore[misc]
        changed(self.env)
        return records

    def write(self, vals: Any) -> bool:
        result: bool = super().write(vals)  # type: ignore[misc]
        changed(self.env)
        return result

    def unlink(self) -> bool:
        result: bool = super().unlink()  # type: ignore[misc]
        changed(self.env)
        return result
