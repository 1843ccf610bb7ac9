"""``saas_client.*`` parameters: set by the SaaS provider only (in superuser mode: the
portal's pushes), never by the client's own administrators, whose limits they are; a
change is seen at once by every worker's checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm import api, models
from tenantry.security.data import changed

from .limits import PREFIX
from .state import DIRTY


def _touches(keys: Iterable[object]) -> bool:
    return any(isinstance(key, str) and key.startswith(PREFIX) for key in keys)


def _check_provider(env: Any, operation: str) -> None:
    if not env.su:
        raise AccessError(
            f"Only the service provider may change the parameters {PREFIX}* of this database.",
            context={"model": "ir.config_parameter", "operation": operation},
        )


def _changed(env: Any) -> None:
    """Stale cached limits: in other transactions (a new security version, committed with
    this one) and in this one (which reads them afresh from now on)."""
    env.cr.data[DIRTY] = True
    changed(env)


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        listed = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        if _touches(v.get("key") for v in listed if isinstance(v, Mapping)):
            _check_provider(self.env, "create")
        records = super().create(vals_list)
        if _touches(records.mapped("key")):
            _changed(self.env)
        return records

    def write(self, vals: Any) -> bool:
        touched = _touches(self.sudo().mapped("key"))
        if touched or (isinstance(vals, Mapping) and _touches([vals.get("key")])):
            _check_provider(self.env, "write")
        result: bool = super().write(vals)
        if touched or (isinstance(vals, Mapping) and _touches([vals.get("key")])):
            _changed(self.env)
        return result

    def unlink(self) -> bool:
        touched = _touches(self.sudo().mapped("key"))
        if touched:
            _check_provider(self.env, "unlink")
        result: bool = super().unlink()
        if touched:
            _changed(self.env)
        return result
