"""A list page's query parameters, validated: what to search, in which order, which page.

``/odoo/<model>?q=azure&filter=my&filter=draft&group_by=state&order=name desc&page=2``

- ``q``: search text over the search view's ``<field>``s, OR'ed (a field's
  ``filter_domain`` when it has one, else ``ilike``); without fields, the rec name;
- ``filter``: search-view ``<filter>`` names, repeatable; filters between two
  ``<separator/>`` (one group) are OR'ed, groups AND'ed, as Odoo's search does; a
  filter whose context has ``group_by`` groups the list;
- ``group_by``: a stored field (``date_order:month`` for dates); ``expand``: the
  index of the group whose records are shown under its header;
- ``order``: ``field`` or ``field desc``/``field asc``, a stored field;
- ``page``: 1-based, 80 records a page; ``archived=1``: the archived records
  (only for a model with ``active``), as Odoo's "Archived" filter;
- ``search_<field>``: a value searched in one search-view ``<field>`` (its
  ``filter_domain``, else ``=`` for ids, numbers and selections, ``ilike`` for text).

An action's context pre-selects, as Odoo's ``search_default_<filter>`` and
``search_default_<field>`` keys do, when the URL names no search parameter at all:
the list opened from a menu. Once the user changed the search, the URL says all
of it (an emptied search keeps ``filter=`` so that the defaults stay off).

Anything else is a :class:`~tenantry.exceptions.UserError` (a 400 page) that never says
whether a field the user may not see exists: it is as unknown as a misspelt one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from tenantry.domain import safe_eval
from tenantry.exceptions import UserError, ValidationError
from tenantry.views.actions import eval_names
from tenantry.web.date_filters import period_domain
from tenantry.web.display import user_tz

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.models import BaseModel

__all__ = ["PAGE_SIZE", "ListQuery", "SearchFilter", "parse_query", "search_filters"]

PAGE_SIZE = 80
_MAX_PAGE = 1_000_000
_MAX_TEXT = 256
_GRANULARITIES = ("day", "week", "month", "quarter", "year")
_TEXT_TYPES = ("char", "text", "selection", "many2one", "many2many", "one2many")
_FACET = "search_"
_DEFAULT = "search_default_"
_SEARCH_KEYS = frozenset(("q", "filter", "group_by", "expand", "order", "page", "archived"))
_MAX_FACETS = 16


@dataclass(frozen=True)
class SearchFilter:
    """A search-view ``<filter>``: ``group`` numbers the separator-delimited groups;
    ``domain_text`` is evaluated (:meth:`domain`) only when the filter is chosen."""

    name: str
    string: str
    domain_text: str
    group_by: str | None
    group: int
    date_field: str | None = None
    """A date filter's field (``<filter date="...">``): chosen with a period, ``name:2026-12``."""

    def domain(self, names: Mapping[str, Any]) -> list[Any]:
        result: list[Any] = _evaluate(self.domain_text, names, list)
        return result


@dataclass(frozen=True)
class ListQuery:
    q: str = ""
    filters: tuple[str, ...] = ()
    group_by: str | None = None
    expand: int | None = None
    order: str | None = None
    """``field`` or ``field desc`` as given (validated), None for the model's order."""
    page: int = 1
    archived: bool = False
    domain: list[Any] = field(default_factory=list)
    """The search's domain (q, filters, archived), without the action's."""
    facets: tuple[tuple[str, str], ...] = ()
    """``(field, value)`` searched in one field each (``search_<field>``)."""
    defaults: bool = False
    """Whether the action pre-selects a search (its URLs then always say the search)."""

    @property
    def order_field(self) -> str | None:
        return self.order.split()[0] if self.order else None

    @property
    def descending(self) -> bool:
        return bool(self.order and self.order.endswith(" desc"))

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """The query string's pairs, with ``changes`` (None drops one)."""
        values: dict[str, Any] = {
            "q": self.q or None,
            "filter": list(self.filters),
            "group_by": self.group_by,
            "expand": self.expand,
            "order": self.order,
            "archived": "1" if self.archived else None,
            "page": self.page if self.page != 1 else None,
            **{f"{_FACET}{name}": value for name, value in self.facets},
        }
        values.update(changes)
        pairs: list[tuple[str, str]] = []
        for key, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                if item is not None and item != "":
                    pairs.append((key, str(item)))
        if self.defaults and not any(key in _SEARCH_KEYS or key.startswith(_FACET) for key, _v in pairs):
            pairs.append(("filter", ""))  # the search was emptied: no action defaults
        return pairs


