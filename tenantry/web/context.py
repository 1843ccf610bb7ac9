"""``Server`` and ``Call``: what a request handler works with.

Handlers are synchronous (the ORM is) and run in a thread pool; they get a
``Call`` holding everything taken from the request, and record on it the
cookie changes the response must carry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tenantry.instance import Instance
from tenantry.rpc.config import RpcConfig
from tenantry.rpc.dispatch import dispatch_rpc
from tenantry.web.config import ServerConfig
from tenantry.web.sessions import COOKIE_NAME, Session, SessionStore
from tenantry.web.tenancy import DbFilter, database_filter

__all__ = ["CSRF_COOKIE", "Call", "Server", "server_of"]

CSRF_COOKIE = "csrf_token"
"""Anonymous forms (the login page) use a double-submit cookie; logged-in ones the session's token."""


@dataclass(frozen=True)
class Server:
    """The instance being served, its settings and its session store."""

    instance: Instance
    config: ServerConfig
    sessions: SessionStore

    def version(self) -> dict[str, Any]:
        """``common.version()``, as every client sees it."""
        result: dict[str, Any] = dispatch_rpc(self.instance, RpcConfig(), "common", "version", ())
        return result


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
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return cls(
            server=server,
            db_filter=database_filter(server.config.db_filter, request.headers.get("host", "")),
            sid=request.cookies.get(COOKIE_NAME),
            client_ip=request.client.host if request.client else None,
            secure=server.config.secure_cookies or request.url.scheme == "https" or forwarded == "https",
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


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)
