"""The ORM: Odoo's programming model over SQLAlchemy Core."""

from __future__ import annotations

from tenantry.orm import api, fields, models
from tenantry.orm.access import AccessPolicy, OpenPolicy, Operation
from tenantry.orm.commands import Command
from tenantry.orm.environment import SUPERUSER_ID, Environment, Transaction
from tenantry.orm.models import AbstractModel, BaseModel, Model, TransientModel
from tenantry.orm.registry import AddonClasses, Registry

__all__ = [
    "SUPERUSER_ID",
    "AbstractModel",
    "AccessPolicy",
    "AddonClasses",
    "BaseModel",
    "Command",
    "Environment",
    "Model",
    "OpenPolicy",
    "Operation",
    "Registry",
    "Transaction",
    "TransientModel",
    "api",
    "fields",
    "models",
]
