from __future__ import annotations

from tenantry.orm import models

from .hidden import HiddenFlagMixin, hidden_field


class ResPartner(HiddenFlagMixin, models.Model):
    _inherit = "res.partner"

    is_hidden = hidden_field()
