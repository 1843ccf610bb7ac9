"""``visible_menus``: the menu tree a user may see.

A menu is shown when the user is in one of its ``groups_id`` (or it has none), its
parents are shown, and, when it opens an action, the user may read that action (and,
for a window action, its model). A menu without an action and without any visible
child is hidden too, as in Odoo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tenantry.views.actions import action_readable

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


def visible_menus(env: Environment) -> list[MenuNode]:
    """The root menus the user sees, each with its visible children (by sequence, id)."""
    if MENU_MODEL not in env.registry:
        return []
    menus = env(su=True)[MENU_MODEL].with_context(lang=env.context.get("lang")).search([])
    rows = menus.read(["name", "sequence", "parent_id", "groups_id", "action", "web_icon"])
    held = set(env.user._held_groups()) if not env.su else set()
    rows = [r for r in rows if env.su or not r["groups_id"] or held & set(r["groups_id"])]
    actions = _readable_actions(env, [r["action"] for r in rows if r["action"]])
    xml_ids = _xml_ids(env, rows, actions)
    children: dict[int | None, list[dict[str, Any]]] = {}
    known = {r["id"] for r in rows}
    for row in rows:
        parent = row["parent_id"][0] if row["parent_id"] else None
        if parent is not None and parent not in known:
            continue  # under a hidden menu
        children.setdefault(parent, []).append(row)

    def build(parent: int | None, seen: frozenset[int]) -> tuple[MenuNode, ...]:
        nodes: list[MenuNode] = []
        for row in sorted(children.get(parent, ()), key=lambda r: (r["sequence"], r["id"])):
            if row["id"] in seen:
                continue
            action = row["action"] or None
            if action is not None and action not in actions:
                continue
            kids = build(row["id"], seen | {row["id"]})
            if action is None and not kids:
                continue
            model, _, res_id = (action or "").partition(",")
            nodes.append(
                MenuNode(
                    id=row["id"],
                    name=row["name"] or "",
                    sequence=row["sequence"] or 0,
                    xml_id=xml_ids.get((MENU_MODEL, row["id"]), ""),
                    action=action,
                    action_model=model or None,
                    action_id=int(res_id) if res_id else None,
                    action_xml_id=xml_ids.get((model, int(res_id)), "") if res_id else "",
                    web_icon=row["web_icon"] or "",
                    children=kids,
                )
            )
        return tuple(nodes)

    return list(build(None, frozenset()))


def _readable_actions(env: Environment, references: list[str]) -> set[str]:
    readable: set[str] = set()
    for reference in set(references):
        model, _, res_id = reference.partition(",")
        if model not in env.registry or not res_id.isdigit():
            continue
        action = env[model].browse(int(res_id))
        if action.sudo().exists() and action_readable(env, action):
            readable.add(reference)
    return readable


def _xml_ids(env: Environment, rows: list[dict[str, Any]], actions: set[str]) -> dict[tuple[str, int], str]:
    wanted: dict[str, set[int]] = {MENU_MODEL: {r["id"] for r in rows}}
    for reference in actions:
        model, _, res_id = reference.partition(",")
        wanted.setdefault(model, set()).add(int(res_id))
    data = env(su=True)["ir.model.data"]
    found: dict[tuple[str, int], str] = {}
    for model, ids in wanted.items():
        for row in data.search([("model", "=", model), ("res_id", "in", sorted(ids))]):
            found.setdefault((model, row.res_id), f"{row.module}.{row.name}")
    return found
