"""A change of a ``saas_client.*`` parameter is seen at once by every worker's checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tenantry.orm import api, models
from tenantry.security.data import changed

from .limits import PREFIX
from .state import DIRTY


def _touches(keys: Iterable[object]) -> bool:
    return any(isinstance(key, str) and key.startswith(PREFIX) for key in keys)


def _changed(env: Any) -> None:
    """Stale cached limits: in other transactions (a new security version, committed with
    this one) and in this one (which reads them afresh from now on)."""
    env.cr.data[DIRTY] = True
    changed(env)


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        records = super().create(vals_list)
        if _touches(records.mapped("key")):
            _changed(self.env)
        return records

    def write(self, vals: Any) -> bool:
        touched = _touches(self.mapped("key"))
        result: bool = super().write(vals)
        if touched or (isinstance(vals, Mapping) and _touches([vals.get("key")])):
            _changed(self.env)
        return result

    def unlink(self) -> bool:
        touched = _touches(self.mapped("key"))
        result: bool = super().unlink()
        if touched:
            _changed(self.env)
        return result
