from __future__ import annotations

from typing import Any

from tenantry.orm import api, fields, models


class IrConfigParameter(models.Model):
    """Key/value settings of a database (``saas_client.max_users``, ``database.uuid``...)."""

    _name = "ir.config_parameter"
    _description = "System Parameter"
    _rec_name = "key"
    _order = "key"

    key = fields.Char(required=True)
    value = fields.Text(required=True)

    _sql_constraints = [("key_uniq", "unique (key)", "Key must be unique.")]

    @api.model
    def get_param(self, key: str, default: Any = False) -> Any:
        """The value of ``key``, or ``default`` when it is not set."""
        found = self.search([("key", "=", key)], limit=1)
        return found.value if found else default

    @api.model
    def set_param(self, key: str, value: Any) -> Any:
        """Set ``key`` (a false value removes it); returns the previous value."""
        found = self.search([("key", "=", key)], limit=1)
        old = found.value if found else False
        if value is False or value is None:
            if found:
                found.unlink()
        elif found:
            found.write({"value": str(value)})
        else:
            self.create({"key": key, "value": str(value)})
        return old
