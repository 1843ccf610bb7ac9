from __future__ import annotations

from tenantry.orm import fields, models


class ResCountry(models.Model):
    _name = "res.country"
    _description = "Country"
    _order = "name"

    name = fields.Char("Country Name", required=True)
    code = fields.Char("Country Code", size=2, required=True)

    _sql_constraints = [
        ("code_uniq", "unique (code)", "The code of the country must be unique!"),
    ]
