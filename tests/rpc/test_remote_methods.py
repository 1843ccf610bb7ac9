"""What RPC can call, and that each entry point runs as the caller.

The list of methods ``call_kw`` accepts is pinned for a database with every shipped
addon: a new public method is a new entry point reachable by every user, so adding
one means adding it here, after checking that it reads and writes only what its
caller may.
"""

from __future__ import annotations

import datetime as dt
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tenantry.exceptions import AccessError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw, remote_methods
from tenantry.web import ServerConfig
from tests.security.helpers import as_user, grant, make_user
from tests.web.conftest import Serve, serve  # noqa: F401  (the module-scoped fixture)

SHIPPED = [
    "sale", "sale_demo", "access_apps", "access_restricted", "access_settings_menu",
    "hidden_admin", "ir_rule_protected", "saas_portal", "saas_server",
]  # fmt: skip

COMMON = {
    "browse_records", "check_access_rights", "check_access_rule", "copy", "copy_data", "create",
    "default_get", "exists", "fields_get", "filtered_domain", "name_create", "name_get",
    "name_search", "read", "read_group", "search", "search_count", "search_read", "unlink", "write",
}  # fmt: skip
"""The recordset API every model has (tenantry/orm)."""

EXTRA: dict[str, set[str]] = {
    "base.language.install": {"lang_install", "switch_lang"},
    "ir.actions.act_url": set(),
    "ir.actions.act_window": set(),
    "ir.actions.act_window_close": set(),
    "ir.actions.actions": set(),
    "ir.actions.client": set(),
    "ir.actions.report": {"report_action"},
    "ir.attachment": {"check"},
    "ir.autovacuum": set(),
    "ir.config_parameter": {"get_param", "set_param"},
    "ir.cron": set(),
    "ir.model": set(),
    "ir.model.access": {"check"},
    "ir.model.data": {"check_object_reference"},
    "ir.model.fields": set(),
    "ir.module.category": set(),
    "ir.module.module": {f"button_immediate_{verb}" for verb in ("install", "uninstall", "upgrade")},
    "ir.rule": set(),
    "ir.sequence": {"next_by_code", "next_by_id"},  # read access and the rules; the counter only
    "ir.sessions": set(),
    "ir.ui.menu": set(),
    "ir.ui.view": set(),
    "mail.followers": set(),
    "mail.thread": {"message_subscribe", "message_unsubscribe"},
    "product.product": set(),
    "res.company": set(),
    "res.country": set(),
    "res.country.state": set(),
    "res.groups": set(),
    "res.lang": {"get_installed"},
    "res.partner": {"message_subscribe", "message_unsubscribe"},
    "res.users": {
        "api_key_wizard", "change_password", "context_get", "explain_access", "has_group", "has_groups",
    },
    "res.users.apikeys": {"generate", "list_keys", "revoke"},
    "res.users.apikeys.description": {"check_access_make_key", "make_key"},
    "res.users.apikeys.show": set(),
    "res.users.identitycheck": {"run_check"},
    "res.users.log": set(),
    # saas_portal: every method runs as the caller; those needing a server refuse for now.
    "saas.config": {"do_upgrade_database", "execute_action"},
    "saas.config.param": set(),
    "saas_portal.audit": set(),
    "saas_portal.audit.mixin": set(),
    "saas_portal.client": {
        "action_backup", "action_block", "action_configure", "action_delete", "action_login", "action_move",
        "action_sync", "action_unblock",
    },
    "saas_portal.create_client": {"action_create"},
    "saas_portal.database": {"action_login"},
    "saas_portal.plan": {
        "action_confirm", "action_create_client", "action_create_template", "action_draft",
        "action_sync_server", "action_template_login", "create_new_database",
    },
    "saas_portal.server": {"action_sync_server"},
    "saas_server.client": set(),
    "saas_server.request": set(),
    "sale.order": {"action_cancel", "action_confirm", "message_subscribe", "message_unsubscribe"},
    "sale.order.line": set(),
}
"""Each model of the shipped addons and its own remote methods, reviewed one by one."""


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """An instance whose database ``all`` has every shipped addon."""
    inst = Instance(f"sqlite:///{Path(tmp_path_factory.mktemp('shipped')) / 'data'}")
    inst.create_database("all", modules=SHIPPED)
    yield inst
    inst.close()


