"""Binary routes: ``/web/binary/company_logo`` (and Odoo's aliases ``/logo``, ``/logo.png``).

As Odoo's: no login needed (logos are what a login page shows). The database is the
session's, else ``?dbname=`` (``?db=`` too), else the only one the db-filter lets this
host see; the company is ``?company=ID``, else the session user's company, else the
main company (``__system__``'s). Without a database, or a company without a logo, the
answer is a placeholder image, never an error.
"""

from __future__ import annotations

from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tenantry.content import guess_mimetype
from tenantry.db.names import is_valid_name
from tenantry.web.context import Call
from tenantry.web.tenancy import visible_databases

__all__ = ["routes"]

_SUPERUSER = 1


def _placeholder() -> tuple[bytes, str]:
    data = resources.files("tenantry.web").joinpath("static/img/placeholder.png").read_bytes()
    return data, "image/png"


def _database(call: Call, request: Request) -> tuple[str | None, int]:
    """The database to read and the user whose company it is."""
    instance = call.server.instance
    if call.sid:
        try:
            session = call.session()
        except Exception:  # an expired or foreign session: as a visitor
            call.set_sid = None
        else:
            return session.db, session.uid
    asked = request.query_params.get("dbname") or request.query_params.get("db")
    if asked:
        visible = is_valid_name(asked) and (call.db_filter is None or call.db_filter(asked))
        return (asked if visible and instance.exists(asked) else None), _SUPERUSER
    candidates = visible_databases(instance.list_databases(), call.db_filter)
    return (candidates[0] if len(candidates) == 1 else None), _SUPERUSER


def _logo(call: Call, request: Request) -> tuple[bytes, str]:
    db, uid = _database(call, request)
    if db is None:
        return _placeholder()
    company_param = request.query_params.get("company", "")
    with call.server.instance.env(db, optimistic=True) as env:
        if company_param.isdigit() and len(company_param) < 10:
            company = env["res.company"].browse(int(company_param)).exists()
        else:
            company = env["res.users"].browse(uid).exists().company_id
        # The 256-pixel copy: about what a page header shows (Odoo's logo_web is 180 wide).
        data: bytes = (company.partner_id.image_256 if company else None) or b""
    if not data:
        return _placeholder()
    return data, guess_mimetype(None, None, data)


async def company_logo(request: Request) -> Response:
    call = Call.of(request)
    try:
        data, mimetype = await call.server.run(_logo, call, request)
    except Exception:  # as Odoo: whatever went wrong, the page still gets an image
        data, mimetype = _placeholder()
    response = Response(data, media_type=mimetype, headers={"Cache-Control": "no-cache"})
    call.apply_cookies(response)
    return response


routes = [
    Route("/web/binary/company_logo", company_logo, methods=["GET", "HEAD"]),
    Route("/logo", company_logo, methods=["GET", "HEAD"]),
    Route("/logo.png", company_logo, methods=["GET", "HEAD"]),
]
