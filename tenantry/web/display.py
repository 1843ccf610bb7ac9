"""Field values as the web client shows them: lists and read-only form fields.

Shared by the list and form pages, so a value looks the same everywhere::

    rows = env["sale.order"].search_read(domain, names, limit=80)
    cells = display_rows(env["sale.order"], rows, names, {"amount_total": "monetary"})
    cells[0]["partner_id"].text   # 'Azure Interior' (many2one display name)

Values come in ``read`` form (many2one ``(id, name)``, x2many ids); datetimes are
shown in the user's time zone (``tz`` of the context; stored UTC). Templates render
a :class:`Shown` with the ``show`` macro of ``_display.html``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape as _html_escape
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup

from tenantry.exceptions import AccessError

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.fields import Field
    from tenantry.orm.models import BaseModel

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "Shown",
    "display_rows",
    "format_date",
    "format_datetime",
    "format_number",
    "show_value",
    "to_user_tz",
    "user_tz",
    "widget_of",
]

DATE_FORMAT = "%m/%d/%Y"
"""Odoo's en_US date format."""
DATETIME_FORMAT = "%m/%d/%Y %H:%M:%S"

_MONETARY_PREFIXES = ("amount_", "price_")
_NUMERIC = ("integer", "float", "monetary")


@dataclass(frozen=True)
class Shown:
    """A field value for display: ``text`` (empty when unset), the ``widget`` (also the
    CSS class: ``char``, ``monetary``, ``many2one``...), many2many ``tags`` as
    ``(id, name)``, a many2one's ``ref`` ``(comodel, id)``, and the raw ``value``."""

    text: str
    widget: str
    value: Any = None
    tags: tuple[tuple[int, str], ...] = ()
    ref: tuple[str, int] | None = None

    @property
    def numeric(self) -> bool:
        return self.widget in _NUMERIC

    @property
    def checked(self) -> bool:
        return self.widget == "boolean" and bool(self.value)

    @property
    def html(self) -> Markup:
        """The value as HTML (escaped): what the ``show`` macro renders, built in Python
        because a list page shows hundreds of values."""
        return Markup(self.html_text())

    def html_text(self) -> str:
        """:attr:`html` as a plain ``str`` (for building many cells at once)."""
        if self.widget == "boolean":
            checked = " checked" if self.value else ""
            return f'<input type="checkbox" disabled aria-label="{_esc(self.text)}"{checked}>'
        if self.widget == "many2many_tags":
            tags = "".join(f'<span class="tag">{_esc(n)}</span>' for _i, n in self.tags)
            return f'<span class="tags">{tags}</span>'
        if self.widget == "many2one" and self.ref:
            return f'<a href="/odoo/{_esc(self.ref[0])}/{int(self.ref[1])}">{_esc(self.text)}</a>'
        return _esc(self.text)


def _esc(text: str) -> str:
    return _html_escape(text, quote=True)


def widget_of(field: Field, declared: str | None = None) -> str:
    """The display widget of ``field``: the arch's ``widget`` when it suits the type
    (``monetary`` on a float, ``many2many_tags`` on a many2many...), else by type;
    floats named ``amount_*``/``price_*`` are monetary-style."""
    kind = field.type.value
    if declared:
        if declared == "monetary" and kind in ("float", "integer"):
            return "monetary"
        if declared in ("many2many_tags", "tags") and kind == "many2many":
            return "many2many_tags"
        if declared in ("text", "html") and kind in ("char", "text"):
            return "text"
    if kind == "float" and field.name.startswith(_MONETARY_PREFIXES):
        return "monetary"
    if kind == "many2many":
        return "many2many_tags"
    return kind


def user_tz(env: Environment) -> dt.tzinfo:
    """The user's time zone (context ``tz``), UTC when unset or unknown."""
    name = env.context.get("tz")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return dt.UTC


def to_user_tz(env: Environment, value: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) datetime in the user's time zone, naive."""
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone(user_tz(env)).replace(tzinfo=None)


def format_datetime(env: Environment, value: dt.datetime | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return to_user_tz(env, value).strftime(DATETIME_FORMAT)


def format_date(value: dt.date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime(DATE_FORMAT)


def format_number(value: float | int | None, digits: int | None = None) -> str:
    """``1234.5`` -> ``'1,234.50'``; integers without decimals (``digits=None`` and an int)."""
    if value is None or value is False:
        value = 0
    if digits is None and isinstance(value, int):
        return f"{value:,d}"
    return f"{float(value):,.{2 if digits is None else digits}f}"


def show_value(
    env: Environment,
    field: Field,
    value: Any,
    widget: str | None = None,
    names: Mapping[int, str] | None = None,
) -> Shown:
    """One value in ``read`` form as shown; ``names`` gives x2many ids their names."""
    kind = widget_of(field, widget)
    if kind == "boolean":
        return Shown("Yes" if value else "No", kind, bool(value))
    if kind in ("integer", "float", "monetary"):
        digits = _digits(field) if kind == "float" else None
        if kind == "monetary":
            digits = 2
        return Shown(format_number(value if value is not False else 0, digits), kind, value)
    if value is False or value is None:
        return Shown("", kind, False)
    if kind == "selection":
        labels = dict(_options(env, field))
        return Shown(str(labels.get(value, value)), kind, value)
    if kind == "date":
        return Shown(format_date(value), kind, value)
    if kind == "datetime":
        return Shown(format_datetime(env, value), kind, value)
    if kind == "many2one":
        if isinstance(value, tuple | list) and value:
            return Shown(str(value[1]), kind, value[0], ref=(str(field.comodel_name), int(value[0])))
        return Shown(str(value), kind, value)
    if kind in ("many2many_tags", "one2many"):
        ids = list(value) if isinstance(value, list | tuple) else []
        found = names or {}
        tags = tuple((i, found[i]) for i in ids if i in found)
        text = ", ".join(n for _i, n in tags) if kind == "many2many_tags" else f"{len(ids)} records"
        return Shown(text, kind, ids, tags=tags)
    if kind == "binary":
        return Shown("(file)" if value else "", kind, None)
    return Shown(str(value), kind, value)


def display_rows(
    model: BaseModel,
    rows: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    widgets: Mapping[str, str] | None = None,
) -> list[dict[str, Shown]]:
    """``rows`` (from ``read``/``search_read`` on ``model``) as :class:`Shown` values;
    many2many names are read once per field, as the user (tags the user may not read
    are left out)."""
    widgets = widgets or {}
    env = model.env
    tag_names: dict[str, dict[int, str]] = {}
    for name in names:
        field = model._fields[name]
        if widget_of(field, widgets.get(name)) == "many2many_tags":
            ids = sorted({i for row in rows for i in (row.get(name) or ())})
            tag_names[name] = _names(env, str(field.comodel_name), ids)
    return [
        {
            name: show_value(
                env, model._fields[name], row.get(name, False), widgets.get(name), tag_names.get(name)
            )
            for name in names
        }
        for row in rows
    ]


def _names(env: Environment, comodel: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    try:
        readable = env[comodel].search([("id", "in", ids)])
        return dict(readable.name_get())
    except AccessError:
        return {}


def _digits(field: Field) -> int | None:
    digits = getattr(field, "digits", None)
    if isinstance(digits, tuple | list) and len(digits) == 2:
        return int(digits[1])
    return 2


def _options(env: Environment, field: Field) -> list[tuple[str, str]]:
    options = getattr(field, "options", None)
    if options is None:
        return list(getattr(field, "selection", ()) or ())
    return list(options(env[field.model_name]))
