"""Server-side web sessions, each stored in the database it belongs to (model ``ir.sessions``).

The cookie ``session_id`` carries ``<database, base64url>.<43 random characters>``:
the database part says where to look the session up, and only a SHA-256 of the
whole value is stored there. A session is refused (``SessionExpired``) when

- its database is not one the request's host may reach (db-filter), or
- the database has no row with that hash (a cookie of database *a* replayed
  on *b*, a forged or logged-out id), or
- it was last used more than ``lifetime`` ago, or its user was archived, or
- its user's password, login or active flag changed since it was created: as in Odoo,
  a session keeps the token ``res.users._compute_session_token(sid)`` gave at login,
  and the token computed again at each use must still be the same. A password change
  thus ends every session of the user, the one that made it too (Odoo 17 does so for
  ``res.users.write``/``change_password``); a route that changes the password and must
  keep its own session calls :meth:`SessionStore.refresh` afterwards, as Odoo's portal does.

Sessions are created at login only, so logging in always rotates the id. All
functions here do database I/O synchronously: call them from a thread pool.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tenantry.db.names import validate_name
from tenantry.exceptions import DatabaseBlocked, SessionExpired, ValidationError
from tenantry.web.tenancy import DbFilter

if TYPE_CHECKING:
    from tenantry.instance import Instance
    from tenantry.orm.environment import Environment

__all__ = ["COOKIE_NAME", "DEFAULT_LIFETIME", "Session", "SessionStore", "refresh_in"]

COOKIE_NAME = "session_id"
DEFAULT_LIFETIME = dt.timedelta(days=7)
_TOUCH_EVERY = dt.timedelta(minutes=1)
"""Last-use time is written at most this often, so that reads stay reads."""


@dataclass(frozen=True)
class Session:
    """A logged-in web session."""

    sid: str
    db: str
    uid: int
    login: str
    csrf_token: str
    context: dict[str, Any] = field(default_factory=dict)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _new_sid(db: str) -> str:
    prefix = base64.urlsafe_b64encode(db.encode()).decode().rstrip("=")
    return f"{prefix}.{secrets.token_urlsafe(32)}"


def database_of(sid: str) -> str | None:
    """The database a session id names, or ``None`` if it is not a well-formed id."""
    prefix, dot, secret = sid.partition(".")
    if not dot or len(secret) < 32 or len(sid) > 200:
        return None
    try:
        db = base64.urlsafe_b64decode(prefix + "=" * (-len(prefix) % 4)).decode()
        return validate_name(db)
    except (binascii.Error, UnicodeDecodeError, ValueError, ValidationError):
        return None


class SessionStore:
    """Create, load and delete the sessions of an instance's databases."""

    def __init__(
        self, instance: Instance | Callable[[], Instance], lifetime: dt.timedelta = DEFAULT_LIFETIME
    ) -> None:
        # A callable gives the server's instance when it is first needed (see Server).
        self._instance = instance
        self.lifetime = lifetime

    @property
    def instance(self) -> Instance:
        return self._instance() if callable(self._instance) else self._instance

    def create(self, db: str, uid: int, context: dict[str, Any] | None = None) -> Session:
        """A new session (with a new id) for ``uid`` logged in to ``db``."""
        sid = _new_sid(db)
        now = _now()
        with self.instance.env(db) as env:
            user = env["res.users"].browse(uid)
            login = user.login or ""
            if context is None:
                context = env["res.users"].with_user(uid).context_get()
            csrf = secrets.token_urlsafe(32)
            env["ir.sessions"].create(
                {
                    "sid_hash": _hash(sid),
                    "uid": uid,
                    "login": login,
                    "db": db,
                    "context_json": json.dumps(context),
                    "csrf_token": csrf,
                    "session_token": user._compute_session_token(sid),
                    "created": now,
                    "last_used": now,
                    "expires": now + self.lifetime,
                }
            )
        return Session(sid, db, uid, login, csrf, dict(context))

    def database(self, sid: str | None, db_filter: DbFilter | None) -> str:
        """The existing database ``sid`` names, if the request may reach it (``SessionExpired``
        otherwise): where to look the session up."""
        if not sid:
            raise SessionExpired("No session: log in first")
        db = database_of(sid)
        if db is None or (db_filter is not None and not db_filter(db)) or not self.instance.exists(db):
            raise SessionExpired("Session expired")
        return db

    def peek(self, env: Environment, sid: str, db: str) -> Session | None:
        """The live session ``sid`` read in ``env``'s transaction (a page's: one transaction
        per request instead of two), when using it needs no write; ``None`` when it has
        ended, is due for its touch, or its database refuses its user (blocked): the caller
        then goes through :meth:`load`, which writes what it must.

        ``db`` is ``env``'s database, as :meth:`database` gave it for ``sid``.
        """
        from tenantry.security.auth import check_open

        now = _now()
        row, user = self._row_and_user(env(su=True), sid, db)
        if row is None or not self._valid(row, user, sid, now) or now - row.last_used >= _TOUCH_EVERY:
            return None
        try:
            check_open(env, int(row.uid))
        except DatabaseBlocked:
            return None  # load() ends the session and raises
        return self._session(row, sid, db)

    def load(self, sid: str | None, db_filter: DbFilter | None) -> Session:
        """The live session ``sid`` names, refreshed; ``SessionExpired`` if there is none."""
        db = self.database(sid, db_filter)
        assert sid is not None
        from tenantry.db.retry import attempts

        now = _now()
        session: Session | DatabaseBlocked | None = None
        # Optimistic first: every request loads its session, and it rarely writes.
        for attempt in attempts():
            with attempt, self.instance.env(db, optimistic=attempt.optimistic) as env:
                session = self._live(env, sid, db, now)
        if session is None:
            raise SessionExpired("Session expired")
        if isinstance(session, DatabaseBlocked):
            raise session
        return session

    def _live(
        self, env: Environment, sid: str, db: str, now: dt.datetime
    ) -> Session | DatabaseBlocked | None:
        """The session ``sid`` if it is live (touched now and then), else ``None`` (and
        an ended one deleted: the caller commits that before it raises), or the
        ``DatabaseBlocked`` to raise when the database refuses its user (the session
        ends: unblocking the database does not bring it back)."""
        row, user = self._row_and_user(env, sid, db)
        if row is None:
            return None
        if not self._valid(row, user, sid, now):
            row.unlink()
            return None
        from tenantry.security.auth import check_open

        try:
            check_open(env, int(row.uid))
        except DatabaseBlocked as exc:
            row.unlink()
            return exc
        if now - row.last_used >= _TOUCH_EVERY:
            row.write({"last_used": now, "expires": now + self.lifetime})
        return self._session(row, sid, db)

    @staticmethod
    def _row_and_user(env: Environment, sid: str, db: str) -> tuple[Any, Any]:
        """The session's row (``None`` if there is none for ``db``) and its user (superuser ``env``)."""
        row = env["ir.sessions"].search([("sid_hash", "=", _hash(sid))], limit=1)
        if not row or row.db != db:
            return None, None
        return row, env["res.users"].browse(row.uid)

    @staticmethod
    def _valid(row: Any, user: Any, sid: str, now: dt.datetime) -> bool:
        """Not expired, and the user's security fields unchanged since login: the token
        covers the user's id, login, password and active flag, so a deleted or archived
        user's token differs too (one query for all of it)."""
        return bool(
            row.expires > now
            and hmac.compare_digest(row.session_token or "", user._compute_session_token(sid))
        )

    @staticmethod
    def _session(row: Any, sid: str, db: str) -> Session:
        context = json.loads(row.context_json or "{}")
        return Session(sid, db, row.uid, row.login or "", row.csrf_token, context)

    def refresh(self, session: Session) -> None:
        """Keep ``session`` valid after its own user's password changed (call it right after).

        ``session`` is the one the current request loaded, so still valid before the
        change; ``SessionExpired`` if it has ended since (logged out, expired, archived).
        """
        with self.instance.env(session.db) as env:
            refresh_in(env, session)

    def delete(self, sid: str | None) -> None:
        """Forget ``sid`` (logout); unknown ids are ignored."""
        db = database_of(sid or "")
        if sid is None or db is None or not self.instance.exists(db):
            return
        with self.instance.env(db) as env:
            env["ir.sessions"].search([("sid_hash", "=", _hash(sid))]).unlink()

    def expire(self, sid: str) -> None:
        """Make ``sid`` expired now (tests and administrators)."""
        db = database_of(sid)
        if db is None:
            return
        with self.instance.env(db) as env:
            past = _now() - dt.timedelta(seconds=1)
            env["ir.sessions"].search([("sid_hash", "=", _hash(sid))]).write({"expires": past})


def refresh_in(env: Environment, session: Session) -> None:
    """:meth:`SessionStore.refresh` inside the transaction that changed the password
    (``env``'s, made superuser here): the session stays valid when it commits."""
    env = env(su=True)
    row = env["ir.sessions"].search([("sid_hash", "=", _hash(session.sid))], limit=1)
    user = env["res.users"].browse(session.uid).exists()
    if not row or not user or not user.active or row.expires <= _now():
        raise SessionExpired("Session expired")
    row.write({"session_token": user._compute_session_token(session.sid)})


def _now() -> dt.datetime:
    """Now, as the ORM's ``Datetime.now()`` stores it (naive UTC, whole seconds)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
