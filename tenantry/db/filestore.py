"""The filestore: attachment contents on disk, one directory per database.

Files are content-addressed as in Odoo, ``<root>/<sha1[:2]>/<sha1>``, and never
changed once written: an attachment whose content changes points at another file.
Where the roots are (SPEC 2, "counted separately"):

- SQLite: next to the database files, ``DIR/filestore/<name>/``;
- PostgreSQL: ``<data dir>/filestore/<name>/``, the data dir being ``Instance(data_dir=...)``,
  ``--data-dir`` or ``TENANTRY_DATA_DIR`` (default ``./tenantry-data``).

Garbage collection is Odoo's mark and sweep: a file that may have lost its last
reference (an attachment deleted or changed) or that a transaction just wrote (it may
roll back) is *marked* in ``<root>/checklist/``; :meth:`Filestore.collect`, run after
the transaction ends, deletes the marked files that no ``ir_attachment`` row references,
while holding the lock that keeps writers of that table out. Writers change their row
*before* they write or mark a file, so a collection either ran entirely before them or
waits for their commit and sees their row: a rollback never loses a file, and a commit
never points at a deleted one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from tenantry.db.backend import WRITE_LOCK
from tenantry.db.sqlite_engine import BUSY_TIMEOUT_MS
from tenantry.exceptions import UserError

__all__ = ["CHECKLIST", "Filestore", "FilestoreRoot", "is_fname"]

_log = logging.getLogger(__name__)

CHECKLIST = "checklist"
_FNAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{40}")
# How long a collection waits for the writers of ir_attachment before giving up (the
# marks stay for the next one): it runs in the request that ended the transaction.
_GC_WAIT_MS = 500
_BATCH = 500
_ATTACHMENTS = sa.table("ir_attachment", sa.column("store_fname", sa.String))


def is_fname(fname: object) -> bool:
    """Whether ``fname`` is a filestore name, ``ab/ab...`` (a sha1): nothing else is ever a path."""
    return isinstance(fname, str) and _FNAME.fullmatch(fname) is not None


class FilestoreRoot:
    """Where the filestores of one cluster live: ``<base>/<database name>/``."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def of(self, name: str, engine: Callable[[], Engine] | None = None) -> Filestore:
        """The filestore of database ``name`` (a validated name); ``engine`` opens its database
        for garbage collection."""
        return Filestore(self.base / name, engine)

    def __repr__(self) -> str:
        return f"FilestoreRoot({str(self.base)!r})"


