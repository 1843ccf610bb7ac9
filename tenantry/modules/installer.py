"""Installing, upgrading and uninstalling addons in a database.

Each operation runs inside the caller's transaction: on PostgreSQL the schema
changes and the data go together, so the operation fully happens or not at
all (DDL is transactional there and on SQLite alike). Dependency problems are
found before anything changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tenantry.exceptions import UserError
from tenantry.modules.data import DataLoader
from tenantry.modules.graph import dependents, resolve
from tenantry.modules.i18n import load_addon_translations
from tenantry.modules.loading import Registries
from tenantry.modules.manifest import Manifest
from tenantry.modules.versions import VIEWS_VERSION_KEY
from tenantry.orm.access import OpenPolicy
from tenantry.orm.environment import SUPERUSER_ID, Environment, Transaction
from tenantry.orm.registry import Registry
from tenantry.orm.schema import drop_schema, sync_schema
from tenantry.security.data import VERSION_KEY as SECURITY_VERSION_KEY

MODULE_TABLE = "ir_module_module"


REGISTRY_VERSION_KEY = "base.registry_version"
_PARAMS = sa.table("ir_config_parameter", sa.column("key"), sa.column("value"))


def registry_version(conn: Connection) -> str | None:
    """The database's registry version: it changes with every addon change, so that
    every process (``--workers``) rebuilds its registry for the database."""
    return conn.execute(sa.select(_PARAMS.c.value).where(_PARAMS.c.key == REGISTRY_VERSION_KEY)).scalar()


# Built once: every transaction runs it, and a reused statement skips SQLAlchemy's
# per-call construction and cache-key work (an IN list would also be re-expanded).
_VERSIONS_QUERY = sa.select(_PARAMS.c.key, _PARAMS.c.value).where(
    sa.or_(
        _PARAMS.c.key == REGISTRY_VERSION_KEY,
        _PARAMS.c.key == SECURITY_VERSION_KEY,
        _PARAMS.c.key == VIEWS_VERSION_KEY,
    )
)


def read_versions(conn: Connection) -> tuple[str | None, str | None]:
    """The registry version and the security version, in one query (every transaction)."""
    registry, security, _views = read_all_versions(conn)
    return registry, security


def read_all_versions(conn: Connection) -> tuple[str | None, str | None, str | None]:
    """The registry, security and views versions, in one query (every transaction)."""
    rows = dict(conn.execute(_VERSIONS_QUERY).all())
    return rows.get(REGISTRY_VERSION_KEY), rows.get(SECURITY_VERSION_KEY), rows.get(VIEWS_VERSION_KEY)


def bump_registry_version(conn: Connection) -> None:
    version = uuid.uuid4().hex
    updated = conn.execute(
        sa.update(_PARAMS).where(_PARAMS.c.key == REGISTRY_VERSION_KEY).values(value=version)
    )
    if updated.rowcount == 0:
        conn.execute(sa.insert(_PARAMS).values(key=REGISTRY_VERSION_KEY, value=version))


def installed_modules(conn: Connection) -> dict[str, str]:
    """``{name: version}`` of the addons installed in the database behind ``conn``."""
    if not sa.inspect(conn).has_table(MODULE_TABLE):
        return {}
    table = sa.table(MODULE_TABLE, sa.column("name"), sa.column("state"), sa.column("latest_version"))
    rows = conn.execute(sa.select(table.c.name, table.c.latest_version).where(table.c.state == "installed"))
    return {name: version or "" for name, version in rows}


class ModuleManager:
    """Applies addon changes to databases, using the shared registries."""

    def __init__(self, registries: Registries) -> None:
        self.registries = registries
        self.listeners: list[Callable[[str, Registry], None]] = []
        """Told ``(dbname, registry)`` once a change is committed."""

    def changed(self, dbname: str, registry: Registry) -> None:
        """Call after the transaction of an addon change committed."""
        for listener in self.listeners:
            listener(dbname, registry)

    @property
    def available(self) -> dict[str, Manifest]:
        return dict(self.registries.addons_path.manifests())

    def _env(self, conn: Connection, registry: Registry, dbname: str) -> Environment:
        cr = Transaction(conn, registry, dbname, OpenPolicy())
        cr.modules = self
        return Environment(cr, SUPERUSER_ID, {"active_test": False}, su=True)

    # -- install ---------------------------------------------------------------------------

    def install(
        self, conn: Connection, dbname: str, names: Iterable[str], demo: bool | None = None
    ) -> Registry:
        """Install ``names`` and their dependencies in ``dbname``; returns the new registry."""
        current = installed_modules(conn)
        ordered = resolve([*current, *names], self.available)
        new = [m for m in ordered if m.name not in current]
        registry = self.registries.get(m.name for m in ordered)
        if not new:
            return registry
        sync_schema(conn, registry)
        fresh = "base" not in current
        env = self._env(conn, registry, dbname)
        if fresh:
            _bootstrap(env)
            demo = bool(demo)
        elif demo is None:
            demo = bool(env["ir.module.module"].search([("name", "=", "base")]).demo)
        self._reflect_module_list(env, demo)
        for manifest in new:
            self._load(env, manifest, "init", demo)
        bump_registry_version(conn)
        return registry

    def _reflect_module_list(self, env: Environment, demo: bool) -> None:
        modules = env["ir.module.module"]
        known = {m.name: m for m in modules.search([])}
        missing = []
        for name, manifest in sorted(self.available.items()):
            values = {
                "shortdesc": manifest.shortdesc,
                "summary": manifest.summary,
                "category": manifest.category,
                "author": manifest.author,
                "application": manifest.application,
                "dependencies": ",".join(manifest.depends),
            }
            if name in known:
                record = known[name]
                if any(record[k] != v for k, v in values.items()):
                    record.write(values)
            else:
                missing.append({"name": name, "state": "uninstalled", "demo": demo, **values})
        if missing:
            known.update((m.name, m) for m in modules.create(missing))
        # Odoo's external ids of the addons, ``base.module_<name>`` (odoorpc's env.ref uses them).
        data = env["ir.model.data"]
        for name, record in known.items():
            if data._lookup("base", f"module_{name}") is None:
                data._remember("base", f"module_{name}", "ir.module.module", record.id, True)

    def _load(self, env: Environment, manifest: Manifest, mode: str, demo: bool) -> None:
        reflect_models(env, manifest.name)
        loader = DataLoader(env, manifest.name, mode)
        for file in manifest.data:
            loader.load(manifest.path / file)
        if demo and mode == "init":
            for file in manifest.demo:
                loader.load(manifest.path / file)
        if mode == "update":
            _remove_obsolete(env, manifest.name, loader.loaded)
        _load_translations(env, manifest)
        record = env["ir.module.module"].search([("name", "=", manifest.name)])
        record.write({"state": "installed", "latest_version": manifest.version, "demo": demo})

    # -- upgrade ---------------------------------------------------------------------------

    def upgrade(self, conn: Connection, dbname: str, names: Iterable[str]) -> Registry:
        """Upgrade installed addons: add new tables and columns, reload their data."""
        current = installed_modules(conn)
        wanted = list(names)
        for name in wanted:
            if name not in current:
                raise UserError(f"Addon {name!r} is not installed in {dbname}")
        ordered = resolve(current, self.available)
        registry = self.registries.get(m.name for m in ordered)
        sync_schema(conn, registry)
        env = self._env(conn, registry, dbname)
        self._reflect_module_list(env, False)
        # An upgraded addon's dependents are reloaded too: they may extend its data.
        targets = set(wanted) | dependents(wanted, {m.name: m for m in ordered})
        demo = bool(env["ir.module.module"].search([("name", "=", "base")]).demo)
        for manifest in ordered:
            if manifest.name in targets:
                self._load(env, manifest, "update", demo)
        bump_registry_version(conn)
        return registry

    # -- uninstall -------------------------------------------------------------------------

    def uninstall(self, conn: Connection, dbname: str, names: Iterable[str]) -> Registry:
        """Uninstall addons no other installed addon needs: drop their data, columns, tables.

        On PostgreSQL everything happens in ``conn``'s transaction. On SQLite the tables
        and columns are dropped afterwards by :func:`drop_schema` in a transaction of its own.
        """
        current = installed_modules(conn)
        wanted = sorted(set(names))
        for name in wanted:
            if name not in current:
                raise UserError(f"Addon {name!r} is not installed in {dbname}")
            if name == "base":
                raise UserError("The base addon cannot be uninstalled")
        installed = {m.name: m for m in resolve(current, self.available)}
        blocking = dependents(wanted, installed) - set(wanted)
        if blocking:
            raise UserError(
                f"Cannot uninstall {', '.join(wanted)}: "
                f"installed addon(s) {', '.join(sorted(blocking))} depend on it"
            )
        before = self.registries.get(installed)
        after = self.registries.get(n for n in installed if n not in wanted)
        env = self._env(conn, before, dbname)
        order = [m.name for m in resolve(installed, self.available)]
        for name in reversed(order):
            if name in wanted:
                _remove_module_data(env, name, before, after)
        if conn.dialect.name != "sqlite":
            drop_schema(conn, keep=after)
        # On SQLite, dropping columns rebuilds tables, which needs foreign keys off, which
        # needs a transaction of its own: the instance prunes the schema after the commit.
        env = self._env(conn, after, dbname)
        env["ir.module.module"].search([("name", "in", wanted)]).write(
            {"state": "uninstalled", "latest_version": False}
        )
        bump_registry_version(conn)
        return after


def _load_translations(env: Environment, manifest: Manifest) -> None:
    """The addon's translations, into the languages the database has activated."""
    if "res.lang" not in env:
        return
    active = env["res.lang"].with_context(active_test=True).search([("active", "=", True)])
    langs = [code for code in active.mapped("code") if code and code != "en_US"]
    if langs:
        load_addon_translations(env, manifest.name, manifest.path, langs)


