"""``res.users`` on ``res.partner`` (``_inherits``), as Odoo 17's test_res_users expects: a
user's name, email and every partner field are its partner's; its own partner has no
company; copies; and the logins that make ``login_date`` and ``state``."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tenantry.exceptions import AccessError, ValidationError
from tenantry.instance import Instance
from tenantry.security import auth
from tests.addons.conftest import ADMIN
from tests.helpers import rollback_env
from tests.security.helpers import as_user, make_user

ADDONS = ["base"]


def test_a_user_takes_its_name_and_email_from_its_own_new_partner(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        company = env["res.company"].create({"name": "Company 1"})
        before = env["res.partner"].with_context(active_test=False).search_count([])
        user = env["res.users"].create(
            {"name": "John Smith", "login": "jsmith", "email": "john@example.com",
             "company_id": company.id, "company_ids": [(6, 0, [company.id])]}
        )  # fmt: skip
        partner = user.partner_id
        assert env["res.partner"].with_context(active_test=False).search_count([]) == before + 1
        assert (partner.name, partner.email) == ("John Smith", "john@example.com")
        assert not partner.company_id  # as in Odoo: shared by the user's companies
        partner.write({"name": "John B. Smith"})
        assert user.name == "John B. Smith"
        user.write({"email": "jbs@example.com", "comment": "hired"})
        assert (partner.email, partner.comment) == ("jbs@example.com", "hired")
        # Stored once, on the partner: the users table has no column for them.
        columns = env["res.users"]._table_obj.c
        assert "name" not in columns and "email" not in columns and "password_hash" in columns


def test_a_user_made_from_a_partner_keeps_it_in_the_users_company(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        company_1, company_2 = env["res.company"].create([{"name": "Company 1"}, {"name": "Company 2"}])
        bob = env["res.partner"].create({"name": "Bob Partner", "company_id": company_2.id})
        shared = env["res.partner"].create({"name": "Shared Partner"})
        user = env["res.users"].create(
            {"login": "bsmith", "partner_id": bob.id, "company_id": company_1.id,
             "company_ids": [(6, 0, [company_1.id])]}
        )  # fmt: skip
        assert (user.partner_id, user.name) == (bob, "Bob Partner")
        assert bob.company_id == company_1  # a partner with a company moves to the user's
        other = env["res.users"].create({"login": "shared", "partner_id": shared.id})
        assert other.name == "Shared Partner" and not shared.company_id  # a global one stays global


def test_changing_a_users_company_moves_its_partner_only_if_it_has_one(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        company_1, company_2 = env["res.company"].create([{"name": "Company 1"}, {"name": "Company 2"}])
        user = env["res.users"].create({"name": "John Smith", "login": "jsmith"})
        user.write({"company_ids": [(4, company_1.id), (4, company_2.id)]})
        user.write({"company_id": company_1.id})
        assert not user.partner_id.company_id
        user.partner_id.write({"company_id": company_1.id})
        user.write({"company_id": company_2.id})
        assert user.partner_id.company_id == company_2


def test_an_archived_user_has_an_archived_partner_until_reactivated(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        user = env["res.users"].create({"name": "Dormant", "login": "dormant", "active": False})
        assert not user.partner_id.active
        user.write({"active": True})
        assert user.partner_id.active


def test_a_copy_is_named_as_a_copy_and_gets_a_partner_of_its_own(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        user = env["res.users"].create({"name": "Ada", "login": "ada", "email": "ada@example.com"})
        copy = user.copy()
        assert (copy.name, copy.login) == ("Ada (copy)", "ada (copy)")
        assert copy.partner_id != user.partner_id and copy.partner_id.name == "Ada (copy)"
        assert not copy.email  # Odoo: the declared related email is not copied
        partner = env["res.partner"].create({"name": "Grace"})
        named = user.copy({"partner_id": partner.id, "login": "grace"})
        assert (named.partner_id, named.name, named.login) == (partner, "Grace", "grace")
        assert user.copy({"name": "Lin", "login": "lin"}).name == "Lin"


def test_every_partner_field_is_a_user_field_but_the_users_own(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        described = env["res.users"].fields_get(attributes=["type", "related", "relation"])
        for name in ("name", "email", "child_ids", "comment", "parent_id", "phone", "city", "country_id"):
            assert described[name]["related"] == f"partner_id.{name}", name
        for name in ("company_id", "active", "login", "partner_id", "groups_id", "company_ids", "share"):
            assert "related" not in described[name], name
        assert described["child_ids"]["relation"] == "res.partner"
        rows = env["ir.model.fields"].search(
            [("model", "=", "res.users"), ("name", "in", ["comment", "name"])]
        )
        assert sorted(rows.mapped("name")) == ["comment", "name"] and not any(rows.mapped("store"))


def test_users_are_searched_and_sorted_by_their_partners_fields(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env:
        acme = env["res.partner"].create({"name": "Acme", "is_company": True})
        users = env["res.users"].create(
            [
                {"name": "Zed", "login": "a-zed", "city": "Namur", "parent_id": acme.id},
                {"name": "Amy", "login": "z-amy", "city": "Liege"},
                {"name": "Max", "login": "m-max", "city": "Namur"},
            ]
        )
        mine = [("id", "in", users.ids)]
        assert env["res.users"].search(mine).mapped("name") == ["Amy", "Max", "Zed"]  # _order: name, login
        assert env["res.users"].search(mine, order="name desc").mapped("login") == ["a-zed", "m-max", "z-amy"]
        assert env["res.users"].search([*mine, ("city", "=", "Namur")], order="login").mapped("name") == [
            "Zed", "Max",
        ]  # fmt: skip
        assert env["res.users"].search([("parent_id.name", "=", "Acme")]) == users[0]
        groups = env["res.users"].read_group(mine, ["login"], ["city"], orderby="city")
        assert [(g["city"], g["city_count"]) for g in groups] == [("Liege", 1), ("Namur", 2)]


def test_name_and_email_of_a_user_are_read_whatever_its_partners_rules(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as env:
        portal = make_user(env, "portal-reader", groups=["base.group_portal"])
        admin = as_user(env, portal)["res.users"].browse(ADMIN)
        # Odoo declares them related with superuser reads: a user's name and email show.
        assert admin.read(["name", "email", "login"])[0]["name"] == "Administrator"
        assert admin.name == "Administrator"
        # Every other partner field is read as the caller, through the partner's rules.
        with pytest.raises(AccessError):
            admin.read(["comment"])


def test_users_are_searched_by_partner_fields_as_the_caller_reads_them(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as env:
        env["res.users"].browse(ADMIN).write({"comment": "keeps the keys", "city": "Namur"})
        portal = make_user(env, "portal-searcher", groups=["base.group_portal"], city="Namur")
        users = as_user(env, portal)["res.users"]
        # The administrator's name is anyone's to see (and so to search)...
        assert ADMIN in users.search([("name", "=", "Administrator")]).ids
        # ... but not its partner's other fields, which the portal user may not read.
        assert not users.search([("comment", "ilike", "keys")])
        assert users.search([("city", "=", "Namur")]).ids == [portal.id]
        assert env["res.users"].search([("comment", "ilike", "keys")]).ids == [ADMIN]


def test_a_portal_user_reads_its_own_partner_fields_and_login_state(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as env:
        portal = make_user(env, "portal-self", groups=["base.group_portal"], comment="mine")
        me = as_user(env, portal)["res.users"].browse(portal.id)
        fields = ["name", "comment", "child_ids", "login_date", "state", "log_ids"]
        row = me.read(fields)[0]
        values = (row["name"], row["comment"], row["state"], row["log_ids"])
        assert values == ("Portal-Self", "mine", "new", [])
        assert me.search([("state", "=", "new"), ("id", "=", portal.id)]) == me


def test_writing_a_partner_field_of_a_user_needs_write_access_to_the_partner(
    instance: Instance, addon_db: str
) -> None:
    with rollback_env(instance, addon_db) as env:
        manager = make_user(env, "rights-manager", groups=["base.group_erp_manager"])
        target = make_user(env, "target")
        users = as_user(env, manager)["res.users"]
        users.browse(target.id).write({"login": "target-renamed"})  # the user's own field
        with pytest.raises(AccessError):
            users.browse(target.id).write({"comment": "x"})  # res.partner is read-only to them
        with pytest.raises(AccessError):
            users.create({"name": "New", "login": "new"})  # the partner is created as them


def test_a_user_without_a_name_or_partner_is_refused(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db, uid=ADMIN) as env, pytest.raises(ValidationError, match="name"):
        env["res.users"].create({"login": "nameless"})


def _user(instance: Instance, db: str, login: str) -> int:
    with instance.env(db) as env:
        return int(make_user(env, login, password="pw").id)


def test_a_login_sets_login_date_and_makes_the_user_active(instance: Instance, addon_db: str) -> None:
    uid = _user(instance, addon_db, "first-login")
    with instance.env(addon_db) as env:
        user = env["res.users"].browse(uid)
        assert (user.login_date, user.state) == (False, "new")
        assert user in env["res.users"].search([("state", "=", "new")])
    assert auth.authenticate(instance, addon_db, "first-login", "pw") == uid
    with instance.env(addon_db) as env:
        user = env["res.users"].browse(uid)
        assert user.login_date and user.state == "active"
        assert user.read(["state"])[0]["state"] == "active"
        users = env["res.users"]
        assert user in users.search([("state", "=", "active")])
        assert user not in users.search([("state", "=", "new")])
        assert user in users.search([("state", "!=", "new")])
        assert user in users.search([("state", "in", ["new", "active"])])
        assert user not in users.search([("state", "not in", ["active"])])
        first = user.login_date
    auth.authenticate(instance, addon_db, "first-login", "pw")
    with instance.env(addon_db) as env:
        logs = env["res.users.log"].search([("create_uid", "=", uid)])
        assert len(logs) == 2 and env["res.users"].browse(uid).login_date >= first
        env["res.users.log"]._gc_user_logs()
        assert len(env["res.users.log"].search([("create_uid", "=", uid)])) == 1


@pytest.mark.parametrize("instance", ["sqlite"], indirect=True)
def test_a_login_waiting_for_a_writer_is_recorded_once_the_writer_is_done(
    instance: Instance, addon_db: str
) -> None:
    uid = _user(instance, addon_db, "patient")
    holding, release = threading.Event(), threading.Event()

    def write() -> None:
        with instance.env(addon_db) as env:
            env["res.partner"].create({"name": "Slow writer"})
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        assert auth.authenticate(instance, addon_db, "patient", "pw") == uid
        assert time.monotonic() - started < 5  # the login did not wait for the writer
    finally:
        release.set()
        thread.join(30)
    deadline = time.monotonic() + 10
    state: Any = "new"
    while state != "active" and time.monotonic() < deadline:
        time.sleep(0.05)
        with instance.env(addon_db) as env:
            state = env["res.users"].browse(uid).state
    assert state == "active"


def test_name_search_of_users_finds_the_exact_login_first(instance: Instance, addon_db: str) -> None:
    with rollback_env(instance, addon_db) as env:
        exact = make_user(env, "zed", name="Someone Else")
        make_user(env, "zed.two", name="Zed Partner")
        users = env["res.users"]
        # An exact login wins alone, even though names and other logins also match.
        assert users.name_search("zed") == [(exact.id, "Someone Else")]
        found = {i for i, _n in users.name_search("Zed P")}
        assert found == {users.search([("login", "=", "zed.two")]).id}
        # Without an exact login, names match as for any model.
        assert {n for _i, n in users.name_search("Someone")} == {"Someone Else"}
        # A negative operator never short-cuts on the login.
        assert exact.id not in {
            i for i, _n in users.name_search("Someone Else", operator="not ilike", limit=None)
        }
