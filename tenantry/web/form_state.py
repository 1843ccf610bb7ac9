"""A record's form for one user: the form view's arch with the values it shows.

:class:`FormState` is what ``form.html`` walks. The template iterates over the arch
(an ElementTree, the fields the user may not see already removed by ``get_view``)
and asks the state for each ``<field>`` node a :class:`FieldView`: its label, widget,
whether it is editable here, the value to display (:class:`~tenantry.web.display.Shown`)
or the text of its input, its options, its lines (one2many) or tags (many2many).

Values are read as the user, once per form (``read`` of the arch's fields); input
posted back (an inline error, "Add a line") is shown as it was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from starlette.datastructures import FormData

from tenantry.domain.schema import FieldType
from tenantry.exceptions import AccessError
from tenantry.views import get_view
from tenantry.web.display import Shown, show_value, to_user_tz, widget_of
from tenantry.web.modifiers import modifier
from tenantry.web.relations import relation_filter

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.fields import Field
    from tenantry.orm.models import BaseModel
    from tenantry.views import View

__all__ = ["SELECT_LIMIT", "FieldView", "FormState", "LineRow", "Lines", "input_text", "sub_arch"]

SELECT_LIMIT = 80
"""How many suggestions a many2one (a text input with a datalist) or a tags select offers;
htmx replaces them with the records matching what is typed."""

_NOT_EDITABLE = (FieldType.BINARY, FieldType.JSON, FieldType.REFERENCE)


@dataclass
class FieldView:
    """One field as the template shows it (a form's field or a line's cell)."""

    name: str
    input_name: str
    dom_id: str
    label: str
    widget: str
    editable: bool
    required: bool
    shown: Shown
    input: str = ""
    """The text of the input (edit mode): the value, or what the user typed."""
    options: list[tuple[str, str]] = field(default_factory=list)
    """Selection keys or many2one ids with their labels."""
    searchable: bool = False
    """A many2one with more records than the select shows: a search box (htmx) too."""
    tags: list[tuple[int, str]] = field(default_factory=list)
    lines: Lines | None = None
    error: str = ""
    placeholder: str = ""
    nolabel: bool = False
    current_id: str = ""
    """A many2one's record id (its input shows the record's name)."""
    list_id: str = ""
    """The id of a many2one's datalist of suggestions (one per column for lines)."""
    shared_list: bool = False
    """The datalist is the column's, written once after the lines."""
    """Shown without a visible label (``nolabel="1"``): the label is for screen readers."""


@dataclass
class LineRow:
    key: str
    """The line's id, or ``n<number>`` for a new line."""
    cells: list[FieldView]
    removed: bool = False