def search_filters(env: Environment, arch: Element) -> dict[str, SearchFilter]:
    """The named ``<filter>``s of a search arch, in order, with their separator groups."""
    found: dict[str, SearchFilter] = {}
    group = 0
    evaluated: dict[str, Any] = {}

    def names() -> dict[str, Any]:
        if not evaluated:
            evaluated.update(eval_names(env))
        return evaluated

    def walk(element: Element) -> None:
        nonlocal group
        for child in element:
            if child.tag == "separator":
                group += 1
            elif child.tag == "group":
                group += 1
                walk(child)
                group += 1
            elif child.tag == "filter" and child.get("name"):
                text = child.get("context") or ""
                context = _evaluate(text, names(), dict) if "group_by" in text else {}
                group_by = context.get("group_by")
                if isinstance(group_by, list):
                    group_by = group_by[0] if group_by else None
                name = str(child.get("name"))
                found[name] = SearchFilter(
                    name,
                    child.get("string") or name,
                    child.get("domain") or "[]",
                    group_by if isinstance(group_by, str) else None,
                    group,
                    child.get("date") or None,
                )

    walk(arch)
    return found


def parse_query(
    model: BaseModel,
    params: Mapping[str, Sequence[str]],
    search_arch: Element,
    filters: Mapping[str, SearchFilter] | None = None,
    context: Mapping[str, Any] | None = None,
) -> ListQuery:
    """The validated query of ``params`` (each name with its values) for ``model``'s list
    (``filters``: the arch's, when already read; ``context``: the action's, whose
    ``search_default_*`` keys apply when ``params`` has no search parameter)."""
    if filters is None:
        filters = search_filters(model.env, search_arch)
    defaults = _defaults(context, filters, search_arch) if context else {}
    if defaults and not any(key in _SEARCH_KEYS or key.startswith(_FACET) for key in params):
        params = {**params, **defaults}
    q = _single(params, "q") or ""
    if len(q) > _MAX_TEXT:
        raise UserError("The search text is too long.")
    chosen = tuple(dict.fromkeys(f for f in params.get("filter", ()) if f != ""))
    filters = {**filters, **_periods(model, chosen, filters)}
    for name in chosen:
        if name not in filters:
            raise UserError(f"Unknown filter {name[:64]!r}.")
    group_by = _single(params, "group_by")
    if group_by is None:
        group_by = next((filters[n].group_by for n in chosen if filters[n].group_by), None)
    if group_by is not None:
        group_by = _check_group_by(model, group_by)
    expand = _integer(_single(params, "expand"), "expand", 0) if group_by else None
    order = _single(params, "order")
    if order is not None:
        order = _check_order(model, order)
    page = _integer(_single(params, "page"), "page", 1) or 1
    archived = _single(params, "archived") in ("1", "true")
    if archived and "active" not in model._fields:
        raise UserError(f"{model._description or model._name} has no archived records.")
    facets = _facets(model, params, search_arch)
    domain = _domain(model, q, [filters[n] for n in chosen if not filters[n].group_by], search_arch)
    if facets:
        domain = _combine("&", [domain, *(_facet_domain(model, search_arch, *facet) for facet in facets)])
    if archived:
        domain = ["&", ("active", "=", False), *domain] if domain else [("active", "=", False)]
    return ListQuery(q, chosen, group_by, expand, order, page, archived, domain, facets, bool(defaults))