def test_the_methods_callable_remotely_are_exactly_the_reviewed_ones(shipped: Instance) -> None:
    with shipped.env("all") as env:
        found = {(model, name) for model in env.registry.models for name in remote_methods(env[model])}
    expected = {(model, name) for model, extra in EXTRA.items() for name in COMMON | extra}
    assert sorted(found - expected) == [], "new remote methods: review them, then list them in EXTRA"
    assert sorted(expected - found) == [], "remote methods gone: remove them from EXTRA"


def test_call_kw_refuses_every_other_attribute(env: Environment) -> None:
    user = as_user(env, make_user(env, "plain"))
    for name in ("sudo", "with_user", "with_env", "browse", "mapped", "filtered", "sorted", "ids", "_fields"):
        with pytest.raises((AttributeError, AccessError)):
            call_kw(user, "res.partner", name, [[]], {})


# -- callers ---------------------------------------------------------------------------------


@pytest.fixture
def people(env: Environment) -> dict[str, Any]:
    """A portal user, an internal user without any manager group, and one of another company."""
    other = env["res.company"].create({"name": "Elsewhere"})
    now = dt.datetime(2024, 1, 1)
    session = {
        "sid_hash": "s" * 64, "uid": 2, "login": "admin", "db": env.dbname, "csrf_token": "c",
        "created": now, "last_used": now, "expires": now,
    }  # fmt: skip
    return {
        "portal": make_user(env, "rm_portal", ["base.group_portal"]),
        "internal": make_user(env, "rm_internal", ["base.group_user"]),
        "public": make_user(env, "rm_public", ["base.group_public"]),
        "stranger": make_user(env, "rm_stranger", ["base.group_portal"], company=other),
        "session": env["ir.sessions"].create(session),
        "hidden": env["res.partner"].create({"name": "Hidden Co", "company_id": other.id}),
    }


CALLERS = ["portal", "internal"]


def _as(env: Environment, people: dict[str, Any], who: str) -> Environment:
    return as_user(env, people[who])


# -- exists, browse_records ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["exists", "browse_records"])
@pytest.mark.parametrize("who", CALLERS)
def test_existence_is_not_told_on_models_the_caller_may_not_read(
    env: Environment, people: dict[str, Any], who: str, method: str
) -> None:
    user = _as(env, people, who)
    uuid = env["ir.config_parameter"].search([("key", "=", "database.uuid")])
    for model, ids in (("ir.sessions", people["session"].ids), ("ir.config_parameter", uuid.ids)):
        with pytest.raises(AccessError, match="not allowed to access"):
            call_kw(user, model, method, [ids], {})


def test_existence_of_records_hidden_by_rules_is_told_as_odoo_does(
    env: Environment, people: dict[str, Any]
) -> None:
    """Odoo's ``exists`` ignores record rules; ``read`` tells the same apart (AccessError vs
    MissingError), so the records a user may not read but whose model they may are reported."""
    hidden = people["hidden"]
    gone = env["res.partner"].create({"name": "Gone"})
    gone_id = gone.id
    gone.unlink()
    user = _as(env, people, "internal")
    assert call_kw(user, "res.partner", "exists", [[hidden.id, gone_id]], {}) == [hidden.id]
    assert call_kw(user, "res.partner", "browse_records", [[hidden.id, gone_id]], {}) == [hidden.id]


# -- has_group, has_groups --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["has_group", "has_groups"])
@pytest.mark.parametrize("who", ["portal", "public"])
def test_external_users_may_ask_about_their_own_groups_only(
    env: Environment, people: dict[str, Any], who: str, method: str
) -> None:
    me = people[who]
    user = _as(env, people, who)
    mine = "base.group_portal" if who == "portal" else "base.group_public"
    assert call_kw(user, "res.users", method, [me.ids, mine], {}) is True
    assert call_kw(user, "res.users", method, [me.ids, "base.group_system"], {}) is False
    with pytest.raises(AccessError, match="with your current user"):
        call_kw(user, "res.users", method, [[2], "base.group_system"], {})


