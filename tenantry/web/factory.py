"""The app factory uvicorn imports in every worker process (``tenantry serve --workers N``).

The parent process passes the settings through the environment::

    TENANTRY_DB_URL, TENANTRY_ADDONS_PATH, TENANTRY_DB_FILTER, TENANTRY_MASTER_PASSWORD,
    TENANTRY_LIST_DB ("0" turns the list off), TENANTRY_DEV ("1" turns dev mode on)

    uvicorn --factory tenantry.web.factory:app_from_env --workers 4
"""

from __future__ import annotations

import os

from starlette.applications import Starlette

from tenantry.instance import Instance
from tenantry.web.app import create_app
from tenantry.web.config import ServerConfig

__all__ = ["app_from_env", "config_from_env", "config_to_env"]


def config_to_env(config: ServerConfig) -> dict[str, str]:
    """The environment variables ``config_from_env`` reads back as ``config``."""
    env = {"TENANTRY_LIST_DB": "1" if config.list_db else "0", "TENANTRY_DEV": "1" if config.dev else "0"}
    if config.db_filter:
        env["TENANTRY_DB_FILTER"] = config.db_filter
    if config.master_password:
        env["TENANTRY_MASTER_PASSWORD"] = config.master_password
    return env


def config_from_env() -> ServerConfig:
    return ServerConfig(
        db_filter=os.environ.get("TENANTRY_DB_FILTER") or None,
        master_password=os.environ.get("TENANTRY_MASTER_PASSWORD") or None,
        list_db=os.environ.get("TENANTRY_LIST_DB", "1") != "0",
        dev=os.environ.get("TENANTRY_DEV", "0") == "1",
    )


def app_from_env() -> Starlette:
    """A new application on its own ``Instance``, configured from the environment."""
    addons = [p.strip() for p in os.environ.get("TENANTRY_ADDONS_PATH", "").split(",") if p.strip()]
    instance = Instance(os.environ.get("TENANTRY_DB_URL") or None, addons_path=addons)
    return create_app(instance, config_from_env(), owns_instance=True)
