"""Helpers shared by the test packages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tenantry.instance import Instance
from tenantry.orm.environment import SUPERUSER_ID, Environment, Transaction

FIXTURE_ADDONS = Path(__file__).resolve().parent / "fixture_addons"


@contextmanager
def rollback_env(
    inst: Instance, db: str, uid: int = SUPERUSER_ID, context: Mapping[str, Any] | None = None
) -> Iterator[Environment]:
    """Like ``Instance.env`` but always rolled back: tests leave no trace."""
    engine = inst.storage.engine(db)
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            registry = inst.registry(db)
            cr = Transaction(conn, registry, db, inst.policy(registry))
            cr.modules = inst.modules
            yield Environment(cr, uid, context)
        finally:
            transaction.rollback()
