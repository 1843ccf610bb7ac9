"""Group memberships of hidden users: out of reach of the users they are hidden from.

Whoever cannot see a hidden user is shown a group's users without it; saving that
list (a ``SET``, or a ``CLEAR``) must not drop the hidden user from the group, and
naming the hidden user's id in a command is refused like any access to it.
"""

from __future__ import annotations

from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm import models
from tenantry.orm.commands import Command, normalize_commands


class ResGroups(models.Model):
    _inherit = "res.groups"

    def write(self, vals: Any) -> bool:
        if self.env.su or "users" not in vals or not self._ids:
            return super().write(vals)
        hidden = set(
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search([("is_hidden", "=", True), ("id", "!=", self.env.uid)])
            .ids
        )
        commands = normalize_commands("res.groups.users", vals["users"])
        named = {
            c[1] for c in commands if c[0] in (Command.UPDATE, Command.DELETE, Command.UNLINK, Command.LINK)
        }
        named |= {i for c in commands if c[0] == Command.SET for i in c[2] or ()}
        if named & hidden:
            raise AccessError(
                "Due to security restrictions, you are not allowed to access 'User' (res.users) records.",
                context={"model": "res.users", "operation": "read"},
            )
        if not hidden or not any(c[0] in (Command.SET, Command.CLEAR) for c in commands):
            return super().write(vals)
        for group in self:
            kept = set(group.sudo().with_context(active_test=False).users.ids) & hidden
            super(ResGroups, group).write(
                {**vals, "users": [*commands, *((Command.LINK, u) for u in sorted(kept))]}
            )
        return True
