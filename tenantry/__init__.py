"""tenantry: a multi-tenant SaaS platform with an Odoo-compatible ORM, security model and API.

::

    import tenantry
    inst = tenantry.Instance("sqlite:///./tenantry-data")
    inst.create_database("acme", modules=["sale_demo"], admin_password="admin")
    with inst.env("acme") as env:
        env["res.partner"].search([("is_company", "=", True)])
"""

from __future__ import annotations

from tenantry import exceptions
from tenantry.exceptions import AccessDenied, AccessError, MissingError, UserError, ValidationError
from tenantry.instance import Instance
from tenantry.orm import Command, Environment, api, fields, models

__version__ = "0.1.0"

__all__ = [
    "AccessDenied",
    "AccessError",
    "Command",
    "Environment",
    "Instance",
    "MissingError",
    "UserError",
    "ValidationError",
    "__version__",
    "api",
    "exceptions",
    "fields",
    "models",
]
