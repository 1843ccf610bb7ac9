"""The plan's "Create Client" wizard: the operator's way to ``create_new_database``."""

from __future__ import annotations

from typing import Any

from tenantry.orm import fields, models


class SaasPortalCreateClient(models.TransientModel):
    _name = "saas_portal.create_client"
    _description = "Create a SaaS Client"

    plan_id = fields.Many2one("saas_portal.plan", "Plan", required=True, ondelete="cascade")
    name = fields.Char("DB Name", help="Empty: the next name of the plan's template.")
    partner_id = fields.Many2one("res.partner", "Owner")
    user_id = fields.Many2one("res.users", "Owner's User")
    trial = fields.Boolean("Trial")

    def action_create(self) -> Any:
        self.ensure_one()
        result = self.plan_id.create_new_database(
            dbname=self.name or False,
            user_id=self.user_id.id or False,
            partner_id=self.partner_id.id or False,
            trial=self.trial,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "saas_portal.client",
            "res_id": result["id"],
            "view_mode": "form",
        }
