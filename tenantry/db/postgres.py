"""The PostgreSQL backend: one PostgreSQL database per tenantry database.

Cluster-level work (CREATE / DROP DATABASE, listing) goes through a small
autocommit engine on the ``postgres`` maintenance database. Identifiers are
always quoted by SQLAlchemy's identifier preparer, and names are validated
before they get here.

PostgreSQL neither drops nor copies a database that sessions are connected to,
and every worker of ``tenantry serve --workers N`` keeps its own pooled
connections. So, as Odoo does, ``drop`` and ``duplicate`` first end every other
session on that database (``pg_terminate_backend``); the workers notice it when a
transaction next takes such a connection from their pool, and reconnect
(``_on_checkout``: no round trip to the server).
"""

from __future__ import annotations

import os
import select
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from psycopg import errors as pg_errors
from psycopg.conninfo import make_conninfo
from sqlalchemy import URL, Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from tenantry.db.errors import already_exists, in_use, missing
from tenantry.db.names import is_valid_name
from tenantry.db.pgtools import find_pg_binary
from tenantry.exceptions import TenantryError, UserError, ValidationError

__all__ = ["PostgresBackend"]

_MAINTENANCE_DB = "postgres"
# The server's own databases: valid names, but never tenantry databases.
_RESERVED = frozenset({_MAINTENANCE_DB, "template0", "template1"})
# C collation and ctype: ORDER BY sorts by code point, exactly like Python's
# sorted() and SQLite's default BINARY collation, so both backends (and the
# in-Python domain evaluator) agree on every ordering. template0 because
# template1 may carry another locale and objects someone added to it.
_CREATE_EMPTY = "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
# STRATEGY for duplicates, measured on PostgreSQL 15 (2 shared cores, virtual disk):
# a template with ~5 MB of data (13.5 MB with the catalogs), median of 15
# interleaved runs, each after a CHECKPOINT:
#                                      WAL_LOG   FILE_COPY
#   fsync on (production settings)     0.25 s    0.29 s
#     + 45 MB dirtied in another db    0.29 s    0.45 s
#   fsync off (the test cluster)       0.19 s    0.18 s
#     + 45 MB dirtied in another db    0.29 s    0.31 s
# FILE_COPY forces two checkpoints of the whole cluster, so its cost grows with
# what the other tenants wrote; WAL_LOG costs in proportion to the template
# alone. PostgreSQL < 15 has no STRATEGY clause (it always copies files).
_DUPLICATE_STRATEGY = "WAL_LOG"
_ERROR_TAIL = 2000  # characters of a tool's stderr quoted in an error
# Ending the other sessions races their reconnection (a worker's next request):
# CREATE / DROP DATABASE that still finds one is tried again, this many times.
_ALONE_TRIES = 3
# Ends the other sessions on a database that this role may end: its own (every worker's)
# and, for a superuser, everyone's; one row per session, whether it was ours to end.
# Background workers (autovacuum: no role) are PostgreSQL's own business.
_TERMINATE_OTHERS = text(
    "SELECT pg_has_role(usesysid, 'MEMBER'),"
    " CASE WHEN pg_has_role(usesysid, 'MEMBER') THEN pg_terminate_backend(pid) END"
    " FROM pg_stat_activity"
    " WHERE datname = :name AND pid <> pg_backend_pid() AND usesysid IS NOT NULL"
)


