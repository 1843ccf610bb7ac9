"""The SQLite backend: a directory with one file per database, ``DIR/<name>.sqlite3``.

Every new database file (create, duplicate, restore) is built under a temporary
name in the same directory and then published in one atomic step that never
replaces an existing file, so a failure or a crash leaves no half-written
database behind and two writers racing for one name cannot both win.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine

from tenantry.db.errors import already_exists, in_use, missing
from tenantry.db.names import is_valid_name
from tenantry.db.sqlite_engine import BUSY_TIMEOUT_MS, identity_of, make_sqlite_engine
from tenantry.exceptions import UserError, ValidationError

__all__ = ["SqliteBackend", "directory_from_url"]

DEFAULT_DIRECTORY = "./tenantry-data"
_SUFFIX = ".sqlite3"
_SIDECARS = ("-wal", "-shm", "-journal")
_SQLITE_BUSY = 5


def directory_from_url(url: str) -> Path:
    """The absolute directory a ``sqlite://`` storage URL names.

    ``sqlite:///srv/data`` and ``sqlite:////srv/data`` are absolute,
    ``sqlite:///./data`` and ``sqlite:///../data`` relative to the working
    directory, ``sqlite://`` and ``sqlite:///`` are ``./tenantry-data``.
    """
    rest = url.removeprefix("sqlite://")
    if rest == url or "?" in rest or "#" in rest or (rest and not rest.startswith("/")):
        raise ValidationError(
            f"Invalid SQLite storage URL {url!r}: expected sqlite:///ABSOLUTE/DIR "
            "or sqlite:///./relative/dir",
            context={"url": url},
        )
    path = rest[1:]
    if not path:
        path = DEFAULT_DIRECTORY
    elif path.split("/", 1)[0] not in (".", ".."):
        path = "/" + path.lstrip("/")
    return Path(os.path.abspath(path))


class SqliteBackend:
    """Databases as files in one directory (created on demand)."""

    dialect = "sqlite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def make_engine(self, name: str) -> Engine:
        return make_sqlite_engine(self._path(name), name)

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def list(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        names = (entry.name.removesuffix(_SUFFIX) for entry in self.directory.glob("*" + _SUFFIX))
        return sorted(name for name in names if is_valid_name(name))

    def create(self, name: str) -> None:
        path = self._path(name)
        self.directory.mkdir(parents=True, exist_ok=True)
        # O_EXCL: of two concurrent creates of one name, exactly one succeeds.
        # 0o600: tenant data is nobody else's business.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise already_exists(name) from None
        os.close(fd)
        try:
            with _connection(path) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
        except BaseException:
            _remove(path)
            raise

    def drop(self, name: str) -> None:
        """Delete the file and its sidecars, holding the write lock.

        A writer in another process that is in the middle of a transaction holds
        that lock: the drop waits for its commit (``UserError`` after the busy
        timeout) instead of unlinking the file under it. The connections other
        processes keep on the unlinked file notice it at their next transaction
        (``tenantry.db.sqlite_engine``); SQLite itself sees that the file moved and
        never checkpoints into, or deletes, the sidecars of a new file of that name.
        """
        path = self._path(name)
        opened = identity_of(path)
        if opened is None:
            raise missing(name)
        try:
            with _connection(path) as lock:
                _take_write_lock(lock, name)
                # Still the file opened? Another drop may have won meanwhile, and a
                # new database may have taken the name since: leave it alone.
                if identity_of(path) != opened:
                    raise missing(name)
                path.unlink()
                _remove(path, main=False)
        except sqlite3.OperationalError:
            if identity_of(path) != opened:  # dropped by another process meanwhile
                raise missing(name) from None
            raise

    def duplicate(self, src: str, dst: str) -> None:
        source = self._existing_path(src)
        if self.exists(dst):
            raise already_exists(dst)
        with _connection(source) as reader:
            self._build(dst, lambda target: _backup(reader, target))

    def rename(self, src: str, dst: str) -> None:
        """Claim ``src`` by renaming its file to a hidden name (of two claims, one wins),
        fold its WAL into it, then publish it as ``dst`` (never over another database)."""
        source = self._existing_path(src)
        if self.exists(dst):
            raise already_exists(dst)
        claimed = _temp_file(self.directory, dst)
        try:
            os.rename(source, claimed)
        except FileNotFoundError:
            _remove(claimed)
            raise missing(src) from None
        try:
            # Nobody opens src any more: its sidecars follow the file, and closing the
            # only connection checkpoints the WAL into it (and deletes both sidecars).
            with contextlib.suppress(FileNotFoundError):
                os.rename(source.with_name(source.name + "-wal"), claimed.with_name(claimed.name + "-wal"))
            _remove(source, main=False)
            if claimed.with_name(claimed.name + "-wal").exists():
                with _connection(claimed) as conn:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _publish(claimed, self._path(dst), dst)
        except BaseException:
            with contextlib.suppress(OSError):  # give src back rather than lose it
                os.rename(claimed, source)
                os.rename(claimed.with_name(claimed.name + "-wal"), source.with_name(source.name + "-wal"))
            _remove(claimed)
            raise

    def dump(self, name: str, path: str) -> None:
        source = self._existing_path(name)
        target = Path(path)
        tmp = _temp_file(target.parent, target.name)
        try:
            with _connection(source) as reader, _connection(tmp) as writer:
                _backup(reader, writer)
                # A dump is one self-contained file: no -wal beside it.
                writer.execute("PRAGMA journal_mode=DELETE")
            os.replace(tmp, target)
        except BaseException:
            _remove(tmp)
            raise

    def restore(self, name: str, path: str) -> None:
        if not Path(path).is_file():
            raise UserError(f"No dump file at {path}", context={"path": path})
        if self.exists(name):
            raise already_exists(name)

        def fill(target: sqlite3.Connection) -> None:
            try:
                with _connection(Path(path), mode="ro") as reader:
                    _backup(reader, target)
                (verdict,) = target.execute("PRAGMA quick_check").fetchone()
            except sqlite3.DatabaseError as exc:
                raise UserError(
                    f"{path} is not a SQLite database dump: {exc}", context={"path": path}
                ) from exc
            if verdict != "ok":
                raise UserError(f"The dump {path} is corrupt: {verdict}", context={"path": path})

        self._build(name, fill)

    def dump_sql(self, name: str, path: str) -> None:
        """Write the database as SQL text (``sqlite3``'s ``iterdump``), from one snapshot."""
        source = self._existing_path(name)
        target = Path(path)
        tmp = _temp_file(target.parent, target.name)
        try:
            with _connection(source, mode="ro") as reader, tmp.open("w", encoding="utf-8") as out:
                reader.execute("BEGIN")  # one read snapshot for every table
                for statement in reader.iterdump():
                    out.write(statement)
                    out.write("\n")
            os.replace(tmp, target)
        except BaseException:
            _remove(tmp)
            raise

    def restore_sql(self, name: str, path: str) -> None:
        """Create ``name`` from SQL text made by :meth:`dump_sql`, read as a stream.

        The script may not attach other files (``ATTACH`` would create one anywhere).
        """
        if self.exists(name):
            raise already_exists(name)

        def fill(target: sqlite3.Connection) -> None:
            target.set_authorizer(_refuse_attach)
            try:
                for statement in _statements(Path(path)):
                    target.execute(statement)
                if target.in_transaction:
                    raise sqlite3.DatabaseError("the script ends inside a transaction (cut short?)")
                (verdict,) = target.execute("PRAGMA quick_check").fetchone()
            except (sqlite3.DatabaseError, sqlite3.Warning, UnicodeDecodeError) as exc:
                raise UserError(
                    f"{path} is not a SQL dump of a SQLite database: {exc}", context={"path": path}
                ) from exc
            finally:
                target.set_authorizer(None)
                if target.in_transaction:
                    target.execute("ROLLBACK")
            if verdict != "ok":
                raise UserError(f"The dump {path} is corrupt: {verdict}", context={"path": path})

        self._build(name, fill)

    def size(self, name: str) -> int:
        path = self._existing_path(name)
        wal = path.with_name(path.name + "-wal")
        return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    def close(self) -> None:
        """Nothing to release: the backend itself holds no connection."""

    # -- internals -------------------------------------------------------------

    def _path(self, name: str) -> Path:
        return self.directory / (name + _SUFFIX)

    def _existing_path(self, name: str) -> Path:
        path = self._path(name)
        if not path.is_file():
            raise missing(name)
        return path

    def _build(self, name: str, fill: Callable[[sqlite3.Connection], None]) -> None:
        """Create database ``name`` by filling a temporary file, then publishing it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = _temp_file(self.directory, name)
        try:
            with _connection(tmp) as writer:
                fill(writer)
                writer.execute("PRAGMA journal_mode=WAL")
            # Closing the last connection checkpointed and deleted the -wal.
            _publish(tmp, self._path(name), name)
        except BaseException:
            _remove(tmp)
            raise


def _backup(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy every page of ``source`` into ``target`` with SQLite's online backup API.

    A module-level seam so that tests can make the copy fail midway.
    """
    source.backup(target)


def _statements(path: Path) -> Iterator[str]:
    """The complete SQL statements of a script, one at a time (never the whole file)."""
    pending: list[str] = []
    with path.open(encoding="utf-8") as script:
        for line in script:
            pending.append(line)
            # Statements end a line with ";": only then is the whole piece worth checking.
            if line.rstrip().endswith(";") and sqlite3.complete_statement("".join(pending)):
                yield "".join(pending)
                pending.clear()
    rest = "".join(pending).strip()
    if rest:
        raise sqlite3.DatabaseError(f"incomplete statement at the end: {rest[:80]!r}")


def _refuse_attach(action: int, *_args: object) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _publish(tmp: Path, final: Path, name: str) -> None:
    """Give the complete file ``tmp`` its final name, atomically, never over another database.

    ``os.link`` is atomic and fails if ``final`` exists, which ``os.replace``
    would silently overwrite; ``os.replace`` is the fallback for file systems
    without hard links.
    """
    try:
        os.link(tmp, final)
    except FileExistsError:
        raise already_exists(name) from None
    except OSError:
        if final.exists():
            raise already_exists(name) from None
        os.replace(tmp, final)
    else:
        # Published: a leftover hidden temp file would be harmless, a failure here not.
        with contextlib.suppress(OSError):
            tmp.unlink()


def _temp_file(directory: Path, label: str) -> Path:
    # A leading dot and no .sqlite3 suffix: never listed as a database.
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{label}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def _connection(path: Path, *, mode: str = "rw") -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to an existing file, closed on exit."""
    conn = sqlite3.connect(
        f"file:{quote(str(path))}?mode={mode}",
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
    )
    try:
        yield conn
    finally:
        conn.close()


def _remove(path: Path, *, main: bool = True) -> None:
    """Delete a database file (if ``main``) and its sidecar files, ignoring absent ones."""
    names = ([path.name] if main else []) + [path.name + suffix for suffix in _SIDECARS]
    for filename in names:
        with contextlib.suppress(FileNotFoundError):
            path.with_name(filename).unlink()


def _take_write_lock(conn: sqlite3.Connection, name: str) -> None:
    """``BEGIN IMMEDIATE`` on ``conn``: wait for the writer in a transaction, if any."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == _SQLITE_BUSY:
            raise in_use(name, "drop") from None
        raise
    except sqlite3.DatabaseError:
        pass  # not a database (a damaged file): nobody can be writing it, drop it anyway
