"""``db.change_admin_password`` is durable and shared; ``db.list_countries``; over real HTTP.

The new master password goes, hashed, to the master password file: every server
process reading that file (the workers of ``tenantry serve --workers N``, or the
server after a restart) takes it at its next check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.clients.conftest import MASTER
from tests.helpers import FIXTURE_ADDONS, free_port
from tests.web.conftest import Serve

NEVER = "s-mpw-never-made"  # dropping it answers False: a cheap way to test a master password


def master_accepted(url: str, password: str) -> bool:
    with xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/db") as db:
        try:
            return db.drop(password, NEVER) is False
        except xmlrpc.client.Fault as fault:
            assert fault.faultCode == 3, fault
            return False


def test_change_admin_password_reaches_every_server_on_the_file(
    serve: Serve, instance: Instance, template: str, tmp_path: Path
) -> None:
    path = tmp_path / "master-password"
    first = serve(instance, ServerConfig(master_password=MASTER, master_password_file=path))
    # A second server on the same settings stands for another worker, or a restart.
    second = serve(
        instance, ServerConfig(master_password=MASTER, master_password_file=path, secure_cookies=True)
    )
    with xmlrpc.client.ServerProxy(f"{first.url}/xmlrpc/2/db") as db:
        assert db.change_admin_password(MASTER, "n3w master") is True
    assert path.read_text().startswith("$argon2")
    for server in (first, second):
        assert master_accepted(server.url, "n3w master")
        assert not master_accepted(server.url, MASTER)


def test_without_a_file_the_change_is_refused_and_nothing_changes(
    serve: Serve, instance: Instance, template: str
) -> None:
    server = serve(instance, ServerConfig(master_password=MASTER))
    with (
        xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/db") as db,
        pytest.raises(xmlrpc.client.Fault) as info,
    ):
        db.change_admin_password(MASTER, "n3w master")
    assert info.value.faultCode == 2 and "--master-password-file" in info.value.faultString
    assert master_accepted(server.url, MASTER)


def test_list_countries_over_xmlrpc(serve: Serve, instance: Instance, template: str) -> None:
    server = serve(instance, ServerConfig(master_password=MASTER))
    with xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/db") as db:
        countries = cast(list[list[str]], db.list_countries(MASTER))
        assert ["FR", "France"] in countries and countries == sorted(countries, key=lambda c: c[1])
        with pytest.raises(xmlrpc.client.Fault) as info:
            db.list_countries("wrong")
    assert info.value.faultCode == 3


# -- separate processes ------------------------------------------------------------------



Start = Callable[[], str]


@pytest.fixture
def start_process(instance: Instance, template: str, tmp_path: Path) -> Iterator[Start]:
    """``start()`` runs a server process built as every worker is (``tenantry.web.factory``)."""
    processes: list[subprocess.Popen[bytes]] = []
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}
    environ |= {
        "TENANTRY_DB_URL": instance.url,
        "TENANTRY_ADDONS_PATH": str(FIXTURE_ADDONS),
        "TENANTRY_MASTER_PASSWORD": MASTER,
        "TENANTRY_MASTER_PASSWORD_FILE": str(tmp_path / "master-password"),
    }

    def start() -> str:
        port = free_port()
        argv = [sys.executable, "-m", "uvicorn", "--factory", "tenantry.web.factory:app_from_env"]
        argv += ["--port", str(port), "--log-level", "warning"]
        with (tmp_path / f"server-{port}.log").open("wb") as log:
            processes.append(subprocess.Popen(argv, env=environ, stdout=log, stderr=subprocess.STDOUT))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert processes[-1].poll() is None, (tmp_path / f"server-{port}.log").read_text()
            try:
                with urllib.request.urlopen(url + "/web/health", timeout=2):
                    return url
            except OSError:
                assert time.monotonic() < deadline, "the server process did not start"
                time.sleep(0.05)

    yield start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)


def test_two_processes_and_a_restart_share_the_new_master_password(start_process: Start) -> None:
    first, second = start_process(), start_process()
    assert master_accepted(second, MASTER)
    with xmlrpc.client.ServerProxy(f"{first}/xmlrpc/2/db") as db:
        assert db.change_admin_password(MASTER, "n3w master") is True
    assert master_accepted(second, "n3w master") and not master_accepted(second, MASTER)
    restarted = start_process()
    assert master_accepted(restarted, "n3w master") and not master_accepted(restarted, MASTER)
