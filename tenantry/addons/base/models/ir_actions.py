"""Actions: what a button, a menu or a binding opens (``ir.actions.*``).

As in Odoo, ``ir.actions.actions`` holds every action whatever its kind, and each
kind (``ir.actions.act_window``, ``ir.actions.report``...) is a model of its own,
with all the common fields plus its own, **under the same id**: action 7 is row 7
of ``ir_actions`` and row 7 of its kind's table, so that a many2one to
``ir.actions.actions`` (``res.users.action_id``) and a reference to the kind
(``ir.ui.menu.action``) name the same record. Odoo gets this from PostgreSQL table
inheritance; here a kind's ``create`` makes the ``ir_actions`` row first and takes
its id, and ``write``/``unlink`` keep the two rows together.

Actions are data: none of them runs code (there is no ``ir.actions.server``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tenantry.exceptions import UserError, ValidationError
from tenantry.orm import api, fields, models
from tenantry.views.resolve import bump_version

BASE = "ir.actions.actions"
COMMON_FIELDS = ("name", "help", "binding_model_id", "binding_type", "binding_view_types")
"""The fields of ``ir.actions.actions`` that every kind shares (``type`` is the kind)."""

BINDING_TYPES = [("action", "Action"), ("report", "Report")]

_ALLOCATED = "ir.actions.allocated"
"""``Transaction.data`` key: the ids made for new actions of a kind in this transaction."""
_SYNCING = "ir_actions_syncing"


class IrActions(models.Model):
    _name = BASE
    _description = "Actions"
    _table = "ir_actions"
    _order = "name, id"

    name = fields.Char("Action Name", required=True)
    type = fields.Char("Action Type", required=True)
    xml_id = fields.Char("External ID", compute="_compute_xml_id")
    help = fields.Text("Action Description", help="Shown when the action has nothing to show yet.")
    binding_model_id = fields.Many2one(
        "ir.model", "Binding Model", ondelete="cascade", help="The model whose views offer this action."
    )
    binding_type = fields.Selection(BINDING_TYPES, required=True, default="action")
    binding_view_types = fields.Char(default="list,form")

    def _compute_xml_id(self) -> None:
        data = self.env["ir.model.data"].sudo()
        for action in self:
            kind = action.sudo().type or action._name
            found = data.search([("model", "in", [kind, action._name]), ("res_id", "=", action.id)], limit=1)
            action.xml_id = f"{found.module}.{found.name}" if found else ""

    def _kind_records(self) -> list[Any]:
        """The rows of these actions in their kinds' tables (superuser, archived included)."""
        by_kind: dict[str, list[int]] = {}
        for action in self.sudo():
            if action.type and action.type != BASE and action.type in self.env.registry.models:
                by_kind.setdefault(action.type, []).append(action.id)
        return [self.env[kind].sudo().browse(ids).exists() for kind, ids in by_kind.items()]

    def write(self, vals: Any) -> bool:
        bump_version(self.env)  # menus cache their actions (tenantry.views.menus)
        if self._name == BASE and isinstance(vals, Mapping) and not self.env.context.get(_SYNCING):
            if "type" in vals and any(a.type != vals["type"] for a in self.sudo()):
                raise UserError("The type of an action cannot change: create an action of the other type.")
            result = super().write(vals)
            common = {k: v for k, v in vals.items() if k in COMMON_FIELDS}
            if common:
                for records in self._kind_records():
                    records.with_context(**{_SYNCING: True}).write(common)
            return result
        return super().write(vals)

    def unlink(self) -> bool:
        bump_version(self.env)
        if self._name == BASE and not self.env.context.get(_SYNCING):
            kinds = self._kind_records()
            result = super().unlink()
            for records in kinds:
                records.with_context(**{_SYNCING: True}).unlink()
            return result
        return super().unlink()

    @api.model
    def _for_xml_id(self, full_xml_id: str) -> dict[str, Any]:
        """The action ``module.name`` as a dict of its kind's fields (the user must read it)."""
        record = self.env.ref(full_xml_id)
        if record is None or not record._name.startswith("ir.actions."):
            raise ValidationError(f"{full_xml_id} is not an action")
        action: dict[str, Any] = record._action_dict()
        return action

    def _action_dict(self) -> dict[str, Any]:
        """This action as the web client gets it: its fields, read as the current user."""
        self.ensure_one()
        names = [n for n in self._fields if n not in ("display_name", "xml_id") and not n.endswith("_uid")]
        [values] = self.read(names)
        return {key: value for key, value in values.items() if key not in ("create_date", "write_date")}