@dataclass
class Lines:
    """A one2many field's lines: the columns of its list subview and one row per line."""

    columns: list[tuple[str, str, bool]]
    """``(field name, label, numeric)``."""
    rows: list[LineRow]
    next_key: str

    @property
    def datalists(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """``(id, suggestions)`` of the many2one columns' shared datalists."""
        found: dict[str, list[tuple[str, str]]] = {}
        for row in self.rows:
            for cell in row.cells:
                if cell.shared_list and cell.editable and cell.list_id not in found:
                    found[cell.list_id] = cell.options
        return list(found.items())


def sub_arch(env: Environment, node: Element, comodel: str, inverse: str | None) -> Element:
    """The list subview of an x2many ``<field>``: its inline ``<list>``/``<tree>``, or the
    comodel's list view, without the inverse field."""
    for child in node:
        if child.tag in ("list", "tree"):
            return child
    arch = get_view(env, comodel, "list").arch
    for child in list(arch):
        if child.tag == "field" and child.get("name") == inverse:
            arch.remove(child)
    return arch


def input_text(env: Environment, field: Field, value: Any) -> str:
    """A value in ``read`` form as the text of its input."""
    kind = field.type
    if value is False or value is None:
        return "0" if kind in (FieldType.INTEGER, FieldType.FLOAT) and value is not None else ""
    if kind is FieldType.MANY2ONE:
        return str(value[1] if isinstance(value, list | tuple) else value)
    if kind is FieldType.DATETIME:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        return to_user_tz(env, moment).strftime("%Y-%m-%dT%H:%M:%S")
    if kind is FieldType.DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    if kind is FieldType.FLOAT:
        return repr(float(value)) if float(value) != int(float(value)) else str(int(float(value)))
    if kind is FieldType.BOOLEAN:
        return "1" if value else ""
    return str(value)


class FormState:
    """The form of ``record`` (an empty recordset for a new record) for ``env``'s user."""

    def __init__(
        self,
        env: Environment,
        view: View,
        record: BaseModel,
        *,
        editing: bool,
        posted: FormData | None = None,
        errors: Mapping[str, str] | None = None,
        add_line: str = "",
    ) -> None:
        self.env = env
        self.view = view
        self.model = env[view.model]
        self.record = record
        self.editing = editing
        self.posted = posted
        self.errors = dict(errors or {})
        self.add_line = add_line
        self._options: dict[str, tuple[list[tuple[str, str]], bool]] = {}
        self.new_line_keys: dict[str, list[str]] = {}
        """The keys (``n1``...) of the new lines that reading the form made, in order."""
        self._fields: dict[int, FieldView] = {}
        names = [n for n in dict.fromkeys(view.field_names) if n in self.model._fields]
        self.names = names
        if record:
            self.values: dict[str, Any] = record.read(names)[0]
        else:
            self.values = self._defaults(names)
        self.eval_values = _eval_values(self.values, names, self.model)

    # -- what the template asks ------------------------------------------------------------

    @property
    def title(self) -> str:
        if not self.record:
            return "New"
        return str(self.values.get("display_name") or self.record.display_name or self.record.id)

    @property
    def header(self) -> Element | None:
        return self.view.arch.find("header")

    @property
    def body(self) -> list[Element]:
        return [child for child in self.view.arch if child.tag not in ("header", "footer")]

    @property
    def has_active(self) -> bool:
        return "active" in self.model._fields and bool(self.record)

    @property
    def active(self) -> bool:
        return bool(self.record.active) if self.has_active else True

    def invisible(self, node: Element) -> bool:
        return modifier(node, "invisible", self.eval_values) or modifier(
            node, "column_invisible", self.eval_values
        )

    def statusbar(self, node: Element) -> tuple[list[tuple[str, str]], str]:
        """The states a statusbar shows (``statusbar_visible``, and the current one) and the current."""
        current = str(self.values.get(node.get("name", ""), "") or "")
        field_ = self.model._fields[node.get("name", "")]
        options = [(str(k), str(v)) for k, v in _selection(self.model, field_)]
        visible = [s.strip() for s in (node.get("statusbar_visible") or "").split(",") if s.strip()]
        if visible:
            options = [o for o in options if o[0] in visible or o[0] == current]
        return options, current

    def field(self, node: Element) -> FieldView:
        """The field of a ``<field>`` node (made once per node)."""
        found = self._fields.get(id(node))
        if found is None:
            found = self._fields[id(node)] = self._make_field(node)
        return found

    def editable_fields(self) -> Iterator[tuple[Element, FieldView]]:
        """The editable fields of the form (outside the header), with their nodes."""
        for node in self._field_nodes(self.view.arch):
            view = self.field(node)
            if view.editable:
                yield node, view

    def readonly_fields(self) -> Iterator[tuple[Element, FieldView]]:
        """The read-only fields of the form (outside the header), with their nodes."""
        for node in self._field_nodes(self.view.arch):
            view = self.field(node)
            if not view.editable:
                yield node, view

    def buttons(self) -> dict[str, Element]:
        """``"object:<name>"``/``"action:<name>"`` -> node, for the visible buttons of the arch."""
        found: dict[str, Element] = {}
        for node in self.view.arch.iter("button"):
            kind, name = node.get("type") or "object", node.get("name") or ""
            if name and kind in ("object", "action") and not self.invisible(node):
                found[f"{kind}:{name}"] = node
        return found

    # -- building fields -----------------------------------------------------------------

    def _field_nodes(self, element: Element) -> Iterator[Element]:
        for child in element:
            if child.tag == "header":
                continue
            if child.tag == "field":
                yield child
            elif child.tag not in ("list", "tree", "form"):
                yield from self._field_nodes(child)

    def _make_field(self, node: Element) -> FieldView:
        name = node.get("name", "")
        field_ = self.model._fields[name]
        editable = self.editing and self._editable(node, field_, self.eval_values)
        required = editable and (field_.required or modifier(node, "required", self.eval_values))
        raw = self._posted(name, field_) if self.posted is not None else None
        view = make_view(
            self.env,
            field_,
            node,
            self.values.get(name, False),
            raw,
            editable=editable,
            required=required,
            input_name=name,
            dom_id=f"f-{name}",
            options=self._options_of,
        )
        if view.editable and field_.type in (FieldType.MANY2ONE, FieldType.MANY2MANY):
            view.searchable = True  # the form's own fields always get the search box
        view.error = self.errors.get(name, "")
        if field_.type is FieldType.ONE2MANY:
            view.lines = self._lines(node, field_, editable)
        return view

    def _posted(self, name: str, field_: Field) -> str | list[str] | None:
        assert self.posted is not None
        if field_.type is FieldType.MANY2MANY:
            return [v for v in self.posted.getlist(name) if isinstance(v, str)]
        values = [v for v in self.posted.getlist(name) if isinstance(v, str)]
        return values[-1] if values else None

    @staticmethod
    def _editable(node: Element, field_: Field, values: Mapping[str, Any]) -> bool:
        if field_.readonly or field_.type in _NOT_EDITABLE or (field_.computed and not field_.inverse):
            return bool(field_.inherited) and not modifier(node, "readonly", values)
        return not modifier(node, "readonly", values)

    def _options_of(self, field_: Field, node: Element) -> tuple[list[tuple[str, str]], bool]:
        """The first records ``field_`` may take, as the user finds them (cached per form)."""
        args, context = relation_filter(self.env, field_, node, self.eval_values)
        comodel = str(field_.comodel_name)
        key = f"{comodel}:{args!r}:{context!r}"
        if key not in self._options:
            try:
                records = self.env[comodel].with_context(**context)
                found = records.name_search("", args, limit=SELECT_LIMIT + 1)
            except AccessError:
                found = []
            options = [(str(i), str(n)) for i, n in found[:SELECT_LIMIT]]
            self._options[key] = (options, len(found) > SELECT_LIMIT)
        return self._options[key]

    def _lines(self, node: Element, field_: Field, editable: bool) -> Lines:
        comodel = self.env[str(field_.comodel_name)]
        arch = sub_arch(self.env, node, comodel._name, field_.inverse_name)
        columns = [c for c in arch if c.tag == "field" and c.get("name") in comodel._fields]
        columns = [c for c in columns if not modifier(c, "column_invisible", self.eval_values)]
        names = [str(c.get("name")) for c in columns]
        ids = list(self.values.get(field_.name) or [])
        rows_read = {row["id"]: row for row in comodel.browse(ids).read(names)} if ids else {}
        keys: list[str] = [str(i) for i in ids if i in rows_read]
        prefix = f"{field_.name}."
        if self.posted is not None:
            posted_keys = _posted_keys(self.posted, prefix)
            keys = [k for k in posted_keys if (k.isdigit() and int(k) in rows_read) or k.startswith("n")]
        new_keys = [int(k[1:]) for k in keys if k.startswith("n") and k[1:].isdigit()]
        next_number = max(new_keys, default=0) + 1
        if editable and self.add_line == field_.name:
            keys.append(f"n{next_number}")
            next_number += 1
        rows: list[LineRow] = []
        for key in keys[:1000]:
            values = rows_read.get(int(key), {}) if key.isdigit() else {}
            cells = []
            for column in columns:
                name = str(column.get("name"))
                sub_field = comodel._fields[name]
                cell_editable = editable and self._editable(column, sub_field, values)
                raw = None
                if self.posted is not None:
                    found = self.posted.get(f"{prefix}{key}.{name}")
                    raw = found if isinstance(found, str) else None
                cell = make_view(
                    self.env,
                    sub_field,
                    column,
                    values.get(name, False),
                    raw,
                    editable=cell_editable,
                    required=cell_editable and bool(sub_field.required),
                    input_name=f"{prefix}{key}.{name}",
                    dom_id=f"f-{field_.name}-{key}-{name}",
                    options=self._options_of,
                )
                cell.error = self.errors.get(f"{prefix}{key}.{name}", "")
                if cell.widget == "many2one":
                    cell.list_id, cell.shared_list = f"f-{field_.name}-{name}-list", True
                cells.append(cell)
            removed = self.posted is not None and bool(self.posted.get(f"{prefix}{key}._remove"))
            rows.append(LineRow(key, cells, removed))
        headers = [
            (str(c.get("name")), str(c.get("string") or comodel._fields[str(c.get("name"))].string), False)
            for c in columns
        ]
        numeric = {c.name for row in rows for c in row.cells if c.shown.numeric}
        headers = [(n, label, n in numeric) for n, label, _ in headers]
        return Lines(headers, rows, f"n{next_number}")

    def _defaults(self, names: list[str]) -> dict[str, Any]:
        defaults = self.model.default_get(names)
        values: dict[str, Any] = {"id": False}
        for name in names:
            field_ = self.model._fields[name]
            value = defaults.get(name, False)
            if field_.type is FieldType.MANY2ONE and isinstance(value, int) and value:
                found = _names(self.env, str(field_.comodel_name), [value])
                value = (value, found.get(value, "")) if value in found else False
            elif field_.type.is_x2many:
                links = value or []
                value = [c[1] for c in links if isinstance(c, list | tuple) and c[:1] == (4,)]
            values[name] = value
        return values


def make_view(
    env: Environment,
    field_: Field,
    node: Element,
    value: Any,
    raw: str | list[str] | None,
    *,
    editable: bool,
    required: bool,
    input_name: str,
    dom_id: str,
    options: Any,
) -> FieldView:
    """One field (or line cell) as shown; ``raw`` is its posted input, if any."""
    widget = widget_of(field_, node.get("widget"))
    names = None
    if field_.type is FieldType.MANY2MANY:
        ids = list(value or [])
        names = _names(env, str(field_.comodel_name), ids)
    shown = show_value(env, field_, value, node.get("widget"), names)
    label = str(node.get("string") or field_.string or field_.name)
    view = FieldView(
        name=field_.name,
        input_name=input_name,
        dom_id=dom_id,
        label=label,
        widget=widget,
        editable=editable,
        required=required,
        shown=shown,
        placeholder=str(node.get("placeholder") or ""),
        nolabel=node.get("nolabel") in ("1", "True", "true"),
    )
    if field_.type is FieldType.MANY2MANY:
        view.tags = list(shown.tags)
    if not editable:
        return view
    view.input = raw if isinstance(raw, str) else input_text(env, field_, value)
    if field_.type is FieldType.SELECTION:
        view.options = [(str(k), str(v)) for k, v in _selection(env[field_.model_name], field_)]
    elif field_.type is FieldType.MANY2ONE:
        found, more = options(field_, node)
        view.options = found
        view.searchable = more
        view.current_id = str(value[0]) if isinstance(value, list | tuple) and value else ""
        view.list_id = f"{dom_id}-list"
    elif field_.type is FieldType.MANY2MANY:
        found, more = options(field_, node)
        if isinstance(raw, list):
            posted = [int(v) for v in raw if v.isdigit()]
            known = dict(view.tags) | {int(k): n for k, n in found}
            view.tags = [(i, known.get(i, str(i))) for i in dict.fromkeys(posted)]
        taken = {str(i) for i, _ in view.tags}
        view.options = [o for o in found if o[0] not in taken]
        view.searchable = more
    return view


def _posted_keys(posted: FormData, prefix: str) -> list[str]:
    keys: list[str] = []
    for name in posted:
        if name.startswith(prefix):
            key = name[len(prefix) :].split(".", 1)[0]
            if key and key not in keys and (key.isdigit() or key.startswith("n")):
                keys.append(key)
    return keys


def _selection(model: BaseModel, field_: Field) -> list[tuple[Any, Any]]:
    options = getattr(field_, "options", None)
    if callable(options):
        return list(options(model))
    return list(getattr(field_, "selection", ()) or ())


def _names(env: Environment, comodel: str, ids: list[int]) -> dict[int, str]:
    """Display names of the records among ``ids`` the user may read."""
    if not ids:
        return {}
    try:
        return dict(env[comodel].search([("id", "in", ids)]).name_get())
    except AccessError:
        return {}


def _eval_values(values: Mapping[str, Any], names: list[str], model: BaseModel) -> dict[str, Any]:
    """Values as modifiers see them: many2one as an id, x2many as ids."""
    result: dict[str, Any] = {"id": values.get("id", False)}
    for name in names:
        value = values.get(name, False)
        field_ = model._fields[name]
        if field_.type is FieldType.MANY2ONE and isinstance(value, list | tuple):
            value = value[0] if value else False
        result[name] = value
    return result
