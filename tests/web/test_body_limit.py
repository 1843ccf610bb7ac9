"""Request bodies above ``--limit-request-body`` get HTTP 413, declared or chunked, over real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tenantry.cli.serve import DEFAULT_LIMIT_REQUEST_BODY as CLI_DEFAULT
from tenantry.instance import Instance
from tenantry.web import ServerConfig
from tenantry.web.factory import config_from_env
from tenantry.web.limits import DEFAULT_LIMIT_REQUEST_BODY
from tests.web.conftest import LiveServer, start_server

LIMIT = 4096
VERSION_JSON = json.dumps({"params": {"service": "common", "method": "version", "args": []}}).encode()
VERSION_XML = (
    b"<?xml version='1.0'?><methodCall><methodName>version</methodName><params></params></methodCall>"
)
# (path, content type, a small valid body: trailing spaces keep it valid)
ROUTES = [
    pytest.param("/jsonrpc", "application/json", VERSION_JSON, id="jsonrpc"),
    pytest.param("/xmlrpc/2/common", "text/xml", VERSION_XML, id="xmlrpc"),
    pytest.param("/web/session/authenticate", "application/json", b'{"params": {}}', id="web-json"),
    pytest.param("/web/login", "application/x-www-form-urlencoded", b"login=a&password=b", id="form"),
]


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with a small limit, over an empty storage: the limit comes before any database."""
    instance = Instance(f"sqlite:///{tmp_path_factory.mktemp('limited') / 'data'}")
    live = start_server(instance, ServerConfig(limit_request_body=LIMIT))
    yield live
    live.stop()
    instance.close()


def _padded(body: bytes, size: int) -> bytes:
    """``body`` grown to ``size`` bytes with trailing whitespace (still the same document)."""
    return body + b" " * (size - len(body))


def _exchange(url: str, head: bytes, chunks: Iterable[bytes] = ()) -> tuple[int, bytes]:
    """Send ``head`` then ``chunks`` on a fresh connection; the status and body of the reply.

    Sending stops quietly when the server has closed the connection (it answers 413
    without reading the rest).
    """
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head)
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        reply = b""
        while b"\r\n\r\n" not in reply or len(reply) < _expected_length(reply):
            data = sock.recv(65536)
            if not data:
                break
            reply += data
    header, _, body = reply.partition(b"\r\n\r\n")
    status = int(header.split(b" ", 2)[1])
    return status, body


def _expected_length(reply: bytes) -> int:
    header, _, _ = reply.partition(b"\r\n\r\n")
    for line in header.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(header) + 4 + int(value.strip())
    return sys.maxsize


def _head(path: str, content_type: str, **headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _chunked(body: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


@pytest.mark.parametrize(("path", "content_type", "body"), ROUTES)
def test_a_declared_length_over_the_limit_is_413_before_the_body_is_sent(
    limited: LiveServer, path: str, content_type: str, body: bytes
) -> None:
    # Only the headers go out: the answer cannot depend on reading the body.
    status, text = _exchange(limited.url, _head(path, content_type, Content_Length=str(LIMIT + 1)))
    assert status == 413
    assert str(LIMIT).encode() in text


@pytest.mark.parametrize(("path", "content_type", "body"), ROUTES)
def test_a_chunked_body_growing_past_the_limit_is_cut_off_with_413(
    limited: LiveServer, path: str, content_type: str, body: bytes
) -> None:
    head = _head(path, content_type, Transfer_Encoding="chunked")
    status, _ = _exchange(limited.url, head, _chunked(_padded(body, LIMIT + 1)))
    assert status == 413
    # Far more than the limit: still cut off, and the server did not wait for the end.
    started = time.monotonic()
    status, _ = _exchange(limited.url, head, _chunked(_padded(body, 50 * LIMIT), size=LIMIT // 2))
    assert status == 413
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    ("path", "content_type", "body"), [p for p in ROUTES if p.id in ("jsonrpc", "xmlrpc")]
)
def test_a_body_at_the_limit_is_served(
    limited: LiveServer, path: str, content_type: str, body: bytes, chunked: bool
) -> None:
    full = _padded(body, LIMIT)
    if chunked:
        status, reply = _exchange(
            limited.url, _head(path, content_type, Transfer_Encoding="chunked"), _chunked(full)
        )
    else:
        status, reply = _exchange(limited.url, _head(path, content_type, Content_Length=str(LIMIT)), [full])
    assert status == 200
    assert b"17.0" in reply


def test_the_default_limit_is_odoos_128_mib_and_the_cli_spells_it_out() -> None:
    assert DEFAULT_LIMIT_REQUEST_BODY == 128 * 1024 * 1024
    assert ServerConfig().limit_request_body == DEFAULT_LIMIT_REQUEST_BODY
    assert CLI_DEFAULT == DEFAULT_LIMIT_REQUEST_BODY


def test_serve_reads_the_limit_from_the_environment(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}
    environ["TENANTRY_LIMIT_REQUEST_BODY"] = str(len(VERSION_JSON))
    tenantry = Path(sys.executable).with_name("tenantry")
    command = [str(tenantry), "serve", "--db-url", f"sqlite:///{tmp_path / 'data'}", "--http-port", str(port)]
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(command, env=environ, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/web/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "serve.log"
                ).read_text()
                time.sleep(0.05)
        head = _head("/jsonrpc", "application/json", Content_Length=str(len(VERSION_JSON)))
        assert _exchange(url, head, [VERSION_JSON])[0] == 200
        bigger = _head("/jsonrpc", "application/json", Content_Length=str(len(VERSION_JSON) + 1))
        assert _exchange(url, bigger, [VERSION_JSON + b" "])[0] == 413
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def test_the_app_factory_reads_the_limit_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENANTRY_LIMIT_REQUEST_BODY", "1234")
    assert config_from_env().limit_request_body == 1234
    monkeypatch.delenv("TENANTRY_LIMIT_REQUEST_BODY")
    assert config_from_env().limit_request_body == DEFAULT_LIMIT_REQUEST_BODY
