"""``filtered_domain`` reads as the caller: it is no oracle on data the caller may not read.

It was one: values were read in superuser mode, so a portal user could test
``database.uuid`` one character at a time, or learn which web sessions and
other-company records exist. Every test here goes through ``call_kw`` (the RPC
entry point) in the caller's environment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tenantry.exceptions import AccessError, MissingError
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tests.security.helpers import as_user, grant, make_rule, make_user


@pytest.fixture
def world(env: Environment) -> dict[str, Any]:
    """A portal user and an internal user of the main company, and data neither may read."""
    other = env["res.company"].create({"name": "Other Co"})
    hidden = env["res.partner"].create({"name": "Secret Supplier", "company_id": other.id, "email": "s@x"})
    shown = env["res.partner"].create({"name": "Shared Supplier", "email": "t@x"})
    grant(env, "test.thing", perms="r")
    grant(env, "test.tag", perms="r")
    things = env["test.thing"].create(
        [
            {"name": "to hidden", "partner_id": hidden.id, "company_id": other.id},
            {"name": "to shown", "partner_id": shown.id},
        ]
    )
    now = dt.datetime(2024, 1, 1)
    session = env["ir.sessions"].create(
        {
            "sid_hash": "h" * 64, "uid": 2, "login": "admin", "db": env.dbname, "csrf_token": "c",
            "created": now, "last_used": now, "expires": now,
        }
    )  # fmt: skip
    return {
        "portal": make_user(env, "portal_fd", ["base.group_portal"]),
        "internal": make_user(env, "internal_fd", ["base.group_user"]),
        "uuid": env["ir.config_parameter"].search([("key", "=", "database.uuid")]),
        "session": session,
        "hidden": hidden,
        "shown": shown,
        "things": things,
    }


def _call(env: Environment, user: Any, model: str, ids: list[int], domain: list[Any]) -> list[int]:
    result: list[int] = call_kw(as_user(env, user), model, "filtered_domain", [ids, domain], {})
    return result


# Each case: a model, the ids to filter and a domain whose answer would tell something.
UNREADABLE: dict[str, Any] = {
    "config parameter value (no ACL)": ("ir.config_parameter", "uuid", [("value", "=like", "%")]),
    "web session login (superuser-only model)": ("ir.sessions", "session", [("login", "=", "admin")]),
    "existence only (no field read)": ("ir.sessions", "session", [("id", "!=", 0)]),
    "other-company partner (record rule)": ("res.partner", "hidden", [("name", "=like", "S%")]),
    "other-company partner, id only": ("res.partner", "hidden", [("id", "!=", 0)]),
    "path through a forbidden partner": ("test.thing", "things", [("partner_id.name", "=like", "S%")]),
    "negated path": ("test.thing", "things", ["!", ("partner_id.email", "=", "s@x")]),
}


@pytest.mark.parametrize("login", ["portal", "internal"])
@pytest.mark.parametrize("case", list(UNREADABLE.values()), ids=list(UNREADABLE))
def test_filtered_domain_refuses_what_the_caller_may_not_read(
    env: Environment, world: dict[str, Any], login: str, case: tuple[str, str, list[Any]]
) -> None:
    model, key, domain = case
    with pytest.raises(AccessError):
        _call(env, world[login], model, world[key].ids, domain)


def test_filtered_domain_answers_on_readable_records_as_search_does(
    env: Environment, world: dict[str, Any]
) -> None:
    shown, hidden = world["shown"], world["hidden"]
    readable = world["things"].filtered(lambda t: t.partner_id == shown)
    assert _call(env, world["internal"], "res.partner", shown.ids, [("name", "=like", "Sh%")]) == shown.ids
    assert _call(env, world["internal"], "res.partner", shown.ids, [("name", "=like", "S%c%")]) == []
    domain = [("partner_id.name", "=like", "Sh%")]
    assert _call(env, world["internal"], "test.thing", readable.ids, domain) == readable.ids
    assert hidden.exists()  # the superuser still sees everything, as the test oracle needs
    both = env["res.partner"].browse([shown.id, hidden.id])
    assert both.filtered_domain([("name", "=like", "Se%")]) == hidden


def test_filtered_domain_on_x2many_sees_only_the_related_records_the_caller_may_read(
    env: Environment, world: dict[str, Any]
) -> None:
    red, blue = env["test.tag"].create([{"name": "red"}, {"name": "blue"}])
    make_rule(env, "test.tag", "[('name', '!=', 'blue')]")
    thing = env["test.thing"].create({"name": "tagged", "tag_ids": [(6, 0, [red.id, blue.id])]})
    user = world["internal"]
    assert _call(env, user, "test.thing", thing.ids, [("tag_ids.name", "=", "red")]) == thing.ids
    assert _call(env, user, "test.thing", thing.ids, [("tag_ids.name", "=", "blue")]) == []
    assert _call(env, user, "test.thing", thing.ids, [("tag_ids", "in", [blue.id])]) == []


def test_filtered_domain_refuses_fields_outside_the_callers_groups(
    env: Environment, world: dict[str, Any]
) -> None:
    with pytest.raises(AccessError, match="secret"):
        _call(env, world["internal"], "test.thing", world["things"].ids, [("secret", "=", False)])


def test_filtered_domain_on_deleted_ids_is_a_missing_error(env: Environment, world: dict[str, Any]) -> None:
    gone = env["res.partner"].create({"name": "Gone"})
    ids = gone.ids
    gone.unlink()
    with pytest.raises(MissingError):
        _call(env, world["internal"], "res.partner", ids, [("name", "=", "Gone")])


# -- searches: a domain may not lead into a model the caller may not read --------------------

INTO_UNREADABLE = {
    "path": [("category_id.description", "=like", "%")],
    "any": [("category_id", "any", [("description", "!=", False)])],
    "not any": [("category_id", "not any", [("description", "=", False)])],
    "name": [("category_id", "=", "Sales")],
    "hierarchy": [("category_id", "child_of", 1)],
    "inside a sub-domain": [("users", "any", [("groups_id.category_id.name", "!=", False)])],
}
"""Domains on ``res.groups`` (portal users may read it) reading ``ir.module.category``
(they may not): Odoo's sub-searches check the comodel's read access."""

ENTRY_POINTS = {
    "search": lambda domain: ("search", [domain]),
    "search_count": lambda domain: ("search_count", [domain]),
    "search_read": lambda domain: ("search_read", [domain, ["name"]]),
    "read_group": lambda domain: ("read_group", [domain, ["share"], ["share"]]),
    "name_search": lambda domain: ("name_search", ["", domain]),
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))
@pytest.mark.parametrize("domain", list(INTO_UNREADABLE.values()), ids=list(INTO_UNREADABLE))
def test_searches_refuse_domains_leading_into_models_the_caller_may_not_read(
    env: Environment, world: dict[str, Any], domain: list[Any], entry: Any
) -> None:
    method, args = entry(domain)
    portal = as_user(env, world["portal"])
    with pytest.raises(AccessError, match=r"not allowed to access 'Application' \(ir\.module\.category\)"):
        call_kw(portal, "res.groups", method, args, {})
    # An internal user may read applications: the same domain is fine.
    call_kw(as_user(env, world["internal"]), "res.groups", method, args, {})


def test_filtered_domain_refuses_a_domain_into_an_unreadable_model_even_without_targets(
    env: Environment, world: dict[str, Any]
) -> None:
    lonely = env["res.groups"].create({"name": "No Application"})
    with pytest.raises(AccessError):
        _call(env, world["portal"], "res.groups", lonely.ids, INTO_UNREADABLE["path"])
