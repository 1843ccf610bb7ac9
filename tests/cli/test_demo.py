"""``tenantry demo``: an idempotent demo database and a readable tour of it."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tenantry.cli.demo import command_name

from ._helpers import Cli, succeeded

TOUR_EXCERPTS = (
    "My Company",  # companies
    "admin  Administrator  My Company",  # users, in aligned plain columns
    "Internal User",  # groups
    "brandon.freeman@example.com",  # partners
    "S00001",  # sales orders ...
    "1,380.00",  # ... with their totals
    "Orders by customer (read_group)",
    "[('is_company', '=', True)]",
    "[('email', 'ilike', 'example.com')]",
    "[('parent_id.name', '=', 'Wood Corner')]",
    "['|', ('user_id', '=', False), ('user_id.login', '=', 'admin')]",
    "child_of",
    "-> Wood Corner, Brandon Freeman\n",
)


def test_demo_creates_the_database_once_then_reuses_it_and_prints_the_tour(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data'}"
    first = succeeded(cli("demo", db_url=url))
    assert "Created database 'demo'" in first.stderr
    second = succeeded(cli("demo", db_url=url))
    assert "Reusing database 'demo'" in second.stderr
    assert "Created" not in second.stderr

    assert first.stdout == second.stdout
    for excerpt in TOUR_EXCERPTS:
        assert excerpt in second.stdout
    lines = second.stdout.splitlines()
    assert not [line for line in lines if line != line.rstrip()]  # plain text when piped
    assert "\x1b[" not in second.stdout and "╭" not in second.stdout
    assert succeeded(cli("db", "list", db_url=url)).stdout == "demo\n"


def test_the_closing_hint_runs_as_printed_without_an_active_environment(tmp_path: Path) -> None:
    # `make demo` runs .venv/bin/tenantry without activating the environment.
    script = Path(sys.executable).parent / "tenantry"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}
    environ["PATH"] = "/usr/bin:/bin"
    argv = [str(script), "demo", "--db-url", "sqlite:///./data"]
    done = subprocess.run(argv, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    hint = done.stdout.splitlines()[-1]
    assert hint.startswith("Explore it yourself: ")
    command = hint.removeprefix("Explore it yourself: ")
    shell = subprocess.run(
        shlex.split(command),
        cwd=tmp_path,
        env=environ,
        input='print("partners:", env["res.partner"].search_count([]) > 0)\n',
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shell.returncode == 0, shell.stderr
    assert "partners: True" in shell.stdout


def test_the_command_name_is_tenantry_only_when_the_shell_finds_this_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "bin" / "tenantry"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert command_name(str(script)) == "bin/tenantry"
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")
    assert command_name(str(script)) == "tenantry"
    assert command_name("/somewhere/tenantry/__main__.py") == f"{sys.executable} -m tenantry"
