"""``mail.followers``: which partner follows which record (of any ``mail.thread`` model)."""

from __future__ import annotations

from tenantry.orm import fields, models


class MailFollowers(models.Model):
    _name = "mail.followers"
    _description = "Document Followers"
    _rec_name = "partner_id"
    _order = "id"
    _log_access = False

    res_model = fields.Char("Related Document Model Name", required=True, index=True)
    res_id = fields.Integer("Related Document ID", index=True, help="Id of the followed resource")
    partner_id = fields.Many2one(
        "res.partner", "Related Partner", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char("Name", related="partner_id.name")
    email = fields.Char("Email", related="partner_id.email")

    _sql_constraints = [
        (
            "mail_followers_res_partner_res_model_id_uniq",
            "unique (res_model, res_id, partner_id)",
            "Error, a partner cannot follow twice the same object.",
        ),
    ]
