"""``ir.ui.view``: list, form and search views as data (arch XML, inheritance).

The arch is validated whenever a view is created or changed (and so when an addon's
data file loads it): malformed XML, a field the model lacks or an inheritance spec
that locates nothing is a :class:`ValidationError` naming the view and the line.
Resolution and caching live in :mod:`tenantry.views`; every change here declares
the database's resolved views stale.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models
from tenantry.views.arch import (
    ROOT_TAGS,
    check_fields,
    check_groups,
    check_primary,
    check_search,
    parse_arch,
    unknown_field,
    unknown_field_message,
    view_type,
)
from tenantry.views.resolve import ViewRow, bump_version, combined_arch, load_rows

VIEW_TYPES = [("list", "List"), ("form", "Form"), ("search", "Search")]


class IrUiView(models.Model):
    _name = "ir.ui.view"
    _description = "View"
    _order = "priority, name, id"

    name = fields.Char("View Name", required=True)
    model = fields.Char(index=True)
    type = fields.Selection(VIEW_TYPES, "View Type")
    arch_db = fields.Text("Arch Blob", help="The view's XML, as stored.")
    arch = fields.Text("View Architecture", compute="_compute_arch", inverse="_inverse_arch")
    inherit_id = fields.Many2one("ir.ui.view", "Inherited View", ondelete="cascade", index=True)
    inherit_children_ids = fields.One2many("ir.ui.view", "inherit_id", "Views which inherit from this one")
    priority = fields.Integer("Sequence", default=16, required=True)
    mode = fields.Selection(
        [("primary", "Base view"), ("extension", "Extension View")],
        "View inheritance mode",
        required=True,
        default="primary",
        help="An extension changes the view it inherits; a primary view is a view of its own.",
    )
    active = fields.Boolean(default=True)

    def _compute_arch(self) -> None:
        for view in self:
            view.arch = view.arch_db

    def _inverse_arch(self) -> None:
        for view in self:
            view.arch_db = view.arch

    # -- create / write ---------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        batch = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        prepared = [self._prepare(dict(vals), creating=True) for vals in batch if isinstance(vals, Mapping)]
        if len(prepared) != len(batch):
            raise ValidationError("create() on ir.ui.view takes a dict or a list of dicts")
        records = super().create(prepared)
        bump_version(self.env)
        return records

    def write(self, vals: Any) -> bool:
        if isinstance(vals, Mapping):
            vals = self._prepare(dict(vals), creating=False)
        result = super().write(vals)
        bump_version(self.env)
        return result

    def unlink(self) -> bool:
        result = super().unlink()
        bump_version(self.env)
        return result

    def _prepare(self, vals: dict[str, Any], creating: bool) -> dict[str, Any]:
        """``arch`` stored as ``arch_db``; ``tree`` read as ``list``; the type and mode a
        new view leaves out taken from its arch and parent, as Odoo does."""
        if "arch" in vals:
            vals["arch_db"] = vals.pop("arch")
        if vals.get("type"):
            vals["type"] = view_type(vals["type"])
        if creating:
            parent = self.browse(vals["inherit_id"]).sudo() if vals.get("inherit_id") else None
            vals.setdefault("mode", "extension" if parent else "primary")
            if parent is not None:
                vals.setdefault("model", parent.model)
                vals.setdefault("type", parent.type)
            if not vals.get("type") and isinstance(vals.get("arch_db"), str):
                tag = _root_tag(vals["arch_db"])
                if tag in ROOT_TAGS:
                    vals["type"] = ROOT_TAGS[tag]
        return vals

    # -- validation -------------------------------------------------------------------------

    def _labels(self) -> dict[int, str]:
        """Each view's external id, else its name (what errors call it)."""
        data = self.env(su=True)["ir.model.data"].search(
            [("model", "=", self._name), ("res_id", "in", self.ids)]
        )
        labels = {row.res_id: f"{row.module}.{row.name}" for row in data}
        for view in self.sudo():
            labels.setdefault(view.id, view.name or str(view.id))
        return labels

    @api.constrains("arch_db", "inherit_id", "model", "type", "mode", "active")
    def _check_arch(self) -> None:
        labels = self._labels()
        installing = self.env.context.get("install_xmlid")
        for view in self.sudo():
            label = labels[view.id]
            if installing and labels[view.id] == view.name:
                label = str(installing)
            view._validate(label)

    def _validate(self, label: str) -> None:
        if not self.model or self.model not in self.env.registry:
            raise ValidationError(f"View {label}: unknown model {self.model!r}.")
        if self.type not in ("list", "form", "search"):
            raise ValidationError(f"View {label}: the view type is missing or unknown.")
        if self.mode == "extension" and not self.inherit_id:
            raise ValidationError(f"View {label}: an extension view needs a parent view (inherit_id).")
        if self.inherit_id and self.inherit_id.model != self.model:
            raise ValidationError(f"View {label}: it inherits a view of another model.")
        parsed = parse_arch(self.arch_db or "", label)
        if not self.inherit_id:
            check_primary(parsed, self.type, label)
            check_fields(parsed, self.model, self.env.registry, label)
        check_groups(parsed, label, self._is_group)
        if self.type == "search":
            check_search(parsed, self.model, self.env.registry, label)
        if not self.active:
            return
        rows = load_rows(self.env)
        if self.id not in rows:
            return
        rows[self.id] = dataclasses.replace(rows[self.id], label=label)
        primary = self._primary_of(rows)
        children: dict[int, list[ViewRow]] = {}
        for row in sorted(rows.values(), key=lambda r: (r.priority, r.id)):
            if row.inherit_id is not None:
                children.setdefault(row.inherit_id, []).append(row)
        arch = combined_arch(rows, children, primary)
        found = unknown_field(arch, self.model, self.env.registry)
        if found is not None:
            element, model = found
            lines = [
                parsed.line(e) for e in parsed.root.iter("field") if e.get("name") == element.get("name")
            ]
            place = f"line {lines[0]} of the arch" if lines and lines[0] else "an unknown line of the arch"
            raise ValidationError(unknown_field_message(label, element, model, place))

    def _is_group(self, xml_id: str) -> bool:
        module, _, name = xml_id.partition(".")
        found = self.env["ir.model.data"]._lookup(module, name)
        return found is not None and found[0] == "res.groups"

    def _primary_of(self, rows: Mapping[int, ViewRow]) -> int:
        current = rows[self.id]
        seen: set[int] = set()
        while current.mode == "extension" and current.inherit_id is not None and current.id not in seen:
            seen.add(current.id)
            parent = rows.get(current.inherit_id)
            if parent is None:
                break
            current = parent
        return current.id


def _root_tag(text: str) -> str | None:
    try:
        return parse_arch(text, "?").root.tag
    except ValidationError:
        return None
