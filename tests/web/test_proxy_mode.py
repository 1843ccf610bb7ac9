"""``X-Forwarded-*`` headers count only in proxy mode (``tenantry serve --proxy-mode``).

Any client can send them: uvicorn's default trusted ``X-Forwarded-For`` from every
loopback peer, so a new address per request walked around the login limiter. Without
proxy mode the TCP peer is the client, the ``Host`` header the host and the connection
the scheme; in proxy mode the proxy's headers say them (the last value of each: the one
the proxy added after whatever the client sent).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from tenantry.cli import app as cli_app
from tenantry.instance import Instance
from tenantry.security import auth
from tenantry.web import ServerConfig
from tests.clients.test_serve_process import Start, start  # noqa: F401  (the fixture)
from tests.web.conftest import LiveServer, Serve
from tests.web.wire import Refused, call

LOGIN = PASSWORD = "demo"


def _login(url: str, db: str, password: str, forwarded_for: str | None = None) -> Any:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else None
    return call(url, "xmlrpc", "common", "login", [db, LOGIN, password], headers=headers)


def _lock_out(url: str, db: str, forwarded_for: Callable[[int], str]) -> None:
    for attempt in range(auth.MAX_FAILURES):
        assert _login(url, db, "wrong", forwarded_for(attempt)) is False


def _cookie_after_login(url: str, db: str, headers: dict[str, str]) -> str:
    response = httpx.post(
        url + "/web/session/authenticate",
        json={"jsonrpc": "2.0", "method": "call", "params": {"db": db, "login": LOGIN, "password": PASSWORD}},
        headers=headers,
    )
    assert "result" in response.json(), response.json()
    return response.headers["set-cookie"].lower()


# -- the application ------------------------------------------------------------------------


def test_without_proxy_mode_a_forged_forwarded_for_does_not_escape_the_lockout(
    server: LiveServer, template: str
) -> None:
    _lock_out(server.url, template, lambda n: f"198.51.100.{n}")
    assert _login(server.url, template, PASSWORD, "198.51.100.99") is False
    assert _login(server.url, template, PASSWORD) is False


def test_without_proxy_mode_forwarded_host_and_proto_are_ignored(
    serve: Serve, instance: Instance, template: str
) -> None:
    url = serve(instance, ServerConfig(db_filter=r"^%h$")).url  # the Host header is 127.0.0.1:port
    with pytest.raises(Refused) as refused:
        call(
            url,
            "xmlrpc",
            "common",
            "login",
            [template, LOGIN, PASSWORD],
            headers={"X-Forwarded-Host": template},
        )
    assert refused.value.kind == "AccessDenied"
    cookie = _cookie_after_login(
        serve(instance, ServerConfig()).url, template, {"X-Forwarded-Proto": "https"}
    )
    assert "secure" not in cookie


def test_in_proxy_mode_the_proxy_names_the_client(serve: Serve, instance: Instance, template: str) -> None:
    url = serve(instance, ServerConfig(proxy_mode=True)).url
    _lock_out(url, template, lambda n: "203.0.113.7")
    assert _login(url, template, PASSWORD, "203.0.113.7") is False
    assert isinstance(_login(url, template, PASSWORD, "203.0.113.8"), int)  # another client
    # What the client sent comes first; the proxy appends the address it saw.
    assert _login(url, template, PASSWORD, "203.0.113.8, 203.0.113.7") is False
    assert isinstance(_login(url, template, PASSWORD, "203.0.113.7, 203.0.113.8"), int)


def test_in_proxy_mode_forwarded_host_and_proto_are_the_requests(
    serve: Serve, instance: Instance, template: str
) -> None:
    url = serve(instance, ServerConfig(db_filter=r"^%h$", proxy_mode=True)).url
    params = [template, LOGIN, PASSWORD]
    assert isinstance(
        call(url, "xmlrpc", "common", "login", params, headers={"X-Forwarded-Host": template}), int
    )
    with pytest.raises(Refused):  # the host the proxy names, not one the client added before it
        call(
            url,
            "xmlrpc",
            "common",
            "login",
            params,
            headers={"X-Forwarded-Host": f"{template}, other.example"},
        )
    headers = {"X-Forwarded-Host": template, "X-Forwarded-Proto": "https"}
    assert "secure" in _cookie_after_login(url, template, headers)


# -- the command line -----------------------------------------------------------------------


class _Captured:
    """The uvicorn settings ``tenantry serve`` would run, with one worker or pre-forked ones."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.uvicorn: uvicorn.Config | None = None
        captured = self

        class Server:  # one worker: uvicorn.Server(config).run(sockets=[sock])
            def __init__(self, config: uvicorn.Config) -> None:
                captured.uvicorn = config

            def run(self, sockets: list[socket.socket]) -> None:
                for sock in sockets:
                    sock.close()

        class Supervisor:  # pre-forked: Supervisor(config, sock, workers).run()
            def __init__(self, config: uvicorn.Config, sock: socket.socket, workers: int) -> None:
                captured.uvicorn = config
                sock.close()

            def run(self) -> int:
                return 0

        monkeypatch.setattr(uvicorn, "Server", Server)
        monkeypatch.setattr("tenantry.cli._prefork.Supervisor", Supervisor)

    @property
    def app_config(self) -> ServerConfig:
        assert self.uvicorn is not None
        app: Any = self.uvicorn.app
        if self.uvicorn.factory:
            app = app()
        config: ServerConfig = app.state.server.config
        return config


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize(
    ("flag", "env", "proxy_mode"),
    [
        ([], {}, False),
        (["--proxy-mode"], {}, True),
        ([], {"TENANTRY_PROXY_MODE": "1"}, True),
        ([], {"TENANTRY_PROXY_MODE": "0"}, False),
    ],
)
def test_serve_passes_proxy_mode_to_the_app_and_keeps_uvicorns_proxy_headers_off(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    workers: str,
    flag: list[str],
    env: dict[str, str],
    proxy_mode: bool,
) -> None:
    monkeypatch.delenv("TENANTRY_PROXY_MODE", raising=False)
    captured = _Captured(monkeypatch)
    argv = ["serve", "--db-url", f"sqlite:///{tmp_path}", "--http-port", "0", "--workers", workers, *flag]
    result = CliRunner().invoke(cli_app, argv, env=env)
    assert result.exit_code == 0, result.output
    assert captured.uvicorn is not None and captured.uvicorn.proxy_headers is False
    assert captured.app_config.proxy_mode is proxy_mode


# -- a real server ------------------------------------------------------------------------------


def test_a_served_instance_ignores_forwarded_for_without_proxy_mode(
    start: Start,  # noqa: F811  (the imported fixture)
    template: str,
) -> None:
    url = start().url
    _lock_out(url, template, lambda n: f"198.51.100.{n}")
    assert _login(url, template, PASSWORD, "198.51.100.99") is False


def test_a_served_instance_with_proxy_mode_takes_the_client_from_the_proxy(
    start: Start,  # noqa: F811  (the imported fixture)
    template: str,
) -> None:
    url = start("--proxy-mode").url
    _lock_out(url, template, lambda n: "203.0.113.7")
    assert isinstance(_login(url, template, PASSWORD, "203.0.113.8"), int)


def test_pre_forked_workers_ignore_forwarded_proto_without_proxy_mode(
    start: Start,  # noqa: F811  (the imported fixture)
    template: str,
) -> None:
    url = start("--workers", "2").url
    for _ in range(4):  # new connections: both workers answer some
        assert "secure" not in _cookie_after_login(url, template, {"X-Forwarded-Proto": "https"})
