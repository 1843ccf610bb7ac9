"""OdooRPC 0.10.1 end to end against a live server (``/web/webclient/version_info`` + ``/jsonrpc``)."""

from __future__ import annotations

from collections.abc import Iterator

import odoorpc
import odoorpc.error
import pytest

from tenantry.instance import Instance
from tests.clients.conftest import MASTER
from tests.web.conftest import LiveServer


def _client(server: LiveServer) -> odoorpc.ODOO:
    host, port = server.url.removeprefix("http://").split(":")
    return odoorpc.ODOO(host, port=int(port), timeout=60)


@pytest.fixture
def odoo(master_server: LiveServer, template: str) -> Iterator[odoorpc.ODOO]:
    client = _client(master_server)
    client.login(template, "admin", "admin")
    yield client
    client.logout()


def test_login_checks_the_version_and_loads_the_user_context(odoo: odoorpc.ODOO, template: str) -> None:
    assert odoo.version.startswith("17.")
    assert odoo.env.db == template
    assert odoo.env.uid > 0
    assert odoo.env.context["uid"] == odoo.env.uid
    assert {"lang", "tz"} <= set(odoo.env.context)
    assert odoo.env.user.login == "admin"


def test_wrong_password_is_refused_client_side(master_server: LiveServer, template: str) -> None:
    client = _client(master_server)
    with pytest.raises(odoorpc.error.RPCError, match="Wrong login ID or password"):
        client.login(template, "odoorpc-nobody", "not-the-password")


def test_partner_search_browse_and_relational_attributes(odoo: odoorpc.ODOO) -> None:
    Partner = odoo.env["res.partner"]
    assert "res.partner" in odoo.env
    ids = Partner.search([("is_company", "=", True)])
    assert ids and all(isinstance(i, int) for i in ids)
    companies = Partner.browse(ids)
    assert [c.id for c in companies] == ids
    assert all(isinstance(c.name, str) and c.name for c in companies)
    # a company with contacts: x2many attribute, and the contacts' many2one back to it
    parent = next(c for c in companies if c.child_ids)
    child = parent.child_ids[0]
    assert child.parent_id.id == parent.id
    assert child.parent_id.name == parent.name
    assert child.id in parent.child_ids.ids


def test_partner_read_create_write_unlink(odoo: odoorpc.ODOO) -> None:
    Partner = odoo.env["res.partner"]
    pid = Partner.create({"name": "OdooRPC Partner", "email": "rpc@example.com"})
    assert isinstance(pid, int)
    try:
        [row] = Partner.read([pid], ["name", "email", "parent_id"])
        assert row == {"id": pid, "name": "OdooRPC Partner", "email": "rpc@example.com", "parent_id": False}
        assert Partner.write([pid], {"name": "Renamed"}) is True
        partner = Partner.browse(pid)
        assert partner.name == "Renamed"
        partner.email = "changed@example.com"  # a write through the attribute
        assert Partner.read([pid], ["email"])[0]["email"] == "changed@example.com"
        assert Partner.search_count([("id", "=", pid)]) == 1
        assert Partner.search_read([("id", "=", pid)], ["name"]) == [{"id": pid, "name": "Renamed"}]
    finally:
        assert Partner.unlink([pid]) is True
    assert Partner.search([("id", "=", pid)]) == []


def test_env_ref_resolves_an_xml_id(odoo: odoorpc.ODOO) -> None:
    admin = odoo.env.ref("base.user_admin")
    assert admin._name == "res.users"
    assert admin.id == odoo.env.uid
    assert admin.login == "admin"


def test_db_list_needs_no_master_password(odoo: odoorpc.ODOO, template: str) -> None:
    assert template in odoo.db.list()


