"""A pool of ready spares per template, as Frappe Cloud's standby sites.

A spare is a finished clone of a template with its own ``database.uuid``, under an
internal name (hidden from listings, logins and requests, ``tenantry.db.names``)::

    internal_spare_<template key>_<template fingerprint>_<random>

Handing one out is a rename (``Storage.rename``: atomic, so of two takers of one spare
exactly one wins, in any process). A spare is built under an ``internal_build_`` name
and renamed to its ready name only once complete, so a taker never sees a half-made one.
The fingerprint sums up the template (its parameters, among them the registry and
security versions that addon and security changes bump, and its views): spares of
another fingerprint are stale, never handed out, and dropped at the next refill.
``template_changed`` forces that for changes the fingerprint does not see.

A background thread (``start``) refills every template's pool to its target size.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import threading
import time
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tenantry.db.names import INTERNAL_PREFIX, validate_name
from tenantry.exceptions import MissingError

if TYPE_CHECKING:
    from tenantry.instance import Instance

__all__ = ["BUILD_PREFIX", "SPARE_PREFIX", "SparePool"]

SPARE_PREFIX = INTERNAL_PREFIX + "spare_"
BUILD_PREFIX = INTERNAL_PREFIX + "build_"
GENERATION_PARAM = "saas.template_generation"
_STALE_BUILD_SECONDS = 600  # a build older than this was abandoned (its process died)
_log = logging.getLogger(__name__)


def template_key(template: str) -> str:
    """A short, name-safe key of a template's name (names are too long to embed)."""
    return hashlib.sha1(template.encode()).hexdigest()[:10]


