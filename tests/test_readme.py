"""The README's examples run as written, top to bottom, as a new user would run them.

One workspace for the whole file (the sections build on each other, as when reading):
a temporary directory holding a ``.venv`` link to this environment, on the embedded
default storage. Each fenced block of a section runs as it is, with three stand-ins for
the reader's machine, each said where it is made: ``/tmp/`` is the workspace, port 8069
is a free port, and ``*.localhost`` names resolve to the loopback address (the
``/etc/hosts`` line the README asks for).
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import free_port

README = Path(__file__).resolve().parents[1] / "README.md"
TIMEOUT = 180

# The /etc/hosts line of the README, for Python clients started by these tests.
_HOSTS_SHIM = '''
import socket
_real = socket.getaddrinfo
def _getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real(host, *args, **kwargs)
socket.getaddrinfo = _getaddrinfo
'''



@dataclass
class Workspace:
    path: Path
    environ: dict[str, str]
    port: int

    def adapt(self, text: str) -> str:
        return text.replace("/tmp/", f"{self.path}/").replace("8069", str(self.port))

    def bash(self, script: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-c", self.adapt(script)],
            cwd=self.path,
            env=self.environ,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", self.adapt(code)],
            cwd=self.path,
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{title}\n")
    following = re.search(r"\n#{2,3} ", text[start + len(title) + 2 :])
    return text[start : start + len(title) + 2 + following.start()] if following else text[start:]


def _blocks(title: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", _section(title), flags=re.M | re.S)


def _expected_prints(code: str) -> list[str]:
    """The ``# comment`` after each ``print(...)`` line: what that line prints."""
    return [m.group(1) for m in re.finditer(r"^\s*print\(.*\)\s+# (.*)$", code, flags=re.M)]



@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    path = tmp_path_factory.mktemp("readme")
    (path / ".venv").symlink_to(Path(sys.prefix))
    shim = path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(_HOSTS_SHIM)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TENANTRY_", "VIRTUAL_ENV"))}
    environ["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # the environment is not active yet
    environ["PYTHONPATH"] = str(shim)
    return Workspace(path, environ, free_port())


def _check_python(workspace: Workspace, code: str) -> None:
    done = workspace.python(code)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    assert printed == _expected_prints(code), done.stdout


def _check_console(workspace: Workspace, block: str) -> None:
    """Run each ``$ command`` of a console block; the last one's output is the block's rest."""
    chunks = re.split(r"^\$ ", block, flags=re.M)[1:]
    setup, (last, *expected) = chunks[:-1], chunks[-1].splitlines()
    for command in setup:
        done = workspace.bash(". .venv/bin/activate\n" + command)
        assert done.returncode == 0, f"{command}\n{done.stderr}"
    done = workspace.bash(". .venv/bin/activate\n" + last)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip("\n").splitlines() == expected


def test_python_section(workspace: Workspace) -> None:
    (code,) = _blocks("## Python", "python")
    _check_python(workspace, code)


def test_command_line_section(workspace: Workspace) -> None:
    (script,) = _blocks("## Command line", "sh")
    done = workspace.bash(script)
    assert done.returncode == 0, done.stderr
    assert "Explore it yourself: tenantry shell demo" in done.stdout  # the environment is active


def test_explain_section(workspace: Workspace) -> None:
    (console,) = _blocks("### Why may (or may not) this user do that?", "console")
    _check_console(workspace, console)
    (code,) = _blocks("### Why may (or may not) this user do that?", "python")
    _check_python(workspace, code)


def test_lint_section(workspace: Workspace) -> None:
    (console,) = _blocks("### Rule lint", "console")
    _check_console(workspace, console)


@pytest.fixture(scope="module")
def served(workspace: Workspace) -> Iterator[Workspace]:
    """The Server section's first block: its databases made, its server started."""
    script = _blocks("## Server", "sh")[0].replace("\\\n", "")
    *setup, serve = script.strip().splitlines()
    done = workspace.bash(". .venv/bin/activate\n" + "\n".join(setup))
    assert done.returncode == 0, done.stderr
    argv = shlex.split(workspace.adapt(serve))
    assert argv[0] == "tenantry"
    argv[0] = str(Path(sys.prefix) / "bin" / "tenantry")
    argv = [a.replace("/etc/tenantry/", f"{workspace.path}/etc/") for a in argv]
    argv += ["--http-port", str(workspace.port)]  # 8069, the default, is the reader's
    log_path = workspace.path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, cwd=workspace.path, env=workspace.environ, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        url = f"http://127.0.0.1:{workspace.port}/web/health?db_server_status=1"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
        yield workspace
    finally:
        process.send_signal(signal.SIGTERM)  # a graceful stop of the supervisor and its workers
        process.wait(30)


def test_server_section_clients(served: Workspace) -> None:
    stdlib, odoorpc_code = _blocks("## Server", "python")
    _check_python(served, stdlib)
    done = served.python(odoorpc_code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith("Agrolait")
    curl = _blocks("## Server", "sh")[1]
    for chunk in curl.strip().split("\n\n"):
        command = "\n".join(line for line in chunk.splitlines() if not line.startswith("# "))
        expected = [line[2:] for line in chunk.splitlines() if line.startswith("# ")]
        done = served.bash(command)
        assert done.returncode == 0, done.stderr
        assert '"result"' in done.stdout, done.stdout
        if expected:
            assert done.stdout == expected[0].split(": ")[0]
