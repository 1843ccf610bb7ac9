"""tenantry: a multi-tenant SaaS platform with an Odoo-compatible ORM, security model and API.

::

    import tenantry
    inst = tenantry.Instance("sqlite:///./tenantry-data")
    inst.create_database("acme", modules=["sale_demo"], admin_password="admin")
    with inst.env("acme") as env:
        env["res.partner"].search([("is_company", "=", True)])

The names below are imported on first use, so that importing one layer
(``import tenantry.domain``) does not drag in the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tenantry.exceptions import AccessDenied, AccessError, MissingError, UserError, ValidationError

if TYPE_CHECKING:
    from tenantry.instance import Instance
    from tenantry.orm import Command, Environment, api, fields, models

__version__ = "0.1.0"

_LAZY = {
    "Instance": "tenantry.instance",
    "Command": "tenantry.orm",
    "Environment": "tenantry.orm",
    "api": "tenantry.orm",
    "fields": "tenantry.orm",
    "models": "tenantry.orm",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name == "exceptions":
        return importlib.import_module("tenantry.exceptions")
    raise AttributeError(f"module 'tenantry' has no attribute {name!r}")
