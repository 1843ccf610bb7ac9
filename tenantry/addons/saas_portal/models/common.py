"""Shared by the portal's models: the states and the not-yet-connected refusal."""

from __future__ import annotations

from typing import NoReturn

from tenantry.exceptions import UserError

DB_STATES = [
    ("draft", "New"),
    ("creating", "Creating"),
    ("open", "Ready"),
    ("blocked", "Blocked"),
    ("deleted", "Deleted"),
]

SERVER_STATES = [
    ("draft", "Draft"),
    ("ready", "Ready"),
    ("unhealthy", "Unhealthy"),
    ("full", "Full"),
]

PLAN_STATES = [("draft", "Draft"), ("confirmed", "Confirmed")]

BASE_DOMAIN_PARAM = "saas_portal.base_saas_domain"
"""The portal's base domain (``example.com``): a subdomain ``acme`` names ``acme.example.com``."""


def not_connected() -> NoReturn:
    """The portal ↔ server protocol is not wired yet: operations that need it stop here."""
    raise UserError("not connected to a server yet")
