"""``saas.config``: install, upgrade and uninstall addons and set parameters on a client."""

from __future__ import annotations

from typing import Any

from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models
from tenantry.saas.configure import parse_upgrade_data

from ..models.common import not_connected


class SaasConfig(models.TransientModel):
    _name = "saas.config"
    _description = "Configure a SaaS Client"

    client_id = fields.Many2one("saas_portal.client", "Client", required=True, ondelete="cascade")
    update_addons = fields.Char("Upgrade Addons", help="Addon names separated by commas.")
    install_addons = fields.Char("Install Addons", help="Addon names separated by commas.")
    uninstall_addons = fields.Char("Uninstall Addons", help="Addon names separated by commas.")
    param_ids = fields.One2many("saas.config.param", "config_id", "Parameters")
    description = fields.Text("Result", readonly=True)

    def execute_action(self) -> Any:
        """The wizard's "Execute": the same request as the API's."""
        self.ensure_one()
        data = {
            "update_addons": _split(self.update_addons),
            "install_addons": _split(self.install_addons),
            "uninstall_addons": _split(self.uninstall_addons),
            "params": [{"key": p.key, "value": p.value or False, "hidden": p.hidden} for p in self.param_ids],
        }
        return self.do_upgrade_database(data, self.client_id.id)

    @api.model
    def do_upgrade_database(self, data: Any, client_id: Any) -> Any:
        """Apply ``data`` (see :mod:`tenantry.saas.configure`) to the client ``client_id``."""
        request = parse_upgrade_data(data)
        if not isinstance(client_id, int) or isinstance(client_id, bool):
            raise ValidationError("client_id must be a client id.")
        client = self.env["saas_portal.client"].browse(client_id)
        client.check_access_rights("write")
        client.check_access_rule("write")  # a missing client raises MissingError here
        client._audit("configure", details=repr(request.as_dict())[:2000])
        not_connected()


class SaasConfigParam(models.TransientModel):
    _name = "saas.config.param"
    _description = "SaaS Client Parameter"

    config_id = fields.Many2one("saas.config", "Configuration", required=True, ondelete="cascade")
    key = fields.Char("Key", required=True)
    value = fields.Char("Value")
    hidden = fields.Boolean("Hidden", default=False)


def _split(text: Any) -> list[str]:
    return [part.strip() for part in str(text or "").split(",") if part.strip()]
