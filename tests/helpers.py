"""Helpers shared by the test packages."""

from __future__ import annotations

from pathlib import Path

from tenantry.testing import rollback_env

FIXTURE_ADDONS = Path(__file__).resolve().parent / "fixture_addons"

__all__ = ["FIXTURE_ADDONS", "rollback_env"]
