"""What ``common.version()`` answers: the Odoo release tenantry speaks for, no database needed."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

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
LANGUAGE_FILE = Path(__file__).resolve().parents[1] / "addons" / "base" / "data" / "res.lang.csv"
"""The languages tenantry knows: the base addon loads them into ``res.lang``, ``db.list_lang`` lists them."""


def _languages() -> tuple[tuple[str, str], ...]:
    with LANGUAGE_FILE.open(encoding="utf-8", newline="") as rows:
        found = [(row["code"], row["name"]) for row in csv.DictReader(rows)]
    return tuple(sorted(found, key=lambda lang: lang[1]))


LANGUAGES = _languages()
"""``(code, name)`` of every language of :data:`LANGUAGE_FILE`, by name (``db.list_lang``)."""


def version_info() -> dict[str, Any]:
    """``common.version()`` (and ``/web/webclient/version_info``)."""
    return {
        "server_version": SERVER_VERSION,
        "server_version_info": list(SERVER_VERSION_INFO),
        "server_serie": SERVER_SERIE,
        "protocol_version": PROTOCOL_VERSION,
    }
