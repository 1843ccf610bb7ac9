from __future__ import annotations

from typing import Any

from tenantry.orm import api, fields, models


class ResCountry(models.Model):
    _name = "res.country"
    _description = "Country"
    _order = "name"

    name = fields.Char("Country Name", required=True, translate=True)
    code = fields.Char("Country Code", size=2, required=True)
    state_ids = fields.One2many("res.country.state", "country_id", "States")

    _sql_constraints = [
        ("code_uniq", "unique (code)", "The code of the country must be unique!"),
    ]


class ResCountryState(models.Model):
    """A state, province or region of a country (the ``state_id`` of addresses)."""

    _name = "res.country.state"
    _description = "Country state"
    _order = "code"

    country_id = fields.Many2one("res.country", "Country", required=True, index=True, ondelete="cascade")
    name = fields.Char(
        "State Name",
        required=True,
        help="Administrative divisions of a country. E.g. Fed. State, Departement, Canton",
    )
    code = fields.Char("State Code", required=True, help="The state code.")

    _sql_constraints = [
        ("name_code_uniq", "unique (country_id, code)", "The code of the state must be unique by country!"),
    ]

    def _compute_display_name(self) -> None:
        """``California (US)``, as Odoo shows states."""
        for state in self:
            country = state.country_id.code
            state.display_name = f"{state.name} ({country})" if country else state.name

    @api.model
    def name_search(
        self, name: str = "", args: Any = None, operator: str = "ilike", limit: int | None = 100
    ) -> list[tuple[int, str]]:
        """A state is also found by its code (``CA``), the exact code first."""
        result = super().name_search(name, args, operator, limit)
        if not name or operator not in ("ilike", "=", "=ilike"):
            return result
        exact = self.search([("code", "=ilike", name), *(args or [])], limit=limit)
        first = [(state.id, state.display_name) for state in exact]
        seen = {state_id for state_id, _label in first}
        merged = first + [row for row in result if row[0] not in seen]
        return merged[:limit] if limit else merged
