"""The Python entry point of SPEC section 3: Instance and its databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenantry import Instance
from tenantry.exceptions import MissingError, UserError, ValidationError
from tenantry.security.passwords import verify_password


def _uuid(instance: Instance, db: str) -> str:
    with instance.env(db) as env:
        return str(env["ir.config_parameter"].get_param("database.uuid"))


def test_create_database_sets_up_base_admin_and_system_user(instance: Instance) -> None:
    instance.create_database("created", admin_password="s3cret", login="boss", country_code="be")
    try:
        with instance.env("created") as env:
            admin = env["res.users"].browse(2)
            assert admin == env.ref("base.user_admin") and admin.login == "boss"
            assert verify_password(admin._password_hash(), "s3cret")
            assert env["res.users"].browse(1).login == "__system__"
            assert admin.has_group("base.group_system") and admin.has_group("base.group_user")
            assert env.ref("base.main_company").partner_id.country_id.code == "BE"
            assert env["ir.module.module"].search([("name", "=", "base")]).state == "installed"
        assert "created" in instance.list_databases() and instance.exists("created")
        assert instance.database_size("created") > 0
    finally:
        instance.drop_database("created")
    assert not instance.exists("created")


@pytest.mark.parametrize("name", ["Bad Name", "../x", "", "x" * 64, ".hidden"])
def test_bad_names_are_refused_before_anything_happens(instance: Instance, name: str) -> None:
    before = instance.list_databases()
    with pytest.raises(ValidationError):
        instance.create_database(name)
    assert instance.list_databases() == before


def test_a_failed_create_leaves_no_database(instance: Instance) -> None:
    with pytest.raises(ValidationError, match="Unknown country code"):
        instance.create_database("half-made", country_code="zz")
    assert not instance.exists("half-made")
    with pytest.raises(UserError, match="not available"):
        instance.create_database("no-addon", modules=["nope"])
    assert not instance.exists("no-addon")


def test_duplicate_copies_data_and_gets_a_new_identity(instance: Instance, fresh_db: str) -> None:
    with instance.env(fresh_db) as env:
        env["res.partner"].create({"name": "Only In Source"})
    instance.duplicate_database(fresh_db, "dup-copy")
    try:
        assert _uuid(instance, "dup-copy") != _uuid(instance, fresh_db)
        with instance.env("dup-copy") as env:
            partner = env["res.partner"].search([("name", "=", "Only In Source")])
            partner.name = "Changed In Copy"
        with instance.env(fresh_db) as env:
            assert env["res.partner"].search_count([("name", "=", "Only In Source")]) == 1
        with pytest.raises(UserError):
            instance.duplicate_database(fresh_db, "dup-copy")
        with pytest.raises(MissingError):
            instance.duplicate_database("no-such-db", "dup-other")
    finally:
        instance.drop_database("dup-copy")


def test_dump_and_restore_round_trip(instance: Instance, fresh_db: str, tmp_path: Path) -> None:
    with instance.env(fresh_db) as env:
        env["res.partner"].create({"name": "Backed Up"})
    dump = tmp_path / "backup.dump"
    instance.dump_database(fresh_db, dump)
    instance.restore_database("restored", dump)
    try:
        with instance.env("restored") as env:
            assert env["res.partner"].search_count([("name", "=", "Backed Up")]) == 1
        assert _uuid(instance, "restored") == _uuid(instance, fresh_db)
        with pytest.raises(UserError):
            instance.restore_database("restored", dump)
    finally:
        instance.drop_database("restored")
    instance.restore_database("restored-copy", dump, copy=True)
    try:
        assert _uuid(instance, "restored-copy") != _uuid(instance, fresh_db)
    finally:
        instance.drop_database("restored-copy")


def test_env_commits_on_success_and_rolls_back_on_error(instance: Instance, fresh_db: str) -> None:
    with instance.env(fresh_db) as env:
        env["res.partner"].create({"name": "Committed"})
    with pytest.raises(RuntimeError), instance.env(fresh_db) as env:
        env["res.partner"].create({"name": "Rolled Back"})
        raise RuntimeError("boom")
    with instance.env(fresh_db) as env:
        assert env["res.partner"].search_count([("name", "=", "Committed")]) == 1
        assert env["res.partner"].search_count([("name", "=", "Rolled Back")]) == 0


def test_env_on_missing_database_is_a_missing_error(instance: Instance) -> None:
    with pytest.raises(MissingError), instance.env("never-created"):
        pass


def test_another_process_sees_addon_changes(instance: Instance, fresh_db: str) -> None:
    """Two instances on one cluster stand for two worker processes."""
    other = Instance(instance.url, addons_path=instance.addons_path.directories[1:])
    try:
        with other.env(fresh_db) as env:
            assert "sale.order" in env.registry  # the other process has a registry cached
        instance.uninstall_modules(fresh_db, ["sale_demo"])
        with other.env(fresh_db) as env:
            assert "sale.order" not in env.registry
        instance.install_modules(fresh_db, ["sale_demo"])
        with other.env(fresh_db) as env:
            assert "sale.order" in env.registry
            env["sale.order"].search([])
    finally:
        other.close()
