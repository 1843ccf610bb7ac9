"""The public surface is deliberate: these lists change only on purpose."""

from __future__ import annotations

import tenantry
import tenantry.db
import tenantry.orm


def test_top_level_exports() -> None:
    assert sorted(tenantry.__all__) == [
        "AccessDenied", "AccessError", "Command", "Environment", "Instance", "MissingError",
        "UserError", "ValidationError", "__version__", "api", "exceptions", "fields", "models",
    ]  # fmt: skip
    for name in tenantry.__all__:
        assert getattr(tenantry, name) is not None


def test_orm_exports() -> None:
    assert sorted(tenantry.orm.__all__) == [
        "AbstractModel", "AccessPolicy", "AddonClasses", "BaseModel", "Command", "Environment",
        "Model", "OpenPolicy", "Operation", "Registry", "SUPERUSER_ID", "Transaction",
        "TransientModel", "api", "fields", "models",
    ]  # fmt: skip


def test_exceptions_form_odoos_tree() -> None:
    from tenantry import exceptions as e

    for cls in (e.ValidationError, e.MissingError, e.AccessError, e.AccessDenied):
        assert issubclass(cls, e.UserError)
    assert issubclass(e.UserError, e.TenantryError)
    assert str(e.AccessDenied()) == "Access Denied"
