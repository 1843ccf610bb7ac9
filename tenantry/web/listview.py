"""List pages: ``/odoo/action-<module.xml_id>`` and ``/odoo/<model>``, as the user.

A list shows the records of the action's domain and the search (see
:mod:`tenantry.web.list_query` for the query parameters), with the columns of the
resolved list view. Each record is a ``<tr data-id="<id>">`` linking to its form;
group headers carry no ``data-id``. ``POST`` to the same URL with ``list_action``
``archive``, ``unarchive`` or ``delete`` and the checked ``ids`` changes them as the user
(an ``AccessError`` is a 403 page and nothing changes). An htmx request targeting
``list-results`` (search as you type) gets the results alone.

``/odoo/<model>`` goes through the model's first window action the user may read that
has no domain of its own (``Sales Orders`` shows confirmed orders only, so it is not
the list of every order), else a generated one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from contextlib import suppress
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from xml.etree.ElementTree import Element

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import Route

from tenantry.exceptions import AccessError, MissingError, UserError
from tenantry.reports import printable_reports
from tenantry.views import WindowAction, get_view, window_action
from tenantry.views.actions import ACT_WINDOW, action_readable
from tenantry.web.apps import cache_key, current_app
from tenantry.web.date_filters import period_options
from tenantry.web.display import Shown, display_rows, format_number, show_value, user_tz, widget_of
from tenantry.web.frame import Page, local_path, web_page
from tenantry.web.list_query import PAGE_SIZE, ListQuery, parse_query, search_filters

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.models import BaseModel

__all__ = ["routes"]

_TRUE = ("1", "True", "true")
_ACTIONS = ("archive", "unarchive", "delete")
_MAX_IDS = 10_000


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    widget: str
    sortable: bool

    @property
    def numeric(self) -> bool:
        return self.widget in ("integer", "float", "monetary")


@dataclass(frozen=True)
class Row:
    id: int
    cells: dict[str, Shown]
    html: Markup
    """The row's value cells (``<td data-field>``), the first linking to the form."""


@dataclass(frozen=True)
class Group:
    index: int
    label: str
    count: int
    sums: dict[str, str]
    rows: tuple[Row, ...] | None
    """The records under the header when the group is expanded."""


