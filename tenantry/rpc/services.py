"""The three services of Odoo's external API: ``common``, ``object`` and ``db``.

Each method takes the positional parameters of the wire, in Odoo's order, and returns
a wire-ready value (see :mod:`tenantry.rpc.marshal`).
"""

from __future__ import annotations

import base64
import binascii
import csv
import functools
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tenantry.db import validate_name
from tenantry.db.backup import BackupFormat
from tenantry.db.names import is_internal_name, is_valid_name
from tenantry.db.retry import attempts
from tenantry.exceptions import (
    AccessDenied,
    DatabaseBlocked,
    DatabaseNotFound,
    MissingError,
    UserError,
    ValidationError,
)
from tenantry.instance import Instance
from tenantry.rpc import master
from tenantry.rpc.call import call_kw
from tenantry.rpc.config import MethodNotFound, RpcConfig
from tenantry.rpc.marshal import to_wire
from tenantry.rpc.version import LANGUAGES, SERVER_VERSION, version_info
from tenantry.security import auth

__all__ = ["SERVICES", "Service", "version_info"]

_B64_CHUNK = 4 * (1 << 20)  # base64 characters decoded at a time (a multiple of 4)
_INSTANCE, _MASTER = "", "master password"
"""The limiter's key for the master password: no database has an empty name."""

Service = Callable[..., Any]


def check_db(instance: Instance, config: RpcConfig, db: Any) -> str:
    """``db`` if this request may reach it (``AccessDenied`` otherwise).

    A name no database can have fails as a missing database does (``DatabaseNotFound``):
    Odoo only learns either when connecting fails.
    """
    _check_reachable(config, db)
    if not is_valid_name(db) or is_internal_name(db):  # a spare is nobody's to reach
        raise DatabaseNotFound(db)
    return str(db)


def _check_reachable(config: RpcConfig, db: Any) -> None:
    """``AccessDenied`` unless ``db`` is a name the request's host may reach (db-filter)."""
    if not isinstance(db, str) or not db:
        raise AccessDenied()
    if config.db_filter is not None and not config.db_filter(db):
        raise AccessDenied()


def _database_must_exist(service: Service) -> Service:
    """``service`` (whose first parameter is a database), failing as Odoo does on a missing one.

    Odoo opens the registry first and fails connecting: an unexpected error (fault 1,
    ``psycopg2.OperationalError``), not a ``MissingError``. The check costs nothing on
    the way: the storage raises its ``MissingError`` when it opens the database.
    """

    @functools.wraps(service)
    def run(
        instance: Instance, config: RpcConfig, method: str, params: tuple[Any, ...], client_ip: str | None
    ) -> Any:
        try:
            return service(instance, config, method, params, client_ip)
        except MissingError as exc:
            if params and isinstance(params[0], str) and exc.context == {"database": params[0]}:
                raise DatabaseNotFound(params[0]) from None
            raise

    return run


# -- common -------------------------------------------------------------------------------


def common_service(
    instance: Instance, config: RpcConfig, method: str, params: tuple[Any, ...], client_ip: str | None
) -> Any:
    if method == "version":
        return version_info()
    if method == "about":
        extended = bool(params[0]) if params else False
        info = "tenantry: Odoo-compatible multi-tenant platform"
        return [info, SERVER_VERSION] if extended else info
    if method == "set_loglevel":
        return True
    if method in ("login", "authenticate"):
        expected = 3 if method == "login" else 4
        if len(params) != expected:
            raise TypeError(f"common.{method}() takes {expected} positional arguments ({len(params)} given)")
        db, login, password = params[:3]
        check_db(instance, config, db)
        try:
            return auth.authenticate(instance, db, login, password, client_ip=client_ip, api_keys=True)
        except DatabaseBlocked:  # not a wrong password: say why
            raise
        except AccessDenied:
            return False
    raise MethodNotFound(f"Method not found: {method}")


# -- object -------------------------------------------------------------------------------


