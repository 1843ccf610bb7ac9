"""``tenantry shell``: a piped script runs in one transaction, committed unless it fails;
an interactive session does not hold back the database's writers."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tenantry import Instance

from ._helpers import Cli, database_env, succeeded

CREATE_PARTNER = """\
partner = env["res.partner"].create({"name": "Agrolait"})
print(partner.name, isinstance(inst, tenantry.Instance))
"""


def _partners(db_url: str, name: str) -> int:
    with database_env(db_url, "acme") as env:
        return env["res.partner"].search_count([("name", "=", name)])


def test_shell_commits_a_piped_script_and_rolls_back_a_failing_one(cli: Cli, db_url: str) -> None:
    succeeded(cli("db", "create", "acme", db_url=db_url))

    ran = succeeded(cli("shell", "acme", db_url=db_url, input=CREATE_PARTNER))
    assert ran.stdout == "Agrolait True\n"
    assert ran.stderr == "Committed.\n"
    assert _partners(db_url, "Agrolait") == 1

    failing = 'env["res.partner"].create({"name": "Ghost"})\n1 / 0\n'
    crashed = cli("shell", "acme", db_url=db_url, input=failing)
    assert crashed.exit_code == 1
    assert 'File "<stdin>", line 2' in crashed.stderr
    assert "ZeroDivisionError" in crashed.stderr
    assert crashed.stderr.endswith("Rolled back.\n")

    exiting = 'env["res.partner"].create({"name": "Ghost"})\nraise SystemExit(3)\n'
    assert cli("shell", "acme", db_url=db_url, input=exiting).exit_code == 3
    assert _partners(db_url, "Ghost") == 0


def test_shell_on_a_missing_database_exits_1(cli: Cli, db_url: str) -> None:
    result = cli("shell", "ghost", db_url=db_url, input="print(1)\n")
    assert result.exit_code == 1
    assert result.stderr == "Error: The database 'ghost' does not exist\n"


def test_an_interactive_shell_does_not_hold_back_the_databases_writers(tmp_path: Path) -> None:
    """A session open for minutes must not hold SQLite's write lock: the server's writes
    to that database would wait for it, then fail with ``database is locked``."""
    db_url = f"sqlite:///{tmp_path / 'data'}"
    with Instance(db_url) as inst:
        inst.create_database("acme")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}
    argv = [sys.executable, "-m", "tenantry", "shell", "acme", "--db-url", db_url]
    terminal, tty = pty.openpty()  # stdin a terminal: the interactive shell
    shell = subprocess.Popen(argv, stdin=tty, stdout=tty, stderr=tty, env=environ, start_new_session=True)
    os.close(tty)
    try:
        _read_until(terminal, b">>> ")  # the shell's transaction is open
        begin = time.monotonic()
        with Instance(db_url) as inst, inst.env("acme") as env:
            env["res.partner"].create({"name": "written while the shell is open"})
        assert time.monotonic() - begin < 5  # the busy timeout is 10 s
        os.write(terminal, b"\x04")  # Ctrl-D: leave, committing
        assert b"Committed." in _read_until(terminal, b"Committed.")
        assert shell.wait(30) == 0
    finally:
        if shell.poll() is None:
            shell.kill()
            shell.wait(30)
        os.close(terminal)
    assert _partners(db_url, "written while the shell is open") == 1


def _read_until(fd: int, marker: bytes, timeout: float = 60) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, seen.decode(errors="replace")
        if select.select([fd], [], [], remaining)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the other side closed
                break
    return seen
