"""The public surface of ``tenantry.db`` is pinned."""

from __future__ import annotations

import tenantry.db


def test_db_package_exports_exactly_its_public_api() -> None:
    assert sorted(tenantry.db.__all__) == ["Storage", "validate_name"]
    for name in tenantry.db.__all__:
        assert getattr(tenantry.db, name).__module__.startswith("tenantry.db.")
