"""``res.partner`` of the base addon as Odoo 17's base tests expect it: what Odoo refuses,
tenantry refuses; ``name_create`` reads ``"Name <email>"``; contacts follow their company
(address, commercial fields, company)."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.addons.base.mail import MAX_PARSED_LENGTH
from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tenantry.rpc.faults import to_xmlrpc_fault
from tests.addons.conftest import ADMIN
from tests.helpers import rollback_env
from tests.security.helpers import as_user, make_user

ADDONS = ["base"]


@pytest.mark.parametrize("vals", [{}, {"name": False}, {"email": "x@example.com", "type": "contact"}])
def test_a_contact_without_a_name_is_refused(
    instance: Instance, addon_db: str, vals: dict[str, object]
) -> None:
    with instance.env(addon_db) as env:
        before = env["res.partner"].with_context(active_test=False).search_count([])
    refused = pytest.raises(ValidationError, match="Contacts require a name")
    with refused as caught, instance.env(addon_db, uid=ADMIN) as env:
        call_kw(env, "res.partner", "create", [vals], {})
    assert to_xmlrpc_fault(caught.value).faultCode == 2
    with instance.env(addon_db) as env:  # nothing half-written
        assert env["res.partner"].with_context(active_test=False).search_count([]) == before


def test_removing_a_contacts_name_is_refused(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        partner = env["res.partner"].create({"name": "Agrolait"})
        with pytest.raises(ValidationError, match="Contacts require a name"), env.cr.savepoint():
            partner.write({"name": False})
        assert partner.name == "Agrolait"


def test_an_address_may_go_without_a_name(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        company = env["res.partner"].create({"name": "Agrolait", "is_company": True})
        invoice = env["res.partner"].create({"type": "invoice", "parent_id": company.id})
        assert not invoice.name and invoice.display_name == "Agrolait"


# -- name_create ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "email"),
    [
        ('"Ada Lovelace" <ada@analytical-engines.co.uk>  ', "Ada Lovelace", "ada@analytical-engines.co.uk"),
        ("Ada Lovelace <ADA@Analytical-Engines.co.uk>", "Ada Lovelace", "ada@analytical-engines.co.uk"),
        ("Grace+Navy-Cobol@hopper.example.org", "grace+navy-cobol@hopper.example.org", None),
        ("Grace hopper.example.org", "Grace hopper.example.org", False),
        ("  Tim O'Reilly  <~@books.example.com>", "Tim O'Reilly", "~@books.example.com"),
        ("Alan alan.turing@bletchley.example.net", "Alan", "alan.turing@bletchley.example.net"),
        ("Émile <emile@example.com>, other@example.com", "Émile", "emile@example.com"),
        ("Émile <ÉMILE@Example.COM>", "Émile", "ÉMILE@example.com"),  # a UTF-8 local part keeps its case
    ],
)
def test_name_create_reads_a_name_and_an_email(env: Environment, text: str, name: str, email: Any) -> None:
    partner_id, display_name = env["res.partner"].name_create(text)
    partner = env["res.partner"].browse(partner_id)
    assert (partner.name, partner.email) == (name, name if email is None else email)
    assert display_name == partner.display_name


def test_name_create_keeps_a_default_email_and_drops_an_unknown_default_type(env: Environment) -> None:
    partners = env["res.partner"].with_context(default_email="fallback@example.com", default_type="lead")
    plain = partners.browse(partners.name_create("Ada Lovelace")[0])
    parsed = partners.browse(partners.name_create("Ada <ada@example.com>")[0])
    assert (plain.email, parsed.email) == ("fallback@example.com", "ada@example.com")
    assert plain.type == parsed.type == "contact"


def test_name_create_with_force_email_refuses_text_without_an_email(env: Environment) -> None:
    with pytest.raises(ValidationError, match="Couldn't create contact without email address!"):
        env["res.partner"].with_context(force_email=True).name_create("Ada Lovelace")


HOSTILE = {
    "nested comments": "(" * 5000,
    "quoted comments": '"(' * 3000,
    "deep comment": "(" * 100 + "c" + ")" * 100 + " <a@b.example>",
    "many brackets": "x <" * 400 + "x@y.example",
    "long": "y" * MAX_PARSED_LENGTH + " <y@y.example>",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_name_create_takes_hostile_text_whole_as_the_name(env: Environment, text: str) -> None:
    # The standard library's address parser recurses once per nested comment.
    admin_env = as_user(env, env.ref("base.user_admin"))
    partner_id, _name = call_kw(admin_env, "res.partner", "name_create", [text], {})
    partner = env["res.partner"].browse(partner_id)
    assert (partner.name, partner.email) == (text, False)


# -- contacts follow their company ---------------------------------------------------------


def _company(env: Environment, **vals: Any) -> Any:
    return env["res.partner"].create({"name": "GhostStep", "is_company": True, **vals})


def test_a_contact_takes_its_parents_address_and_keeps_the_rest(env: Environment) -> None:
    ghost = _company(env, street="Main Street 10", street2="Floor 2", city="Ghent", phone="123")
    denis = env["res.partner"].create({"name": "Denis", "email": "denis@ghoststep.example", "street": "Old"})
    denis.write({"parent_id": ghost.id, "phone": "123#34"})
    assert (denis.street, denis.street2, denis.city) == ("Main Street 10", "Floor 2", "Ghent")
    assert (denis.phone, denis.email, denis.type) == ("123#34", "denis@ghoststep.example", "contact")
    denis.write({"street": "Own Street 42", "type": "invoice"})  # an invoice address is its own
    ghost.write({"street": "South Street 25"})
    assert denis.street == "Own Street 42"
    denis.write({"type": "contact"})  # a contact again: the parent's address again
    assert denis.street == "South Street 25"
    denis.write({"street": "Elsewhere 1"})  # a contact never moves its parent
    assert ghost.street == "South Street 25"


def test_a_parents_new_address_goes_to_its_contacts_only(env: Environment) -> None:
    ghost = _company(env, street="Main Street 10")
    contact = env["res.partner"].create({"name": "Denis", "parent_id": ghost.id})
    delivery = env["res.partner"].create(
        {"name": "Dock", "type": "delivery", "parent_id": ghost.id, "street": "Dock Street 1"}
    )
    ghost.write({"street": "South Street 25", "city": "Bruges"})
    assert (contact.street, contact.city) == ("South Street 25", "Bruges")
    assert (delivery.street, delivery.city) == ("Dock Street 1", False)


def test_a_contact_keeps_its_address_under_a_parent_without_one(env: Environment) -> None:
    ghost = _company(env)
    denis = env["res.partner"].create({"name": "Denis", "street": "Own Street 42"})
    denis.write({"parent_id": ghost.id})
    assert denis.street == "Own Street 42" and not ghost.street


def test_the_first_contact_gives_its_address_to_a_company_without_one(env: Environment) -> None:
    iron = env["res.partner"].browse(env["res.partner"].name_create("IronShield")[0])
    isen = env["res.partner"].create({"name": "Isen", "street": "Strongarm Avenue 12", "parent_id": iron.id})
    assert iron.street == "Strongarm Avenue 12" and isen.type == "contact"
    env["res.partner"].create({"name": "Second", "street": "Elsewhere 3", "parent_id": iron.id})
    assert iron.street == "Strongarm Avenue 12"


def test_commercial_fields_come_from_the_commercial_entity_at_every_depth(env: Environment) -> None:
    partners = env["res.partner"]
    loose = partners.create({"name": "Sigurd"})
    sun = _company(env, vat="BE0477472701", child_ids=[(4, loose.id), (0, 0, {"name": "Alrik"})])
    otto = partners.create({"name": "Otto", "parent_id": sun.id})
    gini = partners.create({"name": "Gini", "parent_id": otto.id})
    dock = partners.create({"name": "Dock", "type": "delivery", "parent_id": gini.id})
    below = loose | otto | gini | dock | sun.child_ids
    assert set(below.mapped("vat")) == {"BE0477472701"}
    sun.write({"vat": "BE0123456749"})
    assert set(below.mapped("vat")) == {"BE0123456749"}
    otto.write({"vat": "BE0987654394"})  # downstream only, and from the entity only
    assert (sun.vat, gini.vat, dock.vat) == ("BE0123456749", "BE0123456749", "BE0123456749")
    otto.write({"is_company": True, "name": "Sun Subsidiary"})  # its own entity now
    sun.write({"vat": "BE0112233453"})
    assert (otto.vat, loose.vat) == ("BE0987654394", "BE0112233453")
    assert otto.commercial_partner_id == otto and gini.commercial_partner_id == otto


def test_a_contact_moved_to_another_company_takes_its_commercial_fields(env: Environment) -> None:
    first, second = _company(env, vat="BE0123456789"), _company(env, name="Second", vat="BE9876543210")
    someone = env["res.partner"].create({"name": "Someone", "parent_id": first.id})
    dock = env["res.partner"].create({"name": "Dock", "type": "delivery", "parent_id": someone.id})
    assert (someone.vat, dock.vat) == ("BE0123456789", "BE0123456789")
    someone.write({"parent_id": second.id})
    assert (someone.vat, dock.vat, dock.commercial_partner_id) == ("BE9876543210", "BE9876543210", second)


def test_a_partners_company_goes_to_its_contacts_if_their_users_allow(env: Environment) -> None:
    first = env["res.company"].create({"name": "Company One"})
    second = env["res.company"].create({"name": "Company Two"})
    holding = env["res.partner"].create({"name": "Holding"})
    user = make_user(env, "thisu", company=first)
    user.partner_id.write({"parent_id": holding.id})
    holding.write({"company_id": first.id})
    assert user.partner_id.company_id == first
    holding.write({"company_id": False})
    assert not user.partner_id.company_id
    incompatible = "The selected company is not compatible with the companies of the related user"
    with pytest.raises(UserError, match=incompatible), env.cr.savepoint():
        holding.write({"company_id": second.id})
    assert not holding.company_id and not user.partner_id.company_id


def test_a_partner_cannot_borrow_the_values_of_a_parent_its_user_may_not_read(env: Environment) -> None:
    """Odoo copies commercial fields as the superuser: a user could then read another
    company's tax id by making it the parent of an address it owns. Here the copy is read
    as the caller."""
    main = env.ref("base.main_company")
    other = env["res.company"].create({"name": "Elsewhere"})
    hidden = _company(env, name="Hidden", vat="SECRET-VAT", street="Hidden Street", company_id=other.id)
    clerk = make_user(env, "clerk", ["base.group_user", "base.group_partner_manager"], company=main)
    partners = as_user(env, clerk)["res.partner"]
    for vals in ({"type": "invoice"}, {"type": "contact"}):
        with pytest.raises(AccessError), env.cr.savepoint():
            partners.create({"name": "Mine", "parent_id": hidden.id, **vals})
    mine = partners.create({"name": "Mine", "type": "invoice"})
    with pytest.raises(AccessError), env.cr.savepoint():
        mine.write({"parent_id": hidden.id})
    assert not env["res.partner"].search([("vat", "=", "SECRET-VAT"), ("id", "!=", hidden.id)])
