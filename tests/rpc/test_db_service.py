"""The ``db`` service: open methods, master-password methods, and refusals."""

from __future__ import annotations

import base64
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenantry.exceptions import AccessDenied, DatabaseNotFound, MissingError, UserError
from tenantry.instance import Instance
from tenantry.rpc import master
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.rpc.faults import to_jsonrpc_error, to_xmlrpc_fault

CONFIG = RpcConfig(master_password="master")


@pytest.fixture
def names(instance: Instance, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Names for databases this test creates (``s-`` prefixed), dropped afterwards."""
    base = f"s-rpcdb-{abs(hash(request.node.nodeid)) % 10**6}"
    made = [f"{base}-{i}" for i in range(3)]
    yield made
    for name in made:
        if instance.exists(name):
            instance.drop_database(name)


def db(instance: Instance, method: str, *params: object, config: RpcConfig = CONFIG) -> object:
    return dispatch_rpc(instance, config, "db", method, list(params))


def test_open_methods_need_no_password(instance: Instance, template: str) -> None:
    assert template in db(instance, "list")  # type: ignore[operator]
    assert db(instance, "db_exist", template) is True
    assert db(instance, "db_exist", "s-no-such-db") is False
    assert db(instance, "server_version") == "17.0"
    assert ["en_US", "English (US)"] in db(instance, "list_lang")  # type: ignore[operator]


def test_list_applies_the_db_filter(instance: Instance, template: str) -> None:
    config = RpcConfig(db_filter=lambda name: name == template)
    assert db(instance, "list", config=config) == [template]


def test_create_duplicate_dump_restore_drop(instance: Instance, names: list[str]) -> None:
    first, second, third = names
    assert db(instance, "create_database", "master", first, False, "en_US", "secret", "boss") is True
    uid = dispatch_rpc(instance, CONFIG, "common", "login", [first, "boss", "secret"])
    assert isinstance(uid, int)
    assert db(instance, "duplicate_database", "master", first, second) is True
    assert dispatch_rpc(instance, CONFIG, "common", "login", [second, "boss", "secret"]) == uid
    dump = db(instance, "dump", "master", first, "zip")
    assert isinstance(dump, str) and base64.b64decode(dump)
    assert db(instance, "restore", "master", third, dump, True) is True
    assert dispatch_rpc(instance, CONFIG, "common", "login", [third, "boss", "secret"]) == uid
    assert db(instance, "drop", "master", first) is True
    assert db(instance, "drop", "master", first) is False
    assert first not in db(instance, "list")  # type: ignore[operator]


def test_management_methods_act_on_the_whole_instance_whatever_the_db_filter(
    instance: Instance, names: list[str]
) -> None:
    # The seed's set-up step 2: from the portal's host (^%h$ lets it see only itself),
    # the operator creates, copies, backs up and drops other databases with the master password.
    first, second, third = names
    config = RpcConfig(master_password="master", db_filter=lambda name: name == "portal.example.com")
    assert db(instance, "create_database", "master", first, False, "en_US", config=config) is True
    assert db(instance, "duplicate_database", "master", first, second, config=config) is True
    dump = db(instance, "dump", "master", second, "zip", config=config)
    assert db(instance, "restore", "master", third, dump, config=config) is True
    assert all(instance.exists(name) for name in names)
    assert db(instance, "list", config=config) == []  # the listing still honours the filter
    assert [db(instance, "drop", "master", name, config=config) for name in names] == [True] * 3
    assert not any(instance.exists(name) for name in names)


@pytest.mark.parametrize(
    "config",
    [
        RpcConfig(master_password="master"),
        RpcConfig(master_password=None),
        RpcConfig(master_password="master", list_db=False),
    ],
    ids=["wrong-password", "no-master-password", "no-database-list"],
)
def test_management_is_refused_with_fault_3(instance: Instance, names: list[str], config: RpcConfig) -> None:
    password = "wrong" if config.master_password else "master"
    if not config.list_db:
        password = "master"
    for method, params in (
        ("create_database", [names[0], False, "en_US"]),
        ("drop", [names[0]]),
        ("dump", [names[0], "zip"]),
        ("duplicate_database", [names[0], names[1]]),
        ("restore", [names[0], "AAAA"]),
        ("change_admin_password", ["new"]),
    ):
        with pytest.raises(AccessDenied) as caught:
            db(instance, method, password, *params, config=config)
        assert to_xmlrpc_fault(caught.value).faultCode == 3
    assert not instance.exists(names[0])


def test_listing_is_refused_without_database_list(instance: Instance) -> None:
    with pytest.raises(AccessDenied):
        db(instance, "list", config=RpcConfig(master_password="master", list_db=False))


def test_change_admin_password_is_kept_in_the_master_password_file(
    instance: Instance, tmp_path: Path
) -> None:
    path = tmp_path / "conf" / "master-password"
    config = RpcConfig(master_password="master", master_password_file=path)
    assert db(instance, "change_admin_password", "master", "newer", config=config) is True
    stored = path.read_text()
    assert stored.startswith("$argon2") and "newer" not in stored
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(AccessDenied):  # the file now wins over --master-password
        db(instance, "change_admin_password", "master", "again", config=config)
    # Another worker, or the server after a restart: the same settings, a fresh process state.
    other = RpcConfig(master_password="master", master_password_file=path)
    assert db(instance, "drop", "newer", "s-rpcdb-never-made", config=other) is False
    assert db(instance, "change_admin_password", "newer", "again", config=other) is True
    assert master.current_master_password(config) != stored.strip()


def test_an_absent_or_empty_master_password_file_falls_back_to_the_configured_one(
    instance: Instance, tmp_path: Path
) -> None:
    path = tmp_path / "master-password"
    config = RpcConfig(master_password="master", master_password_file=path)
    assert db(instance, "drop", "master", "s-rpcdb-never-made", config=config) is False
    path.write_text("\n")
    assert db(instance, "drop", "master", "s-rpcdb-never-made", config=config) is False
    path.write_text("written by hand\n")  # a plain password an operator put there
    assert db(instance, "drop", "written by hand", "s-rpcdb-never-made", config=config) is False
    with pytest.raises(AccessDenied):
        db(instance, "drop", "master", "s-rpcdb-never-made", config=config)


def test_change_admin_password_needs_a_file_and_a_password(instance: Instance, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="master-password-file"):
        db(instance, "change_admin_password", "master", "newer")
    config = RpcConfig(master_password="master", master_password_file=tmp_path / "master-password")
    for empty in ("", "   "):
        with pytest.raises(UserError, match="empty passwords"):
            db(instance, "change_admin_password", "master", empty, config=config)
    assert not config.master_password_file.exists()  # type: ignore[union-attr]


def test_an_unwritable_master_password_file_is_a_clear_error(instance: Instance, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    config = RpcConfig(master_password="master", master_password_file=blocker / "master-password")
    with pytest.raises(UserError, match="Cannot write the master password file"):
        db(instance, "change_admin_password", "master", "newer", config=config)
    assert db(instance, "drop", "master", "s-rpcdb-never-made", config=config) is False


def test_list_countries_needs_the_master_password_only(instance: Instance) -> None:
    countries = db(instance, "list_countries", "master")
    assert isinstance(countries, list) and ["BE", "Belgium"] in countries
    assert countries == sorted(countries, key=lambda country: country[1])
    assert all(len(code) == 2 and code.isupper() for code, _ in countries)
    with pytest.raises(AccessDenied):
        db(instance, "list_countries", "wrong")
    with pytest.raises(AccessDenied):
        db(instance, "list_countries", "master", config=RpcConfig())
    # Odoo checks the master password only: not a management method, so not list_db.
    assert db(instance, "list_countries", "master", config=RpcConfig(master_password="master", list_db=False))
    with pytest.raises(TypeError):
        db(instance, "list_countries", "master", "extra")


@pytest.mark.parametrize("missing", ["s-rpcdb-no-such-db", "Not a valid name!"])
def test_login_on_a_missing_database_is_fault_1_as_in_odoo(instance: Instance, missing: str) -> None:
    for method, params in (
        ("login", [missing, "admin", "admin"]),
        ("authenticate", [missing, "admin", "admin", {}]),
    ):
        with pytest.raises(DatabaseNotFound) as caught:
            dispatch_rpc(instance, CONFIG, "common", method, params)
        fault = to_xmlrpc_fault(caught.value)
        assert fault.faultCode == 1 and f'database "{missing}" does not exist' in fault.faultString
        error = to_jsonrpc_error(caught.value)
        assert error["code"] == 200 and error["data"]["name"] == "psycopg2.OperationalError"
    with pytest.raises(DatabaseNotFound):
        dispatch_rpc(
            instance, CONFIG, "object", "execute_kw", [missing, 2, "admin", "res.partner", "search", [[]]]
        )


def test_a_missing_record_is_still_fault_2(instance: Instance, template: str) -> None:
    uid = dispatch_rpc(instance, CONFIG, "common", "login", [template, "admin", "admin"])
    with pytest.raises(MissingError) as caught:
        dispatch_rpc(
            instance,
            CONFIG,
            "object",
            "execute_kw",
            [template, uid, "admin", "res.partner", "write", [[10**9], {}]],
        )
    assert to_xmlrpc_fault(caught.value).faultCode == 2


def test_the_db_filter_refuses_before_existence_is_told(instance: Instance) -> None:
    config = RpcConfig(db_filter=lambda name: name == "s-only-this")
    with pytest.raises(AccessDenied):
        dispatch_rpc(instance, config, "common", "login", ["s-rpcdb-no-such-db", "admin", "admin"])


def test_argon2_master_password_hashes_are_accepted(instance: Instance, names: list[str]) -> None:
    from tenantry.security.passwords import hash_password

    config = RpcConfig(master_password=hash_password("master"))
    assert db(instance, "drop", "master", names[0], config=config) is False
    with pytest.raises(AccessDenied):
        db(instance, "drop", "$argon2", names[0], config=config)
