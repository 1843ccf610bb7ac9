"""``POST /web/session/switch_company``: the company switcher of the top bar.

Form fields: ``company_id`` (the new current company), optionally ``allowed``
(repeatable: other companies to work in as well) and ``redirect`` (the page to go
back to). Only the user's own companies are taken; the answer sets the ``cids``
cookie (current first) and goes back to ``redirect``, a path on this site.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from tenantry.web.companies import CIDS_COOKIE, cids_value
from tenantry.web.frame import Page, local_path, web_page

__all__ = ["routes"]


@web_page
def switch_company(page: Page) -> Response:
    assert page.form is not None  # a POST
    mine = {company for company, _ in page.frame.companies}
    raw = page.form.get("company_id")
    current = int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 12 else 0
    if current not in mine:
        return page.error(400, "Choose one of your companies.")
    others = []
    for value in page.form.getlist("allowed"):
        if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) in mine:
            others.append(int(value))
    page.cookies[CIDS_COOKIE] = cids_value(current, others)
    return page.redirect(local_path(page.form.get("redirect")))


routes = [Route("/web/session/switch_company", switch_company, methods=["POST"])]
