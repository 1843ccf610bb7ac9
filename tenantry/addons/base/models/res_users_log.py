"""Logins: ``res.users.log``, and a user's ``login_date`` and ``state``, as in Odoo 17.

A successful login (``common.login`` / ``authenticate``, ``/web/session/authenticate``,
the login page) adds a ``res.users.log`` row made by the user (its ``create_uid`` and
``create_date`` are the record), rather than writing the user's row: logins never
contend with the transactions that write users. ``login_date`` is the latest log's
date; ``state`` is ``new`` until the first login, ``active`` after it, and searchable
(``[('state', '=', 'active')]``). ``_gc_user_logs`` (run by ``ir.autovacuum``) keeps
only each user's latest log.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tenantry.orm import api, fields, models

STATES = [("new", "Never Connected"), ("active", "Confirmed")]


class ResUsersLog(models.Model):
    _name = "res.users.log"
    _description = "Users Log"
    _order = "id desc"

    create_uid = fields.Many2one("res.users", "Created by", readonly=True, index=True)

    @api.autovacuum
    def _gc_user_logs(self) -> int:
        """Delete every log but each user's latest (Odoo's autovacuum); returns how many."""
        table = self._table_obj
        newer = table.alias()
        later = sa.select(newer.c.id).where(newer.c.create_uid == table.c.create_uid, newer.c.id > table.c.id)
        result = self.env.cr.conn.execute(sa.delete(table).where(sa.exists(later)))
        self.env.cr.invalidate(self._name)
        return int(result.rowcount or 0)


class ResUsers(models.Model):
    _inherit = "res.users"

    log_ids = fields.One2many("res.users.log", "create_uid", "User log entries")
    login_date = fields.Datetime("Latest authentication", compute="_compute_login_date", copy=False)
    state = fields.Selection(STATES, "Status", compute="_compute_state", search="_search_state", copy=False)

    def _compute_login_date(self) -> None:
        # One query for the batch, whoever may read the logs: the date is the user's.
        logs = self.env["res.users.log"]._table_obj
        stmt = (
            sa.select(logs.c.create_uid, sa.func.max(logs.c.create_date))
            .where(logs.c.create_uid.in_(list(self._ids)))
            .group_by(logs.c.create_uid)
        )
        latest = {uid: date for uid, date in self.env.cr.conn.execute(stmt)} if self._ids else {}
        for user in self:
            user.login_date = latest.get(user._ids[0]) or False

    def _compute_state(self) -> None:
        for user in self:
            user.state = "active" if user.login_date else "new"

    @staticmethod
    def _search_state(operator: str, value: Any) -> list[Any]:
        """Odoo's ``_search_state``: ``active`` users have a log, ``new`` ones none."""
        negative = operator in ("!=", "not in", "not like", "not ilike")
        if not value:
            return [(1, "=", 1)] if negative else [(0, "=", 1)]
        if operator in ("in", "not in"):
            values = set(value) if isinstance(value, list | tuple | set | frozenset) else {value}
            if len(values) > 1:
                return [(0, "=", 1)] if negative else [(1, "=", 1)]
            value = next(iter(values))
            operator = "!=" if negative else "="
        if operator in ("=", "!="):
            if value != "new":  # 'active' (or anything else): the users who have logged in
                operator = "=" if operator == "!=" else "!="
            return [("log_ids", operator, False)]
        return [(1, "=", 1)]

    def _update_last_login(self) -> None:
        """Record a login of the current user (Odoo's name): a log row, never the user's row."""
        self.env["res.users.log"].sudo().create({})
