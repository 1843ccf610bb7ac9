"""Names of the version parameters every transaction reads (``ir.config_parameter``).

Kept apart (no imports) so that the installer, the instance and the views layer can
share them without importing one another.
"""

from __future__ import annotations

__all__ = ["VIEWS_TRANSACTION_VERSION", "VIEWS_VERSION_KEY"]

VIEWS_VERSION_KEY = "views.version"
"""Changed with every view, menu or action (``tenantry.views.resolve.bump_version``)."""

VIEWS_TRANSACTION_VERSION = "views.version"
"""Where a transaction's ``data`` keeps the views version it read (``""``: never bumped)."""
