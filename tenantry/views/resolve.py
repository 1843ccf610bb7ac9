"""``get_view``: a model's view, inheritance applied, without what the user may not see.

Views are resolved from the database's ``ir.ui.view`` rows once per registry and
views version (``ir.config_parameter`` ``views.version``, changed whenever a view is
created, written or deleted) and kept in a process cache; each call then copies the
cached arch and removes, for the environment's user, the fields restricted by
``groups=`` on the model and the elements carrying a ``groups`` attribute the user
lacks. Superuser environments see everything.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from tenantry.domain import safe_eval
from tenantry.exceptions import MissingError, ValidationError
from tenantry.modules.versions import VIEWS_TRANSACTION_VERSION, VIEWS_VERSION_KEY
from tenantry.views.arch import VIEW_TYPES, parse_arch, view_type
from tenantry.views.generate import generate
from tenantry.views.inherit import apply_specs

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment

VIEW_MODEL = "ir.ui.view"
VERSION_KEY = VIEWS_VERSION_KEY
_TX_VERSION = VIEWS_TRANSACTION_VERSION
_BUMPED = "views.bumped"
_READ_SINCE = "views.read_since_bump"
_CACHE_SIZE = 64


@dataclass(frozen=True)
class View:
    """A resolved view: its model, type (list, form, search), arch and record id
    (None for a generated view)."""

    model: str
    type: str
    arch: Element
    id: int | None = None

    @property
    def field_names(self) -> list[str]:
        """The model's fields the arch shows (not those of embedded subviews), in order."""
        names: list[str] = []

        def collect(element: Element) -> None:
            for child in element:
                if child.tag == "field":
                    names.append(child.get("name", ""))
                elif isinstance(child.tag, str):
                    collect(child)

        collect(self.arch)
        return names


@dataclass(frozen=True)
class ViewRow:
    id: int
    name: str
    label: str
    model: str
    type: str
    arch: str
    inherit_id: int | None
    mode: str
    priority: int


class _Resolved:
    """The resolved archs of one database at one views version."""

    def __init__(self, rows: dict[int, ViewRow]) -> None:
        self.rows = rows
        self.children: dict[int, list[ViewRow]] = {}
        for row in sorted(rows.values(), key=lambda r: (r.priority, r.id)):
            if row.inherit_id is not None:
                self.children.setdefault(row.inherit_id, []).append(row)
        self.archs: dict[tuple[Any, ...], tuple[Element, int | None]] = {}
        self.extra: dict[Any, Any] = {}
        """Other data read once per version (the menus, by language)."""
        self.lock = threading.Lock()

    def default_id(self, model: str, kind: str) -> int | None:
        found = [r for r in self.rows.values() if r.model == model and r.type == kind and r.mode == "primary"]
        return min(found, key=lambda r: (r.priority, r.id)).id if found else None


_CACHE: OrderedDict[tuple[str, Any, str], _Resolved] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def get_view(env: Environment, model: str, view_type_: str, view_id: int | None = None) -> View:
    """The ``view_type_`` view of ``model`` for ``env``'s user: ``view_id``, or the model's
    default (lowest priority) primary view, or a generated view."""
    kind = view_type(view_type_)
    if not isinstance(model, str) or model not in env.registry or env.registry[model]._abstract:
        raise MissingError(f"Unknown model {model!r}.")  # an abstract model has no records to show
    if view_id is not None and (not isinstance(view_id, int) or isinstance(view_id, bool)):
        raise ValidationError(f"Invalid view id {view_id!r}.")
    resolved = resolved_views(env)
    if view_id is None:
        view_id = resolved.default_id(model, kind)
    elif view_id not in resolved.rows or resolved.rows[view_id].model != model:
        raise MissingError(f"View {view_id} of {model} does not exist.")
    elif resolved.rows[view_id].type != kind or resolved.rows[view_id].mode != "primary":
        raise ValidationError(f"View {view_id} is not a primary {kind} view.")
    key = (model, kind, view_id)
    cached = resolved.archs.get(key)
    if cached is None:
        arch = (
            combined_arch(resolved.rows, resolved.children, view_id)
            if view_id
            else generate(env.registry, model, kind)
        )
        cached = (arch, view_id)
        with resolved.lock:
            resolved.archs[key] = cached
    arch = copy.deepcopy(cached[0])
    if not env.su:
        _remove_hidden(env, model, arch)
    return View(model, kind, arch, cached[1])


def combined_arch(rows: dict[int, ViewRow], children: dict[int, list[ViewRow]], view_id: int) -> Element:
    """The arch of the primary view ``view_id`` with its parents and extensions applied."""
    chain: list[ViewRow] = []
    current: ViewRow | None = rows[view_id]
    while current is not None:
        if current in chain:
            raise ValidationError(f"View {current.label}: recursive inheritance.")
        chain.append(current)
        parent = current.inherit_id if current.mode == "primary" else None
        current = rows.get(parent) if parent is not None else None
    root_row = chain[-1]
    arch = parse_arch(root_row.arch, root_row.label).root
    arch = _extend(arch, root_row, rows, children)
    for row in reversed(chain[:-1]):
        arch = apply_specs(arch, parse_arch(row.arch, row.label), row.label)
        arch = _extend(arch, row, rows, children)
    return arch


