from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models

ORDER_STATES = [
    ("draft", "Quotation"),
    ("sale", "Sales Order"),
    ("done", "Locked"),
    ("cancel", "Cancelled"),
]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["mail.thread"]
    _description = "Sales Order"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char("Order Reference", required=True, default="New", index=True, copy=False)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, check_company=True, index=True)
    user_id = fields.Many2one("res.users", "Salesperson", default=lambda self: self.env.uid, index=True)
    company_id = fields.Many2one(
        "res.company",
        "Company",
        required=True,
        index=True,
        default=lambda self: self.env.company.id or False,
    )
    state = fields.Selection(ORDER_STATES, "Status", default="draft", index=True)
    date_order = fields.Datetime("Order Date", default=lambda self: fields.Datetime.now())
    order_line = fields.One2many("sale.order.line", "order_id", "Order Lines", copy=True)
    amount_total = fields.Float("Total", compute="_compute_amount_total", store=True)
    note = fields.Text("Terms and conditions")
    internal_note = fields.Text("Internal Note", groups="sale_demo.group_sale_manager")

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        """Orders named "New" (or not named) take their reference from the ``sale.order`` sequence."""
        many = not isinstance(vals_list, Mapping)
        named: list[Any] = []
        for vals in vals_list if many else [vals_list]:
            if isinstance(vals, Mapping) and vals.get("name", "New") == "New":
                company = vals.get("company_id")
                sequences = self.env["ir.sequence"]
                if isinstance(company, int) and not isinstance(company, bool):
                    sequences = sequences.with_company(company)
                vals = {**vals, "name": sequences.next_by_code("sale.order", vals.get("date_order")) or "New"}
            named.append(vals)
        return super().create(named if many else named[0])

    @api.depends("order_line.price_subtotal")
    def _compute_amount_total(self) -> None:
        for order in self:
            order.amount_total = sum(order.order_line.mapped("price_subtotal"))

    def action_confirm(self) -> bool:
        """Turn quotations into sales orders."""
        for order in self:
            if order.state != "draft":
                raise ValidationError(f"Only quotations can be confirmed ({order.name} is {order.state}).")
        self.write({"state": "sale"})
        return True

    def action_cancel(self) -> bool:
        self.write({"state": "cancel"})
        return True


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, id"
    _check_company_auto = True

    order_id = fields.Many2one("sale.order", "Order", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", "Product", check_company=True, ondelete="restrict")
    name = fields.Text("Description")
    product_uom_qty = fields.Float("Quantity", default=1.0)
    price_unit = fields.Float("Unit Price")
    price_subtotal = fields.Float("Subtotal", compute="_compute_price_subtotal", store=True)
    company_id = fields.Many2one("res.company", related="order_id.company_id", store=True, index=True)
    salesman_id = fields.Many2one("res.users", related="order_id.user_id", store=True)
    state = fields.Selection(ORDER_STATES, related="order_id.state", store=True)

    @api.depends("product_uom_qty", "price_unit")
    def _compute_price_subtotal(self) -> None:
        for line in self:
            line.price_subtotal = line.product_uom_qty * line.price_unit

    @api.constrains("product_uom_qty")
    def _check_quantity(self) -> None:
        for line in self:
            if line.product_uom_qty < 0:
                raise ValidationError("The quantity of an order line cannot be negative.")
