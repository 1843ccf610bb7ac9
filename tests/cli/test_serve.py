"""``tenantry serve --workers N``: forked workers, replaced when they die, stopped together."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tenantry.cli.serve import _tcp_socket
from tests.helpers import free_port

TIMEOUT = 30.0

Served = tuple[subprocess.Popen[bytes], str, Path]



def _wait(condition: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text(errors='replace')}")
        time.sleep(0.02)


def _workers(log: Path) -> list[int]:
    """The pids of the workers that started, in order."""
    return [int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", log.read_text())]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/web/health", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead too
        return stat.read().split()[2] != "Z"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``tenantry serve --workers 2`` on SQLite, once both workers have started."""
    port, log = free_port(), tmp_path / "serve.log"
    argv = [sys.executable, "-m", "tenantry", "serve", "--workers", "2", "--http-port", str(port)]
    argv += ["--db-url", f"sqlite:///{tmp_path / 'data'}"]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env=environ, start_new_session=True
        )
    try:
        _wait(lambda: log.read_text().count("Application startup complete") == 2, "two workers", log)
        yield process, f"http://127.0.0.1:{port}", log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(TIMEOUT)


def test_workers_are_forked_children_of_the_serving_process(served: Served) -> None:
    process, url, log = served
    workers = _workers(log)
    assert len(workers) == 2 and process.pid not in workers
    for pid in workers:
        with open(f"/proc/{pid}/stat") as stat:
            assert int(stat.read().split()[3]) == process.pid  # the parent pid
    assert _healthy(url)


def test_a_worker_that_dies_is_replaced(served: Served) -> None:
    _, url, log = served
    first, second = _workers(log)
    os.kill(first, signal.SIGKILL)
    _wait(lambda: len(_workers(log)) == 3, "a replacement worker", log)
    assert f"Worker [{first}] died" in log.read_text()
    _wait(lambda: log.read_text().count("Application startup complete") == 3, "it to start", log)
    assert _alive(second) and _alive(_workers(log)[2])
    assert _healthy(url)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_parent_stops_every_worker_gracefully(served: Served, sig: signal.Signals) -> None:
    process, _, log = served
    workers = _workers(log)
    process.send_signal(sig)
    assert process.wait(TIMEOUT) == 0, log.read_text()
    output = log.read_text()
    for pid in workers:
        assert f"Finished server process [{pid}]" in output
        assert not _alive(pid)
    assert output.count("Application shutdown complete") == 2
    assert "Stopping parent process" in output
    assert "died" not in output  # stopping workers are not replaced


def test_workers_stop_when_their_parent_is_killed(served: Served) -> None:
    process, _, log = served
    workers = _workers(log)
    process.kill()  # SIGKILL: the parent forwards nothing
    process.wait(TIMEOUT)
    _wait(lambda: not any(_alive(pid) for pid in workers), "the orphaned workers to stop", log)


_SUPERVISE = """
import os, socket, sys, uvicorn
from tenantry.cli._prefork import Supervisor

def make_app():
    with open(sys.argv[1], "a") as built:
        built.write(f"{os.getpid()}\\n")
    raise RuntimeError("no app today")

print(os.getpid(), flush=True)
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen()
config = uvicorn.Config(make_app, factory=True, log_level="info", lifespan="on")
sys.exit(Supervisor(config, sock, workers=2).run())
"""


def test_a_worker_that_cannot_start_stops_the_server_instead_of_looping(tmp_path: Path) -> None:
    built = tmp_path / "built"
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_SUPERVISE), str(built)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "could not start: stopping the server" in done.stderr
    parent = int(done.stdout)
    pids = [int(line) for line in built.read_text().split()]
    # Each worker builds its own app after the fork (never the parent), and none is restarted.
    assert 1 <= len(pids) <= 2 and parent not in pids


def test_the_shared_socket_says_tcp_so_that_accepted_connections_get_nodelay() -> None:
    sock = _tcp_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        with socket.create_connection(sock.getsockname()):
            accepted, _ = sock.accept()
            with accepted:
                assert accepted.proto == socket.IPPROTO_TCP  # what asyncio checks before TCP_NODELAY
    finally:
        sock.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_calls_that_race_the_warm_up_all_succeed(tmp_path: Path, workers: str) -> None:
    """Database calls sent the moment the server listens meet the workers' warm-up
    (which imports the database stack): every one must get its answer."""
    import concurrent.futures
    import xmlrpc.client

    from tenantry.instance import Instance

    data = tmp_path / "data"
    with Instance(f"sqlite:///{data}") as inst:
        inst.create_database("race", admin_password="admin")
    port, log = free_port(), tmp_path / "serve.log"
    argv = [sys.executable, "-m", "tenantry", "serve", "--workers", workers, "--http-port", str(port)]
    argv += ["--db-url", f"sqlite:///{data}"]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}
    url = f"http://127.0.0.1:{port}"

    def count(_: int) -> int:
        with xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object") as models:
            return int(models.execute_kw("race", 2, "admin", "res.users", "search_count", [[]]))

    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env=environ, start_new_session=True
        )
    try:
        _wait(lambda: _healthy(url), "the server", log)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            counts = list(pool.map(count, range(16)))
        assert len(set(counts)) == 1 and counts[0] >= 1, log.read_text(errors="replace")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(TIMEOUT)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_busy_port_is_a_one_line_error_and_exit_1(tmp_path: Path, workers: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = [sys.executable, "-m", "tenantry", "serve", "--workers", workers, "--http-port", str(port)]
        argv += ["--db-url", f"sqlite:///{tmp_path / 'data'}"]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}
        done = subprocess.run(argv, capture_output=True, text=True, env=environ, timeout=TIMEOUT, check=False)
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: Cannot listen on 127.0.0.1:{port}: Address already in use"], done.stderr
    assert "Traceback" not in done.stderr and "ERROR:" not in done.stderr
