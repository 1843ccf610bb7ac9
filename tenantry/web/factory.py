"""An app factory for running tenantry under another process manager.

``tenantry serve --workers N`` forks its own workers; this is for deployments that
start uvicorn (or gunicorn with uvicorn workers) themselves, configured through
the environment::

    TENANTRY_DB_URL, TENANTRY_ADDONS_PATH, TENANTRY_DB_FILTER, TENANTRY_MASTER_PASSWORD,
    TENANTRY_MASTER_PASSWORD_FILE, TENANTRY_LIST_DB ("0" turns the list off),
    TENANTRY_DEV ("1" turns dev mode on), TENANTRY_PROXY_MODE ("1": behind a reverse proxy),
    TENANTRY_LIMIT_REQUEST_BODY (bytes; 128 MiB by default)

    uvicorn --factory tenantry.web.factory:app_from_env --workers 4 --no-proxy-headers

``--no-proxy-headers`` matters: by default uvicorn itself trusts ``X-Forwarded-For``
from loopback peers, which would let any local client pick its address for the login
rate limiter. The app reads those headers itself, in proxy mode only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette

from tenantry.web.app import create_app
from tenantry.web.config import ServerConfig
from tenantry.web.limits import DEFAULT_LIMIT_REQUEST_BODY

if TYPE_CHECKING:
    from tenantry.instance import Instance

__all__ = ["app_from_env", "config_from_env"]


def config_from_env() -> ServerConfig:
    """The server settings the environment variables above describe."""
    password_file = os.environ.get("TENANTRY_MASTER_PASSWORD_FILE")
    return ServerConfig(
        db_filter=os.environ.get("TENANTRY_DB_FILTER") or None,
        master_password=os.environ.get("TENANTRY_MASTER_PASSWORD") or None,
        list_db=os.environ.get("TENANTRY_LIST_DB", "1") != "0",
        dev=os.environ.get("TENANTRY_DEV", "0") == "1",
        proxy_mode=os.environ.get("TENANTRY_PROXY_MODE", "0") == "1",
        limit_request_body=int(os.environ.get("TENANTRY_LIMIT_REQUEST_BODY") or DEFAULT_LIMIT_REQUEST_BODY),
        master_password_file=Path(password_file) if password_file else None,
    )


def app_from_env() -> Starlette:
    """A new application on its own ``Instance`` (made once it listens), configured from the environment."""
    addons = [p.strip() for p in os.environ.get("TENANTRY_ADDONS_PATH", "").split(",") if p.strip()]
    url = os.environ.get("TENANTRY_DB_URL") or None

    def make_instance() -> Instance:
        from tenantry.instance import Instance

        return Instance(url, addons_path=addons)

    return create_app(make_instance, config_from_env(), owns_instance=True)