def _bootstrap(env: Environment) -> None:
    """Make uid 1 exist before any record is created, since every row points at its creator."""
    users = env.registry["res.users"]._table_obj
    conn = env.cr.conn
    if conn.execute(sa.select(users.c.id).where(users.c.id == SUPERUSER_ID)).first() is None:
        conn.execute(sa.insert(users).values(id=SUPERUSER_ID, login="__system__", active=False))
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('res_users', 'id'),"
                    " (SELECT max(id) FROM res_users))"
                )
            )
    data = env["ir.model.data"]
    if data._lookup("base", "user_root") is None:
        data._remember("base", "user_root", "res.users", SUPERUSER_ID, True)


def reflect_models(env: Environment, module: str) -> None:
    """Rows in ``ir.model`` / ``ir.model.fields`` (with external ids) for what ``module`` declares."""
    registry = env.registry
    data = env["ir.model.data"]
    models_ = env["ir.model"]
    existing = {m.model: m for m in models_.search([])}
    new_models = [
        name for name, cls in registry.models.items()
        if not cls._abstract and name not in existing and registry.model_origin.get(name) == module
    ]  # fmt: skip
    if new_models:
        created = models_.create(
            [
                {
                    "model": name,
                    "name": registry[name]._description or name,
                    "transient": registry[name]._transient,
                    "modules": module,
                }
                for name in new_models
            ]
        )
        for name, record in zip(new_models, created, strict=True):
            existing[name] = record
        data.create(
            [
                {"module": module, "name": f"model_{name.replace('.', '_')}", "model": "ir.model",
                 "res_id": record.id, "noupdate": False}
                for name, record in zip(new_models, created, strict=True)
            ]
        )  # fmt: skip
    field_rows: list[dict[str, Any]] = []
    names: list[tuple[str, str]] = []
    known = {(f["model"], f["name"]) for f in env["ir.model.fields"].search_read([], ["model", "name"])}
    for (model, field_name), origin in registry.field_origin.items():
        if origin != module or (model, field_name) in known or model not in existing:
            continue
        field = registry[model]._fields.get(field_name)
        if field is None:
            continue
        field_rows.append(
            {
                "name": field_name,
                "model": model,
                "model_id": existing[model].id,
                "field_description": field.string or field_name,
                "ttype": field.type.value,
                "relation": field.comodel_name if field.relational else False,
                "relation_field": getattr(field, "inverse_name", None) or False,
                "required": bool(field.required),
                "readonly": bool(field.readonly),
                "store": bool(field.store),
                "company_dependent": bool(field.company_dependent),
                "groups": field.groups or False,
                "modules": module,
            }
        )
        names.append((model, field_name))
    if field_rows:
        created = env["ir.model.fields"].create(field_rows)
        data.create(
            [
                {"module": module, "name": f"field_{model.replace('.', '_')}__{field_name}",
                 "model": "ir.model.fields", "res_id": record.id, "noupdate": False}
                for (model, field_name), record in zip(names, created, strict=True)
            ]
        )  # fmt: skip
    _forget_dropped_fields(env, module)