class Filestore:
    """The files of one database."""

    def __init__(self, root: Path, engine: Callable[[], Engine] | None = None) -> None:
        self.root = root
        self._engine = engine
        self.marked = False
        """Whether this object marked a file: :meth:`collect` has work to do."""

    def __repr__(self) -> str:
        return f"Filestore({str(self.root)!r})"

    # -- contents --------------------------------------------------------------------

    def path(self, fname: str) -> Path:
        """The file of ``fname`` (``ValueError`` for anything but a filestore name)."""
        if not is_fname(fname):
            raise ValueError(f"Not a filestore name: {fname!r}")
        return self.root / fname

    def read(self, fname: str) -> bytes:
        """The content of ``fname``; ``b""`` when the file is missing (as Odoo, which logs it)."""
        try:
            return self.path(fname).read_bytes()
        except (OSError, ValueError):
            _log.info("filestore: cannot read %r in %s", fname, self.root)
            return b""

    def size_of(self, fname: str) -> int | None:
        try:
            return self.path(fname).stat().st_size
        except (OSError, ValueError):
            return None

    def write(self, data: bytes, checksum: str) -> str:
        """Store ``data`` (whose sha1 is ``checksum``) unless there; return its name.

        The file appears whole or not at all (written aside, then linked in). A new
        file is marked: the transaction that wrote it may roll back.
        """
        fname = f"{checksum[:2]}/{checksum}"
        target = self.path(fname)
        if target.exists():
            if target.stat().st_size != len(data) or target.read_bytes() != data:
                raise UserError("The attachment collides with an existing file.")
            return fname
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            with contextlib.suppress(FileExistsError):  # written meanwhile: the same content
                os.link(tmp, target)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.mark(fname)
        return fname

    def mark(self, fname: str) -> None:
        """Put ``fname`` on the checklist of the next collection."""
        if not is_fname(fname):
            return
        entry = self.root / CHECKLIST / fname
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.touch()
        self.marked = True

    def files(self) -> Iterator[tuple[str, Path]]:
        """Every stored file, ``(fname, path)``, the checklist and temporary files aside."""
        if not self.root.is_dir():
            return
        for directory in sorted(self.root.iterdir()):
            if directory.name == CHECKLIST or not directory.is_dir():
                continue
            for file in sorted(directory.iterdir()):
                fname = f"{directory.name}/{file.name}"
                if is_fname(fname):
                    yield fname, file

    def size(self) -> int:
        """Bytes of the stored files."""
        total = 0
        for _fname, path in self.files():
            with contextlib.suppress(OSError):
                total += path.stat().st_size
        return total

    # -- whole filestores ------------------------------------------------------------

    def copy_into(self, other: Filestore) -> set[str]:
        """Put every file of self that ``other`` lacks into it (hard links, else copies);
        return the names added. Files never change, so sharing them is safe."""
        added: set[str] = set()
        for fname, path in self.files():
            target = other.root / fname
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except FileExistsError:
                continue
            except FileNotFoundError:
                continue  # collected meanwhile
            except OSError:
                _copy_file(path, target)
            added.add(fname)
        return added

    def remove(self) -> None:
        """Delete the whole filestore (its database is gone)."""
        shutil.rmtree(self.root, ignore_errors=True)

    # -- garbage collection ----------------------------------------------------------

    def checklist(self) -> dict[str, Path]:
        """The marked names and their checklist entries."""
        found: dict[str, Path] = {}
        base = self.root / CHECKLIST
        if not base.is_dir():
            return found
        for directory in base.iterdir():
            if not directory.is_dir():
                continue
            for entry in directory.iterdir():
                found[f"{directory.name}/{entry.name}"] = entry
        return found

    def collect(self) -> int:
        """Delete the marked files that no attachment references; return how many.

        Runs in its own transaction, holding the lock that keeps writers of
        ``ir_attachment`` out (SQLite's write lock, PostgreSQL's SHARE lock on the
        table); when they keep it longer than a moment, it gives up and the marks stay
        for the next collection. Never raises: a failed collection only leaves files.
        """
        self.marked = False
        checklist = self.checklist()
        if not checklist or self._engine is None:
            return 0
        try:
            return self._sweep(self._engine(), checklist)
        except Exception as exc:  # collecting is housekeeping: never fail the caller for it
            _log.info("filestore: collection in %s put off: %s", self.root, exc)
            return 0

    def _sweep(self, engine: Engine, checklist: dict[str, Path]) -> int:
        removed = 0
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            raw: Any = conn.connection.driver_connection if sqlite else None
            if sqlite:
                raw.execute(f"PRAGMA busy_timeout={_GC_WAIT_MS}")
                conn.execution_options(**{WRITE_LOCK: True})
            try:
                with conn.begin():
                    if not sqlite:
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{_GC_WAIT_MS}ms'")
                        conn.exec_driver_sql("LOCK TABLE ir_attachment IN SHARE MODE")
                    names = sorted(checklist)
                    for start in range(0, len(names), _BATCH):
                        batch = [n for n in names[start : start + _BATCH] if is_fname(n)]
                        column = _ATTACHMENTS.c.store_fname
                        stmt = sa.select(column).where(column.in_(batch)).distinct()
                        referenced = set(conn.execute(stmt).scalars())
                        for fname in names[start : start + _BATCH]:
                            if fname not in referenced and is_fname(fname):
                                with contextlib.suppress(FileNotFoundError):
                                    (self.root / fname).unlink()
                                    removed += 1
                            with contextlib.suppress(OSError):
                                checklist[fname].unlink()
            except DBAPIError as exc:
                _log.info("filestore: collection in %s put off: %s", self.root, exc.orig)
            finally:
                if sqlite:
                    raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return removed


def _copy_file(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` so that ``target`` appears whole."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
