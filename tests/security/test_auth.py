"""Logins, rate limiting, rehashing, API keys and the credential cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from tenantry.exceptions import AccessDenied, AccessError
from tenantry.instance import Instance
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.security import auth, passwords


@pytest.fixture
def db(instance: Instance, fresh_db: str) -> Iterator[str]:
    auth.forget(instance)
    yield fresh_db
    auth.forget(instance)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(auth, "clock", lambda: now[0])
    return now


def uid_of(instance: Instance, db: str, login: str) -> int:
    with instance.env(db) as env:
        return int(env["res.users"].search([("login", "=", login)]).id)


def test_authenticate_returns_the_uid(instance: Instance, db: str) -> None:
    assert auth.authenticate(instance, db, "demo", "demo") == uid_of(instance, db, "demo")


@pytest.mark.parametrize(("login", "password"), [("demo", "wrong"), ("nobody", "demo"), ("demo", "")])
def test_bad_credentials_are_access_denied(instance: Instance, db: str, login: str, password: str) -> None:
    with pytest.raises(AccessDenied, match="Access Denied"):
        auth.authenticate(instance, db, login, password)


def test_inactive_users_are_refused(instance: Instance, db: str) -> None:
    uid = uid_of(instance, db, "demo")
    with instance.env(db) as env:
        env["res.users"].browse(uid).write({"active": False})
    with pytest.raises(AccessDenied):
        auth.authenticate(instance, db, "demo", "demo")
    with pytest.raises(AccessDenied):
        auth.check_credentials(instance, db, uid, "demo")


def test_failed_logins_are_rate_limited_per_login_and_address(
    instance: Instance, db: str, clock: list[float]
) -> None:
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(AccessDenied, match="Access Denied"):
            auth.authenticate(instance, db, "demo", "wrong", client_ip="10.0.0.1")
    with pytest.raises(AccessDenied, match="Too many login failures"):
        auth.authenticate(instance, db, "demo", "demo", client_ip="10.0.0.1")
    # another address, another login: not blocked
    assert auth.authenticate(instance, db, "demo", "demo", client_ip="10.0.0.2")
    assert auth.authenticate(instance, db, "admin", "admin", client_ip="10.0.0.1")
    clock[0] += auth.FAILURE_WINDOW + 1
    assert auth.authenticate(instance, db, "demo", "demo", client_ip="10.0.0.1")


def test_rate_limited_rpc_login_is_still_false(instance: Instance, db: str, clock: list[float]) -> None:
    config = RpcConfig()
    for _ in range(auth.MAX_FAILURES + 1):
        params = [db, "demo", "wrong", {}]
        assert dispatch_rpc(instance, config, "common", "authenticate", params, client_ip="1.2.3.4") is False
    assert (
        dispatch_rpc(instance, config, "common", "login", [db, "demo", "demo"], client_ip="1.2.3.4") is False
    )


def test_old_hashes_are_rehashed_on_login(instance: Instance, db: str) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("demo")
    assert passwords.needs_rehash(weak)
    uid = uid_of(instance, db, "demo")
    with instance.env(db) as env:
        env["res.users"].browse(uid)._store_password_hash(weak)
    assert auth.authenticate(instance, db, "demo", "demo") == uid
    with instance.env(db) as env:
        stored = env["res.users"].browse(uid)._password_hash()
    assert stored != weak and not passwords.needs_rehash(stored)
    assert passwords.verify_password(stored, "demo")


def test_credential_checks_are_cached_without_argon2(
    instance: Instance, db: str, monkeypatch: pytest.MonkeyPatch, clock: list[float]
) -> None:
    uid = uid_of(instance, db, "demo")
    calls: list[str] = []
    real = passwords.verify_password

    def counting(stored: str | None, password: str) -> bool:
        calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    auth.check_credentials(instance, db, uid, "demo")
    auth.check_credentials(instance, db, uid, "demo")
    auth.check_credentials(instance, db, uid, "demo")
    assert len(calls) == 1
    with pytest.raises(AccessDenied):  # a wrong password is never served from the cache
        auth.check_credentials(instance, db, uid, "wrong")
    clock[0] += auth.CACHE_TTL + 1
    auth.check_credentials(instance, db, uid, "demo")
    assert len(calls) == 3
    state = auth._state(instance)
    assert all("demo" not in str(key) for key in state.checked)


def test_password_change_invalidates_the_cache(instance: Instance, db: str) -> None:
    uid = uid_of(instance, db, "demo")
    auth.check_credentials(instance, db, uid, "demo")
    with instance.env(db) as env:
        env["res.users"].browse(uid).write({"password": "changed"})
    with pytest.raises(AccessDenied):
        auth.check_credentials(instance, db, uid, "demo")
    auth.check_credentials(instance, db, uid, "changed")


def test_api_keys_replace_passwords_until_revoked(instance: Instance, db: str) -> None:
    uid = uid_of(instance, db, "demo")
    config = RpcConfig()

    def execute(password: str, model: str, method: str, *args: object) -> object:
        params = [db, uid, password, model, method, list(args), {}]
        return dispatch_rpc(instance, config, "object", "execute_kw", params)

    key = execute("demo", "res.users.apikeys", "generate", "backup script")
    assert isinstance(key, str) and len(key) == 40
    assert execute(key, "res.users", "context_get")["uid"] == uid  # type: ignore[index]
    assert dispatch_rpc(instance, config, "common", "authenticate", [db, "demo", key, {}]) == uid
    with pytest.raises(AccessDenied):  # interactive logins want the password
        auth.authenticate(instance, db, "demo", key)
    [listed] = execute(key, "res.users.apikeys", "list_keys")  # type: ignore[misc]
    assert listed["name"] == "backup script" and listed["scope"] == "rpc"
    assert "key_hash" not in listed and "prefix" not in listed
    with pytest.raises(AccessError):  # nobody reads the hashes back, not even through read
        execute(key, "res.users.apikeys", "read", [listed["id"]], ["key_hash"])
    assert execute("demo", "res.users.apikeys", "revoke", [listed["id"]]) is True
    with pytest.raises(AccessDenied):
        execute(key, "res.users", "context_get")
    assert execute("demo", "res.users.apikeys", "list_keys") == []


def test_users_cannot_revoke_others_keys(instance: Instance, db: str) -> None:
    with instance.env(db) as env:
        admin_uid = int(env.ref("base.user_admin").id)
        env["res.users.apikeys"]._generate_for(admin_uid, "admin key")
        key_id = env["res.users.apikeys"].search([("user_id", "=", admin_uid)]).id
    demo = uid_of(instance, db, "demo")
    with instance.env(db, demo) as env, pytest.raises(AccessError):
        env["res.users.apikeys"].browse(key_id).revoke()


@pytest.mark.parametrize(
    "password",
    [None, False, True, 0, 1.5, "", [], ["demo"], {}, {"demo": "demo"}, b"demo", "\ud800", "demo\ud800"],
)
def test_anything_but_a_password_string_is_access_denied(
    instance: Instance, db: str, password: object
) -> None:
    uid = uid_of(instance, db, "demo")
    with pytest.raises(AccessDenied):
        auth.authenticate(instance, db, "demo", password)
    with pytest.raises(AccessDenied):
        auth.check_credentials(instance, db, uid, password)


@pytest.mark.parametrize(
    "uid", [None, False, True, 0, -1, 2.0, "", "x", " 2", "2 ", "+2", "\u0662", [2], {"id": 2}, 2**31, 10**30]
)
def test_anything_but_a_user_id_is_access_denied(instance: Instance, db: str, uid: object) -> None:
    with pytest.raises(AccessDenied):
        auth.check_credentials(instance, db, uid, "admin")


@pytest.mark.parametrize("login", [None, False, 0, "", [], {}, ["demo"], "demo\x00", "\ud800"])
def test_anything_but_a_login_string_is_access_denied(instance: Instance, db: str, login: object) -> None:
    with pytest.raises(AccessDenied):
        auth.authenticate(instance, db, login, "demo")


def test_a_success_does_not_clear_the_failures(instance: Instance, db: str, clock: list[float]) -> None:
    """Else a call passing its own check (an API key) would reset the count of its guesses."""
    uid = uid_of(instance, db, "demo")
    for _ in range(auth.MAX_FAILURES - 1):
        with pytest.raises(AccessDenied, match="Access Denied"):
            auth.check_credentials(instance, db, uid, "wrong", client_ip="10.0.0.1")
    assert auth.authenticate(instance, db, "demo", "demo", client_ip="10.0.0.1") == uid
    with pytest.raises(AccessDenied, match="Access Denied"):
        auth.authenticate(instance, db, "demo", "wrong", client_ip="10.0.0.1")
    with pytest.raises(AccessDenied, match="Too many login failures"):
        auth.check_credentials(instance, db, uid, "demo", client_ip="10.0.0.1")
    clock[0] += auth.FAILURE_WINDOW + 1
    auth.check_credentials(instance, db, uid, "demo", client_ip="10.0.0.1")


def test_a_cached_check_is_refused_while_locked_out(instance: Instance, db: str, clock: list[float]) -> None:
    uid = uid_of(instance, db, "demo")
    auth.check_credentials(instance, db, uid, "demo", client_ip="10.0.0.1")  # cached from now on
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(AccessDenied):
            auth.authenticate(instance, db, "demo", "wrong", client_ip="10.0.0.1")
    with pytest.raises(AccessDenied, match="Too many login failures"):
        auth.check_credentials(instance, db, uid, "demo", client_ip="10.0.0.1")
    auth.check_credentials(instance, db, uid, "demo", client_ip="10.0.0.2")  # another address


def test_change_password_outside_a_request_is_limited_too(instance: Instance, db: str) -> None:
    """Model code run from a shell or a script counts under no address, but counts."""
    uid = uid_of(instance, db, "demo")
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(AccessDenied, match="Access Denied"), instance.env(db, uid) as env:
            env["res.users"].change_password("wrong", "n3w")
    with pytest.raises(AccessDenied, match="Too many login failures"), instance.env(db, uid) as env:
        env["res.users"].change_password("demo", "n3w")
    with instance.env(db) as env:
        assert passwords.verify_password(env["res.users"].browse(uid)._password_hash(), "demo")


def test_stale_failure_counters_are_swept(
    instance: Instance, db: str, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "_PRUNE_ABOVE", 3)
    for n in range(4):
        with pytest.raises(AccessDenied):
            auth.authenticate(instance, db, f"nobody-{n}", "x")
    clock[0] += auth.FAILURE_WINDOW + 1
    with pytest.raises(AccessDenied):
        auth.authenticate(instance, db, "nobody-new", "x")
    assert [key[1] for key in auth._state(instance).failures] == ["nobody-new"]
