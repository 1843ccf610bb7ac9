"""Backups in Odoo's two formats, and telling them apart.

- ``zip`` (Odoo's default): ``dump.sql`` (the database as SQL text: ``pg_dump
  --format=plain``, or SQLite's ``iterdump``), ``manifest.json`` (Odoo's keys:
  ``odoo_dump, db_name, version, version_info, major_version, pg_version, modules``)
  and ``filestore/<sha1[:2]>/<sha1>``, the attachment files;
- ``dump``: the backend's native file (``pg_dump --format=custom`` or a SQLite
  database file), without the filestore, as Odoo's.

A restore reads the format from the file's first bytes, as Odoo does. Everything
streams through files on disk: no backup is ever held whole in memory here.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tenantry.db.filestore import Filestore, is_fname
from tenantry.exceptions import UserError, ValidationError

__all__ = ["BackupFormat", "detect_format", "read_zip", "staging", "write_zip"]

_ZIP_MAGIC = b"PK\x03\x04"
_DUMP_SQL = "dump.sql"
_MANIFEST = "manifest.json"
_FILESTORE = "filestore/"
_CHUNK = 1 << 20


class BackupFormat(enum.StrEnum):
    ZIP = "zip"
    DUMP = "dump"

    @classmethod
    def of(cls, value: object) -> BackupFormat:
        """The format named ``value`` (``ValidationError`` for anything else)."""
        for member in cls:
            if value == member.value:
                return member
        raise ValidationError(f"Unknown backup format {value!r}: 'zip' (with the filestore) or 'dump'")


def detect_format(path: Path) -> BackupFormat:
    """``zip`` when the file is a zip archive, else the backend's native ``dump``."""
    with path.open("rb") as file:
        return BackupFormat.ZIP if file.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC else BackupFormat.DUMP


@contextlib.contextmanager
def staging(base: Path, label: str) -> Iterator[Path]:
    """A private scratch directory under ``base`` (the filestores' directory: hard links
    work within it), removed on exit whatever it still holds."""
    base.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=base, prefix=f".{label}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def write_zip(
    path: Path,
    dump_sql: Callable[[Path], None],
    filestore: Filestore,
    scratch: Filestore,
    manifest: Mapping[str, Any],
) -> None:
    """Write Odoo's zip backup to ``path`` (replaced only once complete).

    The files are gathered into ``scratch`` before and after the SQL dump (hard links:
    cheap), so that a file the dumped snapshot references is there even if a
    collection removed it meanwhile, or it was added just before the snapshot.
    """
    filestore.copy_into(scratch)
    fd, sql = tempfile.mkstemp(dir=scratch.root.parent, prefix=".dump-", suffix=".sql")
    os.close(fd)
    tmp = None
    try:
        dump_sql(Path(sql))
        filestore.copy_into(scratch)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.write(sql, _DUMP_SQL)
            archive.writestr(_MANIFEST, json.dumps(dict(manifest), indent=4))
            # Attachments are mostly compressed already (images, PDF, office files).
            for fname, file in scratch.files():
                archive.write(file, _FILESTORE + fname, compress_type=zipfile.ZIP_STORED)
        os.replace(tmp, path)
        tmp = None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(sql)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def read_zip(path: Path, into: Path) -> tuple[Path, Path]:
    """Unpack a zip backup into the directory ``into``: ``(dump.sql, filestore directory)``.

    Only ``dump.sql``, ``manifest.json`` and files named like filestore files are
    taken; any other member (``../x``, absolute paths, links) is ignored.
    """
    sql, files = into / _DUMP_SQL, into / "filestore"
    files.mkdir()
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if _DUMP_SQL not in names:
                raise UserError(f"{path} is not a backup: it has no {_DUMP_SQL}", context={"path": str(path)})
            _extract(archive, _DUMP_SQL, sql)
            for name in sorted(names):
                fname = name.removeprefix(_FILESTORE)
                if name.startswith(_FILESTORE) and is_fname(fname):
                    (files / fname).parent.mkdir(exist_ok=True)
                    _extract(archive, name, files / fname)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise UserError(f"{path} is not a valid zip backup: {exc}", context={"path": str(path)}) from exc
    return sql, files


def _extract(archive: zipfile.ZipFile, member: str, target: Path) -> None:
    with archive.open(member) as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, _CHUNK)
