"""Client databases: a template's clone given to a customer (the owner, ``partner_id``)."""

from __future__ import annotations

from typing import Any

from tenantry.orm import fields, models

from . import database as _database  # noqa: F401 - declared first: clients inherit it
from .common import not_connected


class SaasPortalClient(models.Model):
    _name = "saas_portal.client"
    _inherit = "saas_portal.database"
    _description = "SaaS Client"
    _order = "id desc"

    max_users = fields.Integer("Max Users", help="Active internal users allowed; 0 means no limit.")
    total_storage_limit = fields.Integer("Storage Limit (MB)", help="0 means no limit.")
    block_on_expiration = fields.Boolean("Block on Expiration")
    block_on_storage_exceed = fields.Boolean("Block on Storage Exceed")
    request_id = fields.Char("Request ID", readonly=True, copy=False, index=True)

    def action_sync(self) -> Any:
        """Refresh the client's usage from its server."""
        not_connected()

    def action_block(self) -> Any:
        """Suspend the client: it refuses every login, call and page but the superuser's."""
        not_connected()

    def action_unblock(self) -> Any:
        not_connected()

    def action_backup(self) -> Any:
        not_connected()

    def action_delete(self) -> Any:
        not_connected()

    def action_move(self, server_id: int) -> Any:
        not_connected()

    def action_configure(self) -> dict[str, Any]:
        """Open the configuration wizard (addons and parameters) for this client."""
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        wizard = self.env["saas.config"].create({"client_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": "Configure",
            "res_model": "saas.config",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
