"""Rule text reads records as the superuser: what it may read, and what its errors may show.

``user`` in a rule's ``domain_force`` is the current user as the superuser sees it, and
every record reachable from it too. So:

- fields no one may read (``groups="."``: API key hashes, ``res.partner.vault`` of the
  test addon) are refused by name, however they are reached (attribute, subscript, a
  path through other users), with an error that shows no value;
- an error about a rule (when it is saved, when it applies, in an explanation, in the
  lint) never shows a value the text read from a record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from tenantry.domain import safe_eval
from tenantry.exceptions import AccessError, TenantryError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment
from tenantry.rpc.call import call_kw
from tenantry.security.data import changed
from tenantry.security.explain import explain
from tenantry.security.lint import lint
from tests.security.helpers import as_user, grant, make_rule, make_user

SECRET = "vault-8d1f-secret"
LOGIN = "login-5e2c-private"

NO_ONE_READS = {
    "attribute": "[('name', '=', user.partner_id.vault)]",
    "subscript": "[('name', '=', user.partner_id['vault'])]",
    "through other users": "[('name', '=', user.groups_id[0].users[0].partner_id.vault)]",
    "as a field name": "[(user.partner_id.vault, '=', 1)]",
    "as a dict key": "[('name', '=', {'x': 1}[user.partner_id.vault])]",
}
"""Rule texts reaching a ``groups="."`` field of a record reachable from ``user``."""

SHOWN_IN_ERRORS = {
    "as a field name": "[(user.login, '=', 1)]",
    "as a value of the wrong type": "[('id', '=', user.login)]",
    "as a dict key": "[('name', '=', {'x': 1}[user.login])]",
    "in a type error": "[('name', '=', user.groups_id + user.login)]",
    "in a sub-domain": "[('parent_id', 'any', [(user.login, '=', 1)])]",
}
"""Rule texts that fail with a value read from a record (the user's login) in hand."""


@pytest.fixture
def people(env: Environment) -> dict[str, Any]:
    """An access-rights manager and an internal user, both with the secret in their partner."""
    manager = make_user(env, LOGIN, ["base.group_erp_manager", "base.group_no_one"])
    clerk = make_user(env, LOGIN + "-clerk", ["base.group_user", "base.group_no_one"])
    for user in (manager, clerk, *env["res.users"].with_context(active_test=False).search([])):
        user.partner_id.write({"vault": SECRET})
    return {"manager": manager, "clerk": clerk}


def _rule_values(env: Environment, text: str) -> dict[str, Any]:
    return {
        "name": "probe rule",
        "model_id": env["ir.model"]._get_id("res.partner"),
        "domain_force": text,
    }


def _force_rule(env: Environment, text: str) -> Any:
    """A rule with ``text``, written behind the ORM's back (as the lint's docstring says can happen)."""
    rule = env["ir.rule"].create(_rule_values(env, "[(1, '=', 1)]"))
    table = env.registry["ir.rule"]._table_obj
    env.cr.conn.execute(sa.update(table).where(table.c.id == rule.id).values(domain_force=text))
    env.cr.invalidate()
    changed(env)
    return rule


def _saved(env: Environment, people: dict[str, Any], text: str) -> None:
    call_kw(as_user(env, people["manager"]), "ir.rule", "create", [_rule_values(env, text)], {})


def _applied(env: Environment, people: dict[str, Any], text: str) -> None:
    _force_rule(env, text)
    call_kw(as_user(env, people["clerk"]), "res.partner", "search", [[]], {})


def _explained(env: Environment, people: dict[str, Any], text: str) -> None:
    _force_rule(env, text)
    clerk = people["clerk"]
    call_kw(as_user(env, clerk), "res.users", "explain_access", [clerk.ids, "res.partner", "read", 1], {})


def _linted(env: Environment, people: dict[str, Any], text: str) -> None:
    _force_rule(env, text)
    findings = [f for f in lint(env) if f.rules == ("probe rule",)]
    assert findings, "the lint reports the rule"
    raise ValidationError(" ".join(str(f.to_dict()) for f in findings))


ENTRY_POINTS: dict[str, Callable[[Environment, dict[str, Any], str], None]] = {
    "saving the rule": _saved,
    "a search it applies to": _applied,
    "an explanation": _explained,
    "the lint": _linted,
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))
@pytest.mark.parametrize("text", list(NO_ONE_READS.values()), ids=list(NO_ONE_READS))
def test_rule_text_cannot_read_fields_no_one_may_read(
    env: Environment, people: dict[str, Any], text: str, entry: Callable[..., None]
) -> None:
    with pytest.raises(ValidationError) as caught:
        entry(env, people, text)
    message = str(caught.value)
    assert SECRET not in message
    assert "res.partner.vault" in message


