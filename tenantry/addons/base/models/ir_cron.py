from __future__ import annotations

from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models


class IrCron(models.Model):
    """A scheduled call of a model method (never code: a model and a method name)."""

    _name = "ir.cron"
    _description = "Scheduled Action"
    _order = "priority, name"

    name = fields.Char(required=True)
    model_name = fields.Char("Model", required=True)
    method_name = fields.Char("Method", required=True)
    user_id = fields.Many2one("res.users", "Scheduler User", ondelete="restrict")
    interval_number = fields.Integer(default=1)
    interval_type = fields.Selection(
        [
            ("minutes", "Minutes"),
            ("hours", "Hours"),
            ("days", "Days"),
            ("weeks", "Weeks"),
            ("months", "Months"),
        ],
        default="days",
    )
    nextcall = fields.Datetime("Next Execution Date")
    lastcall = fields.Datetime("Last Execution Date")
    priority = fields.Integer(default=5)
    active = fields.Boolean(default=True)

    @api.constrains("model_name", "method_name")
    def _check_method(self) -> None:
        """A cron calls a method that exists: a model of the registry and one of its methods."""
        for cron in self:
            model = self.env.registry.models.get(cron.model_name or "")
            if model is None:
                raise ValidationError(f"Scheduled action {cron.name!r}: unknown model {cron.model_name!r}")
            if not callable(getattr(model, cron.method_name or "", None)):
                raise ValidationError(
                    f"Scheduled action {cron.name!r}: {cron.model_name} has no method {cron.method_name!r}"
                )
