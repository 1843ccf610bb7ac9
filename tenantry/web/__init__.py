"""The HTTP server: Odoo's RPC endpoints, the web JSON routes, sessions and the login page."""

from tenantry.web.app import create_app
from tenantry.web.config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
