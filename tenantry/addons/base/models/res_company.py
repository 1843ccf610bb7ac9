from __future__ import annotations

from typing import Any

from tenantry.exceptions import UserError, ValidationError
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
    logo = fields.Image(related="partner_id.image_1920", string="Company Logo", readonly=False)
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

    def write(self, vals: Any) -> bool:
        """Archiving a company archives its branches too (Odoo 17)."""
        result = super().write(vals)
        if "active" in vals and not vals["active"]:
            branches = self.mapped("child_ids")
            if branches:
                branches.write({"active": False})
        return result

    def unlink(self) -> bool:
        """A company with branches, archived ones included, stays: its branches would lose
        their parent, and with it what they see of the parent's records. Checked after the
        caller's own right to delete, so that it tells nothing to who may not."""
        if not self:
            return True
        self.check_access_rights("unlink")
        self.check_access_rule("unlink")
        if self.sudo().with_context(active_test=False).mapped("child_ids"):
            raise UserError(
                "Companies that have associated branches cannot be deleted. Consider archiving them instead."
            )
        return super().unlink()

    @api.constrains("active")
    def _check_active(self) -> None:
        """A company still the default company of active users cannot be archived."""
        users = self.env["res.users"].sudo()
        for company in self.sudo():
            if company.active:
                continue
            count = users.search_count([("company_id", "=", company.id), ("active", "=", True)])
            if count:
                raise ValidationError(
                    f"The company {company.name} cannot be archived because it is still used "
                    f"as the default company of {count} users."
                )
