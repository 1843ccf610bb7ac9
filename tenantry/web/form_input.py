"""A posted form turned into the values of ``create``/``write``, as Odoo's client sends them.

Only the fields the form shows as editable to this user are read (a posted name
outside them is ignored); each input is converted by its type, and a bad one is an
error for that field (shown next to it) rather than a write. Relational values must
be records the user can find: many2one ids, many2many tags (``(4, id)`` added,
``(3, id)`` removed, so tags the user cannot see are kept) and one2many lines as
Odoo's commands (``(0, 0, vals)`` new, ``(1, id, vals)`` changed, ``(2, id)`` removed).

Input names: ``<field>`` for a field; ``<field>.<key>.<column>`` for a line's cell,
``<key>`` being the line's id or ``n<number>`` for a new line, and
``<field>.<key>._remove`` to remove it.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from starlette.datastructures import FormData

from tenantry.domain.schema import FieldType
from tenantry.web.display import user_tz
from tenantry.web.form_state import FieldView, FormState, LineRow
from tenantry.web.relations import and_domains, relation_filter

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment
    from tenantry.orm.fields import Field

__all__ = ["FormInputError", "read_form"]

_MAX_TEXT = 1_000_000
_MAX_INT = 2**31 - 1


_Relation = tuple[list[Any], dict[str, Any]]


class FormInputError(ValueError):
    """An input that is not a value of its field (the message says why)."""


def read_form(state: FormState, posted: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """The values to save from ``posted``, and the errors by input name."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for node, view in state.editable_fields():
        field_ = state.model._fields[view.name]
        if view.name not in posted:
            continue  # not rendered (invisible): not changed
        relation = None
        if field_.type in (FieldType.MANY2ONE, FieldType.MANY2MANY):
            relation = relation_filter(state.env, field_, node, state.eval_values)
        try:
            if field_.type is FieldType.ONE2MANY:
                assert view.lines is not None
                commands = _lines(state, field_, view.lines.rows, posted, errors)
                if commands:
                    values[view.name] = commands
                continue
            if field_.type is FieldType.MANY2MANY:
                wanted = _ids(state.env, field_, posted.getlist(view.name), relation)
                shown = {i for i, _ in view.tags}
                commands = [(3, i) for i in sorted(shown - set(wanted))]
                commands += [(4, i) for i in wanted if i not in shown]
                if commands:
                    values[view.name] = commands
                continue
            value = convert(state.env, field_, _last(posted, view.name), relation)
        except FormInputError as exc:
            errors[view.name] = str(exc)
            continue
        if view.required and value in (False, None, ""):
            errors[view.name] = "This field is required."
            continue
        values[view.name] = value
    return values, errors


def convert(env: Environment, field_: Field, text: str, relation: _Relation | None = None) -> Any:
    """One input's text as a value of ``field_`` (``False`` when empty); ``relation``: the
    domain and context of the records a relational field may take (the field's own)."""
    kind = field_.type
    text = text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT]
    if kind is FieldType.BOOLEAN:
        return text.strip().lower() in ("1", "on", "true", "yes")
    if kind in (FieldType.CHAR, FieldType.TEXT):
        cleaned = text.replace("\r\n", "\n")
        if kind is FieldType.CHAR:
            cleaned = cleaned.strip()
        return cleaned if cleaned.strip() else False
    text = text.strip()
    if not text:
        return 0 if kind is FieldType.INTEGER else (0.0 if kind is FieldType.FLOAT else False)
    if kind is FieldType.INTEGER:
        try:
            number = int(text.replace(",", ""))
        except ValueError:
            raise FormInputError("Enter a whole number.") from None
        if abs(number) > _MAX_INT:
            raise FormInputError("This number is too large.")
        return number
    if kind is FieldType.FLOAT:
        cleaned = text.replace(",", "") if "." in text else text.replace(",", ".")
        try:
            number_f = float(cleaned)
        except ValueError:
            raise FormInputError("Enter a number.") from None
        if not math.isfinite(number_f) or abs(number_f) > 1e15:
            raise FormInputError("Enter a finite number.")
        return number_f
    if kind is FieldType.SELECTION:
        keys = {str(k): k for k, _ in _selection(env, field_)}
        if text not in keys:
            raise FormInputError("Choose a value from the list.")
        return keys[text]
    if kind is FieldType.DATE:
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise FormInputError("Enter a date (YYYY-MM-DD).") from None
    if kind is FieldType.DATETIME:
        return _datetime(env, text)
    if kind is FieldType.MANY2ONE:
        return _many2one(env, field_, text, relation)
    raise FormInputError("This field cannot be edited here.")


