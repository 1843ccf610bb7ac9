"""Real clients over real HTTP: one live server per module, on the session instances.

Reuses ``tests/web/conftest.py``'s thread-hosted uvicorn (``serve``); ``MASTER`` is the
master password of the ``master_server`` every module here may use.
"""

from __future__ import annotations

import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.web.conftest import LiveServer, Serve, serve  # noqa: F401  (the module-scoped fixture)

MASTER = "master-x"


@pytest.fixture
def master_server(serve: Serve, instance: Instance, template: str) -> LiveServer:  # noqa: F811
    """A server on ``instance`` (with the template database) whose master password is ``MASTER``."""
    return serve(instance, ServerConfig(master_password=MASTER))
