"""``ir.ui.menu``: the menu tree; each item may open an action (a reference to any kind).

The web client (its own issue) reads this tree; here menus are data with Odoo's
fields, a hierarchy without cycles and a ``complete_name`` (``Settings/Users``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tenantry.orm import api, fields, models
from tenantry.views.resolve import bump_version

ACTION_KINDS = [
    ("ir.actions.report", "ir.actions.report"),
    ("ir.actions.act_window", "ir.actions.act_window"),
    ("ir.actions.act_url", "ir.actions.act_url"),
    ("ir.actions.client", "ir.actions.client"),
]


class IrUiMenu(models.Model):
    _name = "ir.ui.menu"
    _description = "Menu"
    _order = "sequence, id"
    _parent_name = "parent_id"
    _recursion_message = "Error! You cannot create recursive menus."

    name = fields.Char("Menu", required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one("ir.ui.menu", "Parent Menu", index=True, ondelete="restrict")
    child_id = fields.One2many("ir.ui.menu", "parent_id", "Child IDs")
    complete_name = fields.Char("Full Path", compute="_compute_complete_name")
    groups_id = fields.Many2many(
        "res.groups",
        "ir_ui_menu_group_rel",
        "menu_id",
        "gid",
        "Groups",
        help="Who sees the menu: the users of these groups (no group: everyone).",
    )
    web_icon = fields.Char("Web Icon File")
    action = fields.Reference(ACTION_KINDS)

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self) -> None:
        for menu in self:
            names: list[str] = []
            current, seen = menu, set()
            while current and current.id not in seen:
                seen.add(current.id)
                names.append(current.sudo().name or "")
                current = current.sudo().parent_id
            menu.complete_name = "/".join(reversed(names))

    # The web client caches the menu tree (tenantry.views.menus): changes make it stale.

    @api.model_create_multi
    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        records = super().create(vals_list)
        bump_version(self.env)
        return records

    def write(self, vals: Any) -> bool:
        result = super().write(vals)
        bump_version(self.env)
        return result

    def unlink(self) -> bool:
        # As Odoo: the children of a deleted menu become top-level menus rather than being
        # deleted with it. Children deleted too are detached first as well: SQLite checks
        # parent_id's ondelete=restrict row by row, so one DELETE of a parent and its
        # children (an uninstall's) fails if the parent's row comes first.
        children = self.with_context(active_test=False).search([("parent_id", "in", list(self._ids))])
        if children:
            children.write({"parent_id": False})
        result = super().unlink()
        bump_version(self.env)
        return result

    def _compute_display_name(self) -> None:
        for menu in self:
            menu.display_name = menu.complete_name
