"""The client databases a server created on its own cluster."""

from __future__ import annotations

from tenantry.db.names import validate_name
from tenantry.orm import api, fields, models

CLIENT_STATES = [
    ("draft", "New"),
    ("creating", "Creating"),
    ("open", "Ready"),
    ("blocked", "Blocked"),
    ("deleted", "Deleted"),
]


class SaasServerClient(models.Model):
    _name = "saas_server.client"
    _description = "SaaS Server Client Database"
    _order = "name"

    name = fields.Char("Database Name", required=True, index=True)
    client_id = fields.Char("Database UUID", index=True, copy=False, help="The client's database.uuid.")
    template = fields.Char("Template", help="The database it was cloned from.")
    state = fields.Selection(CLIENT_STATES, "Status", default="draft", required=True, index=True)
    users_len = fields.Integer("Users", readonly=True)
    db_storage = fields.Integer("Database Storage (MB)", readonly=True)
    file_storage = fields.Integer("File Storage (MB)", readonly=True)
    last_login = fields.Datetime("Last Login", readonly=True)
    last_sync = fields.Datetime("Last Sync", readonly=True)
    expiration_datetime = fields.Datetime("Expiration")
    trial = fields.Boolean("Trial")
    max_users = fields.Integer("Max Users", help="0 means no limit.")
    total_storage_limit = fields.Integer("Storage Limit (MB)", help="0 means no limit.")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "This database is already registered on the server."),
        ("client_id_uniq", "unique (client_id)", "A database with this UUID is already registered."),
    ]

    @api.constrains("name")
    def _check_name(self) -> None:
        for client in self:
            validate_name(client.name)
