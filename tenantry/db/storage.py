"""The storage facade: database lifecycle and engines over one cluster.

::

    storage = Storage("sqlite:///./tenantry-data")      # or "postgresql://user:pw@host:5432/"
    storage.create("t1")
    storage.duplicate("t1", "acme.example.com")          # the provisioning hot path
    with storage.engine("acme.example.com").begin() as conn:
        ...

Every method validates database names before anything touches the disk or the
server. Engines live in a bounded LRU: an evicted (or released) database holds
no connection.

Each database has a filestore (``tenantry.db.filestore``): created empty with it,
copied by ``duplicate``, carried by zip backups, removed by ``drop``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError

from tenantry.db import backup
from tenantry.db.backend import Backend
from tenantry.db.backup import BackupFormat
from tenantry.db.engines import EngineCache
from tenantry.db.errors import already_exists, missing
from tenantry.db.filestore import Filestore, FilestoreRoot
from tenantry.db.names import is_internal_name, validate_name
from tenantry.db.postgres import PostgresBackend
from tenantry.db.sqlite import SqliteBackend, directory_from_url
from tenantry.exceptions import UserError, ValidationError

__all__ = ["Storage"]

_POSTGRES_DRIVERS = ("postgresql", "postgresql+psycopg")
DEFAULT_DATA_DIR = "./tenantry-data"


class Storage:
    """One database cluster: a SQLite directory or a PostgreSQL server."""

    def __init__(
        self, url: str, *, max_open: int = 32, data_dir: str | os.PathLike[str] | None = None
    ) -> None:
        """``data_dir`` holds the filestores of a PostgreSQL cluster (``<data_dir>/filestore/``,
        default ``./tenantry-data``); a SQLite cluster keeps them beside its files."""
        self.url = url
        self._backend = _open_backend(url)
        self.dialect: str = self._backend.dialect
        self._engines = EngineCache(max_open)
        if isinstance(self._backend, SqliteBackend):
            base = self._backend.directory
        else:
            base = Path(os.path.abspath(data_dir or DEFAULT_DATA_DIR))
        self.filestores = FilestoreRoot(base / "filestore")

    def __repr__(self) -> str:
        shown = self.url
        if self.dialect == "postgresql":
            shown = make_url(self.url).render_as_string(hide_password=True)
        return f"Storage({shown!r})"

    def engine(self, name: str) -> Engine:
        """The engine of database ``name`` (``MissingError`` if it does not exist).

        Fetch it per unit of work rather than keeping it: the LRU may dispose it.
        """
        validate_name(name)

        def make() -> Engine:
            if not self._backend.exists(name):
                raise missing(name)
            return self._backend.make_engine(name)

        return self._engines.get(name, make)

    def release(self, name: str) -> None:
        """Dispose the engine of ``name``, closing this storage's connections to it."""
        validate_name(name)
        self._engines.discard(name)

    def filestore(self, name: str) -> Filestore:
        """The filestore of database ``name`` (which need not exist yet)."""
        validate_name(name)
        return self.filestores.of(name, lambda: self.engine(name))

    def filestore_size(self, name: str) -> int:
        """Bytes of the files of ``name``'s attachments (``MissingError`` if there is no ``name``)."""
        if not self.exists(name):
            raise missing(name)
        return self.filestore(name).size()

    def create(self, name: str) -> None:
        """Create an empty database (``UserError`` if it exists)."""
        validate_name(name)
        self._backend.create(name)
        self.filestore(name).remove()  # a new database starts without files (of a former one)

    def drop(self, name: str) -> None:
        """Drop a database (``MissingError`` if absent).

        Other processes' connections to it are ended (PostgreSQL) or find it gone at
        their next transaction (SQLite, after the drop waited for a writer's commit).
        ``UserError`` if it stays in use: a session that is not ours to end, a SQLite
        writer that keeps the lock past the busy timeout.
        """
        self.release(name)
        self._backend.drop(name)
        self.filestore(name).remove()

    def exists(self, name: str) -> bool:
        validate_name(name)
        return self._backend.exists(name)

    def list(self, *, internal: bool = False) -> list[str]:
        """The names of the cluster's databases, sorted: the clients' ones, or with
        ``internal=True`` only the instance's own (``tenantry.db.names.INTERNAL_PREFIX``)."""
        return [name for name in self._backend.list() if is_internal_name(name) is internal]

    def rename(self, src: str, dst: str) -> None:
        """Give database ``src`` (and its filestore) the name ``dst``, atomically.

        Of two concurrent renames of one ``src``, exactly one succeeds; the other gets
        ``MissingError``, as does a missing ``src``. ``UserError`` if ``dst`` exists.
        The instance's connections to ``src`` are closed first, and on PostgreSQL every
        other session on it is ended (the database must be unused to be renamed).
        """
        validate_name(src)
        validate_name(dst)
        self.release(src)
        self.release(dst)
        self._backend.rename(src, dst)
        source = self.filestore(src).root
        if source.is_dir():
            self._publish_filestore(dst, source)
        else:
            self.filestore(dst).remove()  # left by a former database of that name

    def duplicate(self, src: str, dst: str) -> None:
        """Copy ``src`` to a new database ``dst``; a failure leaves no ``dst`` behind.

        ``UserError`` if ``dst`` exists or (PostgreSQL) a session that is not ours to
        end holds ``src``: PostgreSQL copies only a database nobody is connected to, so
        the other workers' sessions on it are ended (they reconnect).
        """
        validate_name(src)
        validate_name(dst)
        self.release(src)
        source = self.filestore(src)
        if not source.root.is_dir():  # no attachment file to copy
            self._backend.duplicate(src, dst)
            self.filestore(dst).remove()
            return
        with backup.staging(self.filestores.base, f"copy-{dst}") as scratch:
            # Files before and after the copy of the database: those its snapshot
            # references are there even if a collection in src removed one meanwhile.
            copied = Filestore(scratch / "files")
            source.copy_into(copied)
            self._backend.duplicate(src, dst)
            try:
                for fname in source.copy_into(copied):
                    copied.mark(fname)  # perhaps newer than the snapshot: collected if unused
                self._publish_filestore(dst, copied.root)
            except BaseException:
                self._backend.drop(dst)
                raise

    def dump(
        self,
        name: str,
        path: str | os.PathLike[str],
        backup_format: str = BackupFormat.DUMP,
        manifest: dict[str, object] | None = None,
    ) -> None:
        """Write a backup of ``name`` to ``path`` (replaced only once the dump is complete).

        ``dump``: the backend's native file, without the filestore; ``zip``: Odoo's zip,
        with ``manifest`` as its ``manifest.json`` and the filestore.
        """
        validate_name(name)
        fmt = BackupFormat.of(backup_format)
        target = Path(path)
        if target.is_dir() or not target.parent.is_dir():
            reason = "it is a directory" if target.is_dir() else f"there is no directory {target.parent}"
            raise UserError(f"Cannot write the dump to {target}: {reason}")
        try:
            if fmt is BackupFormat.DUMP:
                self._backend.dump(name, os.fspath(target))
                return
            if not self._backend.exists(name):
                raise missing(name)
            with backup.staging(self.filestores.base, f"dump-{name}") as scratch:
                backup.write_zip(
                    target,
                    lambda sql: self._backend.dump_sql(name, os.fspath(sql)),
                    self.filestore(name),
                    Filestore(scratch / "files"),
                    {"db_name": name, **(manifest or {})},
                )
        except OSError as exc:  # about the backend's temporary file: name the user's path
            raise UserError(f"Cannot write the dump to {target}: {exc.strerror or exc}") from None

    def restore(self, name: str, path: str | os.PathLike[str]) -> None:
        """Create database ``name`` from a backup made on the same backend, in either
        format (told by its content); a zip's filestore comes along."""
        validate_name(name)
        source = Path(path)
        if not source.is_file():
            raise UserError(f"No dump file at {source}", context={"path": os.fspath(source)})
        if backup.detect_format(source) is BackupFormat.DUMP:
            self._backend.restore(name, os.fspath(source))
            self.filestore(name).remove()
            return
        if self._backend.exists(name):
            raise already_exists(name)
        with backup.staging(self.filestores.base, f"restore-{name}") as scratch:
            sql, files = backup.read_zip(source, scratch)
            self._backend.restore_sql(name, os.fspath(sql))
            try:
                self._publish_filestore(name, files)
            except BaseException:
                self._backend.drop(name)
                raise

    def _publish_filestore(self, name: str, files: Path) -> None:
        """Make the directory ``files`` the filestore of ``name``, a database just made here."""
        target = self.filestore(name).root
        shutil.rmtree(target, ignore_errors=True)  # left by a former database of that name
        with contextlib.suppress(FileNotFoundError):
            os.rename(files, target)

    def size(self, name: str) -> int:
        """Size of the database in bytes."""
        validate_name(name)
        return self._backend.size(name)

    def close(self) -> None:
        """Dispose every engine, including the backend's own."""
        self._engines.clear()
        self._backend.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _open_backend(url: str) -> Backend:
    if not isinstance(url, str):
        raise ValidationError(f"A storage URL must be a string, not {type(url).__name__}")
    if url.startswith("sqlite:"):
        return SqliteBackend(directory_from_url(url))
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None
    if parsed is None or parsed.drivername not in _POSTGRES_DRIVERS:
        raise ValidationError(
            f"Unsupported storage URL {url!r}: use sqlite:///DIR or postgresql://user:pw@host:port/",
            context={"url": url},
        )
    if parsed.database:
        raise ValidationError(
            f"A PostgreSQL storage URL names a server, not a database: drop {parsed.database!r}"
            " from its path",
            context={"url": parsed.render_as_string(hide_password=True)},
        )
    return PostgresBackend(parsed.set(drivername="postgresql+psycopg", database=None))
