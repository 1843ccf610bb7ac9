from __future__ import annotations

from tenantry.orm import fields, models


class ProductProduct(models.Model):
    _name = "product.product"
    _description = "Product"
    _order = "name, id"

    name = fields.Char(required=True, index=True, translate=True)
    default_code = fields.Char("Internal Reference", index=True)
    list_price = fields.Float("Sales Price", default=1.0)
    # One cost per company: each company buys at its own price.
    standard_price = fields.Float("Cost", company_dependent=True)
    company_id = fields.Many2one("res.company", "Company", index=True)
    active = fields.Boolean(default=True)
