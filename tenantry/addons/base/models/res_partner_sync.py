"""Contacts follow their company, as Odoo's ``res.partner`` ``_fields_sync`` does.

- **Address** (``_address_fields``): a contact (``type='contact'``) with a parent takes the
  parent's address when it gets the parent or becomes a contact again (if the parent has
  one), and when the parent's address changes. One level only, as in Odoo: a contact's own
  contacts follow it when *its* address is written, not through the sync.
- **Commercial fields** (``_commercial_fields``, ``vat``): every partner below a commercial
  entity (the nearest ancestor that is a company, or the root) holds the entity's values,
  at any depth, kept in sync when it gets its parent or when the entity's values change.
  A partner that becomes a company is its own entity and keeps its values.
- **Company**: a partner's ``company_id`` goes down to its contacts; a partner of users
  only takes a company its users have as theirs.
- **First contact**: a company (or root) without an address takes the address of its first
  contact created with one.

The values copied from the parent or the commercial entity are read as the caller (who may
not make a partner the contact of one they cannot read, to copy its values); the
commercial fields are then written as the superuser, as in Odoo, since they belong to the
entity, not to each contact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tenantry.exceptions import UserError
from tenantry.orm import api, fields, models

ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")
COMMERCIAL_FIELDS = ("vat",)


class ResPartnerSync(models.Model):
    _inherit = "res.partner"

    street2 = fields.Char()
    vat = fields.Char("Tax ID", index=True, help="The Tax Identification Number, shared by its contacts.")

    @api.model
    def _address_fields(self) -> list[str]:
        """The address fields a contact takes from its parent (those the model has)."""
        return [name for name in ADDRESS_FIELDS if name in self._fields]

    @api.model
    def _commercial_fields(self) -> list[str]:
        """The fields that belong to the commercial entity; addons may add theirs."""
        return [name for name in COMMERCIAL_FIELDS if name in self._fields]

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        partners = super().create(vals_list)
        given: Sequence[Mapping[str, Any]] = [vals_list] if isinstance(vals_list, Mapping) else vals_list
        for partner, vals in zip(partners, given, strict=True):
            if partner._syncs(vals):
                partner._fields_sync(vals)
            if partner.parent_id:
                partner._handle_first_contact_creation()
        return partners

    def write(self, vals: Any) -> bool:
        result: bool = super().write(vals)
        if "company_id" in vals:
            self._company_to_contacts()
        if self._syncs(vals):
            for partner in self:
                partner._fields_sync(vals)
        return result

    # -- the three syncs ------------------------------------------------------------------

    def _syncs(self, vals: Mapping[str, Any]) -> bool:
        """Whether writing ``vals`` can change what partners take from one another (a large
        write of other fields does not look for children, partner by partner)."""
        return any(
            name in vals
            for name in ("parent_id", "type", *self._address_fields(), *self._commercial_fields())
        )

    def _fields_sync(self, vals: Mapping[str, Any]) -> None:
        """After ``vals`` were written on this partner: take from above, give below."""
        self.ensure_one()
        if vals.get("parent_id") or vals.get("type") == "contact":
            if vals.get("parent_id"):
                self._commercial_sync_from_company()
            if self.parent_id and self.type == "contact":
                self._address_from_parent()
        self._children_sync(vals)

    def _children_sync(self, vals: Mapping[str, Any]) -> None:
        children = self.child_ids
        if not children:
            return
        commercial = self.commercial_partner_id
        entity_changed = commercial == self and any(name in vals for name in self._commercial_fields())
        if entity_changed or any(c.commercial_partner_id != commercial for c in children if not c.is_company):
            self._commercial_sync_to_children()
        written = {name: vals[name] for name in self._address_fields() if name in vals}
        if written:
            contacts = children.filtered(lambda child: child.type == "contact")
            contacts._update_address(written)

    def _commercial_sync_from_company(self) -> None:
        commercial = self.commercial_partner_id
        # Empty while a new parent's own create links it (its create syncs its children next).
        if commercial and commercial != self:
            values = commercial._field_values(self._commercial_fields())
            self.sudo().write(values)
            self._commercial_sync_to_children()

    def _commercial_sync_to_children(self) -> None:
        """Write the commercial entity's values on every partner below self, down to the
        next company."""
        commercial = self.commercial_partner_id
        if not commercial:
            return
        values = commercial._field_values(self._commercial_fields())
        children = self.sudo().child_ids.filtered(lambda child: not child.is_company)
        for child in children:
            child._commercial_sync_to_children()
        if children and values:
            children.write(values)

    def _address_from_parent(self) -> None:
        """Take the parent's address, if it has one (else keep this contact's own)."""
        names = self._address_fields()
        parent = self.parent_id
        if any(parent[name] for name in names):
            self._update_address(parent._field_values(names))

    def _handle_first_contact_creation(self) -> None:
        parent = self.parent_id
        names = self._address_fields()
        if (
            parent
            and (parent.is_company or not parent.parent_id)
            and len(parent.child_ids) == 1
            and any(self[name] for name in names)
            and not any(parent[name] for name in names)
        ):
            parent._update_address(self._field_values(names))

    def _company_to_contacts(self) -> None:
        """The new ``company_id`` of these partners goes to their contacts; the partner of
        users may only take a company that is theirs."""
        for partner in self:
            company = partner.company_id
            users = partner.sudo().user_ids
            if company and users and set(users.mapped("company_id").ids) != {company.id}:
                raise UserError(
                    "The selected company is not compatible with the companies of the related user(s)"
                )
            if partner.child_ids:
                partner.child_ids.write({"company_id": company.id or False})

    # -- helpers --------------------------------------------------------------------------

    def _update_address(self, vals: Mapping[str, Any]) -> None:
        """Write the address fields of ``vals``, without syncing further (Odoo's
        ``update_address``: one level)."""
        address = {name: vals[name] for name in self._address_fields() if name in vals}
        if address and self:
            super().write(address)

    def _field_values(self, names: Sequence[str]) -> dict[str, Any]:
        """This partner's values of ``names``, as ``write`` takes them."""
        self.ensure_one()
        values: dict[str, Any] = {}
        for name in names:
            field = self._fields[name]
            value = self[name]
            if field.type.is_x2many:
                values[name] = [(6, 0, value.ids)]
            elif field.relational:
                values[name] = value.id or False
            else:
                values[name] = value
        return values
