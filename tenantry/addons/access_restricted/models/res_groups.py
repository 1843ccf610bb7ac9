"""Groups an administrator may hand out: only the ones they have themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm import api, models
from tenantry.orm.commands import normalize_commands

from .grants import outcome


class ResGroups(models.Model):
    _inherit = "res.groups"

    # -- what the acting user has -----------------------------------------------------

    def _own_group_ids(self) -> set[int]:
        """The acting user's groups, implied ones included."""
        return set(self.env.user._effective_group_ids())

    def _closure_of(self, ids: Iterable[int]) -> set[int]:
        """``ids`` and every group they imply (whoever may see them)."""
        wanted = sorted(set(ids))
        return set(self.sudo().browse(wanted)._implied_closure()) if wanted else set()

    def _check_grantable(self, after: Iterable[int], before: Iterable[int], whom: str) -> None:
        """Refuse when going from groups ``before`` to ``after`` gives ``whom`` a group
        (or an implied group) the acting user does not have."""
        beyond = self._closure_of(after) - self._closure_of(before) - self._own_group_ids()
        if beyond:
            raise AccessError(
                f"You cannot give {whom} access rights you do not have yourself "
                f"(groups {', '.join(map(str, sorted(beyond)))}).",
                context={"model": "res.groups", "ids": sorted(beyond), "operation": "write"},
            )

    # -- create and write ---------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if not self.env.su:
            for vals in [vals_list] if isinstance(vals_list, dict) else list(vals_list):
                if "implied_ids" in vals:
                    commands = normalize_commands("res.groups.implied_ids", vals["implied_ids"])
                    implied, _ = outcome({0: set()}, commands, keep=set())[0]
                    self._check_grantable(implied, (), "a new group's members")
                if "users" in vals:
                    commands = normalize_commands("res.groups.users", vals["users"])
                    if outcome({0: set()}, commands, keep=set())[0][0]:
                        raise AccessError(
                            "You cannot add users to a new group: it is not one of your groups.",
                            context={"model": "res.groups", "operation": "create"},
                        )
        return super().create(vals_list)

    def write(self, vals: Any) -> bool:
        if not self.env.su and self._ids:
            # Access first: the groups' links are read as the superuser below.
            self.check_access_rights("write")
            self.check_access_rule("write")
            groups = self.sudo()
            if "implied_ids" in vals:
                commands = normalize_commands("res.groups.implied_ids", vals["implied_ids"])
                current = {g.id: set(g.implied_ids.ids) for g in groups}
                for group_id, (after, _) in outcome(current, commands, keep=set()).items():
                    self._check_grantable(after, current[group_id], f"the members of group {group_id}")
            if "users" in vals:
                commands = normalize_commands("res.groups.users", vals["users"])
                current = {g.id: set(g.users.ids) for g in groups}
                for group_id, (after, _) in outcome(current, commands, keep=set()).items():
                    if after - current[group_id]:
                        self._check_grantable([group_id], (), "users")
        return super().write(vals)
