"""The server answers before the database stack loads, and makes its instance in the background."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import xmlrpc.client

import httpx
import pytest

from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tests.helpers import free_port
from tests.web.conftest import start_server


def test_the_web_layer_imports_no_database_stack() -> None:
    code = (
        "import sys, json, tenantry.web.app, tenantry.cli.serve;"
        "print(json.dumps(sorted(m for m in ('sqlalchemy', 'psycopg', 'jinja2', 'tenantry.orm',"
        " 'tenantry.instance', 'tenantry.security.auth', 'tenantry.rpc.services') if m in sys.modules)))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(loaded.stdout) == []


def test_health_and_version_need_no_instance_and_the_warm_up_makes_it(instance: Instance) -> None:
    release = threading.Event()
    made: list[Instance] = []

    def factory() -> Instance:
        release.wait(10)  # the warm-up thread waits here: nothing else may need the instance
        made.append(instance)
        return instance

    live = start_server(factory, ServerConfig())  # type: ignore[arg-type]
    try:
        with xmlrpc.client.ServerProxy(f"{live.url}/xmlrpc/2/common") as common:
            assert common.version()["server_version"] == "17.0"
            assert not made
            release.set()
            deadline = time.monotonic() + 10
            while not made and time.monotonic() < deadline:
                time.sleep(0.01)
            assert made == [instance]
            with pytest.raises(xmlrpc.client.Fault) as fault:  # served by the instance made
                common.login("s-no-such-db", "admin", "admin")
            assert fault.value.faultCode == 1
    finally:
        release.set()
        live.stop()


def test_a_storage_that_cannot_be_opened_is_logged_and_requests_fail_cleanly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def factory() -> Instance:
        return Instance("mysql://nowhere/")

    live = start_server(factory, ServerConfig())  # type: ignore[arg-type]
    try:
        deadline = time.monotonic() + 10
        while "Cannot open the storage" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "Unsupported storage URL" in caplog.text
        with xmlrpc.client.ServerProxy(f"{live.url}/xmlrpc/2/common") as common:
            assert common.version()["server_version"] == "17.0"
            with pytest.raises(xmlrpc.client.Fault) as fault:
                common.login("acme", "admin", "admin")
        assert "Unsupported storage URL" in fault.value.faultString
    finally:
        live.stop()


def test_handlers_run_in_the_thread_pool_not_the_event_loop() -> None:
    import asyncio

    from tenantry.web.context import Server

    server = Server(lambda: None, ServerConfig())  # type: ignore[arg-type,return-value]

    async def where() -> tuple[int, int]:
        return threading.get_ident(), await server.run(threading.get_ident)

    loop_thread, handler_thread = asyncio.run(where())
    assert loop_thread != handler_thread


@pytest.mark.parametrize(
    "url",
    ["mysql://nowhere/", "postgresql://nobody:x@127.0.0.1:{port}/"],
    ids=["unsupported-url", "server-down"],
)
def test_health_reports_a_storage_that_cannot_be_opened(url: str) -> None:
    live = start_server(lambda: Instance(url.format(port=free_port())), ServerConfig())  # type: ignore[arg-type]
    try:
        plain = httpx.get(f"{live.url}/web/health")  # liveness: the process answers
        assert plain.status_code == 200 and plain.json() == {"status": "pass"}
        probe = httpx.get(f"{live.url}/web/health", params={"db_server_status": "1"}, timeout=30)
        assert probe.status_code == 500
        assert probe.json() == {"status": "fail", "db_server_status": False}
        assert probe.headers["cache-control"] == "no-store"
    finally:
        live.stop()


def test_health_reports_a_reachable_storage(instance: Instance) -> None:
    live = start_server(instance, ServerConfig())
    try:
        probe = httpx.get(f"{live.url}/web/health", params={"db_server_status": "1"})
        assert probe.status_code == 200 and probe.json() == {"status": "pass", "db_server_status": True}
    finally:
        live.stop()
