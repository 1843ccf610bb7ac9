"""The web client's page plumbing: :func:`web_page` turns a synchronous handler into a route.

::

    @web_page
    def orders(page: Page) -> Response:
        records = page.env["sale.order"].search([], limit=80)   # as the user, rules apply
        return page.render("orders.html", {"orders": records})  # extends layout.html

    routes = [Route("/odoo/orders", orders, methods=["GET", "POST"])]

Before the handler runs, ``web_page``

- loads the session: without a live one, the answer is a 303 redirect to
  ``/web/login?redirect=<path and query>`` (an htmx request gets ``HX-Redirect``);
- checks the CSRF token of every POST (form field ``csrf_token`` or header
  ``X-CSRF-Token``): missing or wrong is a 403 page, and the handler does not run;
- opens the user's environment (never superuser) in one transaction, run again when
  it lost a race with another one, whose context has the session's ``lang``/``tz`` and
  ``allowed_company_ids`` from the ``cids`` cookie (see :mod:`tenantry.web.companies`).

An exception from the handler becomes an error page (:mod:`tenantry.web.errors`):
``AccessError`` 403, ``MissingError`` 404, other ``UserError`` 400; the transaction is
rolled back. The page shows the exception's message in a ``role="alert"`` element.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tenantry.exceptions import SessionExpired
from tenantry.web.companies import CIDS_COOKIE, allowed_companies
from tenantry.web.context import Call
from tenantry.web.csrf import CSRF_FIELD, CSRF_HEADER, same_token
from tenantry.web.errors import error_page, html_error, login_redirect
from tenantry.web.sessions import Session
from tenantry.web.templates import templates

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment

__all__ = ["HOME", "Frame", "Page", "PageHandler", "local_path", "secure_headers", "web_page"]

_log = logging.getLogger(__name__)

HOME = "/odoo"


@dataclass(frozen=True)
class Frame:
    """What the layout's top bar shows: who, where, and the companies to switch between."""

    db: str
    uid: int
    login: str
    user_name: str
    companies: tuple[tuple[int, str], ...]
    """The user's companies, ``(id, name)``: the switcher shows them when there are several."""
    allowed_company_ids: tuple[int, ...]
    """The companies the pages work in (the ``cids`` cookie): the first is the current one."""
    path: str
    """The page's path and query, where the switcher brings the user back."""
    notices: tuple[str, ...] = ()
    """Banners atop the page (``res.users._web_notices``: a trial's end, storage used)."""

    @property
    def current_company(self) -> tuple[int, str]:
        current = self.allowed_company_ids[0] if self.allowed_company_ids else 0
        return next((c for c in self.companies if c[0] == current), (current, ""))


