"""Pre-fork workers for ``tenantry serve --workers N``, supervised as gunicorn does it.

::

    supervisor = Supervisor(uvicorn.Config(make_app, factory=True), sock, workers=4)
    status = supervisor.run()  # until SIGTERM or SIGINT

The parent has imported the application's code and bound ``sock``; it forks the
workers, each running a ``uvicorn.Server`` on that shared socket. Forked workers
start in milliseconds because they inherit the imported modules (spawned ones
would import everything again). Each worker calls ``make_app`` after the fork, so
no database connection or engine is shared between processes.

The parent supervises: a worker that dies is replaced; SIGTERM or SIGINT is
forwarded (as SIGTERM: a graceful shutdown) to every worker, a repeated signal as
SIGINT (uvicorn's "force quit"), and the parent returns once every worker is
reaped. A worker that cannot start stops the whole server (status 1) rather
than being restarted in a loop; a worker whose parent vanished stops itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from types import FrameType
from typing import NoReturn

import uvicorn

__all__ = ["STARTUP_FAILED", "Supervisor"]

STARTUP_FAILED = 3
"""A worker's exit status when it never started serving (uvicorn's own ``STARTUP_FAILURE``)."""

_SIGNALS = (signal.SIGTERM, signal.SIGINT)

logger = logging.getLogger("uvicorn.error")


class Supervisor:
    """The parent of ``workers`` forked uvicorn servers sharing ``sock``."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket, workers: int) -> None:
        self.config = config
        self.sock = sock
        self.workers = workers
        self.children: set[int] = set()
        self.stopping = False
        self.status = 0
        self._pid = os.getpid()

    def run(self) -> int:
        """Serve until SIGTERM or SIGINT, then stop the workers; the exit status."""
        logger.info("Started parent process [%d]", self._pid)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in _SIGNALS}
        try:
            for _ in range(self.workers):
                self._fork()
            self._reap()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.sock.close()
        logger.info("Stopping parent process [%d]", self._pid)
        return self.status

    def _fork(self) -> None:
        if self.stopping:
            return
        pid = os.fork()
        if pid == 0:
            _serve(self.config, self.sock, self._pid)
        self.children.add(pid)
        if self.stopping:  # the signal came between the fork and the line above
            os.kill(pid, signal.SIGTERM)

    def _reap(self) -> None:
        """Wait for workers to end: replace those that die, until stopping and none is left."""
        while self.children:
            pid, status = os.wait()  # retried on EINTR: the signal handler does the stopping
            if pid not in self.children:
                continue
            self.children.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            if self.stopping:
                continue
            if code == STARTUP_FAILED:
                logger.error("Worker [%d] could not start: stopping the server", pid)
                self.status = 1
                self._stop(signal.SIGTERM)
                continue
            logger.warning("Worker [%d] died (status %d): starting another", pid, code)
            self._fork()

    def _on_signal(self, sig: int, frame: FrameType | None) -> None:
        if os.getpid() != self._pid:  # a worker, before it installed its own handlers
            return
        self._stop(signal.SIGINT if self.stopping else signal.SIGTERM)

    def _stop(self, sig: signal.Signals) -> None:
        self.stopping = True
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)


class _Worker(uvicorn.Server):
    """A uvicorn server that also stops when its parent is gone (killed with SIGKILL)."""

    def __init__(self, config: uvicorn.Config, parent: int) -> None:
        super().__init__(config)
        self.parent = parent

    async def on_tick(self, counter: int) -> bool:
        if os.getppid() != self.parent:
            self.should_exit = True
        return await super().on_tick(counter)


def _serve(config: uvicorn.Config, sock: socket.socket, parent: int) -> NoReturn:
    """A worker's whole life: serve on ``sock``, then leave without running the parent's cleanup."""
    code = 1
    server = _Worker(config, parent)
    try:
        for sig in _SIGNALS:  # until uvicorn installs its own: a signal now simply ends the worker
            signal.signal(sig, signal.SIG_DFL)
        server.run(sockets=[sock])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        logger.exception("Worker [%d] failed", os.getpid())
    finally:
        if not server.started:
            code = STARTUP_FAILED
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