def _datetime(env: Environment, text: str) -> str:
    """``2026-03-01T09:30`` in the user's time zone -> the stored UTC text."""
    try:
        local = dt.datetime.fromisoformat(text.replace(" ", "T")[:19])
    except ValueError:
        raise FormInputError("Enter a date and time (YYYY-MM-DD HH:MM).") from None
    moment = local.replace(tzinfo=user_tz(env)).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _many2one(env: Environment, field_: Field, text: str, relation: _Relation | None = None) -> int:
    """A many2one's input: a record's name (as the suggestions show it), or its id."""
    if text.isascii() and text.isdigit():
        return _ids(env, field_, [text], relation)[0]
    domain, context = relation or relation_filter(env, field_, None)
    comodel = env[str(field_.comodel_name)].with_context(**context)
    for operator in ("=", "=ilike", "ilike"):
        found = comodel.name_search(text[:256], domain, operator=operator, limit=2)
        if len(found) == 1:
            return int(found[0][0])
        if len(found) > 1:
            raise FormInputError(f"Several records match {text!r}: choose one of the suggestions.")
    raise FormInputError(f"No record matches {text!r}: choose one of the suggestions.")


def _ids(env: Environment, field_: Field, texts: list[Any], relation: _Relation | None = None) -> list[int]:
    """Record ids of the comodel from the inputs, each one the user can find and the
    field may take."""
    wanted: list[int] = []
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        text = text.strip()
        if not text.isascii() or not text.isdigit() or not 0 < int(text) <= _MAX_INT:
            raise FormInputError("Choose a record from the list.")
        wanted.append(int(text))
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return []
    domain, context = relation or relation_filter(env, field_, None)
    comodel = env[str(field_.comodel_name)].with_context(**context)
    found = set(comodel.search(and_domains([("id", "in", wanted)], domain)).ids)
    if set(wanted) - found:
        raise FormInputError("Choose a record from the list: this one cannot be found.")
    return wanted


def _lines(
    state: FormState, field_: Field, rows: list[LineRow], posted: FormData, errors: dict[str, str]
) -> list[Any]:
    """The one2many commands of the posted lines (rows: the lines the form shows now)."""
    from tenantry.web.form_state import _posted_keys

    prefix = f"{field_.name}."
    existing = {row.key: row for row in rows if row.key.isdigit()}
    posted_keys = _posted_keys(posted, prefix)
    commands: list[Any] = []
    comodel = state.env[str(field_.comodel_name)]
    for key in posted_keys[:1000]:
        if key.isdigit() and key not in existing:
            continue  # not a line of this record (as the user sees it)
        removed = bool(posted.get(f"{prefix}{key}._remove"))
        if removed:
            if key.isdigit():
                commands.append((2, int(key)))
            continue
        cells = existing[key].cells if key in existing else _new_cells(state, field_, key)
        vals: dict[str, Any] = {}
        for cell in cells:
            if not cell.editable or cell.input_name not in posted:
                continue
            sub = comodel._fields[cell.name]
            try:
                value = convert(state.env, sub, _last(posted, cell.input_name))
            except FormInputError as exc:
                errors[cell.input_name] = str(exc)
                continue
            if key.isdigit() and _same(sub, value, cell):
                continue
            vals[cell.name] = value
        if key.isdigit():
            if vals:
                commands.append((1, int(key), vals))
        elif any(v not in (False, 0, 0.0, "") for v in vals.values()):
            commands.append((0, 0, vals))
            state.new_line_keys.setdefault(field_.name, []).append(key)
    for key in existing:
        if key not in posted_keys:
            commands.append((2, int(key)))
    return commands


def _new_cells(state: FormState, field_: Field, key: str) -> list[FieldView]:
    """The cells of a new line (the editable columns of the subview)."""
    fresh = FormState(state.env, state.view, state.record, editing=True, posted=None, add_line=field_.name)
    for _node, view in fresh.editable_fields():
        if view.name == field_.name and view.lines and view.lines.rows:
            template = view.lines.rows[-1]
            for cell in template.cells:
                cell.input_name = cell.input_name.replace(f".{template.key}.", f".{key}.")
            return template.cells
    return []


def _same(field_: Field, value: Any, cell: FieldView) -> bool:
    """Whether a line's posted value is the one it has (then it is not written again)."""
    current = cell.input
    if field_.type is FieldType.FLOAT:
        try:
            return float(current or 0) == float(value or 0)
        except ValueError:
            return False
    if field_.type is FieldType.MANY2ONE:
        return cell.current_id == (str(value) if value else "")
    if field_.type is FieldType.BOOLEAN:
        return bool(current) == bool(value)
    return (current or False) == (value if value != "" else False)


def _last(posted: FormData, name: str) -> str:
    values = [v for v in posted.getlist(name) if isinstance(v, str)]
    return values[-1] if values else ""


def _selection(env: Environment, field_: Field) -> list[tuple[Any, Any]]:
    options = getattr(field_, "options", None)
    if callable(options):
        return list(options(env[field_.model_name]))
    return list(getattr(field_, "selection", ()) or ())
