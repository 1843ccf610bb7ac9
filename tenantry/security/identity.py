"""Which request a transaction serves, for Odoo's ``check_identity`` (the password asked again).

Sensitive methods (making an API key...) ask the user for their password again unless
they gave it in the last :data:`IDENTITY_CHECK_TTL`; they run only for a request, never
from in-process code. The RPC and web layers say what the transaction serves:

- :func:`tenantry.security.auth.bind_caller`: a request (``/jsonrpc``, ``/xmlrpc``, the
  web client's routes), from a client address;
- :func:`bind_web_session`: a request of the web client, made in a logged-in session,
  where a successful check is remembered (on its ``ir.sessions`` row) for ten minutes.

A check made in this very transaction (the identity wizard replaying the call it held
back) counts too: :func:`mark_checked`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from tenantry.security import auth

if TYPE_CHECKING:
    from tenantry.orm.environment import Environment

__all__ = [
    "IDENTITY_CHECK_TTL",
    "bind_web_session",
    "checked_in_transaction",
    "in_request",
    "mark_checked",
    "web_session_hash",
]

IDENTITY_CHECK_TTL = dt.timedelta(minutes=10)
"""How long a password check spares the user another one, in a web session (Odoo's 10 min)."""

_SESSION = "identity.web_session"
_CHECKED = "identity.checked"


def bind_web_session(env: Environment, sid: str) -> None:
    """This transaction serves a request of the web session ``sid``."""
    env.cr.data[_SESSION] = hashlib.sha256(sid.encode()).hexdigest()


def web_session_hash(env: Environment) -> str | None:
    """The ``ir.sessions.sid_hash`` of the web session this transaction serves, if any."""
    found = env.cr.data.get(_SESSION)
    return found if isinstance(found, str) else None


def in_request(env: Environment) -> bool:
    """Whether this transaction serves a request (not in-process code such as a script)."""
    return web_session_hash(env) is not None or auth.has_caller(env)


def mark_checked(env: Environment) -> None:
    """The user just gave their password again, in this transaction."""
    env.cr.data[_CHECKED] = True


def checked_in_transaction(env: Environment) -> bool:
    return bool(env.cr.data.get(_CHECKED))
