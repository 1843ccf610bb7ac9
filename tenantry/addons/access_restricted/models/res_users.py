"""Users' groups as an administrator may set them: never beyond the administrator's own."""

from __future__ import annotations

from typing import Any

from tenantry.orm import api, fields, models
from tenantry.orm.commands import normalize_commands

from .grants import outcome


class ResUsers(models.Model):
    _inherit = "res.users"

    # For the record rule of access-rights managers. Not groups=".": rule text may not read
    # what no one may read (tenantry.orm.models.BaseModel._safe_attribute).
    all_group_ids = fields.Json(
        "All Groups",
        compute="_compute_all_group_ids",
        groups="base.group_erp_manager",
        help="The ids of the user's groups, implied ones included (for record rules).",
    )

    def _compute_all_group_ids(self) -> None:
        for user in self:
            user.all_group_ids = sorted(user._effective_group_ids())

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if not self.env.su:
            groups = self.env["res.groups"]
            for vals in [vals_list] if isinstance(vals_list, dict) else list(vals_list):
                # Without groups, the user gets the default ones (the template user's): the
                # administrator must hold those too.
                wanted = vals["groups_id"] if "groups_id" in vals else self._default_group_value()
                commands = normalize_commands("res.users.groups_id", wanted)
                after, _ = outcome({0: set()}, commands, keep=set())[0]
                groups._check_grantable(after, (), f"the new user {vals.get('login') or ''!r}")
        return super().create(vals_list)

    def _default_group_value(self) -> Any:
        return self.default_get(["groups_id"]).get("groups_id", [])

    def write(self, vals: Any) -> bool:
        """Check the groups each user would get; a ``SET`` or ``CLEAR`` keeps the groups
        the administrator cannot see (those written one user at a time)."""
        if self.env.su or "groups_id" not in vals or not self._ids:
            return super().write(vals)
        # Access first: the analysis below reads the users' groups as the superuser, and
        # its refusal would tell a caller who may not change these users what they hold.
        self.check_access_rights("write")
        self.check_access_rule("write")
        groups = self.env["res.groups"]
        mine = groups._own_group_ids()
        commands = normalize_commands("res.users.groups_id", vals["groups_id"])
        current = {user.id: set(user.groups_id.ids) for user in self.sudo()}
        hidden = set().union(*current.values()) - mine
        planned = outcome(current, commands, keep=hidden)
        for user_id, (after, _) in planned.items():
            groups._check_grantable(after, current[user_id], f"user {user_id}")
        as_given = [user_id for user_id, (_, rewritten) in planned.items() if rewritten is None]
        if as_given:
            super(ResUsers, self.browse(as_given)).write(vals)
        for user_id, (_, rewritten) in planned.items():
            if rewritten is not None:
                super(ResUsers, self.browse(user_id)).write({**vals, "groups_id": rewritten})
        return True