def _periods(
    model: BaseModel, chosen: Sequence[str], filters: Mapping[str, SearchFilter]
) -> dict[str, SearchFilter]:
    """The chosen periods of date filters (``order_date:2026-q4``), as filters of their own."""
    found: dict[str, SearchFilter] = {}
    for name in chosen:
        base, _, period = name.partition(":")
        flt = filters.get(base)
        if not period or flt is None or not flt.date_field:
            continue
        fld = _visible_field(model, flt.date_field, "date filter")
        if fld.type.value not in ("date", "datetime") or not _stored(model, fld):
            raise UserError(f"Invalid date filter {base!r}.")
        domain = period_domain(flt.date_field, fld.type.value, period, user_tz(model.env))
        found[name] = SearchFilter(name, flt.string, repr(domain), None, flt.group)
    return found


def _defaults(
    context: Mapping[str, Any], filters: Mapping[str, SearchFilter], arch: Element
) -> dict[str, list[str]]:
    """The query parameters an action context's ``search_default_*`` keys stand for
    (unknown names are ignored, as Odoo's client ignores them)."""
    fields = {node.get("name") for node in arch.iter("field")}
    params: dict[str, list[str]] = {}
    for key, value in context.items():
        if not isinstance(key, str) or not key.startswith(_DEFAULT) or value in (False, None, "", 0):
            continue
        name = key.removeprefix(_DEFAULT)
        if name in filters:
            flt = filters[name]
            if flt.group_by:
                params.setdefault("group_by", [flt.group_by])
            else:
                params.setdefault("filter", []).append(name)
        elif name in fields and isinstance(value, str | int) and not isinstance(value, bool):
            params[f"{_FACET}{name}"] = [str(value)]
    return params


def _facets(
    model: BaseModel, params: Mapping[str, Sequence[str]], arch: Element
) -> tuple[tuple[str, str], ...]:
    names = [key for key in params if key.startswith(_FACET)]
    if len(names) > _MAX_FACETS:
        raise UserError("Too many search parameters.")
    fields = {node.get("name") for node in arch.iter("field")}
    facets: list[tuple[str, str]] = []
    for key in sorted(names):
        name, value = key.removeprefix(_FACET), _single(params, key)
        if value is None:
            continue
        if name not in fields:
            raise UserError(f"Unknown search field {name[:64]!r}.")
        fld = _visible_field(model, name, "search field")
        if len(value) > _MAX_TEXT:
            raise UserError("The search text is too long.")
        if fld.type.value in ("many2one", "integer") and not (value.isdigit() and len(value) < 12):
            raise UserError(f"Invalid value for {name!r}: {value[:32]!r}.")
        facets.append((name, value))
    return tuple(facets)


def _facet_domain(model: BaseModel, arch: Element, name: str, value: str) -> list[Any]:
    fld = model._fields[name]
    typed: Any = int(value) if fld.type.value in ("many2one", "integer") else value
    node = next(n for n in arch.iter("field") if n.get("name") == name)
    filter_domain = node.get("filter_domain")
    if filter_domain:
        result: list[Any] = _evaluate(filter_domain, {**eval_names(model.env), "self": typed}, list)
        return result
    if fld.type.value in ("char", "text", "many2many", "one2many", "html"):
        return [(name, "ilike", value)]
    if fld.type.value == "float":
        if not _is_number(value):
            raise UserError(f"Invalid value for {name!r}: {value[:32]!r}.")
        return [(name, "=", float(value))]
    if fld.type.value == "boolean":
        return [(name, "=", value not in ("0", "false", "False"))]
    return [(name, "=", typed)]


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [v for v in params.get(name) or () if v != ""]  # an empty form field: not given
    if len(values) > 1:
        raise UserError(f"The parameter {name!r} is given several times.")
    return values[0] if values else None


def _integer(text: str | None, name: str, minimum: int) -> int | None:
    if text is None or text == "":
        return None
    if not text.isdigit() or len(text) > 9 or not minimum <= int(text) <= _MAX_PAGE:
        raise UserError(f"Invalid {name} {text[:32]!r}.")
    return int(text)


