"""``base.language.install``: the wizard that activates languages (Settings > Languages)."""

from __future__ import annotations

from typing import Any

from tenantry.orm import fields, models


class BaseLanguageInstall(models.TransientModel):
    _name = "base.language.install"
    _description = "Install Language"

    lang_ids = fields.Many2many(
        "res.lang",
        "res_lang_install_rel",
        "language_wizard_id",
        "lang_id",
        "Languages",
        required=True,
        default=lambda self: self._default_lang_ids(),
        context={"active_test": False},
    )
    overwrite = fields.Boolean(
        "Overwrite Existing Terms",
        default=False,
        help="Load the translations again into languages that are already active, "
        "replacing the terms that were changed since.",
    )

    def _default_lang_ids(self) -> list[int]:
        """The languages selected in the list the wizard was opened from, if any."""
        if self.env.context.get("active_model") != "res.lang":
            return []
        ids = self.env.context.get("active_ids") or []
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            return []
        return self.env["res.lang"].browse(ids).exists().ids

    def lang_install(self) -> dict[str, Any]:
        """Activate the wizard's languages; their translations are loaded as they are."""
        self.ensure_one()
        langs = self.with_context(active_test=False).lang_ids  # the languages are inactive
        already = langs.filtered(lambda lang: lang.active)
        langs.write({"active": True})
        if self.overwrite and already:
            already._load_translations(overwrite=True)
        return {"type": "ir.actions.client", "tag": "reload_context"}

    def switch_lang(self) -> dict[str, Any]:
        """Make the (first) installed language the current user's."""
        self.ensure_one()
        lang = self.with_context(active_test=False).lang_ids[:1]
        if lang:
            self.env.user.sudo().write({"lang": lang.code})
        return {"type": "ir.actions.client", "tag": "reload_context"}
