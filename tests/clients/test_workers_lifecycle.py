"""``tenantry serve --workers 2``: database lifecycle and concurrent writers across processes.

The findings, reproduced with real processes: on SQLite, after ``db.drop`` the other
worker still read the deleted file, and after re-creating the database half of the
new writes went into the deleted file and were lost; on PostgreSQL, ``duplicate_database``
and ``drop`` failed with "other sessions are connected to it" when the other worker held
connections; concurrent writers failed with ``database is locked``.

Each worker's requests are sent over a keep-alive connection that the test has seen
that worker accept (``/proc``: the socket's owner), so every step runs on the worker
the scenario says, not wherever the kernel hands the connection.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url

from tenantry.instance import Instance
from tests.helpers import free_port

TIMEOUT = 60.0
MASTER = "x"
DB = "acme"



@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    workers: list[int]


@pytest.fixture
def serve(db_url: str, tmp_path: Path) -> Iterator[Callable[[], Served]]:
    """``serve()`` starts ``tenantry serve --workers 2`` on ``db_url`` and waits for both workers."""
    started: list[Served] = []

    def start() -> Served:
        port, log = free_port(), tmp_path / "serve.log"
        argv = [sys.executable, "-m", "tenantry", "serve", "--workers", "2", "--http-port", str(port)]
        argv += ["--db-url", db_url, "--master-password", MASTER]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, env=environ, start_new_session=True
            )
        served = Served(process, port, log, [])
        started.append(served)
        deadline = time.monotonic() + TIMEOUT
        while log.read_text().count("Application startup complete") < 2:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        found = re.findall(r"Started server process \[(\d+)\]", log.read_text())
        served.workers = [int(pid) for pid in found]
        assert len(served.workers) == 2
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            os.killpg(served.process.pid, signal.SIGTERM)
            served.process.wait(TIMEOUT)


class Worker:
    """XML-RPC calls over one keep-alive connection that worker ``pid`` accepted."""

    def __init__(self, served: Served, pid: int) -> None:
        self.served, self.pid = served, pid
        self._conn: http.client.HTTPConnection | None = None

    def __call__(self, service: str, method: str, *params: Any) -> Any:
        if self._conn is None or self._conn.sock is None or _owner(self.served, self._conn) != self.pid:
            self.close()
            self._conn = self._connect()
        body = xmlrpc.client.dumps(params, method, allow_none=False).encode()
        self._conn.request("POST", f"/xmlrpc/2/{service}", body, {"Content-Type": "text/xml"})
        response = self._conn.getresponse()
        assert response.status == 200
        (result,), _ = xmlrpc.client.loads(response.read())
        return result

    def execute(self, model: str, method: str, *args: Any) -> Any:
        return self("object", "execute_kw", DB, 2, "admin", model, method, list(args))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connect(self) -> http.client.HTTPConnection:
        """A connection served by this worker: others are closed until one lands there."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.served.port, timeout=TIMEOUT)
            conn.request("GET", "/web/health")
            conn.getresponse().read()
            if _owner(self.served, conn) == self.pid:
                return conn
            conn.close()
        pytest.fail(f"no connection reached worker {self.pid}")


def _owner(served: Served, conn: http.client.HTTPConnection) -> int | None:
    """The worker holding the server side of ``conn`` (None once the server closed it)."""
    assert conn.sock is not None
    client_port = conn.sock.getsockname()[1]
    wanted = f":{served.port:04X} 0100007F:{client_port:04X} 01 "  # ESTABLISHED
    inode = next(
        (line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines() if wanted in line), None
    )
    if inode is None:
        return None
    for pid in served.workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except FileNotFoundError:
                continue
    return None


@pytest.fixture
def two(db_url: str, serve: Callable[[], Served]) -> Iterator[tuple[Worker, Worker]]:
    """Both workers of a server on ``db_url``, which has database ``acme`` (base only)."""
    with Instance(db_url) as inst:
        inst.create_database(DB, admin_password="admin")
    served = serve()
    workers = Worker(served, served.workers[0]), Worker(served, served.workers[1])
    yield workers
    for worker in workers:
        worker.close()


