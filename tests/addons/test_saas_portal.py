"""saas_portal: servers, plans, templates, clients, their security and the audit trail."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.testing import rollback_env
from tenantry.views import visible_menus
from tests.addons.conftest import ADMIN
from tests.security.helpers import make_user

ADDONS = ["saas_portal"]
OPERATOR = "saas_portal.group_saas_portal_operator"
NOT_CONNECTED = "not connected to a server yet"


@pytest.fixture
def su(instance: Instance, addon_db: str) -> Iterator[Environment]:
    with rollback_env(instance, addon_db) as env:
        yield env


def _setup(env: Environment, **plan: Any) -> tuple[Any, Any, Any]:
    """A ready server, an open template and a plan using them (as superuser)."""
    server = env["saas_portal.server"].create(
        {"name": "s1.example.com", "url": "http://s1.example.com:8069", "state": "ready"}
    )
    template = env["saas_portal.database"].create(
        {"name": "t1.example.com", "server_id": server.id, "state": "open"}
    )
    values = {"name": "Basic", "template_id": template.id, "dbname_template": "demo-%i.example.com", **plan}
    return server, template, env["saas_portal.plan"].create(values)


def _operator(env: Environment, login: str = "op") -> Any:
    return make_user(env, login, groups=[OPERATOR])


def test_install_makes_groups_menus_and_an_admin_manager(su: Environment) -> None:
    admin = su["res.users"].browse(ADMIN)
    assert admin.has_group("saas_portal.group_saas_portal_manager")
    operator, clerk = _operator(su), make_user(su, "clerk")
    names = lambda env: [m.name for m in visible_menus(env)]  # noqa: E731
    assert "SaaS" in names(su(user=operator.id))
    assert "SaaS" not in names(su(user=clerk.id))
    saas = next(m for m in visible_menus(su(user=operator.id)) if m.name == "SaaS")
    shown = {c.name for m in saas.children for c in [m, *m.children]}
    assert {"Clients", "Plans", "Templates", "Servers", "Audit Trail"} <= shown


def test_state_changes_and_actions_are_audited_with_who_and_which_database(su: Environment) -> None:
    server, _template, plan = _setup(su)
    operator = _operator(su)
    manager = make_user(su, "mgr", groups=["saas_portal.group_saas_portal_manager"])
    su(user=manager.id)["saas_portal.server"].browse(server.id).write({"state": "unhealthy"})
    su(user=manager.id)["saas_portal.plan"].browse(plan.id).action_confirm()
    entries = su["saas_portal.audit"].search([("user_id", "=", manager.id)])
    assert [(e.action, e.database, e.state_from, e.state_to, e.res_model) for e in entries] == [
        ("state", "t1.example.com", "draft", "confirmed", "saas_portal.plan"),
        ("state", "s1.example.com", "ready", "unhealthy", "saas_portal.server"),
    ]
    created = su["saas_portal.audit"].search([("action", "=", "create"), ("database", "=", "s1.example.com")])
    assert created.user_id.id == 1 and created.state_to == "ready"
    # Operators read it, and nobody changes it: not the operator, not the manager.
    for user in (operator, manager):
        audit = su(user=user.id)["saas_portal.audit"]
        assert len(audit.search([])) >= 3
        with pytest.raises(AccessError):
            audit.browse(entries[0].id).write({"action": "nothing"})
        with pytest.raises(AccessError):
            audit.browse(entries[0].id).unlink()
        with pytest.raises(AccessError):
            audit.create({"action": "forged"})


def test_a_customer_sees_only_their_own_clients_and_published_plans(su: Environment) -> None:
    server, _template, plan = _setup(su, published=True)
    hidden = su["saas_portal.plan"].create({"name": "Internal", "published": False})
    alice, bob = (
        make_user(su, "alice", groups=["base.group_portal"]),
        make_user(su, "bob", groups=["base.group_portal"]),
    )
    clients = su["saas_portal.client"]
    mine = clients.create(
        {
            "name": "a.example.com",
            "plan_id": plan.id,
            "server_id": server.id,
            "partner_id": alice.partner_id.id,
        }
    )
    clients.create(
        {"name": "b.example.com", "plan_id": plan.id, "server_id": server.id, "partner_id": bob.partner_id.id}
    )
    env = su(user=alice.id)
    assert env["saas_portal.client"].search([]) == env["saas_portal.client"].browse(mine.id)
    assert plan.id in env["saas_portal.plan"].search([]).ids
    assert hidden.id not in env["saas_portal.plan"].search([]).ids
    with pytest.raises(AccessError):
        env["saas_portal.server"].search([])
    with pytest.raises(AccessError):
        env["saas_portal.client"].browse(mine.id).write({"max_users": 100})


def test_the_server_secret_is_for_managers_only(su: Environment) -> None:
    server, _template, _plan = _setup(su)
    operator = su(user=_operator(su).id)
    assert "client_secret" not in operator["saas_portal.server"].fields_get()
    with pytest.raises(AccessError):
        operator["saas_portal.server"].browse(server.id).read(["client_secret"])
    assert len(server.client_secret) >= 32 and len(server.client_id) == 36


def test_bad_server_urls_and_names_are_refused(su: Environment) -> None:
    servers = su["saas_portal.server"]
    urls = ("ftp://s1", "http://", "http://u:p@s1", "http://s1/x", "http://s1:99999", "http://s1?a=1")
    for i, url in enumerate(urls):
        with pytest.raises(ValidationError, match="server URL"):
            servers.create({"name": f"s{i}.example.com", "url": url})
    with pytest.raises(ValidationError, match="database name"):
        servers.create({"name": "S9 Example"})


def _prepare(env: Environment, plan_id: int, dbname: Any = False, **kwargs: Any) -> Any:
    plan = env["saas_portal.plan"].browse(plan_id)
    return plan._prepare_client(
        dbname, kwargs.get("user_id", False), kwargs.get("partner_id", False), kwargs.get("trial"), False
    )


def test_client_names_are_validated_reserved_and_unique(su: Environment) -> None:
    _server, _template, plan = _setup(su)
    su["ir.config_parameter"].set_param("saas_portal.base_saas_domain", "example.com")
    env = su(user=_operator(su).id)
    assert _prepare(env, plan.id, "acme").name == "acme.example.com"
    assert _prepare(env, plan.id, "client.odoo.local").name == "client.odoo.local"
    for taken in ("acme", "acme.example.com"):
        with pytest.raises(ValidationError, match="already taken"):
            _prepare(env, plan.id, taken)
    for reserved in ("www", "portal", "s1", "t1.example.com", su.dbname):
        with pytest.raises(ValidationError, match="reserved"):
            _prepare(env, plan.id, reserved)
    for bad in ("-x", "Acme", "a_b", "x" * 64, 7, ["acme"], {"a": 1}):
        with pytest.raises(ValidationError):
            _prepare(env, plan.id, bad)


def test_template_numbering_skips_taken_names(su: Environment) -> None:
    server, _template, plan = _setup(su)
    su["saas_portal.client"].create({"name": "demo-2.example.com", "server_id": server.id})
    env = su(user=_operator(su).id)
    assert [_prepare(env, plan.id).name for _ in range(3)] == [
        "demo-1.example.com", "demo-3.example.com", "demo-4.example.com"
    ]  # fmt: skip
    bare = su["saas_portal.plan"].create({"name": "No names", "template_id": plan.template_id.id})
    with pytest.raises(UserError, match="no database name template"):
        _prepare(env, bare.id)


def test_new_clients_take_the_plans_limits_trial_and_owner(su: Environment) -> None:
    server, _template, plan = _setup(
        su, trial_hours=4, max_users=3, total_storage_limit=500, block_on_expiration=True
    )
    customer = make_user(su, "cust", groups=["base.group_portal"])
    env = su(user=_operator(su).id)
    client = _prepare(env, plan.id, "trial1", user_id=customer.id)
    assert (client.server_id, client.partner_id, client.state, client.trial) == (
        server,
        customer.partner_id,
        "draft",
        True,
    )
    assert (client.max_users, client.total_storage_limit, client.block_on_expiration) == (3, 500, True)
    assert client.expiration_datetime is not None
    assert not _prepare(env, plan.id, "paid1", trial=False).expiration_datetime
    for kwargs in ({"user_id": 10**6}, {"partner_id": 10**6}, {"user_id": "1"}, {"trial": "yes"}):
        with pytest.raises(ValidationError):
            _prepare(env, plan.id, "x1", **kwargs)


def test_placement_uses_the_plans_server_or_the_most_free_ready_one(su: Environment) -> None:
    s1, template, plan = _setup(su)
    servers = su["saas_portal.server"]
    s2 = servers.create({"name": "s2.example.com", "state": "ready", "max_databases": 5})
    s3 = servers.create({"name": "s3.example.com", "state": "ready", "max_databases": 1})
    s1.write({"max_databases": 2})
    env = su(user=_operator(su).id)
    assert _prepare(env, plan.id).server_id == s2  # 5 free
    s2.write({"state": "unhealthy"})
    assert _prepare(env, plan.id).server_id == s1  # s1: 2 free, s3: 1
    assert _prepare(env, plan.id).server_id in (s1, s3)
    _prepare(env, plan.id)
    with pytest.raises(UserError, match="No SaaS server can take a new database"):
        _prepare(env, plan.id)  # s1 and s3 are full, s2 unhealthy
    plan.write({"server_id": s2.id})
    with pytest.raises(UserError, match=r"s2\.example\.com is unhealthy"):
        _prepare(env, plan.id)
    s2.write({"state": "ready"})
    assert _prepare(env, plan.id).server_id == s2
    template.write({"state": "creating"})
    with pytest.raises(UserError, match="is not ready"):
        _prepare(env, plan.id)
    plan.write({"template_id": False})
    with pytest.raises(UserError, match="has no template"):
        _prepare(env, plan.id)


def test_a_plan_caps_databases_per_customer(su: Environment) -> None:
    _server, _template, plan = _setup(su, maximum_allowed_dbs_per_partner=2)
    customer = make_user(su, "cust", groups=["base.group_portal"])
    env = su(user=_operator(su).id)
    first = _prepare(env, plan.id, user_id=customer.id)
    _prepare(env, plan.id, user_id=customer.id)
    with pytest.raises(UserError, match="the limit is 2"):
        _prepare(env, plan.id, user_id=customer.id)
    first.write({"state": "deleted"})
    assert _prepare(env, plan.id, user_id=customer.id).partner_id == customer.partner_id


_CLIENT_ACTIONS = (
    "action_login",
    "action_sync",
    "action_block",
    "action_unblock",
    "action_backup",
    "action_delete",
)


def test_protocol_actions_say_they_are_not_connected_yet(su: Environment) -> None:
    server, template, plan = _setup(su)
    client = su["saas_portal.client"].create(
        {"name": "c.example.com", "server_id": server.id, "state": "open"}
    )
    env = su(user=_operator(su).id)
    calls: list[Callable[[], Any]] = [
        env["saas_portal.server"].browse(server.id).action_sync_server,
        env["saas_portal.plan"].browse(plan.id).action_create_template,
        env["saas_portal.plan"].browse(plan.id).action_template_login,
        env["saas_portal.plan"].browse(plan.id).action_sync_server,
        env["saas_portal.database"].browse(template.id).action_login,
        *(getattr(env["saas_portal.client"].browse(client.id), m) for m in _CLIENT_ACTIONS),
    ]
    for call in calls:
        with pytest.raises(UserError, match=NOT_CONNECTED):
            call()
    wizard = env["saas_portal.client"].browse(client.id).action_configure()
    assert (wizard["res_model"], env["saas.config"].browse(wizard["res_id"]).client_id.id) == (
        "saas.config",
        client.id,
    )
    wizard = env["saas_portal.plan"].browse(plan.id).action_create_client()
    assert env["saas_portal.create_client"].browse(wizard["res_id"]).plan_id.id == plan.id
    config = env["saas.config"]
    with pytest.raises(ValidationError):
        config.do_upgrade_database({"install_addons": ["../x"]}, client.id)
    with pytest.raises(ValidationError):
        config.do_upgrade_database({}, "1")
    with pytest.raises(UserError, match=NOT_CONNECTED):
        config.do_upgrade_database({"params": [{"key": "saas_client.max_users", "value": 2}]}, client.id)


def test_create_new_database_stops_before_the_server_and_leaves_nothing(
    instance: Instance, addon_db: str
) -> None:
    with instance.env(addon_db) as env:
        _server, _template, plan = _setup(env, name="Stopped", dbname_template="stop-%i.example.com")
        plan_id = plan.id
    try:
        with pytest.raises(UserError, match=NOT_CONNECTED), instance.env(addon_db, uid=ADMIN) as env:
            env["saas_portal.plan"].browse(plan_id).create_new_database(dbname="nothing")
        with rollback_env(instance, addon_db) as env:
            assert not env["saas_portal.client"].search([("name", "like", "nothing")])
            assert env["saas_portal.plan"].browse(plan_id).dbname_next_number == 1
    finally:
        _cleanup(instance, addon_db)


def _cleanup(instance: Instance, db: str) -> None:
    with instance.env(db) as env:
        env["saas_portal.client"].search([]).unlink()
        env["saas_portal.plan"].search([]).unlink()
        env["saas_portal.database"].search([]).unlink()
        env["saas_portal.server"].search([]).unlink()


def _in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads started together; results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # the test inspects it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_concurrent_creations_get_unique_numbers_and_one_name_makes_one_client(
    instance: Instance, addon_db: str
) -> None:
    with instance.env(addon_db) as env:
        _server, _template, plan = _setup(env, name="Busy", dbname_template="busy-%i.example.com")
        plan_id = plan.id

    def numbered(_i: int) -> str:
        with instance.env(addon_db, uid=ADMIN) as env:
            return str(_prepare(env, plan_id).name)

    def same(_i: int) -> str:
        with instance.env(addon_db, uid=ADMIN) as env:
            return str(_prepare(env, plan_id, "contested.example.com").name)

    try:
        names = _in_threads(20, numbered)
        assert sorted(names) == sorted(f"busy-{n}.example.com" for n in range(1, 21))
        outcomes = _in_threads(20, same)
        assert outcomes.count("contested.example.com") == 1
        assert all(isinstance(o, ValidationError) for o in outcomes if o != "contested.example.com"), outcomes
        with rollback_env(instance, addon_db) as env:
            assert env["saas_portal.client"].search_count([("name", "=", "contested.example.com")]) == 1
    finally:
        _cleanup(instance, addon_db)


def test_servers_templates_and_clients_never_share_a_name(su: Environment) -> None:
    server, _template, _plan = _setup(su)
    su["saas_portal.client"].create({"name": "c1.example.com", "server_id": server.id})
    for model, name, kind in (
        ("saas_portal.server", "t1.example.com", "template"),
        ("saas_portal.server", "c1.example.com", "client"),
        ("saas_portal.database", "s1.example.com", "server"),
        ("saas_portal.database", "c1.example.com", "client"),
        ("saas_portal.client", "t1.example.com", "template"),
        ("saas_portal.client", "s1.example.com", "server"),
    ):
        with pytest.raises(ValidationError, match=f"already used by a {kind}"), su.cr.savepoint():
            su[model].create({"name": name})
