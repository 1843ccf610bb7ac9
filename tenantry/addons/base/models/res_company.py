from __future__ import annotations

from typing import Any

from tenantry.orm import api, fields, models


class ResCompany(models.Model):
    _name = "res.company"
    _description = "Companies"
    _order = "sequence, name"
    _parent_name = "parent_id"
    _recursion_message = "You cannot create recursive companies."

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
        """A company without a partner gets one of the same name, in that company."""
        prepared = self.env["res.partner"]._with_own_partners(vals_list, lambda vals: {"is_company": True})
        given = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        # Only the partners made here are changed in superuser mode, not ones the caller named.
        named = {vals.get("partner_id") for vals in given if isinstance(vals, dict)}
        companies = super().create(prepared)
        for company in companies.sudo():
            partner = company.partner_id
            if partner and partner.id not in named and not partner.company_id:
                partner.write({"company_id": company.id})
        return companies
