"""The password hash is a column of ``res_users`` that no field maps, as Odoo's ``password``.

It used to be a field (``groups='.'``) that rule text could reach through the superuser
record ``user`` (``user.groups_id[1].users[0].password_hash`` came back in the error
message). Now no ORM path names it: not read, write, create, copy, search, ordering,
read_group, fields_get, explanations, rule text, ``filtered_domain`` or ``mapped``;
only the credential code reads and writes it, in SQL. Logging in, changing the
password, API keys and rehashing are in ``test_auth.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tenantry.exceptions import TenantryError, ValidationError
from tenantry.instance import Instance
from tenantry.modules.installer import reflect_models
from tenantry.orm.environment import Environment
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.security import auth
from tenantry.security.passwords import verify_password

ADMIN = 2
HASH = "password_hash"

# (model, method, args, kwargs, whether it names the hash and so must be refused)
RPC_CALLS: list[tuple[str, str, list[Any], dict[str, Any], bool]] = [
    ("res.users", "read", [[ADMIN], [HASH]], {}, True),
    ("res.users", "read", [[ADMIN]], {}, False),
    ("res.users", "search_read", [[("id", "=", ADMIN)]], {}, False),
    ("res.users", "search_read", [[(HASH, "!=", False)]], {"fields": ["login"]}, True),
    ("res.users", "search", [[(HASH, "like", "argon")]], {}, True),
    ("res.users", "search_count", [[(HASH, "=like", "%argon%")]], {}, True),
    ("res.users", "search", [[]], {"order": HASH}, True),
    ("res.users", "read_group", [[], [HASH], [HASH]], {}, True),
    ("res.users", "read_group", [[], ["login"], ["login"]], {"orderby": HASH}, True),
    ("res.users", "fields_get", [], {}, False),
    ("res.users", "fields_get", [[HASH]], {}, False),
    ("res.users", "default_get", [[HASH]], {}, False),
    ("res.users", "name_search", ["argon"], {}, False),
    ("res.users", "explain_access", ["res.users", "read", ADMIN], {}, False),
    ("res.users", "write", [[ADMIN], {HASH: "forged-hash"}], {}, True),
    ("res.users", "create", [{"name": "X", "login": "x-forged", HASH: "forged-hash"}], {}, True),
    ("res.users", "copy", [ADMIN, {"login": "copy-forged", HASH: "forged-hash"}], {}, True),
    ("res.users", "search_read", [[(f"groups_id.users.{HASH}", "!=", False)]], {"fields": ["login"]}, True),
    ("res.partner", "search_read", [[(f"user_ids.{HASH}", "!=", False)]], {"fields": ["name"]}, True),
    ("res.groups", "read_group", [[], ["name"], [f"users.{HASH}"]], {}, True),
]  # fmt: skip


def _stored_hash(env: Environment, uid: int) -> str:
    table = env.registry["res.users"]._table_obj
    value = env.cr.conn.execute(sa.select(table.c[HASH]).where(table.c.id == uid)).scalar()
    return str(value or "")


def test_no_field_holds_the_hash_but_a_column_does(env: Environment) -> None:
    users = env["res.users"]
    assert HASH not in users._fields
    assert not [name for name in users.fields_get() if "hash" in name]
    assert not env["ir.model.fields"].search([("model", "=", "res.users"), ("name", "=", HASH)])
    user = users.create({"name": "Hashed", "login": "hashed", "password": "s3cret"})
    stored = _stored_hash(env, user.id)
    assert stored.startswith("$argon2") and verify_password(stored, "s3cret")
    assert user._password_hash() == stored
    with pytest.raises(AttributeError):
        user.password_hash  # noqa: B018
    with pytest.raises(ValidationError):
        users.sudo().search([]).filtered_domain([(HASH, "!=", False)])
    with pytest.raises((KeyError, ValidationError)):
        users.sudo().search([]).mapped(HASH)


def test_no_rpc_method_reaches_the_hash(instance: Instance, fresh_db: str) -> None:
    with instance.env(fresh_db) as env:
        stored = _stored_hash(env, ADMIN)
    assert stored.startswith("$argon2")
    leaks, unrefused = [], []
    for model, method, args, kwargs, names_it in RPC_CALLS:
        params = [fresh_db, ADMIN, "admin", model, method, args, kwargs]
        try:
            answer: Any = dispatch_rpc(instance, RpcConfig(), "object", "execute_kw", params)
        except TenantryError as exc:
            answer = exc.message
        else:
            if names_it:
                unrefused.append((model, method, args))
        if stored in repr(answer) or "$argon2" in repr(answer):
            leaks.append((model, method, args))
    assert leaks == [] and unrefused == []
    with instance.env(fresh_db) as env:
        assert _stored_hash(env, ADMIN) == stored
        assert not env["res.users"].with_context(active_test=False).search([("login", "like", "forged")])


@pytest.mark.parametrize(
    "domain",
    [
        f"[('id', '=', user.{HASH})]",
        f"[('login', '=', user.groups_id[1].users[0].{HASH})]",
        f"[('login', '=', user.partner_id.user_ids[0].{HASH})]",
        f"[('{HASH}', '!=', False)]",
        f"[('create_uid.{HASH}', '!=', False)]",
    ],
)
def test_rule_text_cannot_reach_the_hash(env: Environment, domain: str) -> None:
    stored = _stored_hash(env, ADMIN)
    model = env["ir.model"].search([("model", "=", "res.users")])
    with pytest.raises(ValidationError) as refused:
        env["ir.rule"].create({"name": "leak", "model_id": model.id, "domain_force": domain})
    assert stored not in str(refused.value) and "$argon2" not in str(refused.value)


def test_a_copied_user_does_not_get_the_password(instance: Instance, fresh_db: str) -> None:
    with instance.env(fresh_db) as env:
        demo = env["res.users"].search([("login", "=", "demo")])
        copy = demo.copy({"login": "demo-copy"})
        assert copy._password_hash() == ""
    auth.forget(instance)
    with pytest.raises(TenantryError):
        auth.authenticate(instance, fresh_db, "demo-copy", "demo")


def test_the_hash_column_survives_an_addon_uninstall(instance: Instance, fresh_db: str) -> None:
    """hidden_admin adds a column to res_users: uninstalling it rebuilds the table (SQLite)
    or drops the columns the registry lacks (PostgreSQL); the hash is in the registry's tables."""
    instance.install_modules(fresh_db, ["hidden_admin"])
    instance.uninstall_modules(fresh_db, ["hidden_admin"])
    auth.forget(instance)
    assert auth.authenticate(instance, fresh_db, "admin", "admin") == ADMIN


def test_reflecting_base_again_forgets_the_old_hash_field(env: Environment) -> None:
    """Databases made when the hash was a field lose its ``ir.model.fields`` row on upgrade."""
    model = env["ir.model"].search([("model", "=", "res.users")])
    row = env["ir.model.fields"].create(
        {"name": HASH, "model": "res.users", "model_id": model.id, "ttype": "char", "modules": "base",
         "field_description": "Password Hash", "groups": "."}
    )  # fmt: skip
    xmlid = {"module": "base", "name": f"field_res_users__{HASH}", "model": "ir.model.fields"}
    env["ir.model.data"].create({**xmlid, "res_id": row.id})
    kept = env["ir.model.fields"].search([("model", "=", "res.users"), ("name", "=", "login")])
    reflect_models(env, "base")
    assert not row.exists() and kept.exists()
    assert not env["ir.model.data"].search([(k, "=", v) for k, v in xmlid.items()])