class SparePool:
    """Ready spares of templates, refilled to ``targets[template]`` each."""

    def __init__(
        self, instance: Instance, targets: dict[str, int] | None = None, *, interval: float = 30.0
    ) -> None:
        self.instance = instance
        self.interval = interval
        self.targets: dict[str, int] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._epochs: dict[str, int] = {}
        self._guard = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        for template, size in (targets or {}).items():
            self.set_target(template, size)

    # -- handing out -------------------------------------------------------------------

    def take(self, template: str, name: str) -> bool:
        """Rename a ready, current spare of ``template`` to ``name``; ``False`` if there is none.

        ``UserError`` if ``name`` exists (the spare stays in the pool).
        """
        prefix = f"{SPARE_PREFIX}{template_key(template)}_{self.fingerprint(template)}_"
        for spare in self._names(prefix):
            try:
                self.instance.release(spare)
                self.instance.storage.rename(spare, name)
            except MissingError:
                continue  # taken by someone else meanwhile
            self.instance.release(name)
            self._wake.set()
            return True
        self._wake.set()
        return False

    def spares(self, template: str) -> list[str]:
        """The ready spares of ``template`` (current or stale)."""
        return self._names(f"{SPARE_PREFIX}{template_key(template)}_")

    def fingerprint(self, template: str) -> str:
        """What the template's spares must match: its parameters and views, summed up."""
        try:
            return self._fingerprint(template)
        except DBAPIError:  # PostgreSQL: a copy of the template ended our session mid-query
            return self._fingerprint(template)

    def _fingerprint(self, template: str) -> str:
        digest = hashlib.sha1()
        with self.instance.storage.engine(template).connect() as conn:
            for key, value in conn.execute(text("SELECT key, value FROM ir_config_parameter ORDER BY key")):
                digest.update(f"{key}\0{value}\0".encode())
            count, latest = conn.execute(text("SELECT count(*), max(write_date) FROM ir_ui_view")).one()
            digest.update(f"{count}\0{latest}".encode())
        return digest.hexdigest()[:10]

    # -- filling -----------------------------------------------------------------------

    def set_target(self, template: str, size: int) -> None:
        validate_name(template)
        if not isinstance(size, int) or not 0 <= size <= 50:
            raise ValueError(f"A pool's target size is 0 to 50, not {size!r}")
        self.targets[template] = size
        self._wake.set()

    def refill(self, template: str) -> int:
        """Drop stale spares and abandoned builds of ``template``, then build spares up to its
        target; the number built."""
        with self._lock_of(template):
            key = template_key(template)
            current = f"{SPARE_PREFIX}{key}_{self.fingerprint(template)}_"
            ready: list[str] = []
            for spare in self.spares(template):
                if spare.startswith(current):
                    ready.append(spare)
                else:
                    self._drop(spare)
            for build in self._names(f"{BUILD_PREFIX}{key}_"):
                started = int(build.split("_")[3], 16)
                if time.time() - started > _STALE_BUILD_SECONDS:
                    self._drop(build)
            built = 0
            for _ in range(self.targets.get(template, 0) - len(ready)):
                if self._build(template) is None:
                    break
                built += 1
            return built

    def discard(self, template: str) -> int:
        """Drop every spare of ``template`` (builds under way are not published); how many."""
        with self._guard:
            self._epochs[template] = self._epochs.get(template, 0) + 1
        dropped = 0
        for spare in self.spares(template):
            with contextlib.suppress(MissingError):  # taken meanwhile
                self._drop(spare)
                dropped += 1
        return dropped

    def template_changed(self, template: str) -> int:
        """The template changed in a way its fingerprint may not show: a new generation (seen
        by every process), its spares dropped; how many."""
        with self.instance.env(template) as env:
            env["ir.config_parameter"].sudo().set_param(GENERATION_PARAM, uuid.uuid4().hex)
        dropped = self.discard(template)
        self._wake.set()
        return dropped

    def _build(self, template: str) -> str | None:
        """One spare of ``template``: cloned under a build name, given its uuid, then published.

        ``None`` when the template changed (discarded) meanwhile: the build is dropped.
        """
        from tenantry.instance import new_identity

        epoch = self._epochs.get(template, 0)
        key = template_key(template)
        fingerprint = self.fingerprint(template)  # before the copy: a later change makes it stale
        build = f"{BUILD_PREFIX}{key}_{int(time.time()):08x}_{secrets.token_hex(4)}"
        storage = self.instance.storage
        storage.duplicate(template, build)
        try:
            with self.instance.env(build) as env:
                new_identity(env)
            self.instance.release(build)
            with self._guard:
                if self._epochs.get(template, 0) != epoch:
                    raise _Discarded
                spare = f"{SPARE_PREFIX}{key}_{fingerprint}_{secrets.token_hex(4)}"
                storage.rename(build, spare)
        except _Discarded:
            self._drop(build)
            return None
        except BaseException:
            with contextlib.suppress(MissingError):
                self._drop(build)
            raise
        return spare

    # -- the background job ------------------------------------------------------------

    def start(self) -> None:
        """Refill every template's pool in a daemon thread: now, after each take, and every
        ``interval`` seconds."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._wake.set()
        self._thread = threading.Thread(target=self._run, name="tenantry-spares", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            self._wake.set()
            thread.join()

    def wait_filled(self, timeout: float = 30.0) -> bool:
        """Whether every template reaches its target within ``timeout`` seconds (tests, bench)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(len(self.spares(t)) >= size for t, size in self.targets.items()):
                return True
            time.sleep(0.02)
        return False

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            for template in list(self.targets):
                if self._stop.is_set():
                    return
                try:
                    self.refill(template)
                except Exception:  # a template gone or locked: try again later
                    _log.exception("Refilling the spares of %s failed", template)

    # -- internals ---------------------------------------------------------------------

    def _names(self, prefix: str) -> list[str]:
        return [name for name in self.instance.storage.list(internal=True) if name.startswith(prefix)]

    def _lock_of(self, template: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(template, threading.Lock())

    def _drop(self, name: str) -> None:
        self.instance.release(name)
        self.instance.storage.drop(name)


class _Discarded(Exception):
    """The template's spares were discarded while one was being built."""
