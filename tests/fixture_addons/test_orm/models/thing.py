from __future__ import annotations

from typing import Any

from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models


class TestTag(models.Model):
    _name = "test.tag"
    _description = "Test Tag"
    _order = "name"

    name = fields.Char(required=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)


class TestThing(models.Model):
    _name = "test.thing"
    _description = "Test Thing"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    code = fields.Char()
    note = fields.Text()
    count = fields.Integer()
    ratio = fields.Float()
    flag = fields.Boolean()
    day = fields.Date()
    moment = fields.Datetime()
    kind = fields.Selection([("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")], default="a")
    data = fields.Json()
    blob = fields.Binary()
    parent_id = fields.Many2one("test.thing", "Parent", ondelete="cascade")
    child_ids = fields.One2many("test.thing", "parent_id", "Children")
    tag_ids = fields.Many2many("test.tag", string="Tags")
    partner_id = fields.Many2one("res.partner", "Partner", check_company=True)
    company_id = fields.Many2one("res.company", "Company")
    cost = fields.Float(company_dependent=True)
    active = fields.Boolean(default=True)
    line_ids = fields.One2many("test.line", "thing_id", "Lines")
    total = fields.Float(compute="_compute_total", store=True)
    lines_total = fields.Float(compute="_compute_lines_total", store=True)
    label = fields.Char(compute="_compute_label")
    partner_name = fields.Char(related="partner_id.name")
    partner_email = fields.Char(related="partner_id.email", store=True)
    secret = fields.Char(groups="base.group_system")

    _sql_constraints = [
        ("code_uniq", "unique (code)", "The code of a thing must be unique."),
        ("count_positive", "CHECK (count >= 0)", "The count cannot be negative."),
    ]

    @api.depends("count", "ratio")
    def _compute_total(self) -> None:
        for thing in self:
            thing.total = thing.count * thing.ratio

    @api.depends("line_ids.amount")
    def _compute_lines_total(self) -> None:
        for thing in self:
            thing.lines_total = sum(thing.line_ids.mapped("amount"))

    def _compute_label(self) -> None:
        for thing in self:
            thing.label = f"{thing.name} ({thing.kind})"

    @api.constrains("ratio")
    def _check_ratio(self) -> None:
        for thing in self:
            if thing.ratio > 1000:
                raise ValidationError(f"Ratio of {thing.name} is too large.")

    def describe(self) -> str:
        return f"thing {self.name}"


class TestLine(models.Model):
    _name = "test.line"
    _description = "Test Line"
    _order = "sequence, id"

    thing_id = fields.Many2one("test.thing", "Thing", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    amount = fields.Float()
    thing_company_id = fields.Many2one("res.company", related="thing_id.company_id", store=True)


class TestThingExtension(models.Model):
    """An extension in the same addon: adds a field and wraps a method with super()."""

    _inherit = "test.thing"

    extra = fields.Char(default="extra-default")

    def describe(self) -> str:
        return "extended " + super().describe()

    @api.model
    def make_many(self, count: int) -> Any:
        return self.create([{"name": f"thing {i}"} for i in range(count)])


class TestVariant(models.Model):
    """Delegation inheritance: a variant is a thing (``_inherits``) with fields of its own;
    its own ``code`` hides the thing's."""

    _name = "test.variant"
    _description = "Test Variant"
    _inherits = {"test.thing": "thing_id"}

    thing_id = fields.Many2one("test.thing", "Thing", required=True, ondelete="cascade")
    size = fields.Integer()
    code = fields.Char("Variant Code")
