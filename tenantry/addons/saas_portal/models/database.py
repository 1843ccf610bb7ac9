"""Template databases (``saas_portal.database``); clients extend them (``saas_portal.client``)."""

from __future__ import annotations

from typing import Any

from tenantry.db.names import validate_name
from tenantry.orm import api, fields, models

from .common import DB_STATES, check_name_unshared, not_connected


class SaasPortalDatabase(models.Model):
    _name = "saas_portal.database"
    _inherit = ["saas_portal.audit.mixin"]
    _description = "SaaS Database"
    _order = "name"

    name = fields.Char("Database Name", required=True, index=True, help="The database name, a host name.")
    server_id = fields.Many2one("saas_portal.server", "Server", ondelete="restrict", index=True)
    plan_id = fields.Many2one("saas_portal.plan", "Plan", ondelete="set null", index=True)
    partner_id = fields.Many2one("res.partner", "Owner", ondelete="set null", index=True)
    state = fields.Selection(DB_STATES, "Status", default="draft", required=True, index=True)
    users_len = fields.Integer("Users", readonly=True)
    db_storage = fields.Integer("Database Storage (MB)", readonly=True)
    file_storage = fields.Integer("File Storage (MB)", readonly=True)
    last_login = fields.Datetime("Last Login", readonly=True)
    last_sync = fields.Datetime("Last Sync", readonly=True)
    expiration_datetime = fields.Datetime("Expiration")
    trial = fields.Boolean("Trial", default=False)
    uuid = fields.Char("Database UUID", readonly=True, copy=False, index=True)

    _sql_constraints = [("name_uniq", "unique (name)", "This database name is already taken.")]

    @api.constrains("name")
    def _check_name(self) -> None:
        for database in self:
            validate_name(database.name)
            check_name_unshared(database)

    def action_login(self) -> Any:
        """A one-time URL logging the operator in as the database's administrator (audited)."""
        not_connected()
