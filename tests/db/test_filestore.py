"""The filestore of a database: collected after commits, copied, dropped, carried by zip backups.

Committed databases (``fresh_db``), on both backends.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tenantry.exceptions import UserError, ValidationError
from tenantry.instance import Instance


def _attach(instance: Instance, db: str, content: bytes) -> tuple[int, Path]:
    with instance.env(db) as env:
        attachment = env["ir.attachment"].create({"name": "f.bin", "raw": content})
        return attachment.id, instance.storage.filestore(db).path(attachment.store_fname)


def test_files_go_after_the_commit_that_frees_them_never_after_a_rollback(
    instance: Instance, fresh_db: str
) -> None:
    att_id, path = _attach(instance, fresh_db, b"kept until committed")
    assert path.is_file()
    with pytest.raises(RuntimeError), instance.env(fresh_db) as env:
        env["ir.attachment"].browse(att_id).unlink()
        raise RuntimeError("rolled back")
    assert path.is_file()  # the deletion was undone: so is nothing on disk
    with instance.env(fresh_db) as env:
        assert env["ir.attachment"].browse(att_id).raw == b"kept until committed"
        env["ir.attachment"].browse(att_id).unlink()
    assert not path.exists()
    # a file written by a transaction that rolls back does not stay either
    with pytest.raises(RuntimeError), instance.env(fresh_db) as env:
        orphan = env["ir.attachment"].create({"name": "o", "raw": b"never committed"})
        written = instance.storage.filestore(fresh_db).path(orphan.store_fname)
        assert written.is_file()
        raise RuntimeError("rolled back")
    assert not written.exists()
    assert instance.storage.filestore(fresh_db).checklist() == {}


def test_a_file_still_used_by_another_attachment_is_kept(instance: Instance, fresh_db: str) -> None:
    first, path = _attach(instance, fresh_db, b"shared content")
    second, same = _attach(instance, fresh_db, b"shared content")
    assert same == path
    with instance.env(fresh_db) as env:
        env["ir.attachment"].browse(first).unlink()
    assert path.is_file()
    with instance.env(fresh_db) as env:
        env["ir.attachment"].browse(second).write({"raw": b"other content"})
    assert not path.exists()


def test_duplicate_copies_the_files_and_drop_removes_them(instance: Instance, fresh_db: str) -> None:
    att_id, path = _attach(instance, fresh_db, b"in the template")
    original = instance.filestore_size(fresh_db)
    copy = f"{fresh_db}-copy"
    instance.duplicate_database(fresh_db, copy)
    try:
        # Sizes are compared, not expected to be 0: the shared template may hold orphan
        # files of rolled-back transactions (collected by a later commit's sweep only).
        assert instance.filestore_size(copy) == original
        with instance.env(copy) as env:
            assert env["ir.attachment"].browse(att_id).raw == b"in the template"
            env["ir.attachment"].browse(att_id).unlink()  # the copy's files are its own
        assert path.is_file()
        assert instance.filestore_size(copy) == original - len(b"in the template")
        assert instance.filestore_size(fresh_db) == original
    finally:
        instance.drop_database(copy)
    assert not instance.storage.filestore(copy).root.exists()
    assert path.is_file()


def test_a_zip_backup_carries_the_database_and_its_files(
    instance: Instance, fresh_db: str, tmp_path: Path
) -> None:
    att_id, path = _attach(instance, fresh_db, b"backed up")
    backup = tmp_path / "backup.zip"
    instance.dump_database(fresh_db, backup, "zip")
    with zipfile.ZipFile(backup) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    fname = path.relative_to(instance.storage.filestore(fresh_db).root).as_posix()
    assert {"dump.sql", "manifest.json", f"filestore/{fname}"} <= names
    assert manifest["db_name"] == fresh_db and manifest["major_version"] == "17.0"
    assert {"odoo_dump", "version", "version_info", "pg_version"} <= manifest.keys()
    assert manifest["modules"]["base"] and "sale_demo" in manifest["modules"]
    restored = f"{fresh_db}-zip"
    instance.restore_database(restored, backup)
    try:
        with instance.env(restored) as env:
            assert env["ir.attachment"].browse(att_id).raw == b"backed up"
    finally:
        instance.drop_database(restored)


def test_a_native_dump_restores_without_the_files(instance: Instance, fresh_db: str, tmp_path: Path) -> None:
    att_id, _path = _attach(instance, fresh_db, b"not in a native dump")
    native = tmp_path / "native.dump"
    instance.dump_database(fresh_db, native, "dump")
    assert not zipfile.is_zipfile(native)
    restored = f"{fresh_db}-native"
    instance.restore_database(restored, native)
    try:
        with instance.env(restored) as env:
            attachment = env["ir.attachment"].browse(att_id)
            assert attachment.exists() and not attachment.raw  # Odoo's 'dump' has no filestore
    finally:
        instance.drop_database(restored)


def test_a_zip_restore_takes_only_filestore_files(instance: Instance, fresh_db: str, tmp_path: Path) -> None:
    _attach(instance, fresh_db, b"legit")
    good = tmp_path / "good.zip"
    instance.dump_database(fresh_db, good, "zip")
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(hostile, "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        for name in ("../escaped", "filestore/../../escaped", "/abs/escaped", "filestore/ab/not-a-sha1"):
            out.writestr(name, b"evil")
    restored = f"{fresh_db}-hostile"
    instance.restore_database(restored, hostile)
    try:
        base = instance.storage.filestores.base
        assert not list(base.parent.rglob("escaped")) and not list(base.rglob("not-a-sha1"))
        assert instance.filestore_size(restored) == instance.filestore_size(fresh_db)
    finally:
        instance.drop_database(restored)


def test_a_zip_without_its_sql_or_in_an_unknown_format_is_refused(
    instance: Instance, fresh_db: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("manifest.json", "{}")
    with pytest.raises(UserError, match=r"dump\.sql"):
        instance.restore_database("s-never-restored", empty)
    assert not instance.exists("s-never-restored")
    with pytest.raises(ValidationError, match="backup format"):
        instance.dump_database(fresh_db, tmp_path / "x", "tar")
