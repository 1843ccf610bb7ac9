"""``window_action``: a window action as the user may open it.

The action is found by external id (``sale.action_orders``) or id, must be readable
by the user (access rights and rules on ``ir.actions.act_window``, its ``groups_id``)
and so must its model; its ``domain`` and ``context`` texts are evaluated with the
safe evaluator (``uid``, ``allowed_company_ids``, ``context_today()``...), never
Python's ``eval``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tenantry.domain import default_eval_names, safe_eval
from tenantry.exceptions import AccessError, MissingError, ValidationError
from tenantry.views.arch import ROOT_TAGS
from tenantry.views.resolve import resolved_views

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.models import BaseModel

ACT_WINDOW = "ir.actions.act_window"


@dataclass(frozen=True)
class WindowAction:
    """A window action, evaluated for one user."""

    id: int
    xml_id: str
    name: str
    res_model: str
    domain: list[Any]
    context: dict[str, Any]
    view_mode: tuple[str, ...]
    view_id: int | None = None
    search_view_id: int | None = None
    res_id: int | None = None
    target: str = "current"
    limit: int = 80
    help: str = ""


def window_action(env: Environment, ref: str | int) -> WindowAction:
    """The act_window ``ref`` (external id or id) for ``env``'s user.

    Raises :class:`MissingError` when there is no such window action and
    :class:`AccessError` when the user may not read it or its model.
    """
    action_id, xml_id = _find(env, ref)
    action = env[ACT_WINDOW].browse(action_id)
    values = _values(env, action_id)
    if not env.su:
        action.check_access_rights("read")
        action.check_access_rule("read")
        if values["groups_id"] and not set(values["groups_id"]) & env.user._held_groups():
            raise AccessError(f"You may not open the action {values['name']!r}: it is for other groups.")
        if values["res_model"] not in env.registry:
            raise AccessError(f"The action {values['name']!r} opens an unknown model.")
        env[values["res_model"]].check_access_rights("read")
    names = eval_names(env)
    return WindowAction(
        id=action_id,
        xml_id=xml_id if xml_id is not None else action.sudo().xml_id or "",
        name=values["name"] or "",
        res_model=values["res_model"],
        domain=_eval(values["name"], "domain", values["domain"] or "[]", names, list),
        context=_eval(values["name"], "context", values["context"] or "{}", names, dict),
        view_mode=view_modes(values["view_mode"] or "list,form"),
        view_id=values["view_id"][0] if values["view_id"] else None,
        search_view_id=values["search_view_id"][0] if values["search_view_id"] else None,
        res_id=values["res_id"] or None,
        target=values["target"] or "current",
        limit=values["limit"] or 80,
        help=values["help"] or "",
    )


_FIELDS = [
    "name", "res_model", "domain", "context", "view_mode", "view_id", "search_view_id",
    "res_id", "target", "limit", "help", "groups_id",
]  # fmt: skip


def _values(env: Environment, action_id: int) -> dict[str, Any]:
    """The action's fields, read once per views version and language (as superuser)."""
    cache = resolved_views(env).extra
    key = ("act_window", action_id, env.context.get("lang") or "")
    values: dict[str, Any] | None = cache.get(key)
    if values is None:
        [values] = env[ACT_WINDOW].sudo().browse(action_id).read(_FIELDS)
        cache[key] = values
    return values


def view_modes(text: str) -> tuple[str, ...]:
    """``tree,form,kanban`` -> ``('list', 'form')``: the view types this client knows, in order."""
    modes: list[str] = []
    for part in text.split(","):
        kind = ROOT_TAGS.get(part.strip())
        if kind and kind not in modes:
            modes.append(kind)
    return tuple(modes)


def _find(env: Environment, ref: str | int) -> tuple[int, str | None]:
    """The action's id, and its external id when ``ref`` is one."""
    if isinstance(ref, bool) or not isinstance(ref, str | int):
        raise MissingError(f"Invalid action reference {ref!r}.")
    if isinstance(ref, str) and ref.isdigit():
        ref = int(ref)
    if isinstance(ref, int):
        found = env(su=True)[ACT_WINDOW].browse(ref).exists()
        if not found:
            raise MissingError(f"Window action {ref} does not exist.")
        return ref, None
    if ref.count(".") != 1:
        raise MissingError(f"Invalid action reference {ref!r}: expected module.name.")
    module, name = ref.split(".")
    located = env(su=True)["ir.model.data"]._lookup(module, name)
    if located is None or located[0] not in (ACT_WINDOW, "ir.actions.actions"):
        raise MissingError(f"Window action {ref} does not exist.")
    if not env(su=True)[ACT_WINDOW].browse(located[1]).exists():
        raise MissingError(f"Window action {ref} does not exist.")
    return int(located[1]), ref


def action_readable(env: Environment, action: BaseModel) -> bool:
    """Whether the user may read this action (of any kind) and, for a window action, its model."""
    try:
        check_readable(env, action)
    except AccessError:
        return False
    return True


def check_readable(env: Environment, action: BaseModel) -> None:
    if env.su:
        return
    action.check_access_rights("read")
    action.check_access_rule("read")
    groups = action.sudo().groups_id if "groups_id" in action._fields else None
    if groups and not set(groups.ids) & env.user._held_groups():
        raise AccessError(f"You may not open the action {action.sudo().name!r}: it is for other groups.")
    model = action.sudo().res_model if "res_model" in action._fields else None
    if model:
        if model not in env.registry:
            raise AccessError(f"The action {action.sudo().name!r} opens an unknown model.")
        env[model].check_access_rights("read")


def eval_names(env: Environment) -> dict[str, Any]:
    """The names action domains and contexts may use."""
    tz = env.context.get("tz")
    try:
        names = default_eval_names(tz if isinstance(tz, str) and tz else None)
    except (ValueError, KeyError, OSError):  # an unknown time zone: UTC
        names = default_eval_names(None)
    companies = env.companies.ids if "res.company" in env.registry else []
    names.update(
        uid=env.uid,
        context=dict(env.context),
        allowed_company_ids=companies,
        current_company_id=companies[0] if companies else False,
        active_id=False,
        active_ids=[],
    )
    return names


def _eval(action: str, name: str, text: str, names: Mapping[str, Any], kind: type) -> Any:
    try:
        value = safe_eval(text, names)
    except ValidationError as exc:
        raise ValidationError(f"Action {action!r}: invalid {name}: {exc}") from None
    if not isinstance(value, kind):
        raise ValidationError(f"Action {action!r}: the {name} must be a {kind.__name__}.")
    return value
