"""A real server on loopback per test module: uvicorn in a thread, on the session instances.

- ``serve(instance, config)`` starts (once per module and settings) and returns a ``LiveServer``;
- ``server``: the default one (no db-filter) on ``instance``, with the ``template`` database.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import uvicorn

from tenantry.instance import Instance
from tenantry.web import ServerConfig, create_app


@dataclass
class LiveServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(instance: Instance, config: ServerConfig) -> LiveServer:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv_config = uvicorn.Config(
        create_app(instance, config),
        log_level="warning",
        access_log=False,
        ws="none",
        lifespan="on",
        proxy_headers=False,  # as tenantry serve: the app alone reads X-Forwarded-* (proxy mode)
    )
    server = uvicorn.Server(uv_config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)


Serve = Callable[[Instance, ServerConfig], LiveServer]


@pytest.fixture(scope="module")
def serve() -> Iterator[Serve]:
    started: dict[tuple[int, ServerConfig], LiveServer] = {}

    def get(instance: Instance, config: ServerConfig) -> LiveServer:
        key = (id(instance), config)
        if key not in started:
            started[key] = start_server(instance, config)
        return started[key]

    yield get
    for live in started.values():
        live.stop()


@pytest.fixture
def server(serve: Serve, instance: Instance, template: str) -> LiveServer:
    return serve(instance, ServerConfig())
