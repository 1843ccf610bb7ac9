"""``visible_menus``: the menu tree a user may see.

A menu is shown when the user is in one of its ``groups_id`` (or it has none), its
parents are shown, and, when it opens an action, the user may read that action (and,
for a window action, its model). A menu without an action and without any visible
child is hidden too, as in Odoo.

The menus and their actions are read once per database, views version and language
(menus and actions declare the version stale when they change); each call then only
decides, in memory, what the user sees (access rights and groups come from the
security policy's cache; only record rules on actions cost a query).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tenantry.exceptions import AccessError
from tenantry.views.resolve import resolved_views

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment

MENU_MODEL = "ir.ui.menu"


@dataclass(frozen=True)
class MenuNode:
    """One visible menu: ``action`` is ``"ir.actions.act_window,7"`` (or None) and
    ``action_xml_id`` its external id when it has one (``/odoo/action-<action_xml_id>``)."""

    id: int
    name: str
    sequence: int
    xml_id: str
    action: str | None
    action_model: str | None
    action_id: int | None
    action_xml_id: str
    web_icon: str
    children: tuple[MenuNode, ...]
    url: str | None = None
    """What an ``ir.actions.act_url`` opens (a path of this site only), else None."""


@dataclass(frozen=True)
class _Action:
    kind: str
    id: int
    groups: frozenset[int]
    res_model: str | None
    xml_id: str
    url: str | None = None


@dataclass(frozen=True)
class _Menu:
    id: int
    name: str
    sequence: int
    parent: int | None
    groups: frozenset[int]
    action: str | None
    web_icon: str
    xml_id: str


@dataclass(frozen=True)
class _Menus:
    """Every active menu and the actions they open (those that exist), for one language."""

    menus: tuple[_Menu, ...]
    actions: Mapping[str, _Action]


def visible_menus(env: Environment) -> list[MenuNode]:
    """The root menus the user sees, each with its visible children (by sequence, id)."""
    if MENU_MODEL not in env.registry:
        return []
    data = _menus(env)
    held = frozenset() if env.su else frozenset(env.user._held_groups())
    shown = [m for m in data.menus if env.su or not m.groups or held & m.groups]
    readable = {ref for ref, action in data.actions.items() if _readable(env, action, held)}
    known = {m.id for m in shown}
    children: dict[int | None, list[_Menu]] = {}
    for menu in shown:
        if menu.parent is not None and menu.parent not in known:
            continue  # under a hidden menu
        children.setdefault(menu.parent, []).append(menu)

    def build(parent: int | None, seen: frozenset[int]) -> tuple[MenuNode, ...]:
        nodes: list[MenuNode] = []
        for menu in sorted(children.get(parent, ()), key=lambda m: (m.sequence, m.id)):
            if menu.id in seen or (menu.action is not None and menu.action not in readable):
                continue
            kids = build(menu.id, seen | {menu.id})
            if menu.action is None and not kids:
                continue
            action = data.actions.get(menu.action) if menu.action else None
            nodes.append(
                MenuNode(
                    id=menu.id,
                    name=menu.name,
                    sequence=menu.sequence,
                    xml_id=menu.xml_id,
                    action=menu.action,
                    action_model=action.kind if action else None,
                    action_id=action.id if action else None,
                    action_xml_id=action.xml_id if action else "",
                    web_icon=menu.web_icon,
                    children=kids,
                    url=action.url if action else None,
                )
            )
        return tuple(nodes)

    return list(build(None, frozenset()))


def _readable(env: Environment, action: _Action, held: frozenset[int]) -> bool:
    """What :func:`tenantry.views.actions.check_readable` decides, from the cached data."""
    if env.su:
        return True
    if action.groups and not action.groups & held:
        return False
    model = env[action.kind]
    if not model.check_access_rights("read", raise_exception=False):
        return False
    if action.res_model is not None and (
        action.res_model not in env.registry
        or not env[action.res_model].check_access_rights("read", raise_exception=False)
    ):
        return False
    try:
        model.browse(action.id).check_access_rule("read")  # no query unless rules apply
    except AccessError:
        return False
    return True


def _menus(env: Environment) -> _Menus:
    lang = env.context.get("lang") or ""
    cache = resolved_views(env).extra
    key = ("menus", lang)
    found: _Menus | None = cache.get(key)
    if found is None:
        found = _load(env(su=True, context={**env.context, "lang": lang or None}))
        cache[key] = found
    return found


def _load(env: Environment) -> _Menus:
    fields = ["name", "sequence", "parent_id", "groups_id", "action", "web_icon"]
    rows = env[MENU_MODEL].search([]).read(fields)
    by_kind: dict[str, set[int]] = {}
    for row in rows:
        kind, _, res_id = (row["action"] or "").partition(",")
        if kind in env.registry and res_id.isdigit():
            by_kind.setdefault(kind, set()).add(int(res_id))
    xml_ids = _xml_ids(env, {MENU_MODEL: {r["id"] for r in rows}, **by_kind})
    actions: dict[str, _Action] = {}
    for kind, ids in by_kind.items():
        model = env[kind]
        names = [n for n in ("groups_id", "res_model", "url") if n in model._fields]
        for values in model.browse(sorted(ids)).exists().read(names):
            actions[f"{kind},{values['id']}"] = _Action(
                kind=kind,
                id=values["id"],
                groups=frozenset(values.get("groups_id") or ()),
                res_model=values.get("res_model") or None,
                xml_id=xml_ids.get((kind, values["id"]), ""),
                url=_local(values.get("url")),
            )
    menus = tuple(
        _Menu(
            id=row["id"],
            name=row["name"] or "",
            sequence=row["sequence"] or 0,
            parent=row["parent_id"][0] if row["parent_id"] else None,
            groups=frozenset(row["groups_id"]),
            action=row["action"] or None,
            web_icon=row["web_icon"] or "",
            xml_id=xml_ids.get((MENU_MODEL, row["id"]), ""),
        )
        for row in rows
        if not row["action"] or row["action"] in actions
    )
    return _Menus(menus, actions)


def _local(url: Any) -> str | None:
    """``url`` if it is a path of this site (``/odoo/...``): menus never lead elsewhere."""
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None


def _xml_ids(env: Environment, wanted: Mapping[str, set[int]]) -> dict[tuple[str, int], str]:
    ids = sorted(set().union(*wanted.values())) if wanted else []
    found: dict[tuple[str, int], str] = {}
    rows: Any = env["ir.model.data"].search([("model", "in", sorted(wanted)), ("res_id", "in", ids)])
    for row in rows.read(["module", "name", "model", "res_id"]):
        if row["res_id"] in wanted.get(row["model"], ()):
            found.setdefault((row["model"], row["res_id"]), f"{row['module']}.{row['name']}")
    return found
