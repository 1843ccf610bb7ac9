"""Addon management reserved to the group ``access_apps.group_allow_apps``."""

from __future__ import annotations

from typing import Any

from tenantry.exceptions import AccessError
from tenantry.orm import api, models

APPS_GROUP = "access_apps.group_allow_apps"


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _check_apps_access(self, action: str, operation: str) -> None:
        """Refuse ``action`` unless in superuser mode or in the apps group."""
        if self.env.su or self.env.user.has_group(APPS_GROUP):
            return
        group = self.env.ref(APPS_GROUP, raise_if_not_found=False)
        group_name = group.sudo().full_name if group else APPS_GROUP
        user = self.env.user
        # Only names the user may read: the ids come from the caller, whoever they are.
        readable = self.check_access_rights("read", raise_exception=False)
        visible = self.search([("id", "in", self.ids)]) if readable and self._ids else self.browse()
        names = ", ".join(visible.mapped("name")) or "addons"
        raise AccessError(
            f"Only members of the group '{group_name}' may {action} addons; "
            f"{user.name} (id {user.id}) may not {action} {names}.",
            context={"model": self._name, "operation": operation, "ids": self.ids, "groups": [APPS_GROUP]},
        )

    def button_immediate_install(self) -> bool:
        self._check_apps_access("install", "write")
        result: bool = super().button_immediate_install()  # type: ignore[misc]
        return result

    def button_immediate_upgrade(self) -> bool:
        self._check_apps_access("upgrade", "write")
        result: bool = super().button_immediate_upgrade()  # type: ignore[misc]
        return result

    def button_immediate_uninstall(self) -> bool:
        self._check_apps_access("uninstall", "write")
        result: bool = super().button_immediate_uninstall()  # type: ignore[misc]
        return result

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        self._check_apps_access("register", "create")
        return super().create(vals_list)

    def write(self, vals: Any) -> bool:
        if self._ids:
            self._check_apps_access("change", "write")
        return super().write(vals)

    def unlink(self) -> bool:
        if self._ids:
            self._check_apps_access("remove", "unlink")
        return super().unlink()
