"""Who is calling: logins (with rate limiting) and per-call credential checks.

- :func:`authenticate` turns ``(db, login, password)`` into a uid, or ``AccessDenied``.
  Failures are counted per ``(db, login, client address)``: after ``MAX_FAILURES`` within
  ``FAILURE_WINDOW`` seconds, further attempts are refused until the window has passed,
  whatever the password. A hash made with older Argon2 parameters is replaced on success.
- :func:`check_credentials` is run by every ``object`` call: the password or an API key
  of scope ``rpc``. Argon2 is slow on purpose, so a success is remembered for
  ``CACHE_TTL`` seconds, keyed by an HMAC of the password under a per-process secret
  (never the password) and tied to a fingerprint of the user's credentials (password
  hash, active flag, active keys): changing any of them invalidates the entry at once.

The state (failure counters, cache) is per :class:`~tenantry.instance.Instance` and per
process; with several workers each keeps its own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tenantry.exceptions import AccessDenied
from tenantry.security import passwords
from tenantry.security.data import transaction_version

if TYPE_CHECKING:
    from tenantry.instance import Instance
    from tenantry.orm.environment import Environment

__all__ = [
    "CACHE_TTL",
    "FAILURE_WINDOW",
    "MAX_FAILURES",
    "authenticate",
    "check_credentials",
    "check_credentials_in",
    "forget",
]

MAX_FAILURES = 5
FAILURE_WINDOW = 60.0
CACHE_TTL = 60.0
TOO_MANY_FAILURES = "Too many login failures, please wait a bit before trying again."

clock = time.monotonic  # replaced by tests


@dataclass
class _AuthState:
    failures: dict[tuple[str, str, str | None], deque[float]] = field(default_factory=dict)
    # (db, uid, HMAC of the secret) -> (expiry, credentials fingerprint)
    checked: dict[tuple[str, int, str], tuple[float, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_STATES: weakref.WeakKeyDictionary[Instance, _AuthState] = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()
_PEPPER = secrets.token_bytes(32)


def _state(instance: Instance) -> _AuthState:
    with _STATES_LOCK:
        state = _STATES.get(instance)
        if state is None:
            state = _STATES[instance] = _AuthState()
        return state


def forget(instance: Instance, db: str | None = None) -> None:
    """Drop the failure counters and cached checks (of ``db``, or of every database)."""
    state = _state(instance)
    with state.lock:
        if db is None:
            state.failures.clear()
            state.checked.clear()
            return
        for key in [k for k in state.failures if k[0] == db]:
            del state.failures[key]
        for ckey in [k for k in state.checked if k[0] == db]:
            del state.checked[ckey]


# -- login ------------------------------------------------------------------------------


def authenticate(
    instance: Instance,
    db: str,
    login: str,
    password: str,
    *,
    client_ip: str | None = None,
    api_keys: bool = False,
) -> int:
    """The uid of the active user ``login`` of ``db`` whose password is ``password``.

    ``api_keys=True`` (non-interactive logins such as ``common.authenticate``) also
    accepts one of the user's API keys in place of the password. Raises ``AccessDenied``
    (the same message for an unknown login and a wrong password).
    """
    state = _state(instance)
    key = (db, str(login), client_ip)
    _assert_can_try(state, key)
    uid = _login(instance, db, str(login or ""), password if isinstance(password, str) else "", api_keys)
    if uid is None:
        _record_failure(state, key)
        raise AccessDenied()
    with state.lock:
        state.failures.pop(key, None)
    return uid


def _assert_can_try(state: _AuthState, key: tuple[str, str, str | None]) -> None:
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


def _record_failure(state: _AuthState, key: tuple[str, str, str | None]) -> None:
    with state.lock:
        state.failures.setdefault(key, deque()).append(clock())


def _login(instance: Instance, db: str, login: str, password: str, api_keys: bool) -> int | None:
    if not login or not password:
        return None
    with instance.env(db) as env:
        users = env["res.users"].sudo().with_context(active_test=False)
        user = users.search([("login", "=", login)], limit=1)
        if not user or not user.active:
            return None
        stored = user.password_hash or ""
        if passwords.verify_password(stored, password):
            if passwords.needs_rehash(stored):
                user.write({"password_hash": passwords.hash_password(password)})
            return int(user.id)
        if api_keys and _key_matches(env, int(user.id), password):
            return int(user.id)
        return None


# -- every call ---------------------------------------------------------------------------


def check_credentials(instance: Instance, db: str, uid: int, password: str) -> None:
    """Raise ``AccessDenied`` unless ``password`` is the password or an API key of active ``uid``."""
    with instance.env(db) as env:
        check_credentials_in(instance, env, uid, password)


def check_credentials_in(instance: Instance, env: Environment, uid: int, password: str) -> None:
    """:func:`check_credentials` inside an open transaction (an RPC call's own)."""
    if not isinstance(password, str) or not password or not isinstance(uid, int) or uid <= 0:
        raise AccessDenied()
    state = _state(instance)
    secret_key = (env.cr.dbname, uid, hmac.new(_PEPPER, password.encode("utf-8"), hashlib.sha256).hexdigest())
    now = clock()
    # A password change, a deactivation or an API-key change replaces the security
    # version, which every transaction reads anyway: a cached check made under the
    # current version still holds, without reading the user.
    version = transaction_version(env.cr)
    with state.lock:
        cached = state.checked.get(secret_key)
    if version is not None and cached is not None and cached[0] > now and cached[1] == version:
        return
    user = env(su=True)["res.users"].with_context(active_test=False).browse(uid).exists()
    if not user or not user.active:
        raise AccessDenied()
    fingerprint = version if version is not None else _fingerprint(env, user)
    if not (
        passwords.verify_password(user.password_hash or "", password) or _key_matches(env, uid, password)
    ):
        with state.lock:
            state.checked.pop(secret_key, None)
        raise AccessDenied()
    with state.lock:
        expired = [k for k, (expiry, _) in state.checked.items() if expiry <= now]
        for k in expired:
            del state.checked[k]
        state.checked[secret_key] = (now + CACHE_TTL, fingerprint)


def _fingerprint(env: Environment, user: Any) -> str:
    """What a cached check depends on: the password hash, the active flag and the active keys."""
    parts = [user.password_hash or "", str(bool(user.active))]
    if "res.users.apikeys" in env:
        keys = env["res.users.apikeys"].sudo().search([("user_id", "=", user.id)])
        parts.extend(str(k) for k in keys.ids)
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def _key_matches(env: Environment, uid: int, key: str) -> bool:
    if "res.users.apikeys" not in env:
        return False
    return bool(env["res.users.apikeys"]._check_key(uid, key))
