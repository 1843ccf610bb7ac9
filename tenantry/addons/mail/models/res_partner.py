from __future__ import annotations

from tenantry.orm import models


class ResPartner(models.Model):
    """Contacts are followed documents; users are too, through their contact (``_inherits``)."""

    _name = "res.partner"
    _inherit = ["res.partner", "mail.thread"]
