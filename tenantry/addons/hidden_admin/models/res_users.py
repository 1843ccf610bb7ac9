from __future__ import annotations

from tenantry.orm import models

from .hidden import HiddenFlagMixin, hidden_field


class ResUsers(HiddenFlagMixin, models.Model):
    _inherit = "res.users"

    is_hidden = hidden_field()
