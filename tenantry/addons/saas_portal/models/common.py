"""Shared by the portal's models: the states and the not-yet-connected refusal."""

from __future__ import annotations

from typing import Any, NoReturn

from tenantry.exceptions import UserError, ValidationError

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


_NAMED = {
    "saas_portal.server": "server",
    "saas_portal.database": "template",
    "saas_portal.client": "client",
}


def check_name_unshared(record: Any) -> None:
    """One name, one database: a server, template or client may not take another's name
    (checked as superuser: the clash matters whoever may read the other record)."""
    for model, kind in _NAMED.items():
        if model == record._name:
            continue
        others = record.env[model].sudo().with_context(active_test=False)
        if others.search_count([("name", "=", record.name)]):
            raise ValidationError(f"The name {record.name} is already used by a {kind}.")
