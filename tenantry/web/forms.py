"""Record forms: ``/odoo/<model>/<id>`` and ``/odoo/<model>/new`` (SPEC 10).

=========================================  ==============================================
``GET /odoo/<model>/<id>``                 the record in read mode (``?edit=1``: edit mode)
``GET /odoo/<model>/new``                  a new record's form (defaults filled in)
``POST /odoo/<model>/<id>``                save (``write``), or "Add a line" (``_add``)
``POST /odoo/<model>/new``                 create
``POST /odoo/<model>/<id>/<operation>``    ``duplicate``, ``archive``, ``unarchive``,
                                           ``delete``, ``button`` (a ``<button>`` of the arch)
``GET /odoo/<model>/name_search``          many2one/many2many autocomplete (an htmx fragment)
=========================================  ==============================================

``<model>`` may also be ``action-<xml id or id>`` (Odoo 18's form URL within an action):
the window action's model, if the user may open the action.

Everything runs as the user (:func:`~tenantry.web.frame.web_page`: CSRF-checked POSTs,
the user's environment). A ``ValidationError``/``UserError`` while saving shows the form
again, input kept, with the message in a ``role="alert"`` element (HTTP 422) and
nothing written (savepoint). A record the user may not read is a 403 page showing
nothing of it (Settings users also see which ACL or rule refused it); a record that
does not exist, an unknown model or a bad id is a 404.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from starlette.responses import Response
from starlette.routing import Route

from tenantry.exceptions import AccessError, MissingError, UserError, ValidationError
from tenantry.reports import printable_reports
from tenantry.views import get_view, window_action
from tenantry.web.apps import current_app
from tenantry.web.form_input import read_form
from tenantry.web.form_state import SELECT_LIMIT, FormState
from tenantry.web.frame import Page, web_page
from tenantry.web.onchange import preview
from tenantry.web.relations import relation_filter
from tenantry.web.reports import action_url

if TYPE_CHECKING:
    from tenantry.orm.models import BaseModel

__all__ = ["routes"]

_MODEL = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_ACTION = re.compile(r"^%\(([a-z0-9_]+\.[a-zA-Z0-9_.]+)\)d$")
_MAX_ID = 2**31 - 1


class _NotFound(Exception):
    """A URL naming no model or no record (a 404 page)."""


def _model(page: Page) -> BaseModel:
    name = str(page.request.path_params.get("model", ""))
    if name.startswith("action-"):  # Odoo 18's /odoo/action-<xml id>/<id>: the action's model
        name = window_action(page.env, name.removeprefix("action-")).res_model
    registry = page.env.registry
    if not _MODEL.match(name) or name not in registry:
        raise MissingError(f"There is no model {name!r}.")
    cls = registry[name]
    if getattr(cls, "_abstract", False):
        raise MissingError(f"There is no model {name!r}.")
    model = page.env[name]
    model.check_access_rights("read")
    return model


def _record(page: Page) -> BaseModel:
    """The record of the URL, readable by the user (else AccessError/MissingError)."""
    model = _model(page)
    raw = str(page.request.path_params.get("id", ""))
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= _MAX_ID:
        raise MissingError(f"{raw!r} is not a record id.")
    record = model.browse(int(raw))
    if not record.with_context(active_test=False).exists():
        raise MissingError(f"Record {raw} of {model._name} does not exist.")
    record.check_access_rule("read")
    return record


def _denied(page: Page, exc: AccessError, model: str, record_id: int | None) -> Response:
    """The 403 page: the message only, and for Settings users ``explain_access``'s verdict."""
    explanation: dict[str, Any] | None = None
    if page.env.user.has_group("base.group_system"):
        try:
            explanation = page.env.user.explain_access(model, "read", record_id)
        except Exception:  # the page says what it can; the refusal stands
            explanation = None
    message = "You are not allowed to do this."
    if page.request.method == "GET":
        message = "You are not allowed to see this record." if record_id else "You may not open this."
    return page.render(
        "form_denied.html",
        {"title": "Access denied", "message": message, "explanation": explanation, "debug": ""},
        status_code=403,
    )


def _state(page: Page, record: BaseModel, editing: bool, **kwargs: Any) -> FormState:
    view = get_view(page.env, record._name, "form")
    return FormState(page.env, view, record, editing=editing, **kwargs)