def _visible_field(model: BaseModel, name: str, what: str) -> Any:
    """The field ``name`` when the user may see it; an unknown field otherwise."""
    fld = model._fields.get(name) if name.isidentifier() else None
    env = model.env
    if fld is None or name.startswith("_") or not env.cr.policy.field_allowed(env, model._name, name):
        raise UserError(f"Invalid {what}: {name[:64]!r} is not a field of this list.")
    return fld


def _stored(model: BaseModel, fld: Any) -> bool:
    return bool(fld.store) and not (fld.computed and not fld.store)


def _check_group_by(model: BaseModel, spec: str) -> str:
    name, _, granularity = spec.partition(":")
    fld = _visible_field(model, name, "group_by")
    if not _stored(model, fld) or fld.type.is_x2many or fld.type.value in ("binary", "json", "text"):
        raise UserError(f"Invalid group_by: {name!r} cannot be grouped.")
    if granularity and (fld.type.value not in ("date", "datetime") or granularity not in _GRANULARITIES):
        raise UserError(f"Invalid group_by {spec[:64]!r}.")
    return spec


def _check_order(model: BaseModel, text: str) -> str:
    words = text.split()
    if not 1 <= len(words) <= 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
        raise UserError(f"Invalid order {text[:64]!r}: expected 'field' or 'field desc'.")
    fld = _visible_field(model, words[0], "order")
    if not _stored(model, fld) or fld.type.is_x2many or fld.type.value in ("binary", "json"):
        raise UserError(f"Invalid order: {words[0]!r} cannot be sorted.")
    return words[0] if len(words) == 1 or words[1].lower() == "asc" else f"{words[0]} desc"


def _domain(model: BaseModel, q: str, chosen: list[SearchFilter], arch: Element) -> list[Any]:
    parts: list[list[Any]] = []
    if q:
        parts.append(_text_domain(model, q, arch))
    groups: dict[int, list[list[Any]]] = {}
    names = eval_names(model.env) if chosen else {}
    for flt in chosen:
        groups.setdefault(flt.group, []).append(flt.domain(names) or [])
    for domains in groups.values():
        parts.append(_combine("|", domains))
    return _combine("&", parts)


def _text_domain(model: BaseModel, q: str, arch: Element) -> list[Any]:
    domains: list[list[Any]] = []
    for node in arch.iter("field"):
        name = node.get("name", "")
        fld = model._fields.get(name)
        if fld is None:
            continue
        filter_domain = node.get("filter_domain")
        if filter_domain:
            domains.append(_evaluate(filter_domain, {**eval_names(model.env), "self": q}, list))
        elif fld.type.value in _TEXT_TYPES:
            domains.append([(name, "ilike", q)])
        elif fld.type.value in ("integer", "float") and _is_number(q):
            domains.append([(name, "=", float(q) if fld.type.value == "float" else int(float(q)))])
    if not domains:
        rec_name = model._rec_name if model._rec_name in model._fields else "display_name"
        domains.append([(rec_name, "ilike", q)])
    return _combine("|", domains)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip().lstrip("-").replace(".", "", 1).isdigit()


def _combine(operator: str, domains: list[list[Any]]) -> list[Any]:
    """Normalized domains joined with ``operator`` (an empty one is always true)."""
    kept = [d for d in domains if d]
    if any(not d for d in domains) and operator == "|":
        return []
    result: list[Any] = [operator] * (len(kept) - 1) if kept else []
    for d in kept:
        result += _normalized(d)
    return result


def _normalized(domain: list[Any]) -> list[Any]:
    """``domain`` with its implicit ``&`` made explicit, so it can be an operand."""
    terms = [t for t in domain if t not in ("&", "|", "!")]
    operators = sum(1 for t in domain if t in ("&", "|"))
    missing = len(terms) - 1 - operators
    return ["&"] * max(missing, 0) + list(domain)


def _evaluate(text: str, names: Mapping[str, Any], kind: type) -> Any:
    try:
        value = safe_eval(text, names)
    except ValidationError as exc:
        raise UserError(f"The search view has an invalid expression: {exc}") from None
    if not isinstance(value, kind):
        raise UserError("The search view has an invalid expression.")
    return value
