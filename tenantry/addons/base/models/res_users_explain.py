"""``res.users.explain_access``: the access explainer (:mod:`tenantry.security.explain`) as a
record method, so that RPC clients can ask why a user may or may not do something."""

from __future__ import annotations

from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm import models
from tenantry.security.explain import explain


class ResUsersExplain(models.Model):
    _inherit = "res.users"

    def explain_access(
        self, model: str, operation: str = "read", record_id: int | None = None
    ) -> dict[str, Any]:
        """Which ACL rows and record rules apply to this user for ``operation`` on ``model``,
        and for ``record_id`` which rule lets it in or keeps it out (``Explanation.to_dict()``).

        Users may explain their own access; explaining someone else's takes Access
        Rights (``base.group_erp_manager``), since it reveals that user's rules.
        """
        self.ensure_one()
        env = self.env
        if not env.su and self.id != env.uid and not env.user.has_group("base.group_erp_manager"):
            raise AccessError(
                "Only Access Rights managers (base.group_erp_manager) may explain another user's access."
            )
        return explain(env, self.id, model, operation, record_id).to_dict()
