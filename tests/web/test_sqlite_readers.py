"""What every web request does first (log in, load its session) does not queue behind a
writer on SQLite: it begins without the database's write lock, and takes it only if it
turns out to write (a rehash, a touched session) and loses a race."""

from __future__ import annotations

import threading
import time

import pytest

from tenantry.instance import Instance
from tenantry.security import auth
from tenantry.web.sessions import DEFAULT_LIFETIME, SessionStore

SQLITE = pytest.mark.parametrize("instance", ["sqlite"], indirect=True)


@SQLITE
def test_a_login_and_a_session_load_do_not_wait_for_a_writer(instance: Instance, fresh_db: str) -> None:
    store = SessionStore(lambda: instance, DEFAULT_LIFETIME)
    session = store.create(fresh_db, 2)
    holding, release = threading.Event(), threading.Event()

    def write() -> None:
        with instance.env(fresh_db) as env:
            env["res.partner"].create({"name": "Slow writer"})
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        assert auth.authenticate(instance, fresh_db, "admin", "admin") == 2
        assert store.load(session.sid, None).uid == 2
        assert time.monotonic() - started < 5  # the writer holds its lock for 30 s
    finally:
        release.set()
        thread.join(30)
