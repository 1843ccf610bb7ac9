from __future__ import annotations

from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models

from .security_data import SecurityDataMixin


class IrRule(SecurityDataMixin, models.Model):
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

    @api.constrains("model_id", "domain_force", "active")
    def _check_domain(self) -> None:
        """A rule is not for ir.rule itself, and its domain must make sense when saved."""
        from tenantry.security.policy import rule_domain_node, rule_eval_names

        names = rule_eval_names(self.env)
        for rule in self.sudo():
            if rule.model_id.model == "ir.rule":
                raise ValidationError("Rules can not be applied on the Record Rules model.")
            if rule.active and rule.domain_force:
                try:
                    rule_domain_node(self.env, rule.model_id.model, rule.domain_force, names)
                except (ValidationError, TypeError, KeyError) as exc:
                    raise ValidationError(f"Invalid domain: {exc}") from None

    @api.depends("groups")
    def _compute_global(self) -> None:
        for rule in self:
            setattr(rule, "global", not rule.groups)


setattr(
    IrRule,
    "global",
    fields.Boolean(compute="_compute_global", store=True, help="No groups: applies to everyone."),
)
