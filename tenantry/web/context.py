"""``Server`` and ``Call``: what a request handler works with.

Handlers are synchronous (the ORM is) and run through ``Server.run``; they get a
``Call`` holding everything taken from the request, and record on it the
cookie changes the response must carry.
"""

from __future__ import annotations

import gc
import importlib
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tenantry.rpc.version import version_info
from tenantry.web.config import ServerConfig
from tenantry.web.page_routes import MODULES as PAGE_MODULES
from tenantry.web.sessions import COOKIE_NAME, Session, SessionStore
from tenantry.web.tenancy import DbFilter, database_filter

if TYPE_CHECKING:
    from tenantry.instance import Instance
    from tenantry.rpc.config import RpcConfig

__all__ = ["CSRF_COOKIE", "Call", "Server", "server_of"]

CSRF_COOKIE = "csrf_token"
"""Anonymous forms (the login page) use a double-submit cookie; logged-in ones the session's token."""

_log = logging.getLogger("tenantry.web")

T = TypeVar("T")


class Server:
    """The instance being served, its settings and its session store.

    ``instance`` may be a factory: the instance is then made on first use, or by
    :meth:`warm_up` in the background, so that the server answers its first
    requests (health, ``common.version``) before the database stack has loaded.
    """

    def __init__(self, instance: Instance | Callable[[], Instance], config: ServerConfig) -> None:
        self.config = config
        # Instances are not callable: a callable is the factory.
        self._factory = instance if callable(instance) else None
        self._instance = None if callable(instance) else instance
        self._lock = threading.Lock()
        self.sessions = SessionStore(lambda: self.instance, config.session_lifetime)
        if self._instance is not None:
            _import_database_stack()

    @property
    def instance(self) -> Instance:
        """The instance, made now if this is its first use (the database stack with it)."""
        instance = self._instance
        if instance is None:
            with self._lock:
                if self._instance is None:
                    assert self._factory is not None
                    made = self._factory()
                    _import_database_stack()
                    self._instance = made
                instance = self._instance
        return instance

    def warm_up(self) -> None:
        """Make the instance and reach its storage now, so that no request waits for it.

        A storage that cannot be reached is logged, not fatal: requests that need a
        database fail with their own error until it is back.
        """
        try:
            self.instance.list_databases()
        except Exception as exc:
            _log.error("Cannot open the storage (requests that need it will fail): %s", exc)
        # What is loaded by now (modules, classes, the ORM) lives as long as the process:
        # out of the collector's sight, full collections stop pausing requests ~40 ms.
        gc.freeze()

    def storage_reachable(self) -> bool:
        """Whether the storage can be opened now (the instance is made if need be)."""
        try:
            self.instance.list_databases()
        except Exception as exc:
            _log.warning("The storage cannot be opened: %s", exc)
            return False
        return True

    def close(self) -> None:
        """Close the instance, if it was ever made."""
        with self._lock:
            if self._instance is not None:
                self._instance.close()

    async def run(self, handler: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a synchronous handler (the ORM is synchronous) in the thread pool, so
        that a long call never holds back the event loop's other requests."""
        return await run_in_threadpool(handler, *args, **kwargs)

    def version(self) -> dict[str, Any]:
        """``common.version()``, as every client sees it."""
        return version_info()

    # The database stack is imported with the instance, under its lock (see
    # _import_database_stack): each method below takes the instance *before* its
    # imports, which then only read sys.modules.

    def dispatch(
        self, rpc_config: RpcConfig, service: str, method: str, params: Any, client_ip: str | None
    ) -> Any:
        """One call of Odoo's external API (``tenantry.rpc.dispatch``)."""
        if service == "common" and method == "version" and not params:
            # Health probes and every client's first call: no database stack needed.
            return version_info()
        instance = self.instance
        from tenantry.rpc.dispatch import dispatch_rpc

        return dispatch_rpc(instance, rpc_config, service, method, params, client_ip=client_ip)

    def authenticate(self, db: str, login: object, password: object, client_ip: str | None) -> int:
        """The uid of ``login`` on ``db`` (``AccessDenied`` for wrong credentials, of any type)."""
        instance = self.instance
        from tenantry.security.auth import authenticate

        return authenticate(instance, db, login, password, client_ip=client_ip)

    def call_kw(
        self, session: Session, model: Any, method: Any, args: Any, kwargs: Any, client_ip: str | None
    ) -> Any:
        """``model.method(*args, **kwargs)`` as the session's user, marshalled for the wire.

        The one password-less way to act as a user: ``session`` was loaded from the
        server-side store, which checked its user and session token.
        """
        instance = self.instance
        from tenantry.db.retry import attempts
        from tenantry.rpc.call import call_kw
        from tenantry.rpc.marshal import to_wire
        from tenantry.security.auth import bind_caller
        from tenantry.security.identity import bind_web_session

        db, uid, context = session.db, session.uid, session.context
        for attempt in attempts():  # run again when it lost a race with another transaction
            with attempt, instance.env(db, uid, context, optimistic=attempt.optimistic) as env:
                bind_caller(env, instance, client_ip)
                bind_web_session(env, session.sid)
                return to_wire(call_kw(env, model, method, args, kwargs))
        raise AssertionError("unreachable")  # pragma: no cover


_DATABASE_STACK = (
    "tenantry.rpc.dispatch",
    "tenantry.rpc.call",
    "tenantry.security.auth",
    *PAGE_MODULES,  # the HTML pages import the views layer, the ORM's helpers, SQLAlchemy
)


def _import_database_stack() -> None:
    """Import what requests use of the database stack, once, from one thread.

    Two threads importing the same modules for the first time (the warm-up and a
    request) can deadlock on their circular imports; Python then hands one of them
    a half-initialized module (``ImportError: ... partially initialized``).
    """
    for name in _DATABASE_STACK:
        importlib.import_module(name)


def server_of(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


@dataclass
class Call:
    """One request, seen from a synchronous handler."""

    server: Server
    db_filter: DbFilter | None
    sid: str | None
    client_ip: str | None
    secure: bool
    params: dict[str, Any] = field(default_factory=dict)
    set_sid: str | None = None
    clear_sid: bool = False

    @classmethod
    def of(cls, request: Request, params: dict[str, Any] | None = None) -> Call:
        server = server_of(request)
        client_ip, host, https = _origin(request, server.config.proxy_mode)
        return cls(
            server=server,
            db_filter=database_filter(server.config.db_filter, host),
            sid=request.cookies.get(COOKIE_NAME),
            client_ip=client_ip,
            secure=server.config.secure_cookies or https,
            params=dict(params or {}),
        )

    @property
    def rpc_config(self) -> RpcConfig:
        return self.server.config.rpc_config(self.db_filter)

    def session(self) -> Session:
        """The request's live session (``SessionExpired`` without one); its cookie is renewed."""
        session = self.server.sessions.load(self.sid, self.db_filter)
        self.set_sid = session.sid
        return session

    def login(self, db: str, uid: int) -> Session:
        """Replace the request's session by a new one for ``uid`` on ``db`` (a new id)."""
        self.server.sessions.delete(self.sid)
        session = self.server.sessions.create(db, uid)
        self.sid = self.set_sid = session.sid
        return session

    def logout(self) -> None:
        self.server.sessions.delete(self.sid)
        self.sid, self.set_sid, self.clear_sid = None, None, True

    def apply_cookies(self, response: Response) -> None:
        """Write the session cookie changes onto ``response``."""
        if self.set_sid:
            response.set_cookie(
                COOKIE_NAME,
                self.set_sid,
                max_age=int(self.server.config.session_lifetime.total_seconds()),
                path="/",
                httponly=True,
                samesite="lax",
                secure=self.secure,
            )
        elif self.clear_sid:
            response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=self.secure)


def _origin(request: Request, proxy_mode: bool) -> tuple[str | None, str, bool]:
    """The client's address, the host it asked for and whether it used HTTPS.

    Without proxy mode: the TCP peer, the ``Host`` header and the connection's scheme;
    ``X-Forwarded-*`` headers, which any client can send, are ignored. In proxy mode
    (``--proxy-mode``, behind a reverse proxy that sets them) the proxy's
    ``X-Forwarded-For``, ``X-Forwarded-Host`` and ``X-Forwarded-Proto`` say it: the last
    value of each, the one the proxy added (what a client sent comes before it), as
    werkzeug's ``ProxyFix`` with one proxy, which Odoo's proxy mode uses.
    """
    client_ip = request.client.host if request.client else None
    host = request.headers.get("host", "")
    https = request.scope.get("scheme") == "https"
    if proxy_mode:
        client_ip = _forwarded(request, "x-forwarded-for") or client_ip
        host = _forwarded(request, "x-forwarded-host") or host
        proto = _forwarded(request, "x-forwarded-proto")
        if proto is not None:
            https = proto.lower() == "https"
    return client_ip, host, https


def _forwarded(request: Request, name: str) -> str | None:
    """The last value of a comma-separated header (over all its lines), or None."""
    last = ",".join(request.headers.getlist(name)).rsplit(",", 1)[-1].strip()
    return last or None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)
