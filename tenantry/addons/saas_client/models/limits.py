"""The limits a SaaS portal pushes into a client as ``ir.config_parameter`` values.

Pure code: :class:`ClientLimits` is read from the parameters' text and answers whether
the database is blocked, how many users it takes and which banners pages show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "saas_client."
MAX_USERS = "saas_client.max_users"
EXPIRATION = "saas_client.expiration_datetime"
BLOCK_ON_EXPIRATION = "saas_client.block_on_expiration"
SUSPENDED = "saas_client.suspended"
STORAGE_LIMIT = "saas_client.total_storage_limit"
TRIAL = "saas_client.trial"

_TRUE = frozenset({"1", "true", "yes", "on"})
_MB = 1024 * 1024


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


def _count(value: str | None) -> int | None:
    """A positive whole number, else ``None`` (no limit: unset, empty or ``0``).

    Anything else is an operator's mistake: ``ValueError``, so that a limit is never
    silently lifted (the caller refuses what the limit guards).
    """
    text = (value or "").strip()
    if not text:
        return None
    number = int(text)
    if number < 0:
        raise ValueError(text)
    return number or None


def parse_datetime(value: str | None) -> dt.datetime | None:
    """Odoo's ``YYYY-MM-DD HH:MM:SS`` (UTC) or ISO 8601, as a naive UTC datetime."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def about(delta: dt.timedelta) -> str:
    """``delta`` in rough words: "about 4 hours", "about 3 days", "about 1 minute"."""
    seconds = max(delta.total_seconds(), 0.0)
    if seconds < 3600:
        amount, unit = max(round(seconds / 60), 1), "minute"
    elif seconds < 48 * 3600:
        amount, unit = round(seconds / 3600), "hour"
    else:
        amount, unit = round(seconds / 86400), "day"
    return f"about {amount} {unit}{'' if amount == 1 else 's'}"


@dataclass(frozen=True)
class ClientLimits:
    """What the parameters say; ``max_users_error`` keeps a malformed cap's text."""

    max_users: int | None = None
    max_users_error: str = ""
    expiration: dt.datetime | None = None
    block_on_expiration: bool = False
    suspended: bool = False
    storage_limit_mb: int | None = None
    trial: bool = True

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ClientLimits:
        try:
            max_users, error = _count(params.get(MAX_USERS)), ""
        except ValueError:
            max_users, error = None, str(params.get(MAX_USERS))
        try:
            storage = _count(params.get(STORAGE_LIMIT))
        except ValueError:
            storage = None
        return cls(
            max_users=max_users,
            max_users_error=error,
            expiration=parse_datetime(params.get(EXPIRATION)),
            block_on_expiration=_flag(params.get(BLOCK_ON_EXPIRATION)),
            suspended=_flag(params.get(SUSPENDED)),
            storage_limit_mb=storage,
            trial=params.get(TRIAL) is None or _flag(params.get(TRIAL)),
        )

    def blocked(self, now: dt.datetime) -> str:
        """Why the database refuses everyone but the superuser at ``now`` (``""``: it does not)."""
        if self.suspended:
            return "This database is suspended: contact your service provider."
        if self.block_on_expiration and self.expiration is not None and self.expiration <= now:
            what = "trial" if self.trial else "subscription"
            return f"This database has expired (its {what} ended): contact your service provider."
        return ""

    def notices(self, now: dt.datetime, storage_bytes: int | None) -> list[str]:
        """The banners of every page: the time left before the expiration, the storage used."""
        notices: list[str] = []
        if self.expiration is not None:
            what = "trial" if self.trial else "subscription"
            if self.expiration > now:
                notices.append(f"Your {what} expires in {about(self.expiration - now)}.")
            else:
                notices.append(f"Your {what} has expired.")
        if self.storage_limit_mb and storage_bytes is not None:
            percent = round(100 * storage_bytes / (self.storage_limit_mb * _MB))
            notices.append(f"Storage {percent} % of {self.storage_limit_mb} MB")
        return notices
