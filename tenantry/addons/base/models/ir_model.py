from __future__ import annotations

from tenantry.exceptions import MissingError, UserError
from tenantry.orm import api, fields, models

from .security_data import SecurityDataMixin


class IrModel(models.Model):
    """One row per model of the registry, reflected at install and upgrade."""

    _name = "ir.model"
    _description = "Models"
    _order = "model"

    name = fields.Char("Model Description", required=True)
    model = fields.Char(required=True)
    info = fields.Text("Information")
    field_id = fields.One2many("ir.model.fields", "model_id", "Fields")
    transient = fields.Boolean("Transient Model")
    modules = fields.Char("In Apps")

    _sql_constraints = [("obj_name_uniq", "unique (model)", "Each model must have a unique name.")]

    def unlink(self) -> bool:
        """Models belong to their addons: only uninstalling (as superuser) removes them."""
        if self and not self.env.su:
            raise UserError("Models cannot be deleted; uninstall the addon that defines them instead.")
        return super().unlink()

    @api.model
    def _get_id(self, model: str) -> int:
        """The id of the ``ir.model`` row of ``model``."""
        found = self.sudo().search([("model", "=", model)], limit=1)
        if not found:
            raise MissingError(f"Model {model!r} is not reflected in this database")
        return found.id


class IrModelFields(models.Model):
    _name = "ir.model.fields"
    _description = "Fields"
    _order = "model, name"

    name = fields.Char("Field Name", required=True)
    model = fields.Char("Model Name", required=True, index=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    field_description = fields.Char("Field Label")
    ttype = fields.Char("Field Type", required=True)
    relation = fields.Char("Related Model")
    relation_field = fields.Char("Relation Field")
    required = fields.Boolean()
    readonly = fields.Boolean()
    store = fields.Boolean(default=True)
    company_dependent = fields.Boolean()
    groups = fields.Char()
    modules = fields.Char("In Apps")

    _sql_constraints = [("name_unique", "unique (model, name)", "Field names must be unique per model.")]

    def unlink(self) -> bool:
        """Fields belong to their addons: only uninstalling (as superuser) removes them."""
        if self and not self.env.su:
            raise UserError("Fields cannot be deleted; uninstall the addon that defines them instead.")
        return super().unlink()


class IrModelAccess(SecurityDataMixin, models.Model):
    _name = "ir.model.access"
    _description = "Model Access"
    _order = "model_id, group_id, name, id"

    name = fields.Char(required=True, index=True)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    group_id = fields.Many2one("res.groups", "Group", ondelete="restrict", index=True)
    perm_read = fields.Boolean("Read Access", default=False)
    perm_write = fields.Boolean("Write Access", default=False)
    perm_create = fields.Boolean("Create Access", default=False)
    perm_unlink = fields.Boolean("Delete Access", default=False)

    @api.model
    def check(self, model: str, mode: str = "read", raise_exception: bool = True) -> bool:
        """Whether the current user may ``mode`` on ``model`` (Odoo's API; odooly calls it)."""
        if not isinstance(model, str) or model not in self.env:
            raise UserError(f"Object {model} doesn't exist")
        return bool(self.env[model].check_access_rights(mode, raise_exception))
