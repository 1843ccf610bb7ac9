"""``get_view``: declared and generated views, resolved for the user."""

from __future__ import annotations

import pytest

from tenantry.exceptions import MissingError, ValidationError
from tenantry.orm.environment import Environment
from tenantry.views import get_view
from tests.security.helpers import as_user, make_user


def _names(view) -> list[str]:  # type: ignore[no-untyped-def]
    return view.field_names


def test_generated_views_when_the_model_declares_none(env: Environment) -> None:
    listed = get_view(env, "res.country", "list")
    assert listed.id is None and listed.arch.tag == "list"
    assert _names(listed)[0] == "name"
    assert 1 < len(_names(listed)) <= 6
    form = get_view(env, "res.country", "form")
    assert form.arch.tag == "form" and "name" in _names(form) and "code" in _names(form)
    search = get_view(env, "res.lang", "search")
    assert search.arch.tag == "search"
    assert [f.get("name") for f in search.arch.iter("filter")] == ["inactive"]


def test_generated_form_embeds_one2many_lines_without_their_inverse(env: Environment) -> None:
    form = get_view(env, "res.country", "form")
    states = form.arch.find(".//notebook/page/field[@name='state_ids']")
    assert states is not None
    columns = [f.get("name") for f in states.iter("field")][1:]
    assert "name" in columns and "country_id" not in columns


def test_tree_is_read_as_list_and_unknown_types_are_refused(env: Environment) -> None:
    assert get_view(env, "res.country", "tree").type == "list"
    with pytest.raises(ValidationError):
        get_view(env, "res.country", "kanban")
    with pytest.raises(MissingError):
        get_view(env, "no.such.model", "list")
    with pytest.raises(MissingError):
        get_view(env, "mail.thread", "form")  # abstract


def test_declared_view_is_the_lowest_priority_primary(env: Environment) -> None:
    views = env["ir.ui.view"]
    views.create(
        {"name": "late", "model": "res.country", "priority": 20, "arch": "<list><field name='code'/></list>"}
    )
    early = views.create(
        {"name": "early", "model": "res.country", "priority": 5, "arch": "<tree><field name='name'/></tree>"}
    )
    view = get_view(env, "res.country", "list")
    assert view.id == early.id and early.type == "list" and _names(view) == ["name"]
    with pytest.raises(MissingError):
        get_view(env, "res.partner", "list", early.id)
    with pytest.raises(ValidationError):
        get_view(env, "res.country", "form", early.id)


def test_fields_and_elements_the_user_may_not_see_are_removed(env: Environment) -> None:
    env["ir.ui.view"].create(
        {
            "name": "partner form",
            "model": "res.partner",
            "priority": 1,
            "arch": "<form><field name='name'/><field name='email' groups='base.group_system'/>"
            "<group groups='base.group_erp_manager'><field name='phone'/></group></form>",
        }
    )
    user = make_user(env, "viewer")
    mine = get_view(as_user(env, user), "res.partner", "form")
    assert _names(mine) == ["name"]
    assert _names(get_view(env, "res.partner", "form")) == ["name", "email", "phone"]