def _render(page: Page, state: FormState, error: str = "", status_code: int = 200) -> Response:
    record = state.record
    base = f"/odoo/{state.model._name}"
    context = {
        "form": state,
        "app": current_app(page.env, model=state.model._name),
        "error": error,
        "notice": _NOTICES.get(page.request.query_params.get("done", ""), ""),
        "base": base,
        "url": f"{base}/{record.id}" if record else f"{base}/new",
        "can_write": bool(record) and state.model.check_access_rights("write", raise_exception=False),
        "can_create": state.model.check_access_rights("create", raise_exception=False),
        "can_unlink": bool(record) and state.model.check_access_rights("unlink", raise_exception=False),
        "reports": printable_reports(page.env, record._name, form=True) if record else [],
    }
    return page.render("form.html", context, status_code=status_code)


_NOTICES = {"saved": "Saved.", "archived": "Archived.", "unarchived": "Restored.", "done": "Done."}


def _guard(handler: Any) -> Any:
    """Map the URL's errors to pages: unknown model/record 404, refused 403 with explanation."""

    def run(page: Page) -> Response:
        try:
            return handler(page)  # type: ignore[no-any-return]
        except MissingError as exc:
            return page.error(404, exc.message)
        except AccessError as exc:
            name = str(page.request.path_params.get("model", ""))
            raw = str(page.request.path_params.get("id", ""))
            known = name in page.env.registry
            record_id = int(raw) if raw.isdigit() and int(raw) <= _MAX_ID else None
            return _denied(page, exc, name if known else "", record_id) if known else page.error(403, "")

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return web_page(run)


@_guard
def form_page(page: Page) -> Response:
    """A record's form: GET shows it, POST saves it (or adds a line)."""
    record = _record(page)
    if page.form is None:
        editing = page.request.query_params.get("edit") == "1" and bool(
            record.check_access_rights("write", raise_exception=False)
        )
        return _render(page, _state(page, record, editing))
    return _save(page, record)


@_guard
def new_page(page: Page) -> Response:
    """A new record's form: GET shows it with the defaults, POST creates it."""
    model = _model(page)
    if page.form is None:
        model.check_access_rights("create")
        return _render(page, _state(page, model.browse(), True))
    return _save(page, model.browse())


def _save(page: Page, record: BaseModel) -> Response:
    assert page.form is not None
    form = page.form
    state = _state(page, record, True)
    add = form.get("_add")
    if isinstance(add, str) and add:
        kept = _state(page, record, True, posted=form, add_line=add)
        return _render(page, kept)
    if form.get("_onchange") == "1":
        return preview(page, state, record)
    values, errors = read_form(state, form)
    if errors:
        kept = _state(page, record, True, posted=form, errors=errors)
        return _render(page, kept, "Some fields are invalid: see below.", 422)
    try:
        with page.savepoint():
            if record:
                if values:
                    record.write(values)
                target = record
            else:
                target = state.model.create(values)
    except (ValidationError, UserError) as exc:
        if isinstance(exc, AccessError):
            raise
        kept = _state(page, record, True, posted=form)
        return _render(page, kept, exc.message, 422)
    return page.redirect(f"/odoo/{target._name}/{target.id}?done=saved")


@_guard
def operation(page: Page) -> Response:
    """A POST on a record: duplicate, archive, unarchive, delete, or one of its buttons."""
    record = _record(page)
    if page.form is None:
        return page.error(400, "This address only takes a form (POST).")
    op = str(page.request.path_params.get("op", ""))
    base = f"/odoo/{record._name}"
    try:
        with page.savepoint():
            if op == "duplicate":
                copy = record.copy()
                return page.redirect(f"{base}/{copy.id}?edit=1")
            if op in ("archive", "unarchive"):
                if "active" not in record._fields:
                    return page.error(400, "Records of this model cannot be archived.")
                record.write({"active": op == "unarchive"})
                return page.redirect(f"{base}/{record.id}?done={op}d")
            if op == "delete":
                record.unlink()
                return page.redirect(base)
            if op == "button":
                return _button(page, record)
    except (ValidationError, UserError) as exc:
        if isinstance(exc, AccessError):
            raise
        return _render(page, _state(page, record, False), exc.message, 422)
    return page.error(404, f"Unknown operation {op!r}.")


