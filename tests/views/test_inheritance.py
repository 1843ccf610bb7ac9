"""View inheritance: xpath and shorthand specs, in priority order, cached until views change."""

from __future__ import annotations

from xml.etree.ElementTree import tostring

from tenantry.orm.environment import Environment
from tenantry.views import get_view

BASE_ARCH = """<form>
    <sheet>
        <group name="main">
            <field name="name"/>
            <field name="email"/>
        </group>
        <notebook><page name="contacts" string="Contacts"><field name="child_ids"/></page></notebook>
    </sheet>
</form>"""


def _xml(env: Environment) -> str:
    return tostring(get_view(env, "res.partner", "form").arch, encoding="unicode")


def _extend(env: Environment, name: str, arch: str, parent: int, priority: int = 16) -> int:
    view = env["ir.ui.view"].create({"name": name, "inherit_id": parent, "arch": arch, "priority": priority})
    assert view.mode == "extension" and view.model == "res.partner" and view.type == "form"
    return int(view.id)


def test_every_position_of_xpath_and_shorthand_specs(env: Environment) -> None:
    base = env["ir.ui.view"].create(
        {"name": "partner form", "model": "res.partner", "arch": BASE_ARCH, "priority": 1}
    )
    _extend(
        env,
        "positions",
        """<data>
            <xpath expr="//field[@name='name']" position="after"><field name="phone"/></xpath>
            <field name="name" position="before"><field name="city"/></field>
            <group name="main" position="inside"><field name="street"/></group>
            <xpath expr="//page[@name='contacts']" position="replace">
                <page name="other" string="Other"><field name="comment"/></page>
            </xpath>
            <field name="email" position="attributes">
                <attribute name="readonly">1</attribute>
                <attribute name="string">ISO code</attribute>
            </field>
        </data>""",
        base.id,
    )
    view = get_view(env, "res.partner", "form")
    assert view.id == base.id
    assert view.field_names == ["city", "name", "phone", "email", "street", "comment"]
    code = view.arch.find(".//field[@name='email']")
    assert code is not None and code.attrib == {"name": "email", "readonly": "1", "string": "ISO code"}
    assert view.arch.find(".//page[@name='contacts']") is None


def test_extensions_apply_in_priority_order_and_may_extend_each_other(env: Environment) -> None:
    base = env["ir.ui.view"].create(
        {"name": "partner form", "model": "res.partner", "arch": BASE_ARCH, "priority": 1}
    )
    late = _extend(
        env, "late", """<field name="name" position="after"><field name="phone"/></field>""", base.id, 30
    )
    _extend(env, "early", """<field name="name" position="after"><field name="city"/></field>""", base.id, 1)
    _extend(
        env,
        "on late",
        """<field name="phone" position="attributes"><attribute name="x">1</attribute></field>""",
        late,
    )
    view = get_view(env, "res.partner", "form")
    assert view.field_names[:3] == ["name", "phone", "city"]
    assert view.arch.find(".//field[@name='phone']").get("x") == "1"  # type: ignore[union-attr]


def test_resolved_views_change_when_a_view_changes(env: Environment) -> None:
    base = env["ir.ui.view"].create(
        {"name": "partner form", "model": "res.partner", "arch": BASE_ARCH, "priority": 1}
    )
    assert "phone" not in _xml(env)
    ext = env["ir.ui.view"].browse(
        _extend(env, "ext", """<field name="name" position="after"><field name="phone"/></field>""", base.id)
    )
    assert "phone" in _xml(env)
    ext.write({"active": False})
    assert "phone" not in _xml(env)
    ext.write({"active": True})
    ext.unlink()
    assert "phone" not in _xml(env)
    base.write({"arch": "<form><field name='email'/></form>"})
    assert get_view(env, "res.partner", "form").field_names == ["email"]


def test_primary_view_inheriting_another_is_a_view_of_its_own(env: Environment) -> None:
    base = env["ir.ui.view"].create(
        {"name": "partner form", "model": "res.partner", "arch": BASE_ARCH, "priority": 1}
    )
    other = env["ir.ui.view"].create(
        {
            "name": "short form",
            "inherit_id": base.id,
            "mode": "primary",
            "priority": 99,
            "arch": """<xpath expr="//notebook" position="replace"/>""",
        }
    )
    assert get_view(env, "res.partner", "form").arch.find(".//notebook") is not None
    assert get_view(env, "res.partner", "form", other.id).arch.find(".//notebook") is None
