"""Live values of a form being edited (Odoo's onchange): totals before the save.

The edit form POSTs itself (htmx, on every ``change``) with ``_onchange=1``. The
values are applied as the user, in a savepoint that is always rolled back: computed
fields (an order's total, its lines' subtotals) are read back, rendered, and nothing
is written. The answer is a fragment of out-of-band swaps, one per read-only value of
the form (``id="v-<input id>"``); an input that is not valid yet answers 204 (nothing
changes on the page) and the save shows its error as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from tenantry.exceptions import UserError, ValidationError
from tenantry.web.form_input import read_form
from tenantry.web.form_state import FieldView, FormState

if TYPE_CHECKING:
    from tenantry.orm.models import BaseModel
    from tenantry.web.frame import Page

__all__ = ["preview"]


class _Discard(Exception):
    """Raised to roll the preview's savepoint back, with what it rendered."""

    def __init__(self, response: Response) -> None:
        super().__init__("preview")
        self.response = response


def preview(page: Page, state: FormState, record: BaseModel) -> Response:
    """The read-only values ``state``'s form would show once the posted input is saved."""
    assert page.form is not None
    values, errors = read_form(state, page.form)
    if errors:
        return Response(status_code=204)
    old_lines = {name: list(state.values.get(name) or []) for name in state.new_line_keys}
    shown = FormState(page.env, state.view, record, editing=True, posted=page.form)  # as the page is
    try:
        with page.savepoint():
            target = record
            if record:
                if values:
                    record.write(values)
            else:
                target = state.model.create(values)
            after = FormState(page.env, state.view, target, editing=False)
            swaps = _swaps(shown, after, old_lines, state.new_line_keys)
            raise _Discard(page.render("_form_onchange.html", {"values": swaps}))
    except _Discard as done:
        return done.response
    except (ValidationError, UserError):  # AccessError included: nothing to show
        return Response(status_code=204)


def _swaps(
    state: FormState, after: FormState, old_lines: dict[str, list[int]], new_keys: dict[str, list[str]]
) -> list[tuple[str, FieldView]]:
    """``(element id, value after)`` for each read-only value of the edit form."""
    found: list[tuple[str, FieldView]] = []
    shown_after = dict(after.readonly_fields())
    for node, view in state.readonly_fields():
        if view.widget != "one2many" and node in shown_after:
            found.append((f"v-{view.dom_id}", shown_after[node]))
    for node, view in state.editable_fields():
        if view.lines is None:
            continue
        result = shown_after.get(node)
        if result is None or result.lines is None:
            continue
        cells = {row.key: {cell.name: cell for cell in row.cells} for row in result.lines.rows}
        created = sorted(set(map(int, cells)) - set(old_lines.get(view.name, [])))
        keys: dict[str, Any] = dict(zip(new_keys.get(view.name, []), map(str, created), strict=False))
        for row in view.lines.rows:
            now = cells.get(keys.get(row.key, row.key), {})
            for cell in row.cells:
                if not cell.editable and cell.name in now:
                    found.append((f"v-{cell.dom_id}", now[cell.name]))
    return found
