"""Users of a SaaS client: the cap on active internal users, and the database's gate.

``saas_client.max_users`` caps the active internal users (not shared, the superuser
``__system__`` not counted). Creating, reactivating or making internal a user past it
is a ``ValidationError``. Race-free: the count is taken after the change, holding a lock
every such change takes first (PostgreSQL: the parameter's row, ``SELECT ... FOR
UPDATE``; SQLite: the database's write lock, which the change itself took), so of two
concurrent creations at the limit the second counts the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from tenantry.exceptions import ValidationError
from tenantry.orm import api, models
from tenantry.orm.environment import SUPERUSER_ID

from . import state
from .limits import MAX_USERS

_COUNTED_FIELDS = frozenset({"active", "groups_id", "share"})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _database_blocked(self) -> str:
        inherited: str = super()._database_blocked()  # type: ignore[misc]
        return state.limits(self.env).blocked(_now()) or inherited

    @api.model
    def _web_notices(self) -> list[str]:
        notices: list[str] = super()._web_notices()  # type: ignore[misc]
        limits = state.limits(self.env)
        storage = state.storage_used(self.env) if limits.storage_limit_mb else None
        return [*notices, *limits.notices(_now(), storage)]

    def _counted_ids(self) -> set[int]:
        """The ids of these users that count toward the cap (active, internal, not the superuser)."""
        if not self._ids:
            return set()
        # In SQL: what the database holds now, whatever the transaction's caches say.
        users = self.sudo().with_context(active_test=True)
        domain = [("id", "in", list(self._ids)), ("share", "=", False), ("id", "!=", SUPERUSER_ID)]
        return set(users.search(domain).ids)

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        users = super().create(vals_list)
        if users._counted_ids():
            self._check_max_users()
        return users

    def write(self, vals: Any) -> bool:
        if not isinstance(vals, Mapping) or not _COUNTED_FIELDS & set(vals) or not self._ids:
            return bool(super().write(vals))
        before = self._counted_ids()
        result = bool(super().write(vals))
        if self._counted_ids() - before:
            self._check_max_users()
        return result

    @api.model
    def _check_max_users(self) -> None:
        """``ValidationError`` if the active internal users are more than the cap."""
        cr = self.env.cr
        table = cr.registry["ir.config_parameter"]._table_obj
        # The lock first: the count below then sees every change made before ours.
        raw = cr.conn.execute(
            sa.select(table.c.value).where(table.c.key == MAX_USERS).with_for_update()
        ).scalar()
        if raw is None:
            return
        limits = state.limits(self.env)
        if limits.max_users_error:
            raise ValidationError(
                f"The parameter {MAX_USERS} is not a number ({limits.max_users_error!r}): "
                "no user can be added until an administrator fixes it."
            )
        if limits.max_users is None:
            return
        users = self.sudo().with_context(active_test=True)
        count = users.search_count([("share", "=", False), ("id", "!=", SUPERUSER_ID)])
        if count > limits.max_users:
            raise ValidationError(
                f"This database may have at most {limits.max_users} active users "
                f"({count} with this change): archive a user first, or upgrade the plan."
            )
