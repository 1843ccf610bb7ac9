"""Arch validation: errors name the view and the line; a bad view fails its addon's install."""

from __future__ import annotations

import pytest

from tenantry.exceptions import UserError, ValidationError
from tenantry.instance import Instance
from tenantry.orm.environment import Environment


@pytest.mark.parametrize(
    ("kind", "arch", "message"),
    [
        ("list", "<list>\n  <field name='name'>\n</list>", r"View bad: malformed arch at line 3"),
        (
            "list",
            "<list>\n  <field name='name'/>\n  <field name='nope'/>\n</list>",
            r"'nope' .*res.partner.* line 3",
        ),
        (
            "form",
            "<form>\n<field name='child_ids'><list>\n<field name='zzz'/></list></field></form>",
            r"'zzz'.*line 3",
        ),
        ("list", "<form><field name='name'/></form>", r"a list view's arch starts with <list>"),
        ("list", "<list><field/></list>", r"without a name at line 1"),
        ("list", '<!DOCTYPE x [<!ENTITY e "boom">]><list/>', r"View bad"),
        ("list", "<list>\n<field name='name' groups='base.no_group'/></list>", r"'base.no_group'.*line 2"),
        ("list", "<list><field name='name' groups='group_user'/></list>", r"'group_user' in groups="),
        ("search", "<search>\n<filter name='f' domain=\"[('name',\"/></search>", r"invalid filter domain.*2"),
        ("search", "<search><filter name='g' context=\"{'group_by': 'no'}\"/></search>", r"group_by 'no'"),
        ("search", "<search><field name='name' filter_domain='[(self'/></search>", r"invalid filter_domain"),
    ],
)
def test_bad_primary_arch_is_refused_with_view_and_line(
    env: Environment, kind: str, arch: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        env["ir.ui.view"].create({"name": "bad", "model": "res.partner", "type": kind, "arch": arch})


@pytest.mark.parametrize(
    ("arch", "message"),
    [
        (
            "<data>\n<xpath expr=\"//field[@name='zip']\" position='after'/>\n</data>",
            r"ext.* line 2 of the arch cannot be located",
        ),
        ("<field name='name' position='sideways'/>", r"invalid position 'sideways' at line 1 of the arch"),
        (
            "<data>\n\n<field name='name' position='after'><field name='nope'/></field></data>",
            r"'nope'.* line 3",
        ),
        ("<xpath expr='//field[' position='after'/>", r"invalid xpath"),
    ],
)
def test_bad_extension_is_refused_with_view_and_line(env: Environment, arch: str, message: str) -> None:
    base = env["ir.ui.view"].create(
        {"name": "base", "model": "res.partner", "arch": "<list><field name='name'/></list>"}
    )
    with pytest.raises(ValidationError, match=message):
        env["ir.ui.view"].create({"name": "ext", "inherit_id": base.id, "arch": arch})


def test_changing_a_parent_so_an_extension_no_longer_applies_is_refused(env: Environment) -> None:
    base = env["ir.ui.view"].create(
        {
            "name": "base",
            "model": "res.partner",
            "arch": "<list><field name='name'/><field name='city'/></list>",
        }
    )
    env["ir.ui.view"].create(
        {
            "name": "ext",
            "inherit_id": base.id,
            "arch": "<field name='city' position='after'><field name='zip'/></field>",
        }
    )
    with pytest.raises(ValidationError, match=r"View ext: .*cannot be located"):
        base.write({"arch": "<list><field name='name'/></list>"})


def test_install_with_a_bad_view_fails_naming_it_and_rolls_back(instance: Instance, fresh_db: str) -> None:
    where = r"views.xml, line 11 \(record bad_view\): View test_views_bad\.bad_view: .* line 5 of the arch "
    with pytest.raises(UserError, match=where + "cannot be located"):
        instance.install_modules(fresh_db, ["test_views_bad"])
    with instance.env(fresh_db) as env:
        assert not env["ir.model.data"].search([("module", "=", "test_views_bad")])
        assert not env["ir.ui.view"].search([("name", "like", "(good)")])
        assert not env["ir.ui.menu"].search([("name", "=", "Bad addon")])
        module = env["ir.module.module"].search([("name", "=", "test_views_bad")])
        assert module.state != "installed"
