"""``tenantry serve`` as a real subprocess: start, answer, SIGTERM, exit cleanly (1 and 2 workers)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tenantry.instance import Instance
from tests.helpers import FIXTURE_ADDONS, free_port

TENANTRY = Path(sys.executable).with_name("tenantry")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0

RecordProperty = Callable[[str, object], None]



@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    started_in: float

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True


def _wait_healthy(served: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            pytest.fail(f"tenantry serve exited with {served.process.returncode}:\n{served.output()}")
        try:
            with urllib.request.urlopen(served.url + "/web/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"tenantry serve did not answer /web/health in {START_TIMEOUT}s:\n{served.output()}")


Start = Callable[..., Served]


@pytest.fixture
def start(instance: Instance, template: str, tmp_path: Path) -> Iterator[Start]:
    """``start(*extra_args)`` runs ``tenantry serve`` on ``instance`` in its own process group."""
    started: list[Served] = []
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANTRY_")}

    def run(*extra: str) -> Served:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        argv = [
            str(TENANTRY),
            "serve",
            "--db-url", instance.url,
            "--addons-path", str(FIXTURE_ADDONS),
            "--http-port", str(port),
            "--master-password", "x",
            *extra,
        ]  # fmt: skip
        begin = time.monotonic()
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, env=environ, start_new_session=True
            )
        served = Served(process, f"http://127.0.0.1:{port}", log, 0.0)
        started.append(served)
        _wait_healthy(served)
        served.started_in = time.monotonic() - begin
        return served

    yield run
    for served in started:  # whatever a failed test left running
        if served.group_alive():
            os.killpg(served.process.pid, signal.SIGKILL)
        if served.process.poll() is None:
            served.process.wait(timeout=STOP_TIMEOUT)


def _version(url: str) -> dict[str, object]:
    with xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common") as common:
        result = common.version()
    assert isinstance(result, dict)
    return result


def _terminate(served: Served) -> float:
    begin = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    try:
        code = served.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"tenantry serve ignored SIGTERM for {STOP_TIMEOUT}s:\n{served.output()}")
    elapsed = time.monotonic() - begin
    # uvicorn shuts down gracefully, then re-raises the signal it caught (exit status -15)
    assert code in (0, -signal.SIGTERM), served.output()
    assert "Application shutdown complete" in served.output() or "Stopping parent process" in served.output()
    deadline = time.monotonic() + STOP_TIMEOUT
    while served.group_alive() and time.monotonic() < deadline:  # workers follow their parent
        time.sleep(0.05)
    assert not served.group_alive(), "a worker outlived the SIGTERM"
    return elapsed


def _report(record_property: RecordProperty, what: str, seconds: float) -> None:
    record_property(what, f"{seconds:.2f}s")
    print(f"{what}: {seconds:.2f}s")  # information only (pytest -rP / -s shows it)


def test_serve_answers_and_stops_gracefully_on_sigterm(start: Start, record_property: RecordProperty) -> None:
    served = start()
    _report(record_property, "start to first response", served.started_in)
    version = _version(served.url)
    assert version["server_version"] == "17.0" and version["protocol_version"] == 1
    _report(record_property, "SIGTERM to exit", _terminate(served))
    assert "Finished server process" in served.output()


def test_serve_with_two_workers_answers_and_sigterm_stops_the_group(
    start: Start, record_property: RecordProperty, template: str
) -> None:
    served = start("--workers", "2")
    _report(record_property, "start to first response (2 workers)", served.started_in)
    deadline = time.monotonic() + START_TIMEOUT
    while served.output().count("Application startup complete") < 2:  # both workers listening
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.05)
    workers = set(re.findall(r"Started server process \[(\d+)\]", served.output()))
    assert len(workers) == 2 and str(served.process.pid) not in workers

    def login(_: int) -> object:  # one connection per call, so that both workers get some
        with xmlrpc.client.ServerProxy(served.url + "/xmlrpc/2/common") as common:
            return common.login(template, "admin", "admin")

    with ThreadPoolExecutor(max_workers=8) as pool:
        uids = list(pool.map(login, range(20)))
    assert len(uids) == 20 and len(set(uids)) == 1 and isinstance(uids[0], int) and uids[0] > 0
    _report(record_property, "SIGTERM to exit (2 workers)", _terminate(served))
