"""The ``cli`` fixture: ``tenantry`` in-process, in an environment the host cannot change."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from typer.testing import CliRunner, Result

from tenantry.cli import app

from ._helpers import Cli

# Variables that would change what the CLI does or how rich renders it.
_HERMETIC = ("TENANTRY_DB_URL", "TENANTRY_ADDONS_PATH", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    for name in _HERMETIC:
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(
        *args: str,
        db_url: str | None = None,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> Result:
        argv = [*args, "--db-url", db_url] if db_url else list(args)
        return runner.invoke(app, argv, input=input, env=env)

    return invoke
