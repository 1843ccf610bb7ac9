"""Idempotent operations: every portal → server call carries a request id.

The same request id has its effect once, whatever the retries: the server keeps
each id with the digest of its operation and parameters. A retry with the same
digest gets the first call's job back; the same id with other parameters is a
``ValidationError``::

    >>> request_digest("new_database", {"dbname": "acme"}) == request_digest(
    ...     "new_database", {"dbname": "acme"})
    True

Jobs move ``pending → running → done | failed``; ``done`` and ``failed`` are final.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from typing import Any

from tenantry.exceptions import ValidationError

__all__ = ["OPERATIONS", "RequestState", "check_transition", "request_digest", "validate_request_id"]

OPERATIONS = (
    "new_database",
    "upgrade_database",
    "delete_database",
    "sync_server",
    "backup_database",
    "restore_database",
)
"""The server's operations, named as their URLs (``POST /saas_server/<operation>``)."""

_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")


class RequestState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


_NEXT: dict[RequestState, frozenset[RequestState]] = {
    RequestState.PENDING: frozenset({RequestState.RUNNING, RequestState.DONE, RequestState.FAILED}),
    RequestState.RUNNING: frozenset({RequestState.RUNNING, RequestState.DONE, RequestState.FAILED}),
    RequestState.DONE: frozenset(),
    RequestState.FAILED: frozenset(),
}


def validate_request_id(request_id: object) -> str:
    """``request_id`` if well formed (1 to 128 letters, digits, ``_ . : -``), else ``ValidationError``."""
    if not isinstance(request_id, str) or _REQUEST_ID.fullmatch(request_id) is None:
        raise ValidationError("A request id is 1 to 128 letters, digits, '_', '.', ':' or '-'.")
    return request_id


def request_digest(operation: str, params: Any) -> str:
    """The SHA-256 of the operation and its parameters in canonical JSON."""
    if operation not in OPERATIONS:
        raise ValidationError(f"Unknown operation {str(operation)[:64]!r}.")
    try:
        text = json.dumps(
            [operation, params], sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
        )
    except (TypeError, ValueError):
        raise ValidationError("The parameters of a request must be plain JSON values.") from None
    return hashlib.sha256(text.encode()).hexdigest()


def check_transition(current: str, new: str) -> RequestState:
    """``new`` as a state, if a job in ``current`` may move to it; else ``ValidationError``."""
    try:
        before, after = RequestState(current), RequestState(new)
    except ValueError:
        raise ValidationError(f"Unknown request state {new!r}.") from None
    if after not in _NEXT[before]:
        raise ValidationError(f"A {before.value} request cannot become {after.value}.")
    return after
