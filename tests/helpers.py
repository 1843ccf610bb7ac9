"""Helpers shared by the test packages."""

from __future__ import annotations

import socket
from pathlib import Path

from tenantry.testing import rollback_env

FIXTURE_ADDONS = Path(__file__).resolve().parent / "fixture_addons"

SESSION_PREFIX = "s-"


def own(names: list[str]) -> list[str]:
    """Database names without the session's own ``s-...`` ones (they share the cluster)."""
    return [name for name in names if not name.startswith(SESSION_PREFIX)]


def free_port() -> int:
    """A loopback port nothing listens on right now (for servers the tests start)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


__all__ = ["FIXTURE_ADDONS", "SESSION_PREFIX", "free_port", "own", "rollback_env"]