@dataclass
class Page:
    """One page request, inside the user's transaction."""

    request: Request
    call: Call
    session: Session
    env: Environment
    frame: Frame
    form: FormData | None = None
    """The POSTed form (its CSRF token checked), ``None`` on GET."""
    cookies: dict[str, str] = field(default_factory=dict)
    """Cookies the response will set (the company switcher's ``cids``)."""

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token

    @property
    def is_htmx(self) -> bool:
        """Whether htmx asked (answer with a fragment, not a whole page)."""
        return self.request.headers.get("hx-request") == "true"

    def render(
        self,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """``template`` rendered (now, inside the transaction) with ``frame`` and ``csrf_token``."""
        values = {"frame": self.frame, CSRF_FIELD: self.csrf_token, **(context or {})}
        return templates().TemplateResponse(
            self.request, template, values, status_code=status_code, headers=dict(headers or {})
        )

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A block undone alone when it raises (then re-raised): a form shows a
        ``ValidationError`` inline and the record stays unchanged, while the page's
        transaction goes on (and keeps its request bindings, which a rollback clears)."""
        try:
            with self.env.cr.savepoint():
                yield
        except BaseException:
            _bind(self.env, self.call, self.session)
            raise

    def redirect(self, url: str) -> Response:
        """A 303 to ``url`` (after a POST: the browser GETs it)."""
        return RedirectResponse(url, status_code=303)

    def error(self, status_code: int, message: str, title: str = "") -> Response:
        """An error page under the layout: ``message`` in a ``role="alert"`` element."""
        title = title or _TITLES.get(status_code, "Error")
        return self.render(
            "error.html", {"title": title, "message": message, "debug": ""}, status_code=status_code
        )


PageHandler = Callable[[Page], Response]

_TITLES = {400: "Invalid request", 403: "Access denied", 404: "Not found"}


def web_page(handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint running ``handler`` as described in the module docstring."""

    async def endpoint(request: Request) -> Response:
        call = Call.of(request)
        form: FormData | None = None
        token: object = request.headers.get(CSRF_HEADER)
        if request.method == "POST":
            try:
                form = await request.form()
            except Exception:  # a malformed body (bad multipart boundary, ...)
                return error_page(request, 400, "Invalid request", "The form could not be read.")
            token = form.get(CSRF_FIELD) or token
        response = await call.server.run(_run, handler, request, call, form, token)
        call.apply_cookies(response)
        secure_headers(response)
        return response

    endpoint.__name__ = getattr(handler, "__name__", "page")
    endpoint.__doc__ = handler.__doc__
    return endpoint


def secure_headers(response: Response) -> Response:
    """Headers of every web-client page: never stored by caches (a user's data; after
    logout, Back shows nothing), never framed by another site (clickjacking)."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _run(
    handler: PageHandler, request: Request, call: Call, form: FormData | None, token: object
) -> Response:
    if request.method in ("GET", "HEAD"):
        response = _run_get(handler, request, call)
        if response is not None:
            return response
    try:
        session = call.session()
    except SessionExpired:
        return login_redirect(request)
    except Exception as exc:
        return html_error(request, exc, dev=call.server.config.dev)
    if request.method == "POST" and not same_token(token, session.csrf_token):
        return _frame_error(
            request, call, session, 403, "The form has expired or is invalid: reload the page."
        )
    response = _in_transaction(handler, request, call, form, session)
    assert response is not None  # None only without a session
    return response


def _run_get(handler: PageHandler, request: Request, call: Call) -> Response | None:
    """A GET in one transaction: the session is read in the page's own (read-only)
    transaction. ``None`` when the session needs a write first (its periodic touch, or
    its end), or is missing: :func:`_run` then loads it the ordinary way (in a
    transaction of its own, which writes what it must) and runs the page after it."""
    store = call.server.sessions
    try:
        db = store.database(call.sid, call.db_filter)
    except SessionExpired:
        return None
    assert call.sid is not None
    return _in_transaction(handler, request, call, None, None, db=db, sid=call.sid)


def _in_transaction(
    handler: PageHandler,
    request: Request,
    call: Call,
    form: FormData | None,
    session: Session | None,
    *,
    db: str = "",
    sid: str = "",
) -> Response | None:
    """``handler`` in the user's environment, in one transaction (run again when it lost a
    race). Without ``session``, it is read in that transaction from ``db`` and ``sid``
    (``None`` returned, nothing done, when that needs a write: see :func:`_run_get`)."""
    from tenantry.db.retry import attempts

    instance = call.server.instance
    optimistic_only = request.method in ("GET", "HEAD")
    current = session
    if session is not None:
        db = session.db
    try:
        for attempt in attempts():
            optimistic = attempt.optimistic or optimistic_only
            with attempt, instance.env(db, optimistic=optimistic) as env:
                current = session or call.server.sessions.peek(env, sid, db)
                if current is None:
                    return None
                call.set_sid = current.sid  # the cookie is renewed
                env = env(user=current.uid, context=current.context)
                _bind(env, call, current)
                user_env, frame = _user_env(env, request, current)
                page = Page(request, call, current, user_env, frame, form)
                response = handler(page)
                for name, value in page.cookies.items():
                    response.set_cookie(
                        name, value, max_age=400 * 86400, path="/", samesite="lax", secure=call.secure
                    )
                return response
    except SessionExpired:
        return login_redirect(request)
    except Exception as exc:
        status = _status_of(exc)
        if status is None or current is None:
            return html_error(request, exc, dev=call.server.config.dev)
        return _frame_error(request, call, current, status, getattr(exc, "message", str(exc)))
    raise AssertionError("unreachable")  # pragma: no cover


def _bind(env: Environment, call: Call, session: Session) -> None:
    """Password checks in this transaction count for the client's address (login limiter),
    and identity checks know the web session, as for ``call_kw``."""
    from tenantry.security.auth import bind_caller
    from tenantry.security.identity import bind_web_session

    bind_caller(env, call.server.instance, call.client_ip)
    bind_web_session(env, session.sid)


def _user_env(env: Environment, request: Request, session: Session) -> tuple[Environment, Frame]:
    """The user's environment (language and timezone as now set, the companies of the
    ``cids`` cookie), and the top bar."""
    user = env.user
    company_ids, default_company = env.user_companies()
    records = env(su=True)["res.company"].browse(company_ids)
    companies = tuple((int(c.id), str(c.name or "")) for c in records)
    allowed = allowed_companies(request.cookies.get(CIDS_COOKIE), list(company_ids), default_company)
    context = {
        **env.context,
        "lang": user.lang or "en_US",
        "tz": user.tz or False,
        "allowed_company_ids": allowed,
    }
    user_env = env(context=context)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    frame = Frame(
        db=session.db,
        uid=session.uid,
        login=session.login,
        user_name=str(user.name or session.login),
        companies=companies,
        allowed_company_ids=tuple(allowed),
        path=path,
        notices=tuple(env(su=True)["res.users"]._web_notices()),
    )
    return user_env, frame


def _status_of(exc: Exception) -> int | None:
    """The status of a page that raised ``exc`` (``None``: a server error)."""
    from tenantry.exceptions import AccessDenied, AccessError, MissingError, UserError

    if isinstance(exc, (AccessError, AccessDenied)):
        return 403
    if isinstance(exc, MissingError):
        return 404
    if isinstance(exc, UserError):
        return 400
    return None


def _frame_error(request: Request, call: Call, session: Session, status: int, message: str) -> Response:
    """An error page under the layout (in a fresh read-only transaction), else a plain one."""
    title = _TITLES.get(status, "Error")
    try:
        with call.server.instance.env(session.db, session.uid, session.context, optimistic=True) as env:
            user_env, frame = _user_env(env, request, session)
            page = Page(request, call, session, user_env, frame)
            return page.error(status, message, title)
    except Exception:
        _log.exception("the error page of %s could not be shown in the layout", request.url.path)
        return error_page(request, status, title, message)


def local_path(value: object, default: str = HOME) -> str:
    """``value`` if it is a path on this site (``/odoo/sale.order?page=2``), else ``default``.

    Refused, so that ``?redirect=`` never sends a user to another site: anything not
    starting with one ``/`` (``//evil.example``, ``https://...``, ``/\\evil``), and
    anything with a backslash, a control character or a space.
    """
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    if len(value) > 2000 or any(ch == "\\" or ord(ch) < 33 or ord(ch) == 127 for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value
