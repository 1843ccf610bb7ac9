from __future__ import annotations

from tenantry.orm import api, fields, models


class IrRule(models.Model):
    """A record rule: a domain that records must satisfy for an operation."""

    _name = "ir.rule"
    _description = "Record Rule"
    _order = "model_id DESC, id"

    name = fields.Char(index=True)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    groups = fields.Many2many("res.groups", "rule_group_rel", "rule_group_id", "group_id", "Groups")
    domain_force = fields.Text("Domain")
    perm_read = fields.Boolean("Apply for Read", default=True)
    perm_write = fields.Boolean("Apply for Write", default=True)
    perm_create = fields.Boolean("Apply for Create", default=True)
    perm_unlink = fields.Boolean("Apply for Delete", default=True)
    # "global" is a Python keyword, hence the setattr below.

    _sql_constraints = [
        (
            "no_access_rights",
            "CHECK (perm_read!=False or perm_write!=False or perm_create!=False or perm_unlink!=False)",
            "Rule must have at least one checked access right!",
        ),
    ]

    @api.depends("groups")
    def _compute_global(self) -> None:
        for rule in self:
            setattr(rule, "global", not rule.groups)


setattr(
    IrRule,
    "global",
    fields.Boolean(compute="_compute_global", store=True, help="No groups: applies to everyone."),
)
