"""The throwaway PostgreSQL cluster of ``tenantry.testing``."""

from __future__ import annotations

import os
import pwd
import time
from pathlib import Path

import psycopg
import pytest

from tenantry.testing import PostgresCluster

pytestmark = pytest.mark.postgres


def _postmaster_pid(cluster: PostgresCluster) -> int:
    return int((cluster.directory / "data" / "postmaster.pid").read_text().split()[0])


def _gone(pid: int, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_shared_cluster_runs_as_a_non_root_user(pg_cluster: PostgresCluster) -> None:
    owner = os.stat(f"/proc/{_postmaster_pid(pg_cluster)}").st_uid
    assert owner != 0
    if os.geteuid() == 0:
        assert owner == pwd.getpwnam("postgres").pw_uid
    else:
        assert owner == os.geteuid()


def test_shared_cluster_listens_on_loopback_only(pg_cluster: PostgresCluster) -> None:
    conninfo = f"host=127.0.0.1 port={pg_cluster.port} user=postgres dbname=postgres"
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SHOW listen_addresses").fetchone()
        assert row == ("127.0.0.1",)
        row = conn.execute("SHOW fsync").fetchone()
        assert row == ("off",)


def test_stop_shuts_the_server_down_and_removes_its_directory(
    pg_cluster: PostgresCluster,
) -> None:
    with PostgresCluster() as cluster:
        assert cluster.port != pg_cluster.port
        directory = cluster.directory
        pid = _postmaster_pid(cluster)
        with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres") as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert not cluster.running
    assert _gone(pid)
    assert not directory.exists()
    cluster.stop()  # idempotent