def object_service(
    instance: Instance, config: RpcConfig, method: str, params: tuple[Any, ...], client_ip: str | None
) -> Any:
    if method == "execute":
        if len(params) < 5:
            raise TypeError("execute(db, uid, password, model, method, *args)")
        db, uid, password, model, name, *args = params
        kwargs: Mapping[str, Any] = {}
    elif method == "execute_kw":
        if len(params) not in (6, 7):
            raise TypeError("execute_kw(db, uid, password, model, method, args, kwargs=None)")
        db, uid, password, model, name, args = params[:6]
        kwargs = params[6] if len(params) == 7 and params[6] else {}
        if not isinstance(args, list | tuple) or not isinstance(kwargs, Mapping):
            raise TypeError("execute_kw: args must be a list and kwargs a dictionary")
    else:
        raise NameError(f"Method not available {method}")
    check_db(instance, config, db)
    return execute(instance, db, uid, password, model, name, list(args), kwargs, client_ip=client_ip)


def execute(
    instance: Instance,
    db: str,
    uid: object,
    password: object,
    model: str,
    method: str,
    args: list[Any],
    kwargs: Mapping[str, Any],
    *,
    client_ip: str | None,
) -> Any:
    """``call_kw`` as ``uid`` once its credentials pass, in one transaction, run again
    when it lost a race with another one (``tenantry.db.retry``).

    The check is not optional, whatever the wire carried (``None``, ``False``, a list...):
    it runs first in the call's own transaction (one BEGIN/COMMIT per call, not two), and
    counts toward the login limiter. Code that already knows its user uses ``Instance.env``.
    """
    user_id = auth.valid_uid(uid)
    for attempt in attempts():
        with attempt, instance.env(db, user_id, optimistic=attempt.optimistic) as env:
            auth.check_credentials_in(instance, env, user_id, password, client_ip=client_ip)
            auth.check_open(env, user_id)
            auth.bind_caller(env, instance, client_ip)
            return to_wire(call_kw(env, model, method, args, kwargs))
    raise AssertionError("unreachable")  # pragma: no cover


# -- db -----------------------------------------------------------------------------------


# The master password's methods act on the whole instance, without the db-filter, as in
# Odoo: the master password is the operator's credential for the cluster.


def check_master_password(
    instance: Instance, config: RpcConfig, password: Any, client_ip: str | None = None
) -> None:
    """``AccessDenied`` unless database management is on and ``password`` is the master password."""
    if not config.list_db:
        raise AccessDenied("Database management functions are disabled (--no-database-list).")
    _check_master(instance, config, password, client_ip)


def _check_master(instance: Instance, config: RpcConfig, password: Any, client_ip: str | None) -> None:
    """The master password check, counted by the login limiter as a login of its own."""
    with auth.attempt(instance, _INSTANCE, _MASTER, client_ip):
        master.check_master_password(config, password)


def db_service(
    instance: Instance, config: RpcConfig, method: str, params: tuple[Any, ...], client_ip: str | None
) -> Any:
    if method == "list":
        if not config.list_db:
            raise AccessDenied()
        names = instance.list_databases()
        return [n for n in names if config.db_filter is None or config.db_filter(n)]
    if method == "db_exist":
        (db,) = params
        try:
            check_db(instance, config, db)
            return instance.exists(db)
        except (AccessDenied, DatabaseNotFound, ValidationError):  # Odoo: False for any name it cannot reach
            return False
    if method == "server_version":
        return SERVER_VERSION
    if method == "list_lang":
        return [list(lang) for lang in LANGUAGES]
    if method == "list_countries":  # master password, but not a management method in Odoo
        if not params:
            raise TypeError("list_countries(master_pwd)")
        _check_master(instance, config, params[0], client_ip)
        if len(params) > 1:
            raise TypeError(f"list_countries() takes 1 positional argument ({len(params)} given)")
        return list_countries(instance)
    handler = _MANAGEMENT.get(method)
    if handler is None:
        raise MethodNotFound(f"Method not found: {method}")
    if not params:
        raise AccessDenied()
    check_master_password(instance, config, params[0], client_ip)
    return handler(instance, config, *params[1:])


