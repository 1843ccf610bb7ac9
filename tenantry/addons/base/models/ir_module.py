from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tenantry.exceptions import UserError
from tenantry.orm import fields, models

MODULE_STATES = [
    ("uninstallable", "Uninstallable"),
    ("uninstalled", "Not Installed"),
    ("installed", "Installed"),
    ("to upgrade", "To be upgraded"),
    ("to remove", "To be removed"),
    ("to install", "To be installed"),
]


_ICON = "static/description/icon.png"


def _icon_path(available: Mapping[str, Any], name: Any) -> tuple[str, Path] | None:
    """``(addon, icon file)`` when the addon ``name`` is in the addons path and has an icon."""
    manifest = available.get(name) if isinstance(name, str) else None
    path = manifest.path / _ICON if manifest is not None else None
    return (name, path) if path is not None and path.is_file() else None


class IrModuleCategory(models.Model):
    _name = "ir.module.category"
    _description = "Application"
    _order = "sequence, name"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one("ir.module.category", "Parent Application", index=True)
    description = fields.Text()


class IrModuleModule(models.Model):
    """One row per available addon, with its state in this database."""

    _name = "ir.module.module"
    _description = "Module"
    _order = "name"

    name = fields.Char("Technical Name", required=True, readonly=True)
    shortdesc = fields.Char("Module Name", readonly=True)
    summary = fields.Char(readonly=True)
    category = fields.Char(readonly=True)
    author = fields.Char(readonly=True)
    state = fields.Selection(MODULE_STATES, "Status", default="uninstalled", readonly=True, index=True)
    latest_version = fields.Char("Installed Version", readonly=True)
    application = fields.Boolean(readonly=True)
    dependencies = fields.Char(readonly=True, help="Comma-separated names of the addons this one needs.")
    demo = fields.Boolean("Demo Data", default=False, readonly=True)
    menus_by_module = fields.Text("Menus", compute="_compute_menus_by_module")
    reports_by_module = fields.Text("Reports", compute="_compute_reports_by_module")
    views_by_module = fields.Text("Views", compute="_compute_views_by_module")
    icon = fields.Char("Icon URL", compute="_compute_icon")
    icon_image = fields.Binary("Icon", compute="_compute_icon_image")

    _sql_constraints = [("name_uniq", "unique (name)", "The name of the module must be unique!")]

    # What each addon's data made, one name a line (Odoo's Technical Data tab): its menus
    # by full path, its reports and its views by name; empty text when there are none.

    def _compute_menus_by_module(self) -> None:
        for module in self:
            module.menus_by_module = module._made("ir.ui.menu", "complete_name")

    def _compute_reports_by_module(self) -> None:
        for module in self:
            module.reports_by_module = module._made("ir.actions.report", "name")

    def _compute_views_by_module(self) -> None:
        for module in self:
            module.views_by_module = module._made("ir.ui.view", "name")

    def _made(self, model: str, label: str) -> str:
        if not self.name or model not in self.env.registry.models:
            return ""
        rows = self.env["ir.model.data"].sudo().search([("module", "=", self.name), ("model", "=", model)])
        records = self.env[model].sudo().with_context(active_test=False).browse(rows.mapped("res_id"))
        return "\n".join(sorted(str(record[label] or "") for record in records.exists()))

    def _update_translations(self, langs: Any = None, overwrite: bool = False) -> int:
        """Load the translations of these addons (every installed one when empty) into
        ``langs`` (the active languages when None); existing ones are kept unless
        ``overwrite``. Returns how many values were loaded."""
        from tenantry.modules.i18n import load_addon_translations

        if langs is None:
            langs = self.env["res.lang"].sudo().search([("active", "=", True)]).mapped("code")
        codes = [langs] if isinstance(langs, str) else list(langs)
        modules = self or self.search([("state", "=", "installed")])
        available = self.env.cr.modules.available if self.env.cr.modules is not None else {}
        count = 0
        for module in modules.sudo().filtered(lambda m: m.state == "installed"):
            manifest = available.get(module.name)
            if manifest is not None:
                env = self.env(su=True)
                count += load_addon_translations(env, module.name, manifest.path, codes, overwrite)
        return count

    def _icon(self) -> tuple[str, Path] | None:
        """The addon's ``static/description/icon.png``, else base's (as Odoo's default icon)."""
        manager = self.env.cr.modules
        available = manager.available if manager is not None else {}
        return _icon_path(available, self.name) or _icon_path(available, "base")

    def _compute_icon(self) -> None:
        for module in self:
            found = module._icon()
            module.icon = f"/{found[0]}/{_ICON}" if found else False

    def _compute_icon_image(self) -> None:
        for module in self:
            found = module._icon()
            module.icon_image = found[1].read_bytes() if found else False

    def _manager(self) -> Any:
        manager = self.env.cr.modules
        if manager is None:
            raise UserError("Addons cannot be changed from this environment")
        return manager

    def _apply(self, operation: str) -> bool:
        # Changing addons is writing to their rows: only users allowed to do that may.
        self.check_access_rights("write")
        self.check_access_rule("write")
        manager = self._manager()
        cr = self.env.cr
        registry = getattr(manager, operation)(cr.conn, cr.dbname, self.mapped("name"))
        cr.postcommit.append(lambda: manager.changed(cr.dbname, registry))
        return True

    def button_immediate_install(self) -> bool:
        """Install these addons (and their dependencies) now, in this transaction."""
        return self._apply("install")

    def button_immediate_upgrade(self) -> bool:
        """Upgrade these addons now: new columns, reloaded data (noupdate kept)."""
        return self._apply("upgrade")

    def button_immediate_uninstall(self) -> bool:
        """Uninstall these addons now: their data, columns and tables go."""
        return self._apply("uninstall")
