"""Data files: CSV and XML loading, references, safe evaluation, hardened parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenantry.exceptions import UserError
from tenantry.modules.data import DataLoader
from tenantry.orm.environment import Environment


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_xml_records_refs_and_eval(env: Environment, tmp_path: Path) -> None:
    loader = DataLoader(env, "test_orm")
    loader.load(
        _write(
            tmp_path,
            "d.xml",
            """<odoo>
              <record id="tag_green" model="test.tag"><field name="name">green</field></record>
              <record id="thing_x" model="test.thing">
                <field name="name">x</field>
                <field name="count" eval="2 * 3"/>
                <field name="tag_ids" eval="[(4, ref('tag_green')), (4, ref('test_orm.tag_red'))]"/>
                <field name="parent_id" ref="thing_root"/>
                <field name="flag">True</field>
              </record>
            </odoo>""",
        )
    )
    thing = env.ref("test_orm.thing_x")
    assert thing.count == 6 and thing.flag and thing.parent_id == env.ref("test_orm.thing_root")
    assert sorted(thing.tag_ids.mapped("name")) == ["green", "red"]


def test_csv_with_external_id_columns(env: Environment, tmp_path: Path) -> None:
    DataLoader(env, "test_orm").load(
        _write(
            tmp_path,
            "test.thing.csv",
            "id,name,count,parent_id:id,tag_ids/id,flag\n"
            'csv_a,A,1,thing_root,"tag_red,tag_blue",1\n'
            "csv_b,B,,,,0\n",
        )
    )
    a, b = env.ref("test_orm.csv_a"), env.ref("test_orm.csv_b")
    assert a.parent_id == env.ref("test_orm.thing_root") and len(a.tag_ids) == 2 and a.flag
    assert b.count == 0 and not b.flag


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<odoo><function model='test.thing' name='unlink'/></odoo>", "not supported"),
        ("<odoo><template id='t'/></odoo>", "unsupported element"),
        ("<odoo><menuitem id='m'/></odoo>", "needs a name or an action"),
        ("<odoo><record id='r' model='no.model'/></odoo>", "unknown model"),
        (
            "<odoo><record id='r' model='test.tag'>"
            "<field name='name' eval=\"__import__('os')\"/></record></odoo>",
            "cannot evaluate",
        ),
        (
            "<odoo><record id='r' model='test.tag'><field name='name' ref='missing_ref'/></record></odoo>",
            "External ID not found",
        ),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><odoo>&e;</odoo>', "invalid XML"),
        ("<html/>", "root element"),
        ("<odoo><record", "invalid XML"),
    ],
)
def test_bad_xml_is_refused_with_a_clear_error(
    env: Environment, tmp_path: Path, content: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        DataLoader(env, "test_orm").load(_write(tmp_path, "bad.xml", content))


def test_external_entities_are_never_fetched(env: Environment, tmp_path: Path) -> None:
    secret = _write(tmp_path, "secret.txt", "top secret")
    content = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]><odoo>&s;</odoo>'
    with pytest.raises(UserError, match="invalid XML"):
        DataLoader(env, "test_orm").load(_write(tmp_path, "xxe.xml", content))


def test_bad_csv_cells_name_the_line(env: Environment, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"test\.thing\.csv:2"):
        DataLoader(env, "test_orm").load(_write(tmp_path, "test.thing.csv", "id,name,count\nq,Q,notanint\n"))
    with pytest.raises(UserError, match="needs an 'id' column"):
        DataLoader(env, "test_orm").load(_write(tmp_path, "test.tag.csv", "name\nx\n"))