@pytest.mark.parametrize("method", ["has_group", "has_groups"])
def test_internal_users_may_ask_about_users_they_may_read(
    env: Environment, people: dict[str, Any], method: str
) -> None:
    user = _as(env, people, "internal")
    assert call_kw(user, "res.users", method, [[2], "base.group_system"], {}) is True
    assert call_kw(user, "res.users", method, [people["portal"].ids, "base.group_portal"], {}) is True
    # A portal user of another company is out of the internal user's reach (record rule).
    with pytest.raises(AccessError):
        call_kw(user, "res.users", method, [people["stranger"].ids, "base.group_portal"], {})


def test_has_group_wants_an_external_id(env: Environment, people: dict[str, Any]) -> None:
    me = people["internal"]
    with pytest.raises(ValidationError):
        call_kw(_as(env, people, "internal"), "res.users", "has_group", [me.ids, ["base.group_user"]], {})


# -- check_object_reference ----------------------------------------------------------------------


@pytest.mark.parametrize("raise_on_access_error", [False, True])
@pytest.mark.parametrize("who", CALLERS)
def test_check_object_reference_needs_read_access_to_the_model(
    env: Environment, people: dict[str, Any], who: str, raise_on_access_error: bool
) -> None:
    """``ir.sessions`` and ``ir.config_parameter`` have no ACL row for these users; the
    external id of such a record is refused (Odoo searches the record as the caller)."""
    env["ir.model.data"]._remember("test_rm", "a_session", "ir.sessions", people["session"].id, False)
    user = _as(env, people, who)
    with pytest.raises(AccessError):
        args = ["test_rm", "a_session", raise_on_access_error]
        call_kw(user, "ir.model.data", "check_object_reference", args, {})


@pytest.mark.parametrize("who", CALLERS)
def test_check_object_reference_hides_the_id_of_a_record_the_rules_keep_out(
    env: Environment, people: dict[str, Any], who: str
) -> None:
    env["ir.model.data"]._remember("test_rm", "hidden_co", "res.partner", people["hidden"].id, False)
    user = _as(env, people, who)
    args = ["test_rm", "hidden_co"]
    assert call_kw(user, "ir.model.data", "check_object_reference", args, {}) == ["res.partner", False]
    with pytest.raises(AccessError, match=r"Not enough access rights on the external ID 'test_rm\.hidden_co"):
        call_kw(user, "ir.model.data", "check_object_reference", [*args, True], {})
    assert call_kw(user, "ir.model.data", "check_object_reference", ["base", "user_admin"], {}) == [
        "res.users",
        2,
    ]


# -- the other entry points, as the caller -------------------------------------------------------


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize(
    ("model", "method", "args"),
    [
        ("ir.config_parameter", "get_param", ["database.uuid"]),
        ("ir.config_parameter", "set_param", ["database.uuid", "mine"]),
        ("res.partner", "name_get", ["hidden"]),
        ("res.partner", "copy", ["hidden"]),
        ("res.partner", "copy_data", ["hidden"]),
        ("res.partner", "check_access_rule", ["hidden", "read"]),
        ("ir.sessions", "read_group", [[], ["login"], ["login"]]),
        ("ir.sessions", "name_search", ["admin"]),
        ("ir.sessions", "search_count", [[("login", "=", "admin")]]),
        ("ir.module.module", "button_immediate_uninstall", ["module"]),
    ],
)
def test_entry_points_refuse_what_the_caller_may_not_read_or_do(
    env: Environment, people: dict[str, Any], who: str, model: str, method: str, args: list[Any]
) -> None:
    module = env["ir.module.module"].search([("name", "=", "sale_demo")])
    ids = {"hidden": people["hidden"].ids, "module": module.ids}
    args = [ids.get(a, a) if isinstance(a, str) else a for a in args]
    with pytest.raises(AccessError):
        call_kw(_as(env, people, who), model, method, args, {})
    assert env["ir.config_parameter"].get_param("database.uuid") != "mine"


