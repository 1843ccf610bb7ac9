"""Giving groups through the group's side (its ``users``, its implied groups) may make
users internal too: counted against ``saas_client.max_users`` like a user's own change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tenantry.orm import api, models
from tenantry.orm.environment import SUPERUSER_ID

_MEMBERSHIP = frozenset({"users", "implied_ids"})


class ResGroups(models.Model):
    _inherit = "res.groups"

    def _internal_ids(self) -> set[int]:
        users = self.env["res.users"].sudo().with_context(active_test=True)
        return set(users.search([("share", "=", False), ("id", "!=", SUPERUSER_ID)]).ids)

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        listed = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        if not any(isinstance(v, Mapping) and _MEMBERSHIP & set(v) for v in listed):
            return super().create(vals_list)
        before = self._internal_ids()
        groups = super().create(vals_list)
        if self._internal_ids() - before:
            self.env["res.users"]._check_max_users()
        return groups

    def write(self, vals: Any) -> bool:
        if not isinstance(vals, Mapping) or not _MEMBERSHIP & set(vals) or not self._ids:
            return bool(super().write(vals))
        before = self._internal_ids()
        result = bool(super().write(vals))
        if self._internal_ids() - before:
            self.env["res.users"]._check_max_users()
        return result
