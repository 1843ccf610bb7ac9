from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models

from ..mail import parse_contact

ADDRESS_TYPES = [
    ("contact", "Contact"),
    ("invoice", "Invoice Address"),
    ("delivery", "Delivery Address"),
    ("private", "Private Address"),
    ("other", "Other Address"),
]


class ResPartner(models.Model):
    _name = "res.partner"
    _description = "Contact"
    _order = "complete_name, id desc"
    _parent_name = "parent_id"
    _rec_names_search = ["complete_name", "email", "ref"]
    _recursion_message = "You cannot create recursive Partner hierarchies."

    name = fields.Char(index=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, index=True)
    ref = fields.Char("Reference", index=True)
    type = fields.Selection(ADDRESS_TYPES, "Address Type", default="contact")
    parent_id = fields.Many2one("res.partner", "Related Company", index=True)
    child_ids = fields.One2many("res.partner", "parent_id", "Contact")
    commercial_partner_id = fields.Many2one(
        "res.partner",
        "Commercial Entity",
        compute="_compute_commercial_partner",
        store=True,
        index=True,
    )
    is_company = fields.Boolean("Is a Company", default=False)
    user_id = fields.Many2one("res.users", "Salesperson", index=True)
    user_ids = fields.One2many("res.users", "partner_id", "Users")
    partner_share = fields.Boolean(
        "Share Partner",
        compute="_compute_partner_share",
        store=True,
        help="Not the partner of an internal user (a customer, a vendor, a portal user...).",
    )
    company_id = fields.Many2one("res.company", "Company", index=True)
    email = fields.Char()
    phone = fields.Char()
    mobile = fields.Char()
    street = fields.Char()
    city = fields.Char()
    zip = fields.Char()
    country_id = fields.Many2one("res.country", "Country", ondelete="restrict")
    state_id = fields.Many2one("res.country.state", "State", ondelete="restrict")
    lang = fields.Char("Language")
    comment = fields.Text("Notes")
    date = fields.Date(index=True)
    active = fields.Boolean(default=True)
    # Odoo's image.mixin: the image as uploaded (at most 1920 px a side), and smaller
    # copies made from it whenever it changes, all kept in attachments.
    image_1920 = fields.Image("Image", max_width=1920, max_height=1920)
    image_1024 = fields.Image("Image 1024", related="image_1920", max_width=1024, max_height=1024, store=True)
    image_512 = fields.Image("Image 512", related="image_1920", max_width=512, max_height=512, store=True)
    image_256 = fields.Image("Image 256", related="image_1920", max_width=256, max_height=256, store=True)
    image_128 = fields.Image("Image 128", related="image_1920", max_width=128, max_height=128, store=True)

    # Addresses (invoice, delivery...) may go without a name: they show their parent's.
    _sql_constraints = [
        (
            "check_name",
            "CHECK ((type = 'contact' AND name IS NOT NULL) OR type <> 'contact')",
            "Contacts require a name",
        ),
    ]

    @api.depends("is_company", "parent_id.commercial_partner_id")
    def _compute_commercial_partner(self) -> None:
        for partner in self:
            if partner.is_company or not partner.parent_id:
                partner.commercial_partner_id = partner
            else:
                partner.commercial_partner_id = partner.parent_id.commercial_partner_id

    @api.model
    def _with_own_partners(
        self, vals_list: Any, extra: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Copies of ``vals_list`` in which a record without ``partner_id`` gets a new partner.

        Companies and users each have a partner holding their name and email; ``extra``
        adds what the partner of that kind of record needs (``is_company``, a company).
        The context's ``default_*`` keys are for those records, not for their partners
        (Odoo's branch action creates companies with ``default_parent_id``, a company id).
        """
        context = {k: v for k, v in self.env.context.items() if not str(k).startswith("default_")}
        partners = self.sudo().with_context(context)
        prepared = []
        for vals in [vals_list] if isinstance(vals_list, dict) else list(vals_list):
            vals = dict(vals)
            if not vals.get("partner_id") and vals.get("name"):
                partner_vals = {"name": vals["name"], "email": vals.get("email") or False, **extra(vals)}
                vals["partner_id"] = partners.create(partner_vals).id
            prepared.append(vals)
        return prepared

    @api.depends("user_ids.share", "user_ids.active")
    def _compute_partner_share(self) -> None:
        for partner in self:
            users = partner.with_context(active_test=False).user_ids
            partner.partner_share = not users or all(user.share for user in users)

    @api.depends("is_company", "name", "parent_id.name")
    def _compute_complete_name(self) -> None:
        for partner in self:
            partner.complete_name = partner._full_name()

    def _full_name(self) -> str:
        name = self.name or ""
        if self.parent_id and not self.is_company and self.parent_id.name:
            name = f"{self.parent_id.name}, {name}" if name else self.parent_id.name
        return name

    def _compute_display_name(self) -> None:
        for partner in self:
            partner.display_name = partner._full_name() or f"res.partner,{partner.id}"

    @api.model
    def name_create(self, name: Any) -> tuple[int, str]:
        """``"Raoul <raoul@grosbedon.fr>"`` gives the contact Raoul with that email (normalized);
        a bare email is both name and email; anything else is the name. As in Odoo, a
        ``force_email`` context refuses text without an email, and a ``default_type``
        that is no address type is dropped rather than refused."""
        if not isinstance(name, str):
            return super().name_create(name)
        partners = self
        if self.env.context.get("default_type") not in (None, *(key for key, _label in ADDRESS_TYPES)):
            context = dict(self.env.context)
            context.pop("default_type")
            partners = self.with_context(context)
        contact, email = parse_contact(name)
        if self.env.context.get("force_email") and not email:
            raise ValidationError("Couldn't create contact without email address!")
        vals = {"name": contact or email}
        if email:
            vals["email"] = email
        partner = partners.create(vals)
        return (partner._ids[0], partner.display_name)
