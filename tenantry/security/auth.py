"""Who is calling: logins and per-call credential checks, all behind one rate limiter.

- :func:`authenticate` turns ``(db, login, password)`` into a uid, or ``AccessDenied``.
  A hash made with older Argon2 parameters is replaced on success, and the login is
  recorded (the user's ``login_date``).
- :func:`check_credentials` is run by every ``object`` call: the password or an API key
  of scope ``rpc``. Argon2 is slow on purpose, so a success is remembered for
  ``CACHE_TTL`` seconds, keyed by an HMAC of the password under a per-process secret
  (never the password) and valid for one security version of the database (a password,
  login, deactivation or API-key change replaces it).
- :func:`check_password_in` checks a user's own password from model code (the old
  password of ``res.users.change_password``); :func:`attempt` counts any other check
  (the master password).

Every check counts toward one limiter: failures per ``(db, login, client address)``;
after ``MAX_FAILURES`` within ``FAILURE_WINDOW`` seconds further attempts are refused
until the oldest failure leaves the window, *whatever the password*. A check by uid counts under
that user's login (an unknown uid under a key of its own), so ``execute_kw`` and
``common.authenticate`` feed the same counter. Model code learns the caller's
address from the transaction (:func:`bind_caller`, set by the RPC and web layers).

Wire values are never trusted: a password is a non-empty ``str`` and a uid a positive
``int`` (not a bool) that fits the id column; anything else is ``AccessDenied``.

The state (failure counters, cache) is per :class:`~tenantry.instance.Instance` and per
process; with several workers each keeps its own.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard

from tenantry.db.retry import attempts, is_retryable
from tenantry.db.sqlite_engine import BUSY_TIMEOUT_MS
from tenantry.exceptions import AccessDenied, DatabaseBlocked
from tenantry.orm.environment import SUPERUSER_ID
from tenantry.security import passwords
from tenantry.security.data import transaction_version

if TYPE_CHECKING:
    from tenantry.instance import Instance
    from tenantry.orm.environment import Environment

__all__ = [
    "CACHE_TTL",
    "FAILURE_WINDOW",
    "MAX_FAILURES",
    "attempt",
    "authenticate",
    "bind_caller",
    "check_credentials",
    "check_credentials_in",
    "check_open",
    "check_password_in",
    "forget",
    "has_caller",
    "valid_uid",
]

MAX_FAILURES = 5
FAILURE_WINDOW = 60.0
CACHE_TTL = 60.0
MAX_UID = 2**31 - 1
"""The largest id the ``id`` column holds (a 32-bit integer on PostgreSQL)."""
TOO_MANY_FAILURES = "Too many login failures, please wait a bit before trying again."
_PRUNE_ABOVE = 10_000
"""Failure keys kept before the stale ones are swept (a flood of distinct logins)."""
_CALLER = "auth.caller"
"""``Transaction.data`` key: the limiter and client address of the request (``bind_caller``)."""

clock = time.monotonic  # replaced by tests
_log = logging.getLogger(__name__)

Key = tuple[str, str | int, str | None]
"""``(database, login or unknown uid, client address)``: what the limiter counts."""


@dataclass(frozen=True)
class _Checked:
    expiry: float
    version: str
    login: str


@dataclass
class _AuthState:
    failures: dict[Key, deque[float]] = field(default_factory=dict)
    # (db, uid, HMAC of the secret) -> a successful check
    checked: dict[tuple[str, int, str], _Checked] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_STATES: weakref.WeakKeyDictionary[Instance, _AuthState] = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()
_UNBOUND = _AuthState()
"""The limiter of checks made by model code outside any request (shell, scripts)."""
_PEPPER = secrets.token_bytes(32)


def _state(instance: Instance) -> _AuthState:
    with _STATES_LOCK:
        state = _STATES.get(instance)
        if state is None:
            state = _STATES[instance] = _AuthState()
        return state


def forget(instance: Instance, db: str | None = None) -> None:
    """Drop the failure counters and cached checks (of ``db``, or of every database)."""
    for state in (_state(instance), _UNBOUND):
        with state.lock:
            if db is None:
                state.failures.clear()
                state.checked.clear()
                continue
            for key in [k for k in state.failures if k[0] == db]:
                del state.failures[key]
            for ckey in [k for k in state.checked if k[0] == db]:
                del state.checked[ckey]


def valid_uid(uid: object) -> int:
    """``uid`` as an id if it can name a user, else ``AccessDenied``.

    A positive int that fits the id column, or its decimal digits as a string (Odoo
    calls ``int()`` on the wire's uid); never a bool, a float or anything else.
    """
    if isinstance(uid, str) and uid.isascii() and uid.isdigit() and len(uid) <= 10:
        uid = int(uid)
    if type(uid) is not int or not 0 < uid <= MAX_UID:
        raise AccessDenied()
    return uid


def _is_text(value: object) -> TypeGuard[str]:
    """Whether ``value`` can be a password: a non-empty ``str`` that UTF-8 can carry (JSON
    can carry lone surrogates)."""
    if not isinstance(value, str) or not value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _secret(password: object) -> str | None:
    """The cache key of ``password`` (never the password itself), or None if it is no password."""
    if not _is_text(password):
        return None
    return hmac.new(_PEPPER, password.encode("utf-8"), hashlib.sha256).hexdigest()


# -- the limiter ----------------------------------------------------------------------------


@contextmanager
def _counted(state: _AuthState, key: Key) -> Iterator[None]:
    """Refuse while ``key`` is locked out; an ``AccessDenied`` out of the block is a failure.

    A success does not clear the count (nor does Odoo's): failures only expire. Else
    any call that passes its own check (with an API key, say) would reset the count of
    the guesses made through it, such as ``change_password``'s old password.
    """
    _assert_can_try(state, key)
    try:
        yield
    except DatabaseBlocked:  # no guess at a password: the database refuses everyone
        raise
    except AccessDenied:
        _record_failure(state, key)
        raise


@contextmanager
def attempt(instance: Instance, db: str, who: str, client_ip: str | None) -> Iterator[None]:
    """Count the credential check the block makes, as a login of ``who`` on ``db`` would.

    Refused with ``AccessDenied`` while the key is locked out; an ``AccessDenied`` raised
    by the block is a failure.
    """
    with _counted(_state(instance), (db, who, client_ip)):
        yield


def _assert_can_try(state: _AuthState, key: Key) -> None:
    now = clock()
    with state.lock:
        attempts = state.failures.get(key)
        if attempts is None:
            return
        while attempts and attempts[0] <= now - FAILURE_WINDOW:
            attempts.popleft()
        if not attempts:
            del state.failures[key]
        elif len(attempts) >= MAX_FAILURES:
            raise AccessDenied(TOO_MANY_FAILURES)


def _record_failure(state: _AuthState, key: Key) -> None:
    now = clock()
    with state.lock:
        if len(state.failures) > _PRUNE_ABOVE:
            horizon = now - FAILURE_WINDOW
            stale = [k for k, times in state.failures.items() if not times or times[-1] <= horizon]
            for k in stale:
                del state.failures[k]
        state.failures.setdefault(key, deque()).append(now)


def bind_caller(env: Environment, instance: Instance, client_ip: str | None) -> None:
    """Make password checks by model code in this transaction count for ``client_ip``."""
    env.cr.data[_CALLER] = (_state(instance), client_ip)


def has_caller(env: Environment) -> bool:
    """Whether this transaction serves a request (:func:`bind_caller` was called)."""
    return _CALLER in env.cr.data


def _caller(env: Environment) -> tuple[_AuthState, str | None]:
    bound: tuple[_AuthState, str | None] | None = env.cr.data.get(_CALLER)
    return bound if bound is not None else (_UNBOUND, None)


# -- login ----------------------------------------------------------------------------------


def authenticate(
    instance: Instance,
    db: str,
    login: object,
    password: object,
    *,
    client_ip: str | None = None,
    api_keys: bool = False,
) -> int:
    """The uid of the active user ``login`` of ``db`` whose password is ``password``.

    ``api_keys=True`` (non-interactive logins such as ``common.authenticate``) also
    accepts one of the user's API keys in place of the password. Raises ``AccessDenied``
    (the same message for an unknown login and a wrong password).
    """
    if not _is_text(login) or "\x00" in login:  # PostgreSQL refuses NUL in text
        raise AccessDenied()
    with _counted(_state(instance), (db, login, client_ip)):
        uid = _login(instance, db, login, password, api_keys)
    _record_login(instance, db, uid)
    return uid


def _login(instance: Instance, db: str, login: str, password: object, api_keys: bool) -> int:
    if not _is_text(password):
        raise AccessDenied()
    # Optimistic first: a login only reads (but for a rehash now and then), and on SQLite
    # holding the write lock through Argon2 would hold back every writer of the database.
    for attempt in attempts():
        with attempt, instance.env(db, optimistic=attempt.optimistic) as env:
            users = env["res.users"].sudo().with_context(active_test=False)
            user = users.search([("login", "=", login)], limit=1)
            if not user or not user.active:
                raise AccessDenied()
            check_open(env, int(user.id))  # before Argon2: the answer is the same whatever the password
            stored = user._password_hash()
            if passwords.verify_password(stored, password):
                if passwords.needs_rehash(stored):
                    user._store_password_hash(passwords.hash_password(password))
                return int(user.id)
            if api_keys and _key_matches(env, int(user.id), password):
                return int(user.id)
            raise AccessDenied()
    raise AssertionError("unreachable")  # pragma: no cover


def _record_login(instance: Instance, db: str, uid: int) -> None:
    """Record the login (``res.users.log``, the user's ``login_date``), as Odoo's
    ``_update_last_login``: in a short transaction of its own once the password was
    checked, so that SQLite's write lock is never held through Argon2.

    A login does not wait for SQLite's writers: when another transaction holds the
    write lock, the login is recorded by a thread that waits for it instead. Nor does
    it fail for the record: an error is logged.
    """
    try:
        with instance.env(db, uid, optimistic=True) as env, _without_waiting(env):
            env["res.users"].browse(uid)._update_last_login()
    except Exception as exc:
        if is_retryable(exc):
            threading.Thread(target=_record_later, args=(instance, db, uid), daemon=True).start()
        else:
            _log.warning("Could not record the login of user %s on %s", uid, db, exc_info=True)


def _record_later(instance: Instance, db: str, uid: int) -> None:
    try:
        with instance.env(db, uid) as env:
            env["res.users"].browse(uid)._update_last_login()
    except Exception:  # the database went away meanwhile: the login is not recorded
        _log.warning("Could not record the login of user %s on %s", uid, db, exc_info=True)


@contextmanager
def _without_waiting(env: Environment) -> Iterator[None]:
    """On SQLite, a write in the block fails at once (``database is locked``) instead of
    waiting ``busy_timeout`` for the transaction that holds the write lock."""
    if env.cr.dialect != "sqlite":
        yield
        return
    conn = env.cr.conn
    conn.exec_driver_sql("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


# -- every call -----------------------------------------------------------------------------


def check_credentials(
    instance: Instance, db: str, uid: object, password: object, *, client_ip: str | None = None
) -> None:
    """Raise ``AccessDenied`` unless ``password`` is the password or an API key of active ``uid``."""
    with instance.env(db) as env:
        check_credentials_in(instance, env, uid, password, client_ip=client_ip)


def check_credentials_in(
    instance: Instance, env: Environment, uid: object, password: object, *, client_ip: str | None = None
) -> None:
    """:func:`check_credentials` inside an open transaction (an RPC call's own)."""
    user_id = valid_uid(uid)
    state = _state(instance)
    db = env.cr.dbname
    secret = _secret(password)
    # A password, login or active change, or an API-key change, replaces the security
    # version, which every transaction reads anyway: a cached check made under the
    # current version still holds, without reading the user.
    version = transaction_version(env.cr)
    if secret is not None and version is not None:
        with state.lock:
            cached = state.checked.get((db, user_id, secret))
        if cached is not None and cached.expiry > clock() and cached.version == version:
            _assert_can_try(state, (db, cached.login, client_ip))  # locked out: even the right one
            return
    user = env(su=True)["res.users"].with_context(active_test=False).browse(user_id).exists()
    login = str(user.login) if user else None
    with _counted(state, (db, login if login is not None else user_id, client_ip)):
        if not user or not user.active or secret is None or not _matches(env, user, password, api_keys=True):
            if secret is not None:
                with state.lock:
                    state.checked.pop((db, user_id, secret), None)
            raise AccessDenied()
    if version is not None and login is not None and secret is not None:
        now = clock()
        with state.lock:
            for k in [k for k, c in state.checked.items() if c.expiry <= now]:
                del state.checked[k]
            state.checked[(db, user_id, secret)] = _Checked(now + CACHE_TTL, version, login)


def check_open(env: Environment, uid: int) -> None:
    """``DatabaseBlocked`` if ``env``'s database refuses ``uid`` (everyone but the superuser,
    while an addon says it is blocked: ``res.users._database_blocked``)."""
    if uid == SUPERUSER_ID:
        return
    reason = env(su=True)["res.users"]._database_blocked()
    if reason:
        raise DatabaseBlocked(reason)


def check_password_in(env: Environment, uid: int, password: object) -> None:
    """``AccessDenied`` unless ``password`` is the own password of active ``uid`` (no API key).

    Counted by the limiter as a login of that user from the request's address.
    """
    state, client_ip = _caller(env)
    user = env(su=True)["res.users"].with_context(active_test=False).browse(valid_uid(uid)).exists()
    with _counted(state, (env.cr.dbname, str(user.login) if user else uid, client_ip)):
        if not user or not user.active or not _matches(env, user, password, api_keys=False):
            raise AccessDenied()


def _matches(env: Environment, user: Any, password: object, *, api_keys: bool) -> bool:
    if not _is_text(password):
        return False
    if passwords.verify_password(user._password_hash(), password):
        return True
    return api_keys and _key_matches(env, int(user.id), password)


def _key_matches(env: Environment, uid: int, key: str) -> bool:
    if "res.users.apikeys" not in env:
        return False
    return bool(env["res.users.apikeys"]._check_key(uid, key))
