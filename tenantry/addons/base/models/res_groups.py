"""Access groups: names, implied groups, and the users who hold them.

As in Odoo 17, a group's ``users`` and a user's ``groups_id`` are the stored rows of
``res_groups_users_rel``, implied groups included: giving a user a group (from either
side) gives what it implies, and a group that comes to imply another gives it to its
users. Removing an implication does not take it back from them (Odoo 17 neither). The
bookkeeping is done by ``res.users._settle_groups``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tenantry.domain.limits import id_batches
from tenantry.exceptions import UserError
from tenantry.orm import api, fields, models
from tenantry.orm.commands import Command, normalize_commands
from tenantry.security.groups import implied_by

from .security_data import SecurityDataMixin


class ResGroups(SecurityDataMixin, models.Model):
    _name = "res.groups"
    _description = "Access Groups"
    _order = "name"
    _rec_names_search = ["full_name"]

    name = fields.Char(required=True)
    # Stored, so that it is searchable ('Sales / Admin') and sortable like any column.
    full_name = fields.Char(
        "Group Name", compute="_compute_full_name", store=True, depends=("name", "category_id.name")
    )
    category_id = fields.Many2one("ir.module.category", "Application", index=True)
    implied_ids = fields.Many2many(
        "res.groups",
        "res_groups_implied_rel",
        "gid",
        "hid",
        "Inherits",
        help="Users of this group automatically belong to the implied groups.",
    )
    users = fields.Many2many("res.users", "res_groups_users_rel", "gid", "uid", "Users")
    share = fields.Boolean("Share Group", default=False)
    comment = fields.Text()

    _sql_constraints = [
        (
            "name_uniq",
            "unique (category_id, name)",
            "The name of the group must be unique within an application!",
        ),
    ]

    def _compute_full_name(self) -> None:
        for group in self:
            category = group.category_id
            group.full_name = f"{category.name} / {group.name}" if category else group.name

    def _compute_display_name(self) -> None:
        for group in self:
            group.display_name = group.full_name

    def copy_data(self, default: Any = None) -> list[dict[str, Any]]:
        """Odoo's group copy: ``"<name> (copy)"``, the rest (users, implied groups) copied."""
        default = dict(default or {})
        vals_list = super().copy_data(default)
        for group, vals in zip(self, vals_list, strict=True):
            vals["name"] = default.get("name") or f"{group.name} (copy)"
        return vals_list

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        groups = super().create(vals_list)
        members = groups._member_ids()
        if members:
            users = self.env["res.users"].browse(sorted(members))
            new = set(groups.ids)
            users._settle_groups({uid: gids - new for uid, gids in users._group_rows().items()})
        return groups

    def write(self, vals: Any) -> bool:
        name = vals.get("name") if isinstance(vals, dict) else None
        if isinstance(name, str) and name.startswith("-"):
            raise UserError('The name of the group can not start with "-"')
        if not isinstance(vals, dict) or not self._ids or not {"users", "implied_ids"} & vals.keys():
            return super().write(vals)
        users = self.env["res.users"]
        # Members now and users the write names: their groups before, to settle them after.
        named = named_ids(normalize_commands("res.groups.users", vals["users"])) if "users" in vals else set()
        before = users.browse(sorted(self._member_ids() | named))._group_rows()
        result = super().write(vals)
        affected = users.browse(sorted(set(before) | self._member_ids()))
        after = affected._group_rows()
        own = set(self.ids)
        # A user unknown before (created by the write) only gained these groups.
        affected._settle_groups({uid: before.get(uid, gids - own) for uid, gids in after.items()})
        return result

    def unlink(self) -> bool:
        members = self.env["res.users"].browse(sorted(self._member_ids()))
        result = super().unlink()
        if members:
            members.sudo()._modified(["groups_id"])  # losing the Internal User group changes share
        return result

    def _apply_group(self, implied_group: Any) -> None:
        """Make these groups imply ``implied_group`` (their users get it)."""
        self.filtered(lambda g: implied_group not in g.implied_ids).write(
            {"implied_ids": [(Command.LINK, implied_group.id)]}
        )

    def _remove_group(self, implied_group: Any) -> None:
        """Stop these groups implying ``implied_group``, and take it from their users who
        do not get it from another of their groups (Odoo's explicit revocation: removing
        an implication alone leaves users what they had)."""
        groups = self.filtered(lambda g: implied_group in g.implied_ids)
        if not groups:
            return
        groups.write({"implied_ids": [(Command.UNLINK, implied_group.id)]})
        users = self.env["res.users"].browse(sorted(groups._member_ids()))
        implied = self._implied_map()
        losing = [
            uid
            for uid, gids in users._group_rows().items()
            if implied_group.id not in implied_by(gids - {implied_group.id}, implied)
        ]
        if losing:
            implied_group.write({"users": [(Command.UNLINK, uid) for uid in losing]})

    def _member_ids(self) -> set[int]:
        """The users who hold these groups (their stored rows; archived users included)."""
        rel = self.env.registry.metadata.tables["res_groups_users_rel"]
        found: set[int] = set()
        for batch in id_batches(list(self._ids)):
            stmt = sa.select(rel.c.uid).where(rel.c.gid.in_(batch)).distinct()
            found.update(self.env.cr.conn.execute(stmt).scalars())
        return found

    def _implied_closure(self) -> set[int]:
        """These groups and every group they imply, transitively."""
        seen: set[int] = set()
        todo = list(self.ids)
        rel = self.env.registry.metadata.tables["res_groups_implied_rel"]
        conn = self.env.cr.conn
        while todo:
            batch = [g for g in todo if g not in seen]
            seen.update(batch)
            if not batch:
                break
            todo = list(conn.execute(sa.select(rel.c.hid).where(rel.c.gid.in_(batch))).scalars())
        return seen

    @api.model
    def _implied_map(self) -> dict[int, list[int]]:
        """Every group's directly implied groups (one query: the table is small)."""
        rel = self.env.registry.metadata.tables["res_groups_implied_rel"]
        implied: dict[int, list[int]] = {}
        for gid, hid in self.env.cr.conn.execute(sa.select(rel.c.gid, rel.c.hid)):
            implied.setdefault(gid, []).append(hid)
        return implied


def named_ids(commands: list[tuple[Any, ...]]) -> set[int]:
    """The ids that x2many commands link (or set, or update)."""
    named: set[int] = set()
    for command in commands:
        if command[0] in (Command.LINK, Command.UPDATE):
            named.add(command[1])
        elif command[0] == Command.SET:
            named.update(command[2] or ())
    return named
