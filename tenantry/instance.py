"""``Instance``: one database cluster with its addons, the Python entry point.

::

    import tenantry
    inst = tenantry.Instance("sqlite:///./tenantry-data")
    inst.create_database("acme", modules=["sale_demo"], admin_password="admin")
    with inst.env("acme") as env:               # superuser, one transaction
        env["res.partner"].create({"name": "Agrolait"})

``inst.env`` commits when the block ends normally and rolls back when it raises.
Databases with the same addons at the same versions share one registry.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from tenantry.db import Storage
from tenantry.db.backend import WRITE_LOCK
from tenantry.db.backup import BackupFormat
from tenantry.db.errors import missing
from tenantry.db.names import is_internal_name, validate_client_name
from tenantry.exceptions import UserError, ValidationError
from tenantry.modules.installer import ModuleManager, installed_modules, read_all_versions
from tenantry.modules.languages import is_known
from tenantry.modules.loading import Registries
from tenantry.modules.manifest import AddonsPath
from tenantry.modules.versions import VIEWS_TRANSACTION_VERSION
from tenantry.orm.access import AccessPolicy, OpenPolicy
from tenantry.orm.environment import SUPERUSER_ID, Environment, Transaction
from tenantry.orm.fields import Datetime
from tenantry.orm.registry import Registry
from tenantry.orm.schema import drop_schema
from tenantry.rpc.version import SERVER_SERIE, SERVER_VERSION, SERVER_VERSION_INFO
from tenantry.security.data import TRANSACTION_VERSION
from tenantry.security.policy import SecurityCaches, SecurityPolicy

DEFAULT_URL = "sqlite:///./tenantry-data"


class Instance:
    """Every database of one cluster (a SQLite directory or a PostgreSQL server)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        addons_path: Iterable[str | Path] = (),
        max_open: int = 32,
        data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        """``data_dir`` (or ``TENANTRY_DATA_DIR``; default ``./tenantry-data``) holds the
        filestores of a PostgreSQL cluster; a SQLite cluster keeps them beside its files."""
        self.url = url or os.environ.get("TENANTRY_DB_URL") or DEFAULT_URL
        data_dir = data_dir or os.environ.get("TENANTRY_DATA_DIR") or None
        self.storage = Storage(self.url, max_open=max_open, data_dir=data_dir)
        self.addons_path = AddonsPath(addons_path)
        self.registries = Registries(self.addons_path)
        self.modules = ModuleManager(self.registries)
        self.modules.listeners.append(self._modules_changed)
        # db -> (registry version it was built for, or None if unknown, registry)
        self._db_registries: dict[str, tuple[str | None, Registry]] = {}
        self._security = SecurityCaches()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Instance({self.storage!r})"

    # -- databases -------------------------------------------------------------------------

    def list_databases(self) -> list[str]:
        """Names of the databases of this cluster, sorted (not the instance's internal ones)."""
        return self.storage.list()

    def exists(self, name: str) -> bool:
        """Whether ``name`` is a database of this cluster that clients may reach: an internal
        one (a spare, ``tenantry.db.names.INTERNAL_PREFIX``) is not, for logins and requests."""
        return self.storage.exists(name) and not is_internal_name(name)

    def create_database(
        self,
        name: str,
        modules: Sequence[str] = (),
        admin_password: str | None = "admin",
        demo: bool = False,
        *,
        login: str = "admin",
        lang: str = "en_US",
        country_code: str | None = None,
        phone: str | None = None,
    ) -> None:
        """Create ``name`` with ``base`` and ``modules`` installed, and set the admin's login/password.

        Either the database is created complete, or it does not exist afterwards.
        """
        validate_client_name(name)
        if not is_known(lang):
            raise ValidationError(f"Unknown language {lang!r}")
        if isinstance(modules, str):
            modules = [m.strip() for m in modules.split(",") if m.strip()]
        self.registries.get(["base", *modules])  # unknown addons fail before anything is created
        self.storage.create(name)
        try:
            with self._module_transaction(name) as conn:
                registry = self.modules.install(conn, name, ["base", *modules], demo=demo)
                env = self._superuser_env(conn, registry, name)
                admin = env.ref("base.user_admin")
                assert admin is not None
                if lang != "en_US":
                    env["res.lang"]._activate_lang(lang)  # its translations too
                values: dict[str, Any] = {"login": login, "lang": lang}
                if admin_password:
                    values["password"] = admin_password
                admin.write(values)
                company_partner = env.ref("base.main_company").partner_id  # type: ignore[union-attr]
                if phone:
                    company_partner.write({"phone": phone})
                if country_code:
                    country = env["res.country"].search([("code", "=", country_code.upper())], limit=1)
                    if not country:
                        raise ValidationError(f"Unknown country code {country_code!r}")
                    company_partner.write({"country_id": country.id})
                new_identity(env)
        except BaseException:
            self._forget(name)
            if self.storage.exists(name):
                self.storage.drop(name)
            raise
        self._remember_registry(name, registry)

    def release(self, name: str) -> None:
        """Forget what this instance holds for database ``name`` (its registry entry, security
        caches and connections), e.g. before it is renamed."""
        self._forget(name)
        self.storage.release(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` and everything in it."""
        self._forget(name)
        self.storage.drop(name)

    def duplicate_database(self, src: str, dst: str) -> None:
        """Copy ``src`` to a new database ``dst`` (which gets its own ``database.uuid``)."""
        validate_client_name(dst)
        _check_not_internal(src)
        self.storage.duplicate(src, dst)
        try:
            with self.env(dst) as env:
                new_identity(env)
        except BaseException:
            self._forget(dst)
            self.storage.drop(dst)
            raise

    def dump_database(
        self, name: str, path: str | os.PathLike[str], backup_format: str = BackupFormat.DUMP
    ) -> None:
        """Write a backup of ``name`` to ``path`` (restorable on the same backend).

        ``dump`` (the default, SPEC 2): the backend's native file (``pg_dump -Fc``, a SQLite
        file made by the backup API), without the attachment files, as Odoo's ``dump``;
        ``zip`` (Odoo's default): the SQL, a ``manifest.json`` and the filestore.
        """
        _check_not_internal(name)
        fmt = BackupFormat.of(backup_format)
        manifest = self._dump_manifest(name) if fmt is BackupFormat.ZIP else None
        self.storage.dump(name, path, fmt, manifest)

    def restore_database(self, name: str, path: str | os.PathLike[str], copy: bool = False) -> None:
        """Create ``name`` from a backup in either format; ``copy=True`` gives it a new
        ``database.uuid``."""
        validate_client_name(name)
        self.storage.restore(name, path)
        if copy:
            with self.env(name) as env:
                new_identity(env)

    def database_size(self, name: str) -> int:
        """Size of the database in bytes (without its filestore: see ``filestore_size``)."""
        return self.storage.size(name)

    def filestore_size(self, name: str) -> int:
        """Bytes of the attachment files of ``name``, counted apart from the database (SPEC 2)."""
        return self.storage.filestore_size(name)

    def _dump_manifest(self, name: str) -> dict[str, object]:
        """Odoo's ``manifest.json`` of a zip backup."""
        with self.storage.engine(name).connect() as conn:
            modules = installed_modules(conn)
            if conn.dialect.name == "postgresql":
                info = conn.dialect.server_version_info or ()
                engine_version = ".".join(str(part) for part in info[:2])
            else:
                engine_version = sqlite3.sqlite_version
        return {
            "odoo_dump": "1",
            "db_name": name,
            "version": SERVER_VERSION,
            "version_info": list(SERVER_VERSION_INFO),
            "major_version": SERVER_SERIE,
            "pg_version": engine_version,
            "engine": conn.dialect.name,
            "modules": modules,
        }

    # -- environments ----------------------------------------------------------------------

    @contextmanager
    def env(
        self,
        db: str,
        uid: int = SUPERUSER_ID,
        context: Mapping[str, Any] | None = None,
        *,
        optimistic: bool = False,
    ) -> Iterator[Environment]:
        """An environment in one transaction: committed at the end, rolled back on error.

        The block runs once: it is not retried when a concurrent transaction gets in
        its way, as the RPC services retry their calls (``tenantry.db.retry``). It
        need not be: it waits its turn instead. On PostgreSQL a write waits for the
        row locks it needs; on SQLite, which has one write lock per database, the
        transaction takes that lock when it begins (``BEGIN IMMEDIATE``), so that
        concurrent writers queue instead of failing with ``database is locked``.

        ``optimistic=True`` begins without the SQLite write lock, so that the block
        never waits for writers, nor holds them back while it runs (long read-only
        work, an interactive shell); a write in it may then fail when another writer
        got in first, with an error ``tenantry.db.retry.is_retryable`` recognizes:
        for callers that retry, or that only read.
        """
        engine = self.storage.engine(db)
        filestore = self.storage.filestore(db)
        try:
            with engine.connect() as conn:
                if not optimistic:
                    conn.execution_options(**{WRITE_LOCK: True})
                transaction = conn.begin()
                try:
                    registry, security_version, views_version = self._registry_and_versions(db, conn)
                    cr = Transaction(conn, registry, db, self.policy(registry))
                    cr.modules = self.modules
                    cr.filestore = filestore
                    # Read along with the registry's version: saves a query each.
                    cr.data[TRANSACTION_VERSION] = security_version
                    cr.data[VIEWS_TRANSACTION_VERSION] = views_version or ""
                    yield Environment(cr, uid, context)
                except BaseException:
                    transaction.rollback()
                    raise
                transaction.commit()
        finally:
            if filestore.marked:  # files written, or no longer used: sweep once the end is known
                filestore.collect()
        for hook in cr.postcommit:
            hook()

    def registry(self, db: str) -> Registry:
        """The registry of ``db`` (shared with every database with the same addons)."""
        with self.storage.engine(db).connect() as conn:
            return self._registry_and_versions(db, conn)[0]

    def policy(self, registry: Registry) -> AccessPolicy:
        """The access policy enforced in databases of ``registry``: Odoo's, once base is in."""
        if "ir.rule" in registry and "ir.model.access" in registry:
            return SecurityPolicy(self._security)
        return OpenPolicy()

    def _registry_and_versions(self, db: str, conn: Connection) -> tuple[Registry, str | None, str | None]:
        """The registry for ``db``, rebuilt when another process changed its addons, the
        security version and the views version; the three versions come from one query."""
        cached = self._db_registries.get(db)
        if cached is not None:
            version, security_version, views_version = read_all_versions(conn)
            known, registry = cached
            if known == version:
                return registry, security_version, views_version
            if known is None:  # just changed by this process: the registry is current
                with self._lock:
                    self._db_registries[db] = (version, registry)
                return registry, security_version, views_version
        installed = installed_modules(conn)
        if not installed:
            raise UserError(f"Database {db!r} is not a tenantry database (no addon installed)")
        registry = self.registries.get(installed)
        version, security_version, views_version = read_all_versions(conn)
        with self._lock:
            self._db_registries[db] = (version, registry)
        return registry, security_version, views_version

    def _remember_registry(self, db: str, registry: Registry) -> None:
        with self._lock:
            self._db_registries[db] = (None, registry)

    def _forget(self, db: str) -> None:
        with self._lock:
            self._db_registries.pop(db, None)
        self._security.forget(db)

    def _superuser_env(self, conn: Connection, registry: Registry, db: str) -> Environment:
        cr = Transaction(conn, registry, db, OpenPolicy())
        cr.modules = self.modules
        cr.filestore = self.storage.filestore(db)
        return Environment(cr, SUPERUSER_ID, {"active_test": False}, su=True)

    # -- addons ----------------------------------------------------------------------------

    def install_modules(self, db: str, names: Iterable[str], demo: bool | None = None) -> None:
        """Install addons (and their dependencies) in ``db``, in one transaction."""
        self._change_modules(db, "install", list(names), demo=demo)

    def upgrade_modules(self, db: str, names: Iterable[str]) -> None:
        """Upgrade installed addons of ``db``: new tables/columns, data reloaded (noupdate kept)."""
        self._change_modules(db, "upgrade", list(names))

    def uninstall_modules(self, db: str, names: Iterable[str]) -> None:
        """Uninstall addons of ``db`` that no installed addon depends on."""
        self._change_modules(db, "uninstall", list(names))

    def _change_modules(self, db: str, operation: str, names: list[str], **kwargs: Any) -> None:
        if not names:
            raise UserError("No addon given")
        with self._module_transaction(db) as conn:
            registry: Registry = getattr(self.modules, operation)(conn, db, names, **kwargs)
        self.modules.changed(db, registry)

    def _modules_changed(self, db: str, registry: Registry) -> None:
        """After an addon change committed: finish it on SQLite, then use the new registry."""
        if self.storage.dialect == "sqlite":
            with self._module_transaction(db, foreign_keys=False) as conn:
                drop_schema(conn, keep=registry)
        self._remember_registry(db, registry)

    @contextmanager
    def _module_transaction(self, db: str, foreign_keys: bool = True) -> Iterator[Connection]:
        """One transaction for an addon change.

        SQLite can only rebuild tables (to drop columns) with foreign-key enforcement
        off, and that switch only works outside a transaction; the foreign keys are
        checked before the commit instead (SQLite's documented procedure).
        """
        engine = self.storage.engine(db)
        with engine.connect() as conn:
            conn.execution_options(**{WRITE_LOCK: True})
            sqlite = conn.dialect.name == "sqlite" and not foreign_keys
            raw: Any = conn.connection.driver_connection if sqlite else None
            if sqlite:
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    yield conn
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise UserError(f"Addon change would break foreign keys: {broken[:5]}")
            finally:
                if sqlite:
                    raw.execute("PRAGMA foreign_keys=ON")
        self._forget(db)

    def close(self) -> None:
        """Release every connection."""
        self.storage.close()

    def __enter__(self) -> Instance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_not_internal(name: str) -> None:
    """An internal database (a spare) is not the clients' to copy: as if it did not exist."""
    if is_internal_name(name):
        raise missing(name)


def new_identity(env: Environment) -> None:
    """A fresh ``database.uuid``: a SaaS server knows a database by it (its OAuth client id)."""
    params = env["ir.config_parameter"].sudo()
    params.set_param("database.uuid", str(uuid.uuid4()))
    params.set_param("database.create_date", Datetime.to_string(Datetime.now()))