def _extend(
    arch: Element, row: ViewRow, rows: dict[int, ViewRow], children: dict[int, list[ViewRow]]
) -> Element:
    """Apply the extension views of ``row`` (priority order), each followed by its own."""
    seen: set[int] = set()

    def walk(current: ViewRow, arch: Element) -> Element:
        for child in children.get(current.id, ()):
            if child.mode != "extension" or child.id in seen:
                continue
            seen.add(child.id)
            arch = apply_specs(arch, parse_arch(child.arch, child.label), child.label)
            arch = walk(child, arch)
        return arch

    return walk(row, arch)


# -- the per-database cache -------------------------------------------------------------


def views_version(env: Environment) -> str:
    """The views version of ``env``'s transaction (changed by every view, menu or action
    change), read at most once: usually along with the registry's (``Instance.env``)."""
    version = env.cr.data.get(_TX_VERSION)
    if version is None:
        version = _read_version(env)
        env.cr.data[_TX_VERSION] = version
    return str(version)


def resolved_views(env: Environment) -> _Resolved:
    """The cached views (and menus) of ``env``'s database at this transaction's version."""
    cr = env.cr
    cr.data[_READ_SINCE] = True
    key = (cr.dbname, env.registry.key, views_version(env))
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    found = _Resolved(load_rows(env))
    with _CACHE_LOCK:
        _CACHE[key] = found
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found


def _read_version(env: Environment) -> str:
    if "ir.config_parameter" not in env.registry:
        return ""
    return str(env(su=True)["ir.config_parameter"].get_param(VERSION_KEY, "") or "")


def bump_version(env: Environment) -> None:
    """Declare the cached views of this database stale (with the transaction's commit)."""
    if env.cr.data.get(_BUMPED) and not env.cr.data.get(_READ_SINCE):
        return  # this transaction's version is already new, and nothing was cached under it
    env.cr.data[_BUMPED], env.cr.data[_READ_SINCE] = True, False
    version = uuid.uuid4().hex
    env(su=True)["ir.config_parameter"].set_param(VERSION_KEY, version)
    env.cr.data[_TX_VERSION] = version


def load_rows(env: Environment) -> dict[int, ViewRow]:
    """The active views of the database (superuser), as rows."""
    if VIEW_MODEL not in env.registry:
        return {}
    views = env(su=True)[VIEW_MODEL].with_context(active_test=True).search([])
    names = views._labels()
    rows: dict[int, ViewRow] = {}
    for values in views.read(["name", "model", "type", "arch_db", "inherit_id", "mode", "priority"]):
        parent = values["inherit_id"]
        rows[values["id"]] = ViewRow(
            id=values["id"],
            name=values["name"] or "",
            label=names.get(values["id"], values["name"] or str(values["id"])),
            model=values["model"] or "",
            type=values["type"] or "",
            arch=values["arch_db"] or "",
            inherit_id=parent[0] if parent else None,
            mode=values["mode"] or "primary",
            priority=values["priority"] or 0,
        )
    # An extension of an archived view is not applied either.
    return {i: r for i, r in rows.items() if r.inherit_id is None or r.inherit_id in rows}


# -- what the user may not see -------------------------------------------------------------


def _remove_hidden(env: Environment, model: str, arch: Element) -> None:
    registry, policy = env.registry, env.cr.policy
    user = env.user
    answers: dict[str, bool] = {}

    def has(spec: str) -> bool:
        if spec not in answers:
            answers[spec] = bool(user.has_groups(spec))
        return answers[spec]

    def field_hidden(current: str, name: str) -> bool:
        if current not in registry:
            return False
        field = registry[current]._fields.get(name)
        return field is not None and bool(field.groups) and not policy.field_allowed(env, current, name)

    def walk(element: Element, current: str) -> None:
        for child in list(element):
            if not isinstance(child.tag, str):
                continue
            spec = child.get("groups")
            if spec and not has(spec):
                element.remove(child)
                continue
            inner = current
            if child.tag == "field":
                name = child.get("name", "")
                if field_hidden(current, name):
                    element.remove(child)
                    continue
                field = registry[current]._fields.get(name) if current in registry else None
                if field is not None and field.type.is_relational:
                    inner = field.comodel_name
            elif child.tag == "filter" and _group_by_hidden(child, current, field_hidden):
                element.remove(child)
                continue
            walk(child, inner)

    walk(arch, model)


def _group_by_hidden(node: Element, model: str, hidden: Any) -> bool:
    text = node.get("context")
    if not text or "group_by" not in text:
        return False
    try:
        value = safe_eval(text, {})
    except ValidationError:
        return False
    group_by = value.get("group_by") if isinstance(value, dict) else None
    names = group_by if isinstance(group_by, list) else [group_by]
    return any(isinstance(n, str) and hidden(model, n.split(":")[0]) for n in names)


__all__ = ["VIEW_TYPES", "View", "bump_version", "combined_arch", "get_view"]
