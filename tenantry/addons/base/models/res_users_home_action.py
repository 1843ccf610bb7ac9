"""``res.users.action_id``: the action a user's web client opens at log-in (Odoo's Home Action)."""

from __future__ import annotations

from tenantry.orm import fields, models


class ResUsersHomeAction(models.Model):
    _inherit = "res.users"

    action_id = fields.Many2one(
        "ir.actions.actions",
        "Home Action",
        help="If specified, this action will be opened at log on for this user, in addition to the "
        "standard menu.",
    )
