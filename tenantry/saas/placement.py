"""Placement: which SaaS server receives a new client database.

The plan's own server when it has one; otherwise the ready server with the most
free capacity. A server that is not ``ready`` (``draft``, ``unhealthy``, ``full``)
or holds as many databases as its capacity is skipped; a capacity of 0 means no
limit. Ties go to the server with fewer databases, then to the oldest (lowest id).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from tenantry.exceptions import UserError

__all__ = ["ServerLoad", "choose_server"]

READY = "ready"


@dataclass(frozen=True, slots=True)
class ServerLoad:
    """A server as placement sees it."""

    id: int
    name: str
    state: str
    capacity: int
    """``max_databases``; 0 means no limit."""
    databases: int
    """Client databases on it that are not deleted."""

    @property
    def free(self) -> float:
        return math.inf if self.capacity <= 0 else self.capacity - self.databases

    @property
    def available(self) -> bool:
        return self.state == READY and self.free > 0


def choose_server(servers: Iterable[ServerLoad], required: ServerLoad | None = None) -> ServerLoad:
    """The server for a new database: ``required`` (the plan's) if given, else the best one.

    Raises ``UserError`` saying why when no server can take it.
    """
    if required is not None:
        if required.state != READY:
            raise UserError(
                f"The plan's server {required.name} is {required.state}, not ready: "
                "it cannot take a new database now."
            )
        if required.free <= 0:
            raise UserError(f"The plan's server {required.name} is full ({required.databases} databases).")
        return required
    candidates = [s for s in servers if s.available]
    if not candidates:
        raise UserError("No SaaS server can take a new database: none is ready with free capacity.")
    return min(candidates, key=lambda s: (-s.free, s.databases, s.id))
