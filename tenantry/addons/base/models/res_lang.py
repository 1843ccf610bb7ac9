"""``res.lang``: the languages a database knows, and which of them are active.

Every language of ``data/res.lang.csv`` is there from the start, inactive but
English (US) (``base.lang_en``); activating one (``base.language.install``, or
``active=True``) makes it a choice for users and loads the addons' translations
into it. The same file is what ``db.list_lang`` lists (``tenantry.rpc.version``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tenantry.exceptions import UserError, ValidationError
from tenantry.orm import api, fields, models

BASE_LANG = "en_US"

# The strftime directives every C library has (C89), as Odoo allows: others (%e, %k,
# %-d...) would make dates print differently from one platform to another.
_DIRECTIVE = re.compile(r"%(.)")
_ALLOWED_DIRECTIVES = frozenset("aAbBcdHIjmMpSUwWxXyYZ%")


class ResLang(models.Model):
    _name = "res.lang"
    _description = "Languages"
    _order = "active desc, name"

    name = fields.Char(required=True)
    code = fields.Char("Locale Code", required=True, help="The locale of users who pick this language.")
    iso_code = fields.Char("ISO code", help="The name of the translation files of this language.")
    url_code = fields.Char("URL Code", required=True, help="The language code shown in URLs.")
    active = fields.Boolean(default=False)
    direction = fields.Selection(
        [("ltr", "Left-to-Right"), ("rtl", "Right-to-Left")], required=True, default="ltr"
    )
    date_format = fields.Char(required=True, default="%m/%d/%Y")
    time_format = fields.Char(required=True, default="%H:%M:%S")
    week_start = fields.Selection(
        [
            ("1", "Monday"),
            ("2", "Tuesday"),
            ("3", "Wednesday"),
            ("4", "Thursday"),
            ("5", "Friday"),
            ("6", "Saturday"),
            ("7", "Sunday"),
        ],
        "First Day of Week",
        required=True,
        default="7",
    )
    grouping = fields.Char(
        "Separator Format",
        required=True,
        default="[]",
        help="Digits per group from the right, as a JSON list: [3,0] gives 106,500; [3,2,0] 1,06,500.",
    )
    decimal_point = fields.Char("Decimal Separator", required=True, default=".")
    thousands_sep = fields.Char("Thousands Separator", default=",")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "The name of the language must be unique!"),
        ("code_uniq", "unique (code)", "The code of the language must be unique!"),
        ("url_code_uniq", "unique (url_code)", "The URL code of the language must be unique!"),
    ]

    @api.constrains("active")
    def _check_active(self) -> None:
        if not self.sudo().search_count([("active", "=", True)], limit=1):
            raise ValidationError("At least one language must be active.")

    @api.constrains("date_format", "time_format")
    def _check_format(self) -> None:
        for lang in self:
            for pattern in (lang.date_format or "", lang.time_format or ""):
                if any(d not in _ALLOWED_DIRECTIVES for d in _DIRECTIVE.findall(pattern)):
                    raise ValidationError(
                        f"Invalid date/time format directive in {pattern!r}: only "
                        f"{', '.join('%' + d for d in sorted(_ALLOWED_DIRECTIVES))} are allowed."
                    )

    @api.constrains("grouping")
    def _check_grouping(self) -> None:
        for lang in self:
            try:
                groups = json.loads(lang.grouping or "")
            except ValueError:
                groups = None
            if not isinstance(groups, list) or not all(
                isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in groups
            ):
                raise ValidationError(
                    "The Separator Format should be like [,n] where 0 < n: starting from the unit "
                    "digit, [3,0] gives 106,500 and [3,2,0] 1,06,500."
                )

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        for vals in vals_list:
            if isinstance(vals, dict) and not vals.get("url_code"):
                vals["url_code"] = vals.get("iso_code") or vals.get("code")
        return super().create(vals_list)

    def write(self, vals: Any) -> bool:
        if isinstance(vals, dict):
            if "code" in vals and any(lang.code != vals["code"] for lang in self):
                raise UserError("Language code cannot be modified.")
            if "active" in vals and not vals["active"]:
                self._check_unused()
        activating = isinstance(vals, dict) and bool(vals.get("active"))
        activated = self.filtered(lambda lang: not lang.active) if activating else None
        result = super().write(vals)
        if activated:
            activated._load_translations()
        return result

    def unlink(self) -> bool:
        for lang in self:
            if lang.code == BASE_LANG:
                raise UserError(f"Base Language '{BASE_LANG}' can not be deleted.")
            if lang.active:
                raise UserError(
                    "You cannot delete the language which is Active! Please de-activate the language first."
                )
        self._check_unused()
        return super().unlink()

    def _check_unused(self) -> None:
        """Refuse to remove languages that users (active or not) still speak."""
        codes = [code for code in self.mapped("code") if code]
        users = self.env["res.users"].sudo().with_context(active_test=False)
        if codes and users.search_count([("lang", "in", codes)], limit=1):
            raise UserError("Cannot deactivate a language that is currently used by users.")

    def _load_translations(self, overwrite: bool = False) -> None:
        """Load the installed addons' translations into these languages (keeping the terms
        already there unless ``overwrite``)."""
        codes = [code for code in self.mapped("code") if code]
        if codes:
            self.env["ir.module.module"].sudo()._update_translations(codes, overwrite)

    @api.model
    def _update_installed_translations(self) -> None:
        """Load the addons' translations again into every active language (a weekly cron)."""
        self.sudo().search([])._load_translations(overwrite=True)

    @api.model
    def get_installed(self) -> list[tuple[str, str]]:
        """``(code, name)`` of the active languages, by name."""
        langs = self.sudo().with_context(active_test=True).search([], order="name")
        return [(lang.code, lang.name) for lang in langs]

    @api.model
    def _activate_lang(self, code: str) -> Any:
        """The language ``code``, activated (an empty recordset if there is none)."""
        lang = self.with_context(active_test=False).search([("code", "=", code)], limit=1)
        if lang and not lang.active:
            lang.active = True
        return lang

    @api.model
    def _lang_get(self, code: str) -> Any:
        """The active language ``code``, or an empty recordset."""
        return self.sudo().search([("code", "=", code)], limit=1)
