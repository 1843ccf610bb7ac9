"""What ``common.version()`` answers: the Odoo release tenantry speaks for, no database needed."""

from __future__ import annotations

from typing import Any

from tenantry.modules.languages import LANGUAGE_FILE, LANGUAGES

__all__ = [
    "LANGUAGES",
    "LANGUAGE_FILE",
    "PROTOCOL_VERSION",
    "SERVER_SERIE",
    "SERVER_VERSION",
    "SERVER_VERSION_INFO",
    "version_info",
]

SERVER_VERSION = "17.0"
SERVER_VERSION_INFO = (17, 0, 0, "final", 0, "")
SERVER_SERIE = "17.0"
PROTOCOL_VERSION = 1


def version_info() -> dict[str, Any]:
    """``common.version()`` (and ``/web/webclient/version_info``)."""
    return {
        "server_version": SERVER_VERSION,
        "server_version_info": list(SERVER_VERSION_INFO),
        "server_serie": SERVER_SERIE,
        "protocol_version": PROTOCOL_VERSION,
    }