class ActionKind(IrActions):
    """The behaviour of every kind of action (a model with ``_inherit = 'ir.actions.actions'``).

    Not a model itself: kinds subclass it, and the registry composes each with the
    common fields.
    """

    __slots__ = ()

    @api.model_create_multi
    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        if self._name == BASE:
            return super().create(vals_list)
        bump_version(self.env)
        batch = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        if not all(isinstance(vals, Mapping) for vals in batch):
            raise ValidationError(f"create() on {self._name} takes a dict or a list of dicts")
        self.check_access_rights("create")
        batch = [{**vals, "type": self._name} for vals in batch]
        # The shared row first: it gives the id (its name and binding are the kind's).
        shared = [{k: v for k, v in vals.items() if k in (*COMMON_FIELDS, "type")} for vals in batch]
        for row, vals in zip(shared, batch, strict=True):
            row.setdefault("name", vals.get("name") or self._description)
        ids = self.env[BASE].sudo().with_context(**{_SYNCING: True}).create(shared).ids
        allocated: set[int] = self.env.cr.data.setdefault(_ALLOCATED, set())
        allocated.update(ids)
        try:
            return super().create([{**vals, "id": id_} for vals, id_ in zip(batch, ids, strict=True)])
        finally:
            allocated.difference_update(ids)

    def _split_vals(
        self, vals: Mapping[str, Any], creating: bool
    ) -> tuple[dict[str, Any], dict[str, list[tuple[Any, ...]]], dict[str, Any]]:
        columns, x2m, inverse = super()._split_vals(vals, creating)
        # Only an id made by create() above, never one a caller chose.
        made = vals.get("id")
        if (
            creating
            and self._name != BASE
            and isinstance(made, int)
            and made in self.env.cr.data.get(_ALLOCATED, ())
        ):
            columns["id"] = made
        return columns, x2m, inverse

    def write(self, vals: Any) -> bool:
        if self._name == BASE or not isinstance(vals, Mapping) or self.env.context.get(_SYNCING):
            return super().write(vals)
        if "type" in vals and vals["type"] != self._name:
            raise UserError("The type of an action cannot change: create an action of the other type.")
        result = super().write(vals)
        common = {k: v for k, v in vals.items() if k in COMMON_FIELDS}
        if common:
            self.env[BASE].sudo().browse(self.ids).with_context(**{_SYNCING: True}).write(common)
        return result

    def unlink(self) -> bool:
        if self._name == BASE or self.env.context.get(_SYNCING):
            return super().unlink()
        ids = self.ids
        result = super().unlink()
        self.env[BASE].sudo().browse(ids).exists().with_context(**{_SYNCING: True}).unlink()
        return result


class IrActionsActWindow(ActionKind):
    _name = "ir.actions.act_window"
    _inherit = BASE
    _description = "Action Window"
    _table = "ir_act_window"
    _order = "name, id"

    type = fields.Char(default="ir.actions.act_window")
    res_model = fields.Char("Destination Model", required=True, help="The model the action shows.")
    res_id = fields.Integer("Record ID", help="The record the form view opens, if any.")
    domain = fields.Char("Domain Value", help="A domain (Python literal) limiting the records shown.")
    context = fields.Char("Context Value", required=True, default="{}")
    view_mode = fields.Char(required=True, default="tree,form", help="The views, in order (tree,form,...).")
    view_id = fields.Many2one("ir.ui.view", "View Ref.", ondelete="set null", help="The first view to open.")
    search_view_id = fields.Many2one("ir.ui.view", "Search View Ref.", ondelete="set null")
    target = fields.Selection(
        [
            ("current", "Current Window"),
            ("new", "New Window"),
            ("inline", "Inline Edit"),
            ("fullscreen", "Full Screen"),
            ("main", "Main action of Current Window"),
        ],
        "Target Window",
        default="current",
    )
    limit = fields.Integer(default=80, help="Records shown per page of the list view.")
    usage = fields.Char("Action Usage")
    filter = fields.Boolean()
    groups_id = fields.Many2many("res.groups", "ir_act_window_group_rel", "act_id", "gid", "Groups")

    @api.constrains("res_model")
    def _check_model(self) -> None:
        for action in self:
            if action.res_model not in self.env.registry.models:
                raise ValidationError(f"Invalid model name {action.res_model!r} in action definition.")


class IrActionsActWindowClose(ActionKind):
    _name = "ir.actions.act_window_close"
    _inherit = BASE
    _description = "Action Window Close"
    _table = "ir_actions_close"

    type = fields.Char(default="ir.actions.act_window_close")


class IrActionsActUrl(ActionKind):
    _name = "ir.actions.act_url"
    _inherit = BASE
    _description = "Action URL"
    _table = "ir_act_url"

    type = fields.Char(default="ir.actions.act_url")
    url = fields.Text("Action URL", required=True)
    target = fields.Selection(
        [("new", "New Window"), ("self", "This Window"), ("download", "Download")],
        "Action Target",
        required=True,
        default="new",
    )


class IrActionsClient(ActionKind):
    _name = "ir.actions.client"
    _inherit = BASE
    _description = "Client Action"
    _table = "ir_act_client"

    type = fields.Char(default="ir.actions.client")
    tag = fields.Char("Client action tag", required=True, help="Which client-side action runs.")
    target = fields.Selection(
        [
            ("current", "Current Window"),
            ("new", "New Window"),
            ("fullscreen", "Full Screen"),
            ("main", "Main action of Current Window"),
        ],
        "Target Window",
        default="current",
    )
    res_model = fields.Char("Destination Model")
    context = fields.Char("Context Value", required=True, default="{}")
    params = fields.Json("Supplementary arguments")
