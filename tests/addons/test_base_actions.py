"""``ir.actions.*``, ``ir.ui.menu`` and reference fields: actions of every kind under one id."""

from __future__ import annotations

from typing import Any

import pytest

from tenantry.exceptions import AccessError, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tests.helpers import rollback_env

ADMIN = 2

KINDS: dict[str, dict[str, Any]] = {
    "ir.actions.act_window": {"res_model": "res.partner"},
    "ir.actions.act_window_close": {},
    "ir.actions.act_url": {"url": "https://example.com"},
    "ir.actions.client": {"tag": "reload"},
    "ir.actions.report": {"model": "res.partner", "report_name": "base.report_partner"},
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_action_of_any_kind_is_an_ir_actions_actions_of_the_same_id(env: Environment, kind: str) -> None:
    action = env[kind].create({"name": "Scratch", **KINDS[kind]})
    shared = env["ir.actions.actions"].browse(action.id)
    assert (shared.type, shared.name, action.type) == (kind, "Scratch", kind)
    action.write({"name": "Renamed", "help": "Some help"})
    assert (shared.name, shared.help) == ("Renamed", "Some help")
    shared.write({"name": "Renamed again"})
    assert action.name == "Renamed again"
    assert env[kind].search([("id", "=", action.id)]) == action


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("side", ["kind", "shared"])
def test_deleting_an_action_on_either_side_deletes_both(env: Environment, kind: str, side: str) -> None:
    action = env[kind].create({"name": "Doomed", **KINDS[kind]})
    shared = env["ir.actions.actions"].browse(action.id)
    (action if side == "kind" else shared).unlink()
    assert not action.exists() and not shared.exists()


def test_ids_are_shared_across_kinds_and_never_chosen_by_the_caller(env: Environment) -> None:
    made = [env[kind].create({"name": kind, **vals, "id": 99999}) for kind, vals in sorted(KINDS.items())]
    ids = [action.id for action in made]
    assert 99999 not in ids and len(set(ids)) == len(ids)
    types = {action.id: action.type for action in env["ir.actions.actions"].browse(ids)}
    assert types == {action.id: action._name for action in made}
    copied = made[0].copy()
    assert copied.id not in ids and env["ir.actions.actions"].browse(copied.id).type == made[0]._name


def test_the_kind_of_an_action_cannot_change(env: Environment) -> None:
    action = env.ref("base.action_partner_form")
    with pytest.raises(UserError, match="cannot change"):
        env["ir.actions.actions"].browse(action.id).write({"type": "ir.actions.act_url"})
    with pytest.raises(UserError, match="cannot change"):
        action.write({"type": "ir.actions.act_url"})


@pytest.mark.parametrize(
    ("kind", "vals"),
    [
        ("ir.actions.act_window", {"res_model": "no.such.model"}),
        ("ir.actions.report", {"model": "no.such.model", "report_name": "x.y"}),
    ],
)
def test_an_action_on_an_unknown_model_is_refused(env: Environment, kind: str, vals: dict[str, str]) -> None:
    before = env["ir.actions.actions"].search_count([])
    with pytest.raises(ValidationError, match="Invalid model name"), env.cr.savepoint():
        env[kind].create({"name": "Broken", **vals})
    assert env["ir.actions.actions"].search_count([]) == before


def test_base_and_sale_demo_ship_odoos_actions_and_reports(env: Environment) -> None:
    partners = env.ref("base.action_partner_form")
    assert (partners._name, partners.res_model, partners.xml_id) == (
        "ir.actions.act_window",
        "res.partner",
        "base.action_partner_form",
    )
    assert env["ir.actions.actions"].browse(partners.id).xml_id == "base.action_partner_form"
    reports = env["ir.actions.report"].search([])
    listed = {(r.model, r.report_name, r.report_type, r.binding_type) for r in reports}
    assert ("res.company", "web.preview_internalreport", "qweb-pdf", "report") in listed
    assert ("sale.order", "sale.report_saleorder", "qweb-pdf", "report") in listed
    order_report = env.ref("sale_demo.action_report_saleorder")
    assert order_report.binding_model_id.model == "sale.order" and order_report.model_id.model == "sale.order"


def test_a_report_is_found_by_template_name_id_or_external_id(env: Environment) -> None:
    reports = env["ir.actions.report"]
    report = env.ref("sale_demo.action_report_saleorder")
    for ref in ("sale.report_saleorder", report.id, "sale_demo.action_report_saleorder", report):
        assert reports._get_report(ref) == report
    for missing in ("wrong_report", 0, 10**9, None, "base.action_partner_form"):
        with pytest.raises(UserError, match="not found"):
            reports._get_report(missing)
    order = env["sale.order"].search([], limit=1)
    action = report.report_action(order.ids)
    assert (action["type"], action["report_name"], action["context"]["active_ids"]) == (
        "ir.actions.report",
        "sale.report_saleorder",
        order.ids,
    )


def test_a_users_home_action_is_any_action(instance: Instance, template: str) -> None:
    with rollback_env(instance, template, uid=ADMIN) as env:
        call_kw(env, "res.users", "write", [[ADMIN], {"action_id": 1}], {})
        [row] = call_kw(env, "res.users", "read", [[ADMIN], ["action_id"]], {})
        first = env["ir.actions.actions"].browse(1)
        assert row["action_id"] == (1, first.name)
        call_kw(env, "res.users", "write", [[ADMIN], {"action_id": False}], {})
        assert not env["res.users"].browse(ADMIN).action_id


def test_everyone_reads_actions_and_menus_only_settings_users_change_them(
    instance: Instance, template: str
) -> None:
    with rollback_env(instance, template) as env:
        demo = env["res.users"].search([("login", "=", "demo")])
        for model in ("ir.actions.actions", "ir.actions.act_window", "ir.actions.report", "ir.ui.menu"):
            records = env[model].with_user(demo).search([])
            assert records
            with pytest.raises(AccessError):
                records[:1].write({"name": "Hijacked"})
        with pytest.raises(AccessError):
            env["ir.actions.act_url"].with_user(demo).create({"name": "Phish", "url": "https://evil"})


def test_menus_point_to_actions_through_a_reference(env: Environment) -> None:
    menu = env.ref("base.menu_action_res_users")
    users = env.ref("base.action_res_users")
    assert menu.action == users and menu.read(["action"])[0]["action"] == f"ir.actions.act_window,{users.id}"
    assert menu.complete_name == "Settings/Users & Companies/Users" == menu.display_name
    assert env["ir.ui.menu"].search([("action", "=", f"ir.actions.act_window,{users.id}")]) == menu
    described = env["ir.ui.menu"].fields_get(["action"])["action"]
    assert described["type"] == "reference"
    assert ["ir.actions.act_window", "ir.actions.act_window"] in described["selection"]


@pytest.mark.parametrize(
    "value",
    [
        "res.partner,1",  # a model the field does not allow
        "no.such,1",
        "ir.actions.act_window",  # no id
        "ir.actions.act_window,abc",
        "ir.actions.act_window,-3",
        42,
        ["ir.actions.act_window", 1],
    ],
)
def test_a_reference_takes_model_comma_id_of_an_allowed_model(env: Environment, value: Any) -> None:
    with pytest.raises(ValidationError), env.cr.savepoint():
        env["ir.ui.menu"].create({"name": "Bad", "action": value})


def test_a_reference_is_written_from_text_or_a_record_and_emptied(env: Environment) -> None:
    action = env.ref("base.action_partner_form")
    menu = env["ir.ui.menu"].create({"name": "Contacts", "action": f"ir.actions.act_window, {action.id}"})
    assert menu.action == action
    menu.write({"action": env.ref("base.action_report_internalpreview")})
    assert menu.read(["action"])[0]["action"].startswith("ir.actions.report,")
    menu.write({"action": False})
    assert menu.action is False and menu.read(["action"])[0]["action"] is False


def test_menus_cannot_loop(env: Environment) -> None:
    top = env.ref("base.menu_administration")
    with pytest.raises(ValidationError, match="recursive menus"), env.cr.savepoint():
        top.write({"parent_id": env.ref("base.menu_action_res_users").id})
