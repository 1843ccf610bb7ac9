"""``/report/pdf/<report_name>/<ids>`` and ``/report/html/<report_name>/<ids>``: reports with the web session.

Pages of :func:`tenantry.web.frame.web_page`: the report is rendered as the session's
user with its allowed companies (the ``cids`` cookie), so ACLs and record rules apply:

==========================================  =================================================
no session, or an expired one               303 to ``/web/login?redirect=<this URL>``
ids not a comma-separated list of ids       400
no report of that ``report_name``           404 (also when it has no template)
a record missing                            404
a record the user may not read              403, with nothing of the records
==========================================  =================================================
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from tenantry.exceptions import AccessDenied, AccessError
from tenantry.web.frame import Page, web_page

__all__ = ["action_url", "content_disposition", "parse_ids", "routes"]

MAX_RECORDS = 100
"""Most records one request may print."""
_IDS = re.compile(r"^[1-9][0-9]{0,9}(?:,[1-9][0-9]{0,9})*$")
_MAX_ID = 2**31 - 1
_HTML_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


def parse_ids(text: str) -> list[int]:
    """``"1,2,3"`` as ids; ``ValueError`` for anything else (zero, signs, spaces, too many)."""
    if not _IDS.match(text):
        raise ValueError(text)
    ids = list(dict.fromkeys(int(part) for part in text.split(",")))
    if len(ids) > MAX_RECORDS or any(i > _MAX_ID for i in ids):
        raise ValueError(text)
    return ids


def action_url(action: Mapping[str, Any]) -> str | None:
    """Where the browser goes for an ``ir.actions.report`` action (what ``report_action`` or a
    button returns): its report of the context's ``active_ids``; ``None`` if it is none."""
    name, context = action.get("report_name"), action.get("context") or {}
    ids = context.get("active_ids") if isinstance(context, Mapping) else None
    if action.get("type") != "ir.actions.report" or not isinstance(name, str) or not isinstance(ids, list):
        return None
    try:
        valid = parse_ids(",".join(str(i) for i in ids if isinstance(i, int) and not isinstance(i, bool)))
    except ValueError:
        return None
    if len(valid) != len(ids) or "/" in name:
        return None
    kind = "pdf" if action.get("report_type", "qweb-pdf") == "qweb-pdf" else "html"
    return f"/report/{kind}/{urllib.parse.quote(name, safe='')}/{','.join(map(str, valid))}"


def content_disposition(filename: str, disposition: str = "inline") -> str:
    """A ``Content-Disposition`` value naming ``filename``, safe for any characters (RFC 6266)."""
    plain = re.sub(r"[^A-Za-z0-9 ._()-]", "_", filename)[:150] or "report"
    quoted = urllib.parse.quote(filename[:150], safe="")
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quoted}"


def _serve(page: Page, kind: str) -> Response:
    from tenantry.reports import find_template, html_to_pdf

    report_name = page.request.path_params["report_name"]
    try:
        ids = parse_ids(page.request.path_params["ids"])
    except ValueError:
        return page.error(400, "The record ids must be positive integers separated by commas.")
    report = page.env["ir.actions.report"].search([("report_name", "=", report_name)], limit=1)
    if not report or find_template(page.env, report.report_name or "") is None:
        return page.error(404, f"There is no report {report_name!r}.")
    try:
        html = report._render_template(ids, None)
        filename = report._print_name(ids)
    except (AccessError, AccessDenied):
        # Not the error's message: it may name the records (Odoo shows them to internal users).
        return page.error(403, "You may not read the records of this report.")
    if kind == "pdf":
        response = Response(html_to_pdf(html), media_type="application/pdf")
        response.headers["Content-Disposition"] = content_disposition(f"{filename}.pdf")
    else:
        response = Response(html, media_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = _HTML_POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@web_page
def report_pdf(page: Page) -> Response:
    """The report as a PDF (WeasyPrint)."""
    return _serve(page, "pdf")


@web_page
def report_html(page: Page) -> Response:
    """The report's HTML, as the PDF is made from."""
    return _serve(page, "html")


def _selection(page: Page, kind: str) -> Response:
    """A list's selection (the checked ``ids`` of a form POSTed with its CSRF token): a 303
    to the report of those records, so that the printed URL is the canonical GET one."""
    assert page.form is not None
    values = [v for v in page.form.getlist("ids") if isinstance(v, str)]
    try:
        ids = parse_ids(",".join(values))
    except ValueError:
        return page.error(400, f"Select at least one record (and no more than {MAX_RECORDS}).")
    name = page.request.path_params["report_name"]
    return page.redirect(f"/report/{kind}/{urllib.parse.quote(name, safe='')}/{','.join(map(str, ids))}")


@web_page
def selection_pdf(page: Page) -> Response:
    return _selection(page, "pdf")


@web_page
def selection_html(page: Page) -> Response:
    return _selection(page, "html")


routes = [
    Route("/report/pdf/{report_name}/{ids}", report_pdf, methods=["GET"]),
    Route("/report/html/{report_name}/{ids}", report_html, methods=["GET"]),
    Route("/report/pdf/{report_name}", selection_pdf, methods=["POST"]),
    Route("/report/html/{report_name}", selection_html, methods=["POST"]),
]