@pytest.mark.parametrize("entry", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))
@pytest.mark.parametrize("text", list(SHOWN_IN_ERRORS.values()), ids=list(SHOWN_IN_ERRORS))
def test_errors_about_a_rule_never_show_values_read_from_records(
    env: Environment, people: dict[str, Any], text: str, entry: Callable[..., None]
) -> None:
    with pytest.raises(TenantryError) as caught:
        entry(env, people, text)
    message = str(caught.value)
    assert LOGIN not in message and "__system__" not in message
    assert "user.login" in message  # the text as written is shown


def test_errors_of_rule_text_reading_no_record_keep_their_detail(
    env: Environment, people: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match="unknown field 'nope'"):
        _saved(env, people, "[('nope', '=', company_id)]")
    with pytest.raises(ValidationError, match="KeyError: 'k'"):
        _saved(env, people, "[('name', '=', {'x': 1}['k'])]")


def test_every_field_no_one_may_read_is_refused_to_expressions(instance: Instance, env: Environment) -> None:
    """The class: each ``groups="."`` field of every model, by attribute and by subscript."""
    hidden = [
        (model, name)
        for model in env.registry.models
        if not env[model]._abstract
        for name, field in env[model]._fields.items()
        if (field.groups or "").strip() == "." or field.write_only
    ]
    assert ("res.partner", "vault") in hidden and ("res.users", "password") in hidden
    for model, name in hidden:
        record = env[model].search([], limit=1) or env[model].browse(1)
        for text in (f"record.{name}", f"record[{name!r}]"):
            with pytest.raises(ValidationError, match=f"may not access {model}.{name}"):
                safe_eval(text, {"record": record})


def test_readable_fields_still_work_in_rule_text(env: Environment, people: dict[str, Any]) -> None:
    clerk = people["clerk"]
    mine = _force_rule(env, "[('id', '=', user['partner_id'].id)]")
    assert mine
    found = call_kw(as_user(env, clerk), "res.partner", "search", [[]], {})
    assert found == clerk.partner_id.ids
    assert ("id", "=", clerk.partner_id.id) in explain(env, clerk.id, "res.partner", "read").domain


# -- the rule error's record names ------------------------------------------------------------


@pytest.mark.parametrize("groups", [".", "base.group_system"])
def test_the_rule_error_names_records_only_by_a_field_the_user_may_read(
    env: Environment, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, groups: str
) -> None:
    """Odoo shows the refused records' display names to technical users; not when the
    name is a field they may not read (here ``test.thing`` named after its ``secret``)."""
    things = type(env["test.thing"])
    monkeypatch.setattr(things, "_rec_name", "secret")
    monkeypatch.setattr(things._fields["secret"], "groups", groups)
    grant(env, "test.thing", perms="r")
    make_rule(env, "test.thing", "[('flag', '=', True)]")
    thing = env["test.thing"].create({"name": "thing", "secret": SECRET, "flag": False})
    with pytest.raises(AccessError, match="Blame the following rules") as caught:
        call_kw(as_user(env, people["clerk"]), "test.thing", "read", [thing.ids, ["name"]], {})
    assert SECRET not in str(caught.value)
    assert f"test.thing,{thing.id} (test.thing: {thing.id})" in str(caught.value)
    monkeypatch.setattr(things._fields["secret"], "groups", None)
    with pytest.raises(AccessError) as caught:
        call_kw(as_user(env, people["clerk"]), "test.thing", "read", [thing.ids, ["name"]], {})
    assert f"{SECRET} (test.thing: {thing.id})" in str(caught.value)  # Odoo's behaviour otherwise


@pytest.mark.parametrize("groups", [".", "base.group_system"])
def test_many2one_names_are_not_read_from_a_field_the_user_may_not_read(
    env: Environment, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, groups: str
) -> None:
    """``read`` and ``read_group`` show a many2one target's display name (as the superuser,
    as Odoo does), but not one made of a field the user may not read."""
    things = type(env["test.thing"])
    monkeypatch.setattr(things, "_rec_name", "secret")
    monkeypatch.setattr(things._fields["secret"], "groups", groups)
    grant(env, "test.thing", perms="r")
    parent = env["test.thing"].create({"name": "parent", "secret": SECRET})
    child = env["test.thing"].create({"name": "child", "parent_id": parent.id})
    clerk = as_user(env, people["clerk"])
    [row] = call_kw(clerk, "test.thing", "read", [child.ids, ["parent_id"]], {})
    assert row["parent_id"] == (parent.id, f"test.thing,{parent.id}")
    grouped = call_kw(clerk, "test.thing", "read_group", [[("id", "=", child.id)], [], ["parent_id"]], {})
    assert grouped[0]["parent_id"] == (parent.id, f"test.thing,{parent.id}")
    assert SECRET not in repr(call_kw(clerk, "test.thing", "search_read", [[], ["parent_id"]], {}))