@dataclass
class ListPage:
    """What ``list.html`` shows."""

    base: str
    model: str
    title: str
    query: ListQuery
    columns: list[Column]
    rows: list[Row]
    groups: list[Group] | None
    total: int
    filters: list[Any]
    group_bys: list[Any]
    has_active: bool
    can_create: bool
    can_delete: bool
    can_write: bool
    periods: list[tuple[str, str]] = field(default_factory=list)
    """The periods date filters offer (``2026-12``, ``2026-q4``, ``2026``) and their labels."""
    facets: list[tuple[str, str, str]] = field(default_factory=list)
    """``(field, value, label)`` of the one-field searches (``Customer: Azure``)."""
    more_groups: bool = False
    """Whether a next page of groups exists (a grouped list pages its groups)."""

    def url(self, **changes: Any) -> str:
        """This list's URL with ``changes`` to its query (None drops a parameter)."""
        pairs = self.query.params(**changes)
        return f"{self.base}?{urlencode(pairs)}" if pairs else self.base

    def order_url(self, column: Column) -> str:
        """A column header's link: sorted by it, then the other way."""
        ascending = self.query.order_field == column.name and not self.query.descending
        return self.url(order=f"{column.name} desc" if ascending else column.name, page=None, expand=None)

    def sort_state(self, column: Column) -> str:
        if self.query.order_field != column.name:
            return "none"
        return "descending" if self.query.descending else "ascending"

    @property
    def first(self) -> int:
        return min((self.query.page - 1) * PAGE_SIZE + 1, self.total) if self.total else 0

    @property
    def last(self) -> int:
        return min(self.query.page * PAGE_SIZE, self.total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def return_path(self) -> str:
        return self.url()


def _model_action(env: Environment, model: str) -> WindowAction | None:
    """The first readable window action on ``model`` without a domain, if any."""
    key = cache_key(env)
    found = _ACTIONS_CACHE.get((key, model), 0) if key is not None else 0
    if found == 0:
        found = None
        actions = env(su=True)[ACT_WINDOW].search([("res_model", "=", model)], order="id")
        for action in actions:
            if (action.domain or "[]").replace(" ", "") not in ("[]", "False"):
                continue
            if action_readable(env, env[ACT_WINDOW].browse(action.id)):
                found = action.id
                break
        if key is not None:
            if len(_ACTIONS_CACHE) > 1024:
                _ACTIONS_CACHE.clear()
            _ACTIONS_CACHE[(key, model)] = found
    return _window_action(env, found, key) if found else None


def _window_action(env: Environment, action_id: int, key: Hashable | None) -> WindowAction:
    """``window_action``, kept under the menus' cache key for the day (its domain may use
    ``context_today()``)."""
    if key is None:
        return window_action(env, action_id)
    full = (key, action_id, dt.date.today())
    action = _WINDOW_CACHE.get(full)
    if action is None:
        action = window_action(env, action_id)
        if len(_WINDOW_CACHE) > 1024:
            _WINDOW_CACHE.clear()
        _WINDOW_CACHE[full] = action
    return action


_WINDOW_CACHE: dict[tuple[Hashable, int, dt.date], WindowAction] = {}


# (menus cache key, model) -> the id of the action /odoo/<model> opens (None: generated).
_ACTIONS_CACHE: dict[tuple[Hashable, str], int | None] = {}


def _generated(model: BaseModel) -> WindowAction:
    return WindowAction(0, "", model._description or model._name, model._name, [], {}, ("list", "form"))


def _model(env: Environment, name: str) -> BaseModel:
    if not name or name not in env.registry:
        raise MissingError(f"No such model: {name[:100]!r}.")
    model = env[name]
    if getattr(model, "_abstract", False):
        raise MissingError(f"No such model: {name[:100]!r}.")
    model.check_access_rights("read")
    return model


def _columns(model: BaseModel, arch: Element) -> list[Column]:
    columns: list[Column] = []
    for node in arch:
        if node.tag != "field":
            continue
        name = node.get("name", "")
        fld = model._fields.get(name)
        if fld is None or node.get("invisible") in _TRUE or node.get("column_invisible") in _TRUE:
            continue
        if fld.type.value in ("binary", "one2many", "json"):
            continue
        sortable = bool(fld.store) and not fld.type.is_x2many
        label = node.get("string") or fld.string or name
        columns.append(Column(name, label, widget_of(fld, node.get("widget")), sortable))
    return columns


def _rows(model: BaseModel, records: list[dict[str, Any]], columns: list[Column]) -> list[Row]:
    names = [c.name for c in columns]
    cells = display_rows(model, records, names, {c.name: c.widget for c in columns})
    # Built here rather than in the template: a page has hundreds of cells.
    opening = [
        f'<td class="{c.widget}{" num" if c.numeric else ""}" data-field="{escape(c.name)}">' for c in columns
    ]
    first = columns[0].name if columns else None
    rows: list[Row] = []
    for record, shown in zip(records, cells, strict=True):
        record_id = int(record["id"])
        parts: list[str] = []
        for column, td in zip(columns, opening, strict=True):
            cell = shown[column.name]
            if column.name == first:
                text = escape(cell.text or f"#{record_id}")
                parts.append(f'{td}<a href="/odoo/{escape(model._name)}/{record_id}">{text}</a></td>')
            else:
                parts.append(f"{td}{cell.html_text()}</td>")
        rows.append(Row(record_id, shown, Markup("".join(parts))))
    return rows


def _and(*domains: list[Any]) -> list[Any]:
    kept = [d for d in domains if d]
    return ["&"] * (len(kept) - 1) + [t for d in kept for t in _explicit(d)] if kept else []


def _explicit(domain: list[Any]) -> list[Any]:
    terms = sum(1 for t in domain if t not in ("&", "|", "!"))
    operators = sum(1 for t in domain if t in ("&", "|"))
    return ["&"] * max(terms - 1 - operators, 0) + list(domain)


def _render(page: Page, action: WindowAction, base: str, *, notice: str = "") -> Response:
    env = page.env
    model = _model(env, action.res_model)
    context = dict(action.context)
    list_view = get_view(
        env, model._name, "list", action.view_id if action.view_mode[:1] == ("list",) else None
    )
    search_view = get_view(env, model._name, "search", action.search_view_id)
    params = {key: page.request.query_params.getlist(key) for key in page.request.query_params}
    filters = search_filters(env, search_view.arch)
    query = parse_query(model, params, search_view.arch, filters, context)
    if query.archived:
        context["active_test"] = False
    records = model.with_context(**context) if context else model
    domain = _and(action.domain, query.domain)
    columns = _columns(model, list_view.arch)
    names = [c.name for c in columns]
    groups: list[Group] | None = None
    more_groups = False
    rows: list[Row] = []
    if query.group_by:
        groups, more_groups = _groups(records, domain, query, columns)
        total = records.search_count(domain)
    else:
        total = records.search_count(domain)
        offset = (query.page - 1) * PAGE_SIZE
        found = records.search_read(domain, names, offset=offset, limit=PAGE_SIZE, order=query.order)
        rows = _rows(model, found, columns)
    listing = ListPage(
        base=base,
        model=model._name,
        title=action.name or model._description or model._name,
        query=query,
        columns=columns,
        rows=rows,
        groups=groups,
        total=total,
        filters=[f for f in filters.values() if not f.group_by],
        facets=_facet_labels(model, query),
        periods=period_options(dt.datetime.now(user_tz(env)).date()) if any(
            f.date_field for f in filters.values()
        ) else [],
        group_bys=[f for f in filters.values() if f.group_by],
        has_active="active" in model._fields,
        can_create=model.check_access_rights("create", raise_exception=False),
        can_delete=model.check_access_rights("unlink", raise_exception=False),
        can_write=model.check_access_rights("write", raise_exception=False),
        more_groups=more_groups,
    )
    app = current_app(env, action_id=action.id or None, model=model._name)
    values = {"list": listing, "app": app, "notice": notice, "reports": printable_reports(env, model._name)}
    if page.is_htmx and page.request.headers.get("hx-target") == "list-results":
        return page.render("_list_results.html", values)
    return page.render("list.html", values)


def _facet_labels(model: BaseModel, query: ListQuery) -> list[tuple[str, str, str]]:
    labels: list[tuple[str, str, str]] = []
    for name, value in query.facets:
        fld = model._fields[name]
        shown = value
        if fld.type.value == "many2one":
            with suppress(AccessError, MissingError):  # a record the user may not read: its id only
                shown = model.env[fld.comodel_name].browse(int(value)).display_name or value
        elif fld.type.value == "selection":
            shown = show_value(model.env, fld, value).text
        labels.append((name, value, f"{fld.string or name}: {shown}"))
    return labels


def _groups(
    records: BaseModel, domain: list[Any], query: ListQuery, columns: list[Column]
) -> tuple[list[Group], bool]:
    assert query.group_by is not None
    field_name = query.group_by.split(":")[0]
    sums = [c.name for c in columns if c.numeric and c.sortable and c.name != field_name]
    offset = (query.page - 1) * PAGE_SIZE  # 80 groups a page; one more tells there are others
    found = records.read_group(domain, sums, [query.group_by], offset=offset, limit=PAGE_SIZE + 1, lazy=True)
    fld = records._fields[field_name]
    groups: list[Group] = []
    for index, group in enumerate(found[:PAGE_SIZE], start=offset):
        value = group.get(query.group_by, group.get(field_name, False))
        if isinstance(value, tuple | list) and len(value) == 2:
            label = str(value[1])
        elif value is False or value is None:
            label = "None"
        else:
            label = show_value(records.env, fld, value).text if fld.type.value == "selection" else str(value)
        count = int(group.get(f"{field_name}_count", group.get("__count", 0)))
        rows: tuple[Row, ...] | None = None
        if query.expand == index:
            names = [c.name for c in columns]
            found_rows = records.search_read(group["__domain"], names, limit=PAGE_SIZE, order=query.order)
            rows = tuple(_rows(records, found_rows, columns))
        totals = {n: format_number(group.get(n) or 0, 2) for n in sums}
        groups.append(Group(index, label or "None", count, totals, rows))
    return groups, len(found) > PAGE_SIZE


def _selected_ids(page: Page) -> list[int]:
    assert page.form is not None
    values = [v for v in page.form.getlist("ids") if isinstance(v, str)]
    if not values:
        raise UserError("Select at least one record.")
    if len(values) > _MAX_IDS or not all(v.isdigit() and len(v) < 12 for v in values):
        raise UserError("Invalid selection.")
    return sorted({int(v) for v in values})


def _change(page: Page, model: BaseModel) -> str:
    """Apply the POSTed ``list_action`` to the checked records; the notice to show."""
    assert page.form is not None
    verb = page.form.get("list_action")
    if verb not in _ACTIONS:
        raise UserError("Unknown list action.")
    ids = _selected_ids(page)
    records = model.with_context(active_test=False).browse(ids)
    if len(records.exists()) != len(ids):
        raise MissingError("Some of the selected records do not exist anymore.")
    if verb == "delete":
        records.unlink()
        return f"{len(ids)} record(s) deleted."
    if "active" not in model._fields:
        raise UserError(f"{model._description or model._name} records cannot be archived.")
    records.write({"active": verb == "unarchive"})
    return f"{len(ids)} record(s) {verb}d."


def _respond(page: Page, action: WindowAction, base: str) -> Response:
    if page.form is not None:
        model = _model(page.env, action.res_model)
        _change(page, model)
        target = local_path(page.form.get("redirect"), base)
        return page.redirect(target if target.split("?")[0] == base else base)
    if "list" not in action.view_mode:
        return page.redirect(f"/odoo/{action.res_model}/{action.res_id or 'new'}")
    return _render(page, action, base)


@web_page
def model_list(page: Page) -> Response:
    """``/odoo/<model>``: the model's list."""
    name = str(page.request.path_params["model"])
    if name.startswith("action-"):
        return action_list(page)
    model = _model(page.env, name)
    action = _model_action(page.env, name) or _generated(model)
    if action.res_model != name:  # pragma: no cover - the search asked for it
        raise AccessError("Invalid action.")
    return _respond(page, action, f"/odoo/{name}")


def action_list(page: Page) -> Response:
    """``/odoo/action-<module.xml_id>`` (or ``action-<id>``): the action's first view."""
    ref = str(page.request.path_params["model"]).removeprefix("action-")
    action = window_action(page.env, ref)
    return _respond(page, action, f"/odoo/action-{ref}")


routes = [Route("/odoo/{model}", model_list, methods=["GET", "POST"])]
