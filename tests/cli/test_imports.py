"""Defining the commands loads typer only: the ORM, SQLAlchemy and the web stack wait for a command."""

from __future__ import annotations

import json
import subprocess
import sys

from tenantry.cli import _common
from tenantry.cli.security import OperationName
from tenantry.instance import DEFAULT_URL
from tenantry.orm.access import Operation

from ._helpers import Cli, succeeded

HEAVY = ("sqlalchemy", "psycopg", "rich", "uvicorn", "starlette", "jinja2", "pydantic", "tenantry.orm")


def _loaded_by(statement: str) -> set[str]:
    """The top-level modules (and ``tenantry.*`` ones) a fresh interpreter holds after ``statement``."""
    script = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stdout))


def test_importing_the_cli_loads_no_heavy_layer() -> None:
    loaded = _loaded_by("import tenantry.cli")
    assert not {m for m in loaded for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")}
    assert "tenantry.instance" not in loaded


def test_python_dash_m_tenantry_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tenantry", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("tenantry ")


def test_help_lists_every_command_with_its_help(cli: Cli) -> None:
    overview = succeeded(cli("--help")).stdout
    for command, words in [
        ("db", "databases"),
        ("module", "addons"),
        ("security", "access rules"),
        ("shell", "Python"),
        ("demo", "demo"),
        ("serve", "Serve the databases"),
    ]:
        line = next(line for line in overview.splitlines() if line.strip("│ ").startswith(f"{command} "))
        assert words in line


def test_the_spelled_out_constants_match_what_they_stand_for() -> None:
    assert _common.DEFAULT_URL == DEFAULT_URL
    assert [op.value for op in OperationName] == [op.value for op in Operation]
