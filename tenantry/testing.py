"""Throwaway PostgreSQL clusters for tests, shipped so addon authors test the way tenantry does.

::

    from tenantry.db import Storage
    from tenantry.testing import PostgresCluster

    with PostgresCluster() as cluster:          # initdb + start; stop + delete on exit
        storage = Storage(cluster.url)
        storage.create("acme")

Many test modules should share one cluster per process: :func:`shared_cluster`
starts it on first use. Either way the cluster is stopped and its directory
removed at interpreter exit (``atexit``) if nobody stopped it before.

PostgreSQL refuses to run as root. When this process is root, the cluster is
initialised and run as the ``postgres`` system user (through ``runuser``) inside
a temporary directory handed over to that user; otherwise it runs as the current
user. It listens on a free loopback port and on a unix socket inside its own
directory, so it never touches another cluster on the machine.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tenantry.db.pgtools import find_pg_binary
from tenantry.orm.environment import SUPERUSER_ID, Environment, Transaction

if TYPE_CHECKING:
    from tenantry.instance import Instance

__all__ = ["PostgresCluster", "rollback_env", "shared_cluster"]

# Durability is worthless for a throwaway cluster; speed is not.
_TEST_SETTINGS: Mapping[str, str] = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
}
_START_ATTEMPTS = 5  # a free port can be taken between probing it and binding it
_TIMEOUT_SECONDS = 120


class PostgresCluster:
    """One private PostgreSQL server in a temporary directory."""

    def __init__(
        self,
        *,
        system_user: str = "postgres",
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self._system_user = system_user
        self._settings = {**_TEST_SETTINGS, **(settings or {})}
        self._directory: Path | None = None
        self._port: int | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._port is not None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the PostgreSQL cluster is not running")
        return self._port

    @property
    def directory(self) -> Path:
        """The temporary directory holding the data directory, socket and log."""
        if self._directory is None:
            raise RuntimeError("the PostgreSQL cluster is not running")
        return self._directory

    @property
    def url(self) -> str:
        """A tenantry storage URL for this cluster (superuser ``postgres``, trust auth)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/"

    @property
    def log_path(self) -> Path:
        return self.directory / "postgres.log"

    @property
    def _data(self) -> Path:
        return self.directory / "data"

    def start(self) -> PostgresCluster:
        """Create and start the cluster; a no-op when it already runs."""
        with self._lock:
            if self._port is not None:
                return self
            self._directory = Path(tempfile.mkdtemp(prefix="tenantry-pg-"))
            atexit.register(self.stop)
            try:
                self._hand_over(self._directory)
                self._initdb()
                self._port = self._start_on_free_port()
            except BaseException:
                self._remove_directory()
                raise
            return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its directory; idempotent."""
        with self._lock:
            atexit.unregister(self.stop)
            if self._port is not None:
                self._port = None
                pg_ctl = find_pg_binary("pg_ctl")
                stopped = self._run([pg_ctl, "-D", str(self._data), "-m", "fast", "-w", "stop"])
                if stopped.returncode != 0:
                    self._run([pg_ctl, "-D", str(self._data), "-m", "immediate", "-w", "stop"])
            self._remove_directory()

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals -------------------------------------------------------------

    def _as_owner(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run as the system user when we are root (PostgreSQL refuses root)."""
        if os.geteuid() != 0:
            return list(argv)
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        return [runuser, "-u", self._system_user, "--", *argv]

    def _run(self, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
        # cwd: the owner may not be allowed into the caller's working directory.
        return subprocess.run(
            self._as_owner(argv),
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )

    def _hand_over(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, user=self._system_user, group=None)

    def _initdb(self) -> None:
        initdb = find_pg_binary("initdb")
        argv = [initdb, "-D", str(self._data), "-A", "trust", "-U", "postgres"]
        argv += ["-E", "UTF8", "--locale=C", "--no-sync"]
        done = self._run(argv)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")
        lines = [f"{key} = {_conf_value(value)}" for key, value in self._settings.items()]
        lines.append(f"unix_socket_directories = {_conf_value(str(self.directory))}")
        with (self._data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# tenantry.testing\n" + "\n".join(lines) + "\n")

    def _start_on_free_port(self) -> int:
        pg_ctl = find_pg_binary("pg_ctl")
        for _ in range(_START_ATTEMPTS):
            port = _free_port()
            log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
            argv = [pg_ctl, "-D", str(self._data), "-l", str(self.log_path)]
            argv += ["-o", f"-p {port}", "-w", "-t", str(_TIMEOUT_SECONDS), "start"]
            done = self._run(argv)
            if done.returncode == 0:
                return port
            log = self._log_since(log_start)
            if "already in use" not in log:
                self._run([pg_ctl, "-D", str(self._data), "-m", "immediate", "-w", "stop"])
                message = f"PostgreSQL failed to start:\n{done.stdout}{done.stderr}\n{log}"
                print(message, file=sys.stderr)
                raise RuntimeError(message)
        raise RuntimeError(f"PostgreSQL found no free port in {_START_ATTEMPTS} attempts")

    def _log_since(self, offset: int, lines: int = 40) -> str:
        """The last ``lines`` lines the server logged after byte ``offset``."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                text = log.read().decode("utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def _remove_directory(self) -> None:
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None


def _conf_value(value: str) -> str:
    """A ``postgresql.conf`` string literal."""
    return "'" + value.replace("'", "''") + "'"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


_shared: PostgresCluster | None = None
_shared_lock = threading.Lock()


def shared_cluster() -> PostgresCluster:
    """The process-wide cluster, started on first use (and again after a ``stop()``)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = PostgresCluster()
        return _shared.start()


@contextmanager
def rollback_env(
    inst: Instance, db: str, uid: int = SUPERUSER_ID, context: Mapping[str, Any] | None = None
) -> Iterator[Environment]:
    """Like :meth:`Instance.env`, but always rolled back: a test leaves no trace.

    ::

        with rollback_env(inst, "acme", uid=2) as env:
            env["res.partner"].create({"name": "scratch"})   # gone afterwards
    """
    engine = inst.storage.engine(db)
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            registry = inst.registry(db)
            cr = Transaction(conn, registry, db, inst.policy(registry))
            cr.modules = inst.modules
            cr.filestore = inst.storage.filestore(db)
            yield Environment(cr, uid, context)
        finally:
            transaction.rollback()
