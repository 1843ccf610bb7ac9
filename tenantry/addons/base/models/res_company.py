from __future__ import annotations

from typing import Any

from tenantry.orm import api, fields, models


class ResCompany(models.Model):
    _name = "res.company"
    _description = "Companies"
    _order = "sequence, name"
    _parent_name = "parent_id"

    name = fields.Char("Company Name", required=True)
    partner_id = fields.Many2one("res.partner", "Partner", ondelete="restrict")
    parent_id = fields.Many2one("res.company", "Parent Company", index=True)
    child_ids = fields.One2many("res.company", "parent_id", "Branches")
    sequence = fields.Integer(default=10)
    email = fields.Char()
    phone = fields.Char()
    active = fields.Boolean(default=True)
    user_ids = fields.Many2many("res.users", "res_company_users_rel", "cid", "user_id", "Accepted Users")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "The company name must be unique!"),
    ]

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        """A company without a partner gets one of the same name."""
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            if not vals.get("partner_id") and vals.get("name"):
                partner = (
                    self.env["res.partner"]
                    .sudo()
                    .create(
                        {
                            "name": vals["name"],
                            "is_company": True,
                            "email": vals.get("email") or False,
                        }
                    )
                )
                vals["partner_id"] = partner.id
            prepared.append(vals)
        companies = super().create(prepared)
        for company in companies.sudo():
            if company.partner_id and not company.partner_id.company_id:
                company.partner_id.write({"company_id": company.id})
        return companies