def test_db_duplicate_with_the_master_password(
    odoo: odoorpc.ODOO, instance: Instance, template: str, master_server: LiveServer
) -> None:
    copy = "s-odoorpc-dup"
    if instance.exists(copy):
        instance.drop_database(copy)
    try:
        odoo.db.duplicate(MASTER, template, copy)
        assert copy in odoo.db.list()
        other = _client(master_server)
        other.login(copy, "admin", "admin")
        assert other.env["res.partner"].search_count([]) == odoo.env["res.partner"].search_count([])
        with pytest.raises(odoorpc.error.RPCError) as info:
            odoo.db.duplicate("wrong", template, copy + "2")
        assert info.value.info["data"]["name"] == "odoo.exceptions.AccessDenied"
        assert odoo.db.drop(MASTER, copy) is True
        assert copy not in odoo.db.list()
    finally:
        if instance.exists(copy):
            instance.drop_database(copy)


def test_access_errors_surface_as_rpc_errors(master_server: LiveServer, template: str) -> None:
    demo = _client(master_server)
    demo.login(template, "demo", "demo")
    admin_id = demo.env.ref("base.user_admin").id
    with pytest.raises(odoorpc.error.RPCError) as info:
        demo.env["res.users"].write([admin_id], {"name": "Not allowed"})
    assert info.value.info["data"]["name"] == "odoo.exceptions.AccessError"
    assert info.value.info["code"] == 200
    with pytest.raises(odoorpc.error.RPCError) as info:
        demo.execute("res.partner", "_search", [])
    assert info.value.info["data"]["name"] == "odoo.exceptions.AccessError"
    assert "Private methods" in info.value.info["data"]["message"]


def test_reports_are_listed_by_model_and_looked_up_by_name(odoo: odoorpc.ODOO) -> None:
    listed = odoo.report.list()
    assert {
        "report_name": "sale.report_saleorder",
        "name": "Quotation / Order",
        "report_type": "qweb-pdf",
    } in (listed["sale.order"])
    assert any(r["report_name"] == "web.preview_internalreport" for r in listed["res.company"])
    with pytest.raises(ValueError, match="does not exist"):
        odoo.report.download("wrong_report", [1])
    with pytest.raises(NotImplementedError):  # odoorpc's own answer for Odoo 14+
        odoo.report.download("web.preview_internalreport", [1])


def test_empty_relational_fields_are_empty_recordsets(odoo: odoorpc.ODOO) -> None:
    user = odoo.env.user
    for value in (user.message_follower_ids, user.action_id):
        assert isinstance(value, odoorpc.models.Model) and not value and value.ids == []
    user.action_id = odoo.env.ref("base.action_partner_form").id
    assert user.action_id._name == "ir.actions.actions" and user.action_id.name == "Customers"
    user.action_id = False
    assert not user.action_id
    Menu = odoo.env["ir.ui.menu"]
    menu = Menu.browse(Menu.search([("name", "=", "Users")])[0])
    assert menu.action._name == "ir.actions.act_window" and menu.action.res_model == "res.users"


def test_a_language_and_an_api_key_as_odoorpc_users_get_them(
    master_server: LiveServer, fresh_db: str
) -> None:
    odoo = _client(master_server)
    odoo.login(fresh_db, "admin", "admin")
    Lang = odoo.env["res.lang"]
    french = Lang.with_context(active_test=False).search([("code", "=", "fr_FR")])
    Wizard = odoo.env["base.language.install"]
    Wizard.lang_install([Wizard.create({"lang_ids": [(6, 0, french)]})])
    Country = odoo.env["res.country"]
    germany = Country.browse(Country.search([("code", "=", "DE")])[0])
    assert (germany.name, germany.with_context(lang="fr_FR").name) == ("Germany", "Allemagne")
    odoo.json("/web/session/authenticate", {"db": fresh_db, "login": "admin", "password": "admin"})
    description = odoo.env["res.users.apikeys.description"].create({"name": "odoorpc"})

    def button(model: str, method: str, ids: list[int], **context: str) -> dict[str, object]:
        params = {"model": model, "method": method, "args": [ids], "kwargs": {"context": context}}
        result: dict[str, object] = odoo.json("/web/dataset/call_button", params)["result"]
        return result

    check = button("res.users.apikeys.description", "make_key", [description])
    shown = button("res.users.identitycheck", "run_check", [check["res_id"]], password="admin")  # type: ignore[list-item]
    key = shown["context"]["default_key"]  # type: ignore[index]
    other = _client(master_server)
    other.login(fresh_db, "admin", key)
    assert other.env.user.login == "admin"