@pytest.mark.parametrize("who", ["portal", "public"])
def test_only_internal_users_make_api_keys(env: Environment, people: dict[str, Any], who: str) -> None:
    with pytest.raises(AccessError, match="Only internal users can create API keys"):
        call_kw(_as(env, people, who), "res.users.apikeys", "generate", ["mine"], {})
    assert not env["res.users.apikeys"].search([("user_id", "=", people[who].id)])


def test_api_key_methods_touch_only_the_callers_keys(env: Environment, people: dict[str, Any]) -> None:
    grant(env, "res.users.apikeys", "base.group_user", perms="r")
    admin_key = env["res.users.apikeys"]._generate_for(2, "admin script")
    assert admin_key
    user = _as(env, people, "internal")
    mine = call_kw(user, "res.users.apikeys", "generate", ["mine"], {})
    listed = call_kw(user, "res.users.apikeys", "list_keys", [], {})
    assert [row["name"] for row in listed] == ["mine"]
    others = env["res.users.apikeys"].search([("user_id", "=", 2)])
    with pytest.raises(AccessError):
        call_kw(user, "res.users.apikeys", "revoke", [others.ids], {})
    for field in ("key_hash", "prefix"):
        with pytest.raises(AccessError):
            call_kw(user, "res.users.apikeys", "read", [[listed[0]["id"]], [field]], {})
    assert mine not in repr(call_kw(user, "res.users.apikeys", "search_read", [[]], {}))


def test_creating_a_company_changes_no_partner_the_caller_named(
    env: Environment, people: dict[str, Any]
) -> None:
    """A company's own new partner joins it; a partner given by the caller is left as it is
    (the change is made in superuser mode: it must not reach the caller's choice)."""
    manager = as_user(env, make_user(env, "rm_manager", ["base.group_erp_manager"]))
    loose = env["res.partner"].create({"name": "Loose"})
    named = call_kw(manager, "res.company", "create", [{"name": "NamedCo", "partner_id": loose.id}], {})
    made = call_kw(manager, "res.company", "create", [{"name": "MadeCo"}], {})
    assert not loose.company_id
    new_partner = env["res.company"].browse(made).partner_id
    assert new_partner != loose and new_partner.company_id.id == made and named != made


# -- over the wire -----------------------------------------------------------------------------


def test_a_portal_user_gets_access_errors_over_xmlrpc(
    serve: Serve,  # noqa: F811
    instance: Instance,
    fresh_db: str,
) -> None:
    with instance.env(fresh_db) as env:
        make_user(env, "wire_portal", ["base.group_portal"], password="portal-pw")
        uuid_id = env["ir.config_parameter"].search([("key", "=", "database.uuid")]).id
    live = serve(instance, ServerConfig())
    common = xmlrpc.client.ServerProxy(f"{live.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{live.url}/xmlrpc/2/object")
    try:
        uid = common.authenticate(fresh_db, "wire_portal", "portal-pw", {})
        assert isinstance(uid, int) and uid > 2
        calls: list[tuple[str, str, list[Any]]] = [
            ("ir.config_parameter", "filtered_domain", [[uuid_id], [("value", "=like", "%")]]),
            ("ir.config_parameter", "exists", [[uuid_id]]),
            ("res.users", "has_group", [[2], "base.group_system"]),
        ]
        for model, method, args in calls:
            with pytest.raises(xmlrpc.client.Fault) as caught:
                models.execute_kw(fresh_db, uid, "portal-pw", model, method, args)
            assert caught.value.faultCode == 4, (method, caught.value.faultString)
        mine = [[uid], "base.group_portal"]
        assert models.execute_kw(fresh_db, uid, "portal-pw", "res.users", "has_group", mine)
    finally:
        common("close")()
        models("close")()


@pytest.mark.parametrize(
    "args",
    [["read", [1, 2]], ["read", "res.partner"], ["read", 7], ["delete", None], [["read"], None], [None, {}]],
)
def test_attachment_check_refuses_values_of_any_other_shape(
    env: Environment, people: dict[str, Any], args: list[Any]
) -> None:
    with pytest.raises(ValidationError):
        call_kw(as_user(env, people["internal"]), "ir.attachment", "check", args, {})
