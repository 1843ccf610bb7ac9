from __future__ import annotations

from tenantry.orm import fields, models


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