def _names(worker: Worker) -> list[str]:
    found = worker.execute("res.partner", "search_read", [("name", "=like", "w-%")], ["name"])
    return sorted(row["name"] for row in found)


def test_drop_and_re_creation_are_seen_by_every_worker_and_lose_no_write(
    two: tuple[Worker, Worker],
) -> None:
    dropper, other = two
    for worker in two:  # both hold pooled connections on the database
        assert worker.execute("res.partner", "search_count", []) >= 1
    assert dropper("db", "drop", MASTER, DB) is True
    for worker in two:
        with pytest.raises(xmlrpc.client.Fault, match=f'database "{DB}" does not exist'):
            worker.execute("res.partner", "search_count", [])
    assert dropper("db", "create_database", MASTER, DB, False, "en_US", "admin") is True
    written = []
    for n in range(10):
        worker = two[n % 2]
        worker.execute("res.partner", "create", {"name": f"w-{n}"})
        written.append(f"w-{n}")
    assert _names(dropper) == sorted(written)
    assert _names(other) == sorted(written)


def _sessions(db_url: str, db: str) -> set[str]:
    """``application_name`` of the sessions on ``db``: ``tenantry[<worker pid>]``."""
    url = make_url(db_url)
    conninfo = f"host={url.host} port={url.port} user={url.username} dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        rows = conn.execute("SELECT application_name FROM pg_stat_activity WHERE datname = %s", [db])
        return {str(name) for (name,) in rows}


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_duplicate_and_drop_succeed_while_the_other_worker_holds_connections(
    db_url: str, two: tuple[Worker, Worker]
) -> None:
    actor, other = two
    for worker in two:
        worker.execute("res.partner", "create", {"name": "w-template"})
    assert {f"tenantry[{worker.pid}]" for worker in two} <= _sessions(db_url, DB)
    assert actor("db", "duplicate_database", MASTER, DB, "acme-copy") is True
    for worker in two:  # their next request on the source succeeds
        assert _names(worker) == ["w-template", "w-template"]
    other("object", "execute_kw", "acme-copy", 2, "admin", "res.partner", "search_count", [[]])
    assert f"tenantry[{other.pid}]" in _sessions(db_url, "acme-copy")
    assert actor("db", "drop", MASTER, "acme-copy") is True
    with pytest.raises(xmlrpc.client.Fault, match='database "acme-copy" does not exist'):
        other("object", "execute_kw", "acme-copy", 2, "admin", "res.partner", "search_count", [[]])
    assert actor("db", "drop", MASTER, DB) is True
    assert not {DB, "acme-copy"} & set(other("db", "list"))


@pytest.mark.parametrize("operation", ["write-one-record", "create"])
def test_eight_concurrent_clients_across_two_workers_all_write(
    two: tuple[Worker, Worker], operation: str
) -> None:
    pid = two[0].execute("res.partner", "create", {"name": "contended"})
    clients = [Worker(two[0].served, two[i % 2].pid) for i in range(8)]  # 4 per worker
    for client in clients:
        client.execute("res.partner", "search_count", [])  # connected, credentials cached
    barrier = threading.Barrier(len(clients))
    failures: list[str] = []

    def write(i: int) -> None:
        barrier.wait()
        try:
            if operation == "create":
                clients[i].execute("res.partner", "create", {"name": f"w-{i}"})
            else:
                clients[i].execute("res.partner", "write", [pid], {"name": f"w-{i}"})
        except Exception as exc:
            failures.append(repr(exc))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    for client in clients:
        client.close()
    assert failures == []
    if operation == "create":
        assert _names(two[1]) == sorted(f"w-{i}" for i in range(len(clients)))
    else:
        assert _names(two[1]) in [[f"w-{i}"] for i in range(len(clients))]
