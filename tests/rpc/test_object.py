"""``common`` and ``object`` through ``dispatch_rpc``, on both backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from tenantry.db import retry
from tenantry.exceptions import AccessDenied, AccessError, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.rpc import services
from tenantry.rpc.config import MethodNotFound, RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.rpc.faults import to_xmlrpc_fault
from tenantry.security import auth

CONFIG = RpcConfig()


class Client:
    """``execute_kw`` as the admin of ``db``."""

    def __init__(self, instance: Instance, db: str, login: str = "admin", password: str = "admin") -> None:
        self.instance, self.db, self.password = instance, db, password
        self.uid = dispatch_rpc(instance, CONFIG, "common", "authenticate", [db, login, password, {}])
        assert isinstance(self.uid, int)

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        params = [self.db, self.uid, self.password, model, method, list(args), kwargs]
        return dispatch_rpc(self.instance, CONFIG, "object", "execute_kw", params)


@pytest.fixture
def admin(instance: Instance, template: str) -> Client:
    return Client(instance, template)


@pytest.fixture
def fresh_admin(instance: Instance, fresh_db: str) -> Iterator[Client]:
    with instance.env(fresh_db) as env:  # the test addons ship no ACLs: open them to everyone
        for model in ("test.thing", "test.tag", "test.line"):
            env["ir.model.access"].create(
                {
                    "name": f"rpc tests {model}",
                    "model_id": env["ir.model"].search([("model", "=", model)]).id,
                    "perm_read": True,
                    "perm_write": True,
                    "perm_create": True,
                    "perm_unlink": True,
                }
            )
    yield Client(instance, fresh_db)
    auth.forget(instance, fresh_db)


def walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def test_version_has_odoos_shape(instance: Instance) -> None:
    assert dispatch_rpc(instance, CONFIG, "common", "version", []) == {
        "server_version": "17.0",
        "server_version_info": [17, 0, 0, "final", 0, ""],
        "server_serie": "17.0",
        "protocol_version": 1,
    }
    assert isinstance(dispatch_rpc(instance, CONFIG, "common", "about", []), str)


def test_authenticate_returns_uid_or_false(instance: Instance, template: str) -> None:
    uid = dispatch_rpc(instance, CONFIG, "common", "authenticate", [template, "demo", "demo", {}])
    assert isinstance(uid, int) and uid > 1
    assert dispatch_rpc(instance, CONFIG, "common", "login", [template, "demo", "demo"]) == uid
    bad = dispatch_rpc(instance, CONFIG, "common", "authenticate", [template, "demo", "wrong", {}])
    assert bad is False
    assert dispatch_rpc(instance, CONFIG, "common", "login", [template, "nobody", "x"]) is False


def test_db_filter_refuses_other_databases(instance: Instance, template: str) -> None:
    config = RpcConfig(db_filter=lambda name: name == "other")
    with pytest.raises(AccessDenied):
        dispatch_rpc(instance, config, "common", "login", [template, "admin", "admin"])
    with pytest.raises(AccessDenied):
        dispatch_rpc(
            instance, config, "object", "execute", [template, 2, "admin", "res.partner", "search", []]
        )


def test_unknown_service_and_methods_are_fault_1(instance: Instance, admin: Client) -> None:
    with pytest.raises(MethodNotFound):
        dispatch_rpc(instance, CONFIG, "report", "render", [])
    with pytest.raises(MethodNotFound) as caught:
        dispatch_rpc(instance, CONFIG, "common", "nope", [])
    assert to_xmlrpc_fault(caught.value).faultCode == 1
    with pytest.raises(AttributeError):
        admin("res.partner", "no_such_method", [])
    with pytest.raises(AttributeError):
        admin("res.partner", "sudo", [])


def test_crud_through_execute_kw(fresh_admin: Client) -> None:
    rpc = fresh_admin
    one = rpc("res.partner", "create", {"name": "RPC One"})
    assert isinstance(one, int)
    many = rpc("res.partner", "create", [{"name": "RPC Two"}, {"name": "RPC Three"}])
    assert isinstance(many, list) and len(many) == 2
    ids = rpc("res.partner", "search", [("name", "like", "RPC ")], order="id")
    assert ids == [one, *many]
    assert rpc("res.partner", "search_count", [("name", "like", "RPC ")]) == 3
    assert rpc("res.partner", "write", [one], {"name": "RPC Uno"}) is True
    [row] = rpc("res.partner", "read", [one], ["name"])
    assert row == {"id": one, "name": "RPC Uno"}
    assert rpc("res.partner", "unlink", many) is True
    assert rpc("res.partner", "search", [("name", "like", "RPC ")]) == [one]
    # execute: positional arguments only
    params = [rpc.db, rpc.uid, rpc.password, "res.partner", "search", [("id", "=", one)]]
    assert dispatch_rpc(rpc.instance, CONFIG, "object", "execute", params) == [one]


def test_context_comes_only_from_kwargs(fresh_admin: Client) -> None:
    rpc = fresh_admin
    tag = rpc("test.tag", "create", {"name": "archived", "active": False})
    assert rpc("test.tag", "search", [("id", "=", tag)]) == []
    assert rpc("test.tag", "search", [("id", "=", tag)], context={"active_test": False}) == [tag]


def test_read_marshals_values_for_the_wire(fresh_admin: Client) -> None:
    rpc = fresh_admin
    partner = rpc("res.partner", "create", {"name": "Wire Partner"})
    thing = rpc(
        "test.thing",
        "create",
        {
            "name": "wired",
            "day": "2024-02-29",
            "moment": "2024-03-01 12:30:00",
            "partner_id": partner,
        },
    )
    empty = rpc("test.thing", "create", {"name": "empty"})
    fields = ["name", "day", "moment", "partner_id", "parent_id", "tag_ids", "note", "kind"]
    rows = rpc("test.thing", "read", [thing, empty], fields)
    by_id = {row["id"]: row for row in rows}
    assert by_id[thing]["day"] == "2024-02-29"
    assert by_id[thing]["moment"] == "2024-03-01 12:30:00"
    assert by_id[thing]["partner_id"] == [partner, "Wire Partner"]
    assert by_id[empty]["partner_id"] is False
    assert by_id[empty]["day"] is False
    assert by_id[empty]["note"] is False
    assert by_id[empty]["tag_ids"] == []
    classic = rpc("test.thing", "read", [thing], ["partner_id"], load="_classic_write")
    assert classic == [{"id": thing, "partner_id": partner}]
    everything = rpc("test.thing", "search_read", [("id", "in", [thing, empty])])
    everything += [rpc("test.thing", "fields_get"), rpc("res.users", "context_get")]
    for value in walk(everything):
        assert value is not None
        assert not isinstance(value, tuple | dt.date | bytes)


def test_odoorpc_calls(admin: Client) -> None:
    context = dispatch_rpc(
        admin.instance,
        CONFIG,
        "object",
        "execute",
        [admin.db, admin.uid, "admin", "res.users", "context_get"],
    )
    assert context["uid"] == admin.uid and context["lang"]
    assert admin("ir.model", "search", [("model", "=", "res.partner")])
    assert admin("ir.model.data", "check_object_reference", "base", "user_admin", True) == [
        "res.users",
        admin.uid,
    ]


def test_private_methods_are_access_errors_fault_4(admin: Client) -> None:
    for name in ("_search", "init", "__class__"):
        with pytest.raises(AccessError, match=rf"Private methods \(such as {name}\)") as caught:
            admin("res.partner", name, [])
        assert to_xmlrpc_fault(caught.value).faultCode == 4


def test_unknown_model_is_a_user_error(admin: Client) -> None:
    with pytest.raises(UserError, match=r"Object no\.such doesn't exist") as caught:
        admin("no.such", "search", [])
    assert to_xmlrpc_fault(caught.value).faultCode == 2


def test_validation_error_is_fault_2_and_rolls_back(fresh_admin: Client) -> None:
    rpc = fresh_admin
    with pytest.raises(ValidationError) as caught:
        rpc("test.thing", "create", {"name": "too much", "ratio": 5000})
    assert to_xmlrpc_fault(caught.value).faultCode == 2
    assert rpc("test.thing", "search", [("name", "=", "too much")]) == []


def test_bad_credentials_are_access_denied_fault_3(instance: Instance, admin: Client) -> None:
    for uid, password in ((admin.uid, "wrong"), (admin.uid, ""), (False, "admin"), (9999, "admin")):
        params = [admin.db, uid, password, "res.partner", "search", [[]]]
        with pytest.raises(AccessDenied) as caught:
            dispatch_rpc(instance, CONFIG, "object", "execute_kw", params)
        assert to_xmlrpc_fault(caught.value).faultCode == 3


def test_string_uid_is_accepted_like_odoo(instance: Instance, admin: Client) -> None:
    params = [admin.db, str(admin.uid), "admin", "res.users", "context_get", []]
    assert dispatch_rpc(instance, CONFIG, "object", "execute_kw", params)["uid"] == admin.uid


def test_demo_user_is_subject_to_access_rights(instance: Instance, template: str) -> None:
    demo = Client(instance, template, "demo", "demo")
    with pytest.raises(AccessError) as caught:
        demo("res.groups", "create", {"name": "sneaky"})
    assert to_xmlrpc_fault(caught.value).faultCode == 4


def test_serialization_failures_are_retried(
    instance: Instance, admin: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Orig(Exception):
        sqlstate = "40001"

    calls: list[str] = []
    real = services.call_kw

    def flaky(*args: Any) -> Any:
        calls.append("call")
        if len(calls) < 3:
            raise OperationalError("UPDATE ...", {}, Orig("could not serialize access"))
        return real(*args)

    monkeypatch.setattr(services, "call_kw", flaky)
    monkeypatch.setattr(retry, "sleep", lambda seconds: None)
    assert admin("res.users", "context_get")["uid"] == admin.uid
    assert len(calls) == 3


def test_retries_give_up_after_five(
    instance: Instance, admin: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Orig(Exception):
        sqlstate = "40P01"

    calls: list[float] = []

    def deadlocked(*args: Any) -> Any:
        raise OperationalError("UPDATE ...", {}, Orig("deadlock detected"))

    monkeypatch.setattr(services, "call_kw", deadlocked)
    monkeypatch.setattr(retry, "sleep", calls.append)
    with pytest.raises(OperationalError):
        admin("res.users", "context_get")
    assert len(calls) == 5
    assert all(0 <= s <= 2.0 for s in calls)
