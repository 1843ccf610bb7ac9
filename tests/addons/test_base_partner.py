"""``res.partner`` of the base addon: what Odoo refuses, tenantry refuses."""

from __future__ import annotations

import pytest

from tenantry.exceptions import ValidationError
from tenantry.instance import Instance
from tenantry.rpc.call import call_kw
from tenantry.rpc.faults import to_xmlrpc_fault
from tests.addons.conftest import ADMIN
from tests.helpers import rollback_env

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
