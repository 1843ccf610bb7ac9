"""Install, upgrade and uninstall: each one transaction, with the schema it promises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tenantry.exceptions import UserError
from tenantry.instance import Instance
from tests.conftest import session_db_name
from tests.helpers import FIXTURE_ADDONS


def _schema(instance: Instance, db: str) -> dict[str, Any]:
    """Tables -> (columns, indexes, foreign keys): what a round trip must give back."""
    with instance.storage.engine(db).connect() as conn:
        inspector = sa.inspect(conn)
        return {
            table: (
                sorted(c["name"] for c in inspector.get_columns(table)),
                sorted(i["name"] or "" for i in inspector.get_indexes(table)),
                sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in inspector.get_foreign_keys(table)
                ),
            )
            for table in inspector.get_table_names()
        }


@pytest.fixture
def base_db(instance: Instance, request: pytest.FixtureRequest) -> Any:
    name = session_db_name(request, "b")
    if instance.exists(name):
        instance.drop_database(name)
    instance.create_database(name)
    yield name
    if instance.exists(name):
        instance.drop_database(name)


def test_install_upgrade_uninstall_round_trip_restores_the_schema(instance: Instance, base_db: str) -> None:
    before = _schema(instance, base_db)
    instance.install_modules(base_db, ["test_orm_ext"])
    installed = _schema(instance, base_db)
    assert "test_gadget" in installed and "loyalty" in installed["res_partner"][0]
    instance.upgrade_modules(base_db, ["test_orm"])
    assert _schema(instance, base_db) == installed
    instance.uninstall_modules(base_db, ["test_orm_ext"])
    instance.uninstall_modules(base_db, ["test_orm"])
    assert _schema(instance, base_db) == before
    with instance.env(base_db) as env:
        assert "test.thing" not in env.registry
        assert not env["ir.model"].search([("model", "like", "test.")])
        assert not env["ir.model.data"].search([("module", "in", ["test_orm", "test_orm_ext"])])
        assert not env["res.groups"].search([("name", "=", "Gadgeteer")])
        states = {m.name: m.state for m in env["ir.module.module"].search([("name", "like", "test_orm")])}
        assert states == {"test_orm": "uninstalled", "test_orm_ext": "uninstalled"}


def test_install_records_module_state_models_and_xml_ids(instance: Instance, base_db: str) -> None:
    instance.install_modules(base_db, ["test_orm"])
    with instance.env(base_db) as env:
        module = env["ir.module.module"].search([("name", "=", "test_orm")])
        assert module.state == "installed" and module.latest_version == "1.0"
        assert env.ref("test_orm.model_test_thing").model == "test.thing"
        assert env.ref("test_orm.field_test_thing__name").ttype == "char"
        root = env.ref("test_orm.thing_root")
        assert root.tag_ids.mapped("name") == ["blue", "red"]


def test_uninstall_refuses_while_a_dependent_is_installed(instance: Instance, base_db: str) -> None:
    instance.install_modules(base_db, ["test_orm_ext"])
    with pytest.raises(UserError, match="test_orm_ext depend"):
        instance.uninstall_modules(base_db, ["test_orm"])
    with pytest.raises(UserError, match="base addon cannot be uninstalled"):
        instance.uninstall_modules(base_db, ["base"])


def test_upgrade_keeps_noupdate_records_and_rewrites_the_others(instance: Instance, base_db: str) -> None:
    instance.install_modules(base_db, ["test_orm"])
    with instance.env(base_db) as env:
        env.ref("test_orm.thing_root").write({"note": "changed by the user", "count": 5})
        env.ref("test_orm.thing_protected").write({"name": "renamed by the user"})
        env.ref("test_orm.tag_blue").write({"color": 99})
    instance.upgrade_modules(base_db, ["test_orm"])
    with instance.env(base_db) as env:
        assert env.ref("test_orm.thing_protected").name == "renamed by the user"
        assert env.ref("test_orm.tag_blue").color == 2  # reloaded from the data file
        assert env.ref("test_orm.thing_root").count == 5  # a field the file does not set is kept


def test_install_of_unknown_addon_changes_nothing(instance: Instance, base_db: str) -> None:
    before = _schema(instance, base_db)
    with pytest.raises(UserError, match="not available"):
        instance.install_modules(base_db, ["no_such_addon"])
    assert _schema(instance, base_db) == before


def test_a_failing_install_rolls_back_entirely(instance: Instance, base_db: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken_addon"
    (broken / "data").mkdir(parents=True)
    (broken / "__manifest__.py").write_text(
        "{'name': 'Broken', 'depends': ['test_orm'], 'data': ['data/bad.xml']}"
    )
    (broken / "__init__.py").write_text("")
    (broken / "data" / "bad.xml").write_text(
        "<odoo><record id='x' model='test.tag'><field name='name'>ok</field></record>"
        "<record id='y' model='test.tag'><field name='nope'>bad</field></record></odoo>"
    )
    inst = Instance(instance.url, addons_path=[FIXTURE_ADDONS, tmp_path])
    before = _schema(inst, base_db)
    with pytest.raises(UserError, match="unknown field 'nope'"):
        inst.install_modules(base_db, ["broken_addon"])
    assert _schema(inst, base_db) == before  # test_orm's tables were not kept either
    with inst.env(base_db) as env:
        assert env["ir.module.module"].search([("name", "=", "test_orm")]).state == "uninstalled"
    inst.close()


def test_button_immediate_install_from_an_environment(instance: Instance, base_db: str) -> None:
    with instance.env(base_db) as env:
        env["ir.module.module"].search([("name", "=", "test_orm")]).button_immediate_install()
    with instance.env(base_db) as env:
        assert "test.thing" in env.registry and env.ref("test_orm.thing_root")


def _versioned_addon(root: Path, version: str, extra_field: bool) -> Path:
    addon = root / "evolving"
    (addon / "models").mkdir(parents=True)
    (addon / "__manifest__.py").write_text(
        f"{{'name': 'Evolving', 'version': '{version}', 'depends': ['base']}}"
    )
    (addon / "__init__.py").write_text("from . import models  # noqa: F401\n")
    field = "    size = fields.Integer(index=True)\n" if extra_field else ""
    (addon / "models" / "__init__.py").write_text(
        "from tenantry.orm import fields, models\n\n\n"
        "class Evolving(models.Model):\n"
        "    _name = 'evolving.thing'\n"
        "    name = fields.Char()\n" + field
    )
    return root


def test_upgrade_after_a_code_change_adds_the_new_columns(
    instance: Instance, base_db: str, tmp_path: Path
) -> None:
    v1 = Instance(instance.url, addons_path=[_versioned_addon(tmp_path / "v1", "1.0", extra_field=False)])
    v1.install_modules(base_db, ["evolving"])
    with v1.env(base_db) as env:
        env["evolving.thing"].create({"name": "kept"})
    v1.close()
    v2 = Instance(instance.url, addons_path=[_versioned_addon(tmp_path / "v2", "1.1", extra_field=True)])
    assert "size" not in _schema(v2, base_db)["evolving_thing"][0]
    v2.upgrade_modules(base_db, ["evolving"])
    assert "size" in _schema(v2, base_db)["evolving_thing"][0]
    with v2.env(base_db) as env:
        assert env["evolving.thing"].search([]).mapped("name") == ["kept"]
        env["evolving.thing"].create({"name": "sized", "size": 3})
        assert env["ir.module.module"].search([("name", "=", "evolving")]).latest_version == "1.1"
        assert (
            env["ir.model.fields"].search_count([("model", "=", "evolving.thing"), ("name", "=", "size")])
            == 1
        )
    v2.close()