class PostgresBackend:
    """Databases in one PostgreSQL server, reached with psycopg 3."""

    dialect = "postgresql"

    def __init__(self, url: URL) -> None:
        self._url = url
        self._admin = create_engine(
            url.set(database=_MAINTENANCE_DB),
            isolation_level="AUTOCOMMIT",
            pool_size=1,
            max_overflow=2,
            pool_pre_ping=True,  # survives a server restart; admin work is rare enough
        )

    def make_engine(self, name: str) -> Engine:
        _check_not_reserved(name)
        engine = create_engine(self._url.set(database=name), pool_size=4, max_overflow=4, pool_pre_ping=False)
        event.listen(engine, "do_connect", _name_connection)
        event.listen(engine, "checkout", _on_checkout)

        def on_error(context: ExceptionContext) -> BaseException | None:
            # An engine outlives its database when another worker drops it: connecting
            # then fails as a missing database does when the engine is made.
            if context.connection is None:
                try:
                    gone = not self.exists(name)
                except DBAPIError:  # the server itself is unreachable: keep its error
                    return None
                if gone:
                    return missing(name)
            return None

        event.listen(engine, "handle_error", on_error)
        return engine

    def exists(self, name: str) -> bool:
        if name in _RESERVED:
            return False
        with self._admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            return found.first() is not None

    def list(self) -> list[str]:
        with self._admin.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT datname FROM pg_database"
                    " WHERE NOT datistemplate AND datallowconn AND datname <> :maintenance"
                ),
                {"maintenance": _MAINTENANCE_DB},
            )
            return sorted(name for (name,) in rows if is_valid_name(name))

    def create(self, name: str) -> None:
        _check_not_reserved(name)
        self._create_database(name)

    def drop(self, name: str) -> None:
        _check_not_reserved(name)
        try:
            with self._admin.connect() as conn:
                self._alone(conn, name, f"DROP DATABASE {self._quote(name)}")
        except DBAPIError as exc:
            if isinstance(exc.orig, pg_errors.InvalidCatalogName):
                raise missing(name) from None
            if isinstance(exc.orig, pg_errors.ObjectInUse):
                raise in_use(name, "drop") from None
            raise

    def duplicate(self, src: str, dst: str) -> None:
        _check_not_reserved(src)
        _check_not_reserved(dst)
        if not self.exists(src):
            raise missing(src)
        if self.exists(dst):
            raise already_exists(dst)
        try:
            self._create_database(dst, template=src)
        except UserError:
            raise  # refused before anything was created
        except BaseException as exc:
            # e.g. the connection died after the server created dst.
            self._drop_quietly(dst, exc)
            raise

    def rename(self, src: str, dst: str) -> None:
        """``ALTER DATABASE src RENAME TO dst``, after ending the other sessions on ``src``."""
        _check_not_reserved(src)
        _check_not_reserved(dst)
        statement = f"ALTER DATABASE {self._quote(src)} RENAME TO {self._quote(dst)}"
        try:
            with self._admin.connect() as conn:
                self._alone(conn, src, statement)
        except DBAPIError as exc:
            if isinstance(exc.orig, pg_errors.InvalidCatalogName):
                raise missing(src) from None
            if _is_duplicate_database(exc.orig):
                raise already_exists(dst) from None
            if isinstance(exc.orig, pg_errors.ObjectInUse):
                raise in_use(src, "rename") from None
            raise

    def dump(self, name: str, path: str) -> None:
        self._pg_dump(name, path, "--format=custom")

    def dump_sql(self, name: str, path: str) -> None:
        """Write the database as SQL text (``pg_dump --format=plain``), as Odoo's zip holds it."""
        self._pg_dump(name, path, "--format=plain", "--no-owner", "--no-privileges")

    def _pg_dump(self, name: str, path: str, *options: str) -> None:
        _check_not_reserved(name)
        if not self.exists(name):
            raise missing(name)
        target = Path(path)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        try:
            argv = [find_pg_binary("pg_dump"), *options, "--file", tmp]
            done = self._run_tool(argv, name)
            if done.returncode != 0:
                raise TenantryError(
                    f"pg_dump of {name!r} failed: {done.stderr[-_ERROR_TAIL:]}",
                    context={"database": name},
                )
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def restore(self, name: str, path: str) -> None:
        _check_not_reserved(name)
        if not Path(path).is_file():
            raise UserError(f"No dump file at {path}", context={"path": path})
        self._create_database(name)
        try:
            # --no-owner, --no-privileges: the dump may come from another server with
            # other roles; the restored objects belong to this URL's user.
            argv = [find_pg_binary("pg_restore"), "--no-owner", "--no-privileges"]
            argv += ["--exit-on-error", "--single-transaction", path]
            done = self._run_tool(argv, name)
            if done.returncode != 0:
                raise UserError(
                    f"Could not restore {path} into {name!r}: {done.stderr[-_ERROR_TAIL:]}",
                    context={"database": name, "path": path},
                )
        except BaseException as exc:
            self._drop_quietly(name, exc)
            raise

    def restore_sql(self, name: str, path: str) -> None:
        """Create ``name`` from SQL text (a zip's ``dump.sql``), run by ``psql`` in one transaction."""
        _check_not_reserved(name)
        if not Path(path).is_file():
            raise UserError(f"No dump file at {path}", context={"path": path})
        self._create_database(name)
        try:
            argv = [find_pg_binary("psql"), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1"]
            argv += ["--single-transaction", "--file", path]
            done = self._run_tool(argv, name)
            if done.returncode != 0:
                raise UserError(
                    f"Could not restore {path} into {name!r}: {done.stderr[-_ERROR_TAIL:]}",
                    context={"database": name, "path": path},
                )
        except BaseException as exc:
            self._drop_quietly(name, exc)
            raise

    def size(self, name: str) -> int:
        _check_not_reserved(name)
        with self._admin.connect() as conn:
            size = conn.execute(
                text("SELECT pg_database_size(datname) FROM pg_database WHERE datname = :name"),
                {"name": name},
            ).scalar()
        if size is None:
            raise missing(name)
        return int(size)

    def close(self) -> None:
        self._admin.dispose()

    # -- internals -------------------------------------------------------------

    def _quote(self, name: str) -> str:
        return self._admin.dialect.identifier_preparer.quote_identifier(name)

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def _create_database(self, name: str, *, template: str | None = None) -> None:
        """CREATE DATABASE, empty or as a copy of ``template``; refusals become tenantry errors."""
        with self._admin.connect() as conn:
            if template is None:
                statement = _CREATE_EMPTY.format(self._quote(name))
            else:
                statement = f"CREATE DATABASE {self._quote(name)} TEMPLATE {self._quote(template)}"
                version = conn.dialect.server_version_info or (0,)
                if version >= (15,):
                    statement += f" STRATEGY {_DUPLICATE_STRATEGY}"
            try:
                if template is None:
                    conn.exec_driver_sql(statement)
                else:
                    self._alone(conn, template, statement)
            except DBAPIError as exc:
                if _is_duplicate_database(exc.orig):
                    raise already_exists(name) from None
                if template is not None and isinstance(exc.orig, pg_errors.InvalidCatalogName):
                    raise missing(template) from None
                if template is not None and isinstance(exc.orig, pg_errors.ObjectInUse):
                    raise in_use(template, "duplicate") from None
                raise

    def _alone(self, conn: Connection, name: str, statement: str) -> None:
        """Run ``statement``, which PostgreSQL refuses while others are connected to ``name``,
        after ending their sessions.

        A session that is not ours to end (another role's) is left alone: PostgreSQL
        waits up to 5 s for it to leave, then refuses (``ObjectInUse``). So it does if
        ended sessions keep coming back.
        """
        for attempt in range(_ALONE_TRIES):
            ended = any(ours for ours, _ in conn.execute(_TERMINATE_OTHERS, {"name": name}))
            try:
                conn.exec_driver_sql(statement)
                return
            except DBAPIError as exc:
                if not (ended and isinstance(exc.orig, pg_errors.ObjectInUse)) or attempt == _ALONE_TRIES - 1:
                    raise

    def _drop_quietly(self, name: str, cause: BaseException) -> None:
        """Drop ``name`` if it exists, after a failure; a cleanup error is noted on ``cause``."""
        try:
            self._execute(f"DROP DATABASE IF EXISTS {self._quote(name)} WITH (FORCE)")
        except Exception as exc:
            cause.add_note(f"tenantry: could not drop the partial database {name!r}: {exc}")

    def _run_tool(self, argv: Sequence[str], name: str) -> subprocess.CompletedProcess[str]:
        """Run pg_dump / pg_restore on database ``name``, the password in the environment."""
        params = {key: str(value) for key, value in self._url.query.items()}
        conninfo = make_conninfo(
            "",
            dbname=name,
            host=self._url.host,
            port=self._url.port,
            user=self._url.username,
            **params,
        )
        env = dict(os.environ)
        if self._url.password is not None:
            env["PGPASSWORD"] = str(self._url.password)
        return subprocess.run(
            [*argv, "--no-password", f"--dbname={conninfo}"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )


def _name_connection(
    _dialect: object, _record: ConnectionPoolEntry, _cargs: object, cparams: dict[str, Any]
) -> None:
    # Which worker holds which connection, for pg_stat_activity (unless the URL says).
    cparams.setdefault("application_name", f"tenantry[{os.getpid()}]")


def _on_checkout(dbapi_connection: Any, _record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
    """Replace a pooled connection that the server ended, without a round trip.

    An idle connection has nothing to read. Something to read (the server's
    "terminating connection" and the end of the stream, after ``pg_terminate_backend``,
    a restart or an idle timeout) means it is dead; at worst a stray notice costs a
    reconnection. A session ended during the check itself fails its first statement
    instead, which ``tenantry.db.retry`` runs again.
    """
    if dbapi_connection.closed:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server ended the connection")


def _check_not_reserved(name: str) -> None:
    if name in _RESERVED:
        raise ValidationError(
            f"The database name {name!r} is reserved by PostgreSQL", context={"database": name}
        )


def _is_duplicate_database(error: BaseException | None) -> bool:
    # Two concurrent CREATE DATABASE of one name: the loser may only trip over the
    # catalog's unique index instead of getting DuplicateDatabase.
    if isinstance(error, pg_errors.DuplicateDatabase):
        return True
    return (
        isinstance(error, pg_errors.UniqueViolation)
        and error.diag.constraint_name == "pg_database_datname_index"
    )
