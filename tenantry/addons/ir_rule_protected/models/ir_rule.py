"""Protected record rules: a client's administrator can neither change nor delete them.

A SaaS operator marks the rules its clients must live with (company isolation, for
example) as protected. Administrators of the client database keep managing their
own rules; only superuser mode (``sudo()``, or the ``__system__`` user) may write,
delete, copy the flag onto, or unprotect a protected rule.
"""

from __future__ import annotations

from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm import api, fields, models


class IrRule(models.Model):
    _inherit = "ir.rule"

    protected = fields.Boolean(
        default=False,
        copy=False,
        help="Only the superuser may change, delete or unprotect this rule.",
    )

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        listed = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        if not self.env.su and any(isinstance(vals, dict) and vals.get("protected") for vals in listed):
            raise AccessError(
                "Only the superuser may create protected record rules.",
                context={"model": self._name, "operation": "create"},
            )
        return super().create(vals_list)

    def write(self, vals: Any) -> bool:
        if not self.env.su and self._ids:
            # Access rights first, as the ORM does: the refusal names rules.
            self.check_access_rights("write")
            if "protected" in vals:
                flipped = self.sudo().filtered(lambda rule: rule.protected != bool(vals["protected"]))
                self._refuse("protect or unprotect record rules", "write", flipped)
            self._refuse("modify protected record rules", "write", self._protected_rules())
        return super().write(vals)

    def unlink(self) -> bool:
        if not self.env.su and self._ids:
            self.check_access_rights("unlink")
            self._refuse("delete protected record rules", "unlink", self._protected_rules())
        return super().unlink()

    def _protected_rules(self) -> Any:
        """The protected rules among self (looked up as superuser)."""
        return self.sudo().filtered("protected")

    def _refuse(self, action: str, operation: str, rules: Any) -> None:
        if not rules:
            return
        names = ", ".join(f"'{rule.name}' (id {rule.id})" for rule in rules)
        raise AccessError(
            f"Only the superuser may {action}: {names}.",
            context={"model": self._name, "ids": rules.ids, "operation": operation},
        )
