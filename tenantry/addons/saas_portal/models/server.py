"""SaaS servers: the server databases (``saas_server``) the portal places clients on."""

from __future__ import annotations

import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from tenantry.db.names import validate_name
from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models
from tenantry.saas.placement import ServerLoad

from .common import SERVER_STATES, check_name_unshared, not_connected


class SaasPortalServer(models.Model):
    _name = "saas_portal.server"
    _inherit = ["saas_portal.audit.mixin"]
    _description = "SaaS Server"
    _order = "name"

    name = fields.Char("Database Name", required=True, index=True, help="The server database, a host name.")
    url = fields.Char("URL", help="Scheme, host and port the portal calls, e.g. http://s1.example.com:8069")
    client_id = fields.Char(
        "Client ID",
        required=True,
        copy=False,
        default=lambda self: str(uuid.uuid4()),
        help="The server database's database.uuid.",
    )
    client_secret = fields.Char(
        "Client Secret",
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
        groups="saas_portal.group_saas_portal_manager",
    )
    max_databases = fields.Integer("Capacity", default=0, help="Client databases it may hold; 0: no limit.")
    state = fields.Selection(SERVER_STATES, "Status", default="draft", required=True, index=True)
    last_sync = fields.Datetime("Last Sync", readonly=True)
    client_ids = fields.One2many("saas_portal.client", "server_id", "Clients")
    database_count = fields.Integer("Databases", compute="_compute_database_count")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A server with this database name is already registered."),
        ("client_id_uniq", "unique (client_id)", "A server with this client ID is already registered."),
        ("max_databases_positive", "check (max_databases >= 0)", "A server's capacity cannot be negative."),
    ]

    def _compute_database_count(self) -> None:
        counts = self._client_counts()
        for server in self:
            server.database_count = counts.get(server.id, 0)

    def _client_counts(self) -> dict[int, int]:
        """Clients not deleted, per server (counted as superuser: capacity is not a secret
        of the records the caller may read)."""
        groups = (
            self.env["saas_portal.client"]
            .sudo()
            .read_group(
                [("server_id", "in", self.ids), ("state", "!=", "deleted")], ["server_id"], ["server_id"]
            )
        )
        return {g["server_id"][0]: int(g["server_id_count"]) for g in groups if g["server_id"]}

    def _loads(self) -> list[ServerLoad]:
        counts = self._client_counts()
        return [ServerLoad(s.id, s.name, s.state, s.max_databases or 0, counts.get(s.id, 0)) for s in self]

    @api.constrains("name")
    def _check_name(self) -> None:
        for server in self:
            validate_name(server.name)
            check_name_unshared(server)

    @api.constrains("url")
    def _check_url(self) -> None:
        for server in self:
            if server.url:
                _validate_url(server.url)

    def action_sync_server(self) -> Any:
        """Refresh the server's clients and usage (the protocol call is not wired yet)."""
        not_connected()


def _validate_url(url: str) -> None:
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
        or parts.path not in ("", "/")
    ):
        raise ValidationError(
            f"Invalid server URL {url[:200]!r}: give http(s)://host[:port], without a path or credentials."
        )
    try:
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise ValidationError(f"Invalid port in the server URL {url[:200]!r}.") from None