def _forget_dropped_fields(env: Environment, module: str) -> None:
    """Delete the ``ir.model.fields`` rows (and external ids) of fields ``module`` no longer
    declares: an upgrade removed them (e.g. ``res.users.password_hash``, now a column only)."""
    registry = env.registry
    rows = env["ir.model.fields"].search([("modules", "=", module)])
    gone = rows.filtered(lambda r: r.model in registry.models and r.name not in registry[r.model]._fields)
    if not gone:
        return
    xmlids = [f"field_{row.model.replace('.', '_')}__{row.name}" for row in gone]
    data = env["ir.model.data"]
    data.search([("module", "=", module), ("model", "=", "ir.model.fields"), ("name", "in", xmlids)]).unlink()
    gone.unlink()


def _remove_obsolete(env: Environment, module: str, loaded: set[tuple[str, str]]) -> None:
    """After an upgrade, delete records the addon's data files no longer define."""
    data = env["ir.model.data"]
    rows = data.search(
        [
            ("module", "=", module),
            ("model", "not in", ["ir.model", "ir.model.fields"]),
            ("noupdate", "=", False),
        ],
        order="id desc",
    )
    for row in rows:
        if (row.module, row.name) not in loaded:
            model, res_id = row.model, row.res_id
            row.unlink()
            if model in env:
                env[model].browse(res_id).exists().unlink()


def _remove_module_data(env: Environment, module: str, before: Registry, after: Registry) -> None:
    """Delete the records ``module`` created (newest first) and its model/field rows."""
    data = env["ir.model.data"]
    rows = data.search([("module", "=", module)], order="id desc")
    by_model: dict[str, list[int]] = {}
    for row in rows:
        by_model.setdefault(row.model, []).append(row.res_id)
    for row_model, ids in by_model.items():
        if row_model in ("ir.model", "ir.model.fields"):
            continue
        if row_model in after and row_model in env:
            env[row_model].browse(ids).exists().unlink()
    dropped_fields = [
        (model, name) for (model, name), origin in before.field_origin.items()
        if origin == module and (model not in after.models or name not in after[model]._fields)
    ]  # fmt: skip
    fields_model = env["ir.model.fields"]
    for model, name in dropped_fields:
        fields_model.search([("model", "=", model), ("name", "=", name)]).unlink()
    dropped_models = [m for m in before.models if m not in after.models]
    if dropped_models:
        env["ir.model"].search([("model", "in", dropped_models)]).unlink()
    data.search([("module", "=", module)]).unlink()