def _create_database(
    instance: Instance,
    config: RpcConfig,
    db: str,
    demo: bool,
    lang: Any = "en_US",
    user_password: Any = "admin",
    login: Any = "admin",
    country_code: Any = None,
    phone: Any = None,
) -> bool:
    validate_name(db)
    if instance.exists(db):
        raise UserError(f"database {db!r} already exists!")
    instance.create_database(
        db,
        (),
        admin_password=str(user_password) if user_password else None,
        demo=bool(demo),
        login=str(login) if login else "admin",
        lang=str(lang) if lang else "en_US",
        country_code=str(country_code) if country_code else None,
        phone=str(phone) if phone else None,
    )
    return True


def _duplicate_database(
    instance: Instance, config: RpcConfig, src: str, dst: str, neutralize_database: bool = False
) -> bool:
    validate_name(src)
    validate_name(dst)
    instance.duplicate_database(src, dst)
    return True


def _drop(instance: Instance, config: RpcConfig, db: str) -> bool:
    if not is_valid_name(db) or not instance.exists(db):  # Odoo: False if it is not listed
        return False
    instance.drop_database(db)
    auth.forget(instance, db)
    return True


def _dump(instance: Instance, config: RpcConfig, db: str, backup_format: str = "zip") -> str:
    """Base64 of a backup: Odoo's ``zip`` (SQL, ``manifest.json`` and the filestore; the
    default) or ``dump`` (the backend's native file: ``pg_dump -Fc``, a SQLite file)."""
    validate_name(db)
    fmt = BackupFormat.of(backup_format)
    with _scratch() as directory:
        path = directory / "dump"
        instance.dump_database(db, path, fmt)
        return base64.b64encode(path.read_bytes()).decode("ascii")


def _restore(instance: Instance, config: RpcConfig, db: str, data: str | bytes, copy: bool = False) -> bool:
    validate_name(db)
    if instance.exists(db):
        raise UserError(f"database {db!r} already exists!")
    with _scratch() as directory:
        path = directory / "dump"
        _write_base64(data, path)
        instance.restore_database(db, path, copy=bool(copy))  # either format, told by its content
    return True


def _write_base64(data: Any, path: Path) -> None:
    """Decode ``data`` into the file ``path`` piece by piece (no second whole copy in memory)."""
    if not isinstance(data, str | bytes):
        raise UserError("The backup is not valid base64.")
    with path.open("wb") as out:
        for start in range(0, len(data), _B64_CHUNK):
            try:
                out.write(base64.b64decode(data[start : start + _B64_CHUNK], validate=True))
            except (binascii.Error, ValueError) as exc:
                raise UserError("The backup is not valid base64.") from exc


def _change_admin_password(instance: Instance, config: RpcConfig, new: str) -> bool:
    """Store the new master password (hashed) in the master password file, for every worker."""
    master.store_master_password(config, new)
    return True


def list_countries(instance: Instance) -> list[list[str]]:
    """``db.list_countries``: ``[code, name]`` of the countries the base addon ships, by name."""
    path = instance.addons_path.get("base").path / "data" / "res.country.csv"
    with path.open(encoding="utf-8", newline="") as file:
        countries = [[row["code"], row["name"]] for row in csv.DictReader(file)]
    return sorted(countries, key=lambda country: country[1])


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tenantry-rpc-") as name:
        yield Path(name)


_MANAGEMENT: dict[str, Callable[..., Any]] = {
    "create_database": _create_database,
    "duplicate_database": _duplicate_database,
    "drop": _drop,
    "dump": _dump,
    "restore": _restore,
    "change_admin_password": _change_admin_password,
}

SERVICES: dict[str, Callable[[Instance, RpcConfig, str, tuple[Any, ...], str | None], Any]] = {
    "common": _database_must_exist(common_service),
    "object": _database_must_exist(object_service),
    "db": db_service,
}
