"""``ServerConfig``: the settings of a running server, frozen once serving starts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from tenantry.rpc.config import RpcConfig
from tenantry.web.limits import DEFAULT_LIMIT_REQUEST_BODY
from tenantry.web.sessions import DEFAULT_LIFETIME
from tenantry.web.tenancy import DbFilter

__all__ = ["ServerConfig"]


@dataclass(frozen=True)
class ServerConfig:
    """How ``tenantry serve`` behaves.

    ``db_filter`` is Odoo's ``--db-filter`` pattern (``%h`` host, ``%d`` its first
    label), or ``None`` to show every database (development only). ``secure_cookies``
    forces the ``Secure`` cookie flag; without it the flag is set for HTTPS requests.
    ``proxy_mode`` (Odoo's ``--proxy-mode``) trusts the ``X-Forwarded-For``, ``-Host`` and
    ``-Proto`` headers of a reverse proxy for the client's address (rate limiting), host
    (db-filter) and scheme; without it they are ignored, as any client can send them.
    ``master_password_file`` is where ``db.change_admin_password`` keeps the master
    password (see :mod:`tenantry.rpc.master`). ``limit_request_body`` is the largest
    request body accepted, in bytes (larger ones get HTTP 413, see :mod:`tenantry.web.limits`).
    """

    db_filter: str | None = None
    master_password: str | None = None
    list_db: bool = True
    dev: bool = False
    secure_cookies: bool = False
    proxy_mode: bool = False
    session_lifetime: dt.timedelta = field(default=DEFAULT_LIFETIME)
    master_password_file: Path | None = None
    limit_request_body: int = DEFAULT_LIMIT_REQUEST_BODY

    def __post_init__(self) -> None:
        if self.db_filter:
            re.compile(self.db_filter.replace("%h", "h").replace("%d", "d"))  # fail at start-up

    def rpc_config(self, db_filter: DbFilter | None) -> RpcConfig:
        """The RPC layer's settings for one request, restricted to what its host may reach."""
        return RpcConfig(
            master_password=self.master_password,
            list_db=self.list_db,
            dev=self.dev,
            db_filter=db_filter,
            master_password_file=self.master_password_file,
        )
