"""The portal's audit trail: who did what, when, on which database.

Entries are written only by the portal's own code (as superuser, in the same
transaction as the change they record, naming the real caller); nobody else may
create, change or delete them: the ACL grants reading only, and ``write`` and
``unlink`` refuse everyone but the superuser.
"""

from __future__ import annotations

from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm import api, fields, models


class SaasPortalAudit(models.Model):
    _name = "saas_portal.audit"
    _description = "SaaS Audit Entry"
    _order = "id desc"
    _rec_name = "action"

    date = fields.Datetime("When", required=True, readonly=True, default=lambda self: fields.Datetime.now())
    user_id = fields.Many2one("res.users", "Who", readonly=True, ondelete="set null", index=True)
    action = fields.Char("What", required=True, readonly=True)
    database = fields.Char("Database", readonly=True, index=True)
    res_model = fields.Char("Model", readonly=True)
    res_id = fields.Integer("Record", readonly=True)
    state_from = fields.Char("From State", readonly=True)
    state_to = fields.Char("To State", readonly=True)
    details = fields.Text("Details", readonly=True)

    @api.model
    def _record(
        self,
        action: str,
        records: Any = None,
        *,
        database: str | None = None,
        details: str = "",
        state_from: str | None = None,
        state_to: str | None = None,
    ) -> Any:
        """Add one entry per record (or one without a record) for the caller of ``self.env``."""
        entries = []
        for record in records if records else [None]:
            entries.append(
                {
                    "user_id": self.env.uid,
                    "action": action,
                    "database": database or (record._audit_database() if record is not None else False),
                    "res_model": record._name if record is not None else False,
                    "res_id": record.id if record is not None else 0,
                    "state_from": state_from or False,
                    "state_to": state_to or False,
                    "details": details or False,
                }
            )
        return self.sudo().create(entries)

    def write(self, vals: Any) -> bool:
        if self._ids and not self.env.su:
            raise AccessError("Audit entries cannot be changed.", context={"model": self._name})
        return super().write(vals)

    def unlink(self) -> bool:
        if self._ids and not self.env.su:
            raise AccessError("Audit entries cannot be deleted.", context={"model": self._name})
        return super().unlink()


class SaasPortalAuditMixin(models.AbstractModel):
    """State changes, creations and deletions of the portal's records go to the audit trail."""

    _name = "saas_portal.audit.mixin"
    _description = "Audited SaaS Record"

    def _audit_database(self) -> str | bool:
        """The database an entry about this record concerns (its name by default)."""
        return str(self.sudo().name or "") or False

    def _audit(self, action: str, details: str = "", **values: Any) -> None:
        self.env["saas_portal.audit"]._record(action, self, details=details, **values)

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        records = super().create(vals_list)
        for record in records:
            record._audit("create", state_to=str(record.sudo().state or "") or None)
        return records

    def write(self, vals: Any) -> bool:
        if not self._ids or "state" not in vals:
            return bool(super().write(vals))
        before = {r.id: r.sudo().state for r in self}
        result = super().write(vals)
        for record in self:
            after = record.sudo().state
            if before[record.id] != after:
                record._audit("state", state_from=str(before[record.id] or ""), state_to=str(after or ""))
        return bool(result)

    def unlink(self) -> bool:
        for record in self:
            record._audit("delete")
        return bool(super().unlink())
