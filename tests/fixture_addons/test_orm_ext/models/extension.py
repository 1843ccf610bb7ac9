from __future__ import annotations

from tenantry.orm import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    loyalty = fields.Integer(index=True)
    favourite_thing_id = fields.Many2one("test.thing", "Favourite Thing")
    # No one may read it (as API key hashes): rule text, explanations and errors never show it.
    vault = fields.Char(groups=".")


class TestThing(models.Model):
    _inherit = "test.thing"

    rating = fields.Selection([("good", "Good"), ("bad", "Bad")])
    # Related fields (computed as the superuser) to fields some or no one may read.
    secret_shown = fields.Char(related="secret")
    partner_vault = fields.Char(related="partner_id.vault")

    def describe(self) -> str:
        return super().describe() + " (rated)"


class TestGadget(models.Model):
    _name = "test.gadget"
    _description = "Test Gadget"

    name = fields.Char(required=True)
    thing_ids = fields.Many2many("test.thing", "test_gadget_thing_rel", "gadget_id", "thing_id")
