"""Helpers shared by the test packages."""

from __future__ import annotations

from pathlib import Path

from tenantry.testing import rollback_env

FIXTURE_ADDONS = Path(__file__).resolve().parent / "fixture_addons"

SESSION_PREFIX = "s-"


def own(names: list[str]) -> list[str]:
    """Database names without the session's own ``s-...`` ones (they share the cluster)."""
    return [name for name in names if not name.startswith(SESSION_PREFIX)]


__all__ = ["FIXTURE_ADDONS", "SESSION_PREFIX", "own", "rollback_env"]