def _button(page: Page, record: BaseModel) -> Response:
    """A ``<button>`` of the form: only a name the arch shows this user, for this record."""
    from tenantry.rpc.call import call_kw, check_method_name

    assert page.form is not None
    kind = str(page.form.get("type") or "object")
    name = str(page.form.get("name") or "")
    state = _state(page, record, False)
    node = state.buttons().get(f"{kind}:{name}")
    if node is None:
        return page.error(400, f"The form has no button {name!r}.")
    base = f"/odoo/{record._name}/{record.id}"
    message = node.get("confirm")
    if message and page.form.get("confirmed") != "1":  # asked first: no JavaScript, or a forged POST
        return page.render("form_confirm.html", {"message": message, "url": base, "kind": kind, "name": name})
    if kind == "action":
        found = _ACTION.match(name)
        ref = found.group(1) if found else name
        return page.redirect(f"/odoo/action-{ref}")
    check_method_name(name)
    result = call_kw(page.env, record._name, name, [[record.id]], {})
    report_url = action_url(result) if isinstance(result, dict) else None
    if report_url:
        return page.redirect(report_url)
    if isinstance(result, dict) and result.get("type") == "ir.actions.act_window":
        model, res_id = result.get("res_model"), result.get("res_id")
        if isinstance(model, str) and isinstance(res_id, int) and res_id:
            return page.redirect(f"/odoo/{model}/{res_id}")
        if isinstance(model, str):
            return page.redirect(f"/odoo/{model}")
    return page.redirect(f"{base}?done=done")


@_guard
def name_search(page: Page) -> Response:
    """The records of a many2one (or many2many) whose name matches ``q`` (or the value of
    the input named ``name``, which htmx sends): a ``<datalist>`` of suggestions (a
    ``<select>`` for tags), as the user finds them (``field`` may be ``lines.product_id``)."""
    model = _model(page)
    params = page.request.query_params
    path = str(params.get("field", ""))
    input_param = str(params.get("name", ""))
    query = str(params.get("q", params.get(input_param, "") if input_param else ""))[:200]
    dom_id = re.sub(r"[^A-Za-z0-9_.-]", "", str(params.get("id", "")))[:200]
    input_name = re.sub(r"[^A-Za-z0-9_.]", "", str(params.get("name", "")))[:200] or path
    current = model
    field_ = None
    for part in path.split(".")[:2]:
        field_ = current._fields.get(part)
        if field_ is None or not field_.type.is_relational or not _visible_field(page, current, part):
            return page.error(400, f"No relational field {path!r} here.")
        current = page.env[str(field_.comodel_name)]
    assert field_ is not None
    domain, relation_context = relation_filter(page.env, field_, *_arch_node(page, model, path))
    found = current.with_context(**relation_context).name_search(query, domain, limit=SELECT_LIMIT)
    context = {
        "options": [(str(i), str(n)) for i, n in found],
        "dom_id": dom_id or f"f-{path.replace('.', '-')}" + ("" if field_.type.is_x2many else "-list"),
        "input_name": input_name,
        "multiple": field_.type.value == "many2many",
        "query": query,
    }
    return page.render("_form_options.html", context)


def _arch_node(page: Page, model: BaseModel, path: str) -> tuple[Element | None, dict[str, Any]]:
    """The form arch's node of ``path`` and, when its domain or context may name them, the
    values of the record (``record``, an id) or of a new record's defaults."""
    node: Element | None = get_view(page.env, model._name, "form").arch
    for part in path.split("."):
        if node is not None:
            node = next((n for n in node.iter("field") if n.get("name") == part), None)
    if node is None or (node.get("domain") is None and node.get("context") is None):
        return node, {}
    text = str(page.request.query_params.get("record", ""))
    record = model.browse(int(text)) if text.isdigit() and len(text) < 12 else model.browse()
    return node, _state(page, record, False).eval_values


def _visible_field(page: Page, model: BaseModel, name: str) -> bool:
    field_ = model._fields[name]
    if not field_.groups or page.env.su:
        return True
    return bool(page.env.cr.policy.field_allowed(page.env, model._name, name))


routes = [
    Route("/odoo/{model}/new", new_page, methods=["GET", "POST"]),
    Route("/odoo/{model}/name_search", name_search, methods=["GET"]),
    Route("/odoo/{model}/{id}", form_page, methods=["GET", "POST"]),
    Route("/odoo/{model}/{id}/{op}", operation, methods=["POST"]),
]
