"""Users and their groups: stored implied groups, user types, default groups, ``has_group``.

An extension of ``res.users`` of its own (as Odoo's ``UsersImplied``), so that the user
model's fields and its create/write stay in ``res_users.py``. A user's ``groups_id``
rows hold every group they have, implied ones included (Odoo 17); the pure rules are
in :mod:`tenantry.security.groups`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from tenantry.domain.limits import id_batches
from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.orm import api, fields, models
from tenantry.orm.commands import normalize_commands
from tenantry.security.data import changed
from tenantry.security.groups import has_groups, implied_closure, settle
from tenantry.security.policy import SecurityPolicy

from .res_groups import named_ids

ONE_USER_TYPE = "The user cannot have more than one user types."
DEFAULT_USER = "base.default_user"
"""The template user (archived): a user created without groups gets its groups."""


class ResUsers(models.Model):
    _inherit = "res.users"

    groups_id = fields.Many2many(default=lambda self: self._default_groups())

    # -- default groups -------------------------------------------------------------------

    @api.model
    def _default_groups(self) -> Any:
        """The groups of the template user ``base.default_user`` (Odoo 17's default)."""
        template = self.env.ref(DEFAULT_USER, raise_if_not_found=False)
        groups = self.env["res.groups"]
        return template.sudo().groups_id if template else groups

    # -- create and write -----------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        users = super().create(vals_list)
        users._settle_groups({})
        return users

    def write(self, vals: Any) -> bool:
        """Groups are written last, as one change checked once it is complete: a user
        demoted with ``[(3, internal), (4, portal)]`` is never both types in between."""
        if not isinstance(vals, Mapping) or "groups_id" not in vals or not self._ids:
            return bool(super().write(vals))
        commands = normalize_commands("res.users.groups_id", vals["groups_id"])
        result = bool(super().write({k: v for k, v in vals.items() if k != "groups_id"}))
        template = self.env.ref(DEFAULT_USER, raise_if_not_found=False)
        defaults = set(self._default_groups().ids) if template and template.id in self._ids else None
        before = self._group_rows()
        field = self._fields["groups_id"]
        for user in self:
            user._apply_x2many(field, commands)
        self._settle_groups(before, named=named_ids(commands))
        if defaults is not None:
            self._spread_new_default_groups(defaults)
        return result

    def unlink(self) -> bool:
        template = self.env.ref(DEFAULT_USER, raise_if_not_found=False)
        if template and template.id in self._ids:
            raise UserError(
                "Deleting the template users is not allowed. Deleting this profile will "
                "compromise critical functionalities."
            )
        return bool(super().unlink())

    def _spread_new_default_groups(self, before: set[int]) -> None:
        """Odoo: groups added to the template user are added to every internal user too."""
        added = set(self._default_groups().ids) - before
        internal = self.env.ref("base.group_user", raise_if_not_found=False)
        if not added or not internal:
            return
        others = self.env["res.users"].sudo().browse(sorted(internal._member_ids() - set(self._ids)))
        if others:
            others.write({"groups_id": [(4, gid) for gid in sorted(added)]})

    # -- stored implied groups --------------------------------------------------------------

    def _group_rows(self) -> dict[int, frozenset[int]]:
        """Each user's stored groups (``res_groups_users_rel``), read in SQL."""
        rel = self.env.registry.metadata.tables["res_groups_users_rel"]
        rows: dict[int, set[int]] = {uid: set() for uid in self._ids}
        for batch in id_batches(list(rows)):
            stmt = sa.select(rel.c.uid, rel.c.gid).where(rel.c.uid.in_(batch))
            for uid, gid in self.env.cr.conn.execute(stmt):
                rows[uid].add(gid)
        return {uid: frozenset(gids) for uid, gids in rows.items()}

    def _settle_groups(self, before: Mapping[int, frozenset[int]], named: set[int] | None = None) -> None:
        """Bring these users' stored groups to what :func:`tenantry.security.groups.settle`
        says, from ``before`` (missing users: no groups) to their rows now, then recompute
        ``share`` and check the user types. ``named``: the groups a write of the users' own
        ``groups_id`` linked (None for changes made through groups)."""
        if not self._ids:
            return
        after = self._group_rows()
        implied = self.env["res.groups"]._implied_map()
        internal = self.env.ref("base.group_user", raise_if_not_found=False)
        types = self._user_type_ids()
        added: list[dict[str, int]] = []
        removed: dict[int, set[int]] = {}
        touched = {uid for uid, current in after.items() if before.get(uid) != current}
        for uid, current in after.items():
            final = settle(
                before.get(uid, frozenset()),
                current,
                implied,
                named=named,
                user_types=types,
                internal=internal.id if internal else None,
            )
            added.extend({"uid": uid, "gid": gid} for gid in sorted(final - current))
            if current - final:
                removed[uid] = set(current - final)
        rel = self.env.registry.metadata.tables["res_groups_users_rel"]
        conn = self.env.cr.conn
        if added:
            conn.execute(sa.insert(rel), added)
        for uid, gids in removed.items():
            conn.execute(sa.delete(rel).where(rel.c.uid == uid, rel.c.gid.in_(sorted(gids))))
        touched.update(row["uid"] for row in added)
        touched.update(removed)
        if touched:
            # Both sides of the relation, and every cached answer about these users' groups.
            self.env.cr.invalidate("res.users")
            self.env.cr.invalidate("res.groups")
            changed(self.env)
            users = self.browse(sorted(touched))
            users.sudo()._modified(["groups_id"])
            users._check_one_user_type()

    def _user_type_ids(self) -> set[int]:
        """The exclusive user types: as in Odoo, the groups of the "User types" category."""
        category = self.env.ref("base.module_category_user_type", raise_if_not_found=False)
        if not category:
            return set()
        return set(self.env["res.groups"].sudo().search([("category_id", "=", category.id)]).ids)

    @api.constrains("groups_id")
    def _check_one_user_type(self) -> None:
        """Internal, portal and public are exclusive user types (implied groups count)."""
        types = self._user_type_ids()
        if len(types) < 2:
            return
        implied = self.env["res.groups"]._implied_map()
        for gids in self._group_rows().values():
            if len(implied_closure(gids, implied) & types) > 1:
                raise ValidationError(ONE_USER_TYPE)

    @api.depends("groups_id")
    def _compute_share(self) -> None:
        internal = self.env.ref("base.group_user", raise_if_not_found=False)
        implied = self.env["res.groups"]._implied_map()
        rows = self._group_rows()
        for user in self:
            groups = implied_closure(rows.get(user.id, ()), implied)
            user.share = not (internal and internal.id in groups)

    def _effective_group_ids(self) -> set[int]:
        """The user's groups and all the groups they imply (read from the rows, in SQL)."""
        self.ensure_one()
        rows = self._group_rows()
        return set(implied_closure(rows.get(self.id, ()), self.env["res.groups"]._implied_map()))

    # -- questions about groups -------------------------------------------------------------

    def has_group(self, group_ext_id: str) -> bool:
        """Whether the user belongs to the group ``module.xml_id`` (implied groups count).

        On an empty recordset (``env['res.users'].has_group(...)``), the current user's
        answer, as in Odoo 17.
        """
        user = self._asked_user()
        user._check_group_question(group_ext_id)
        if "." not in group_ext_id:
            raise ValidationError(f"External ID not fully qualified: {group_ext_id!r}")
        group = user._group_xmlids().get(group_ext_id)
        return group is not None and group in user._held_groups()

    def has_groups(self, group_spec: str) -> bool:
        """Odoo's ``groups=`` test: ``'a.x,b.y'`` any of them, ``'!c.z'`` none of them."""
        user = self._asked_user()
        user._check_group_question(group_spec)
        return has_groups(group_spec, user._held_groups(), user._group_xmlids())

    def _asked_user(self) -> Any:
        return self if self._ids else self.browse(self.env.uid)

    def _held_groups(self) -> frozenset[int]:
        """The groups the user has, from the security policy's cache when there is one."""
        policy = self.env.cr.policy
        if isinstance(policy, SecurityPolicy):
            return policy.groups(self.env, self.id)
        return frozenset(self._effective_group_ids())

    def _group_xmlids(self) -> Mapping[str, int]:
        """Every group's external id -> id: the policy's snapshot (no query per name, however
        many names a ``groups`` spec lists), else read from ``ir.model.data``."""
        policy = self.env.cr.policy
        if isinstance(policy, SecurityPolicy):
            return policy.state(self.env).data.group_xmlids
        data = self.env["ir.model.data"].sudo().search([("model", "=", "res.groups")])
        return {f"{row.module}.{row.name}": row.res_id for row in data}

    def _check_group_question(self, spec: Any) -> None:
        """Who may ask about a user's groups: as in Odoo, anyone about themselves, internal
        users about others (users they may read); portal and public users only about
        themselves. The answer is then computed whatever the caller may read of groups."""
        self.ensure_one()
        if not isinstance(spec, str):
            raise ValidationError(f"Invalid group external id {spec!r}: text is expected")
        env = self.env
        if env.su or self.id == env.uid:
            return
        if not env.user.has_group("base.group_user"):
            raise AccessError("You can ony call user.has_group() with your current user.")
        self.check_access_rights("read")
        self.check_access_rule("read")
