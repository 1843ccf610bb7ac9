"""``check_identity`` and ``res.users.identitycheck``: the password asked again (Odoo 16+).

A method decorated with :func:`check_identity` (making an API key...) runs at once if
the user gave their password in the last ten minutes of their web session (or in this
very call); otherwise it returns the action of an identity-check wizard that holds the
call back. The client writes the password on the wizard (or passes it in the context,
as Odoo 19 does) and calls ``run_check``: a right password replays the call held back
and returns its result, a wrong one is a ``UserError`` counted by the login limiter.

Outside a request (a script, the shell) such methods refuse to run.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from tenantry.exceptions import AccessDenied, AccessError, UserError
from tenantry.orm import fields, models
from tenantry.security import auth, identity

F = TypeVar("F", bound=Callable[..., Any])

_PASSWORD_COLUMN = "password_value"


def check_identity(method: F) -> F:
    """Run ``method`` only once the user has proven their identity (see the module)."""

    @functools.wraps(method)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        env = self.env
        if not identity.in_request(env):
            raise UserError("This method can only be accessed over HTTP")
        if _checked_recently(env):
            return method(self, *args, **kwargs)
        held = [_jsonable_context(env.context), self._name, self.ids, method.__name__, args, kwargs]
        try:
            request = json.dumps(held)
        except (TypeError, ValueError):
            raise UserError("This call cannot wait for an identity check.") from None
        wizard = env["res.users.identitycheck"].sudo().create({"request": request})
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.identitycheck",
            "res_id": wizard.id,
            "name": "Security Control",
            "target": "new",
            "views": [[False, "form"]],
        }

    wrapped._check_identity = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def _checked_recently(env: Any) -> bool:
    if identity.checked_in_transaction(env):
        return True
    sid_hash = identity.web_session_hash(env)
    if sid_hash is None:
        return False
    session = env["ir.sessions"].sudo().search([("sid_hash", "=", sid_hash)], limit=1)
    checked: Any = session.identity_checked if session else None
    return bool(checked) and bool(checked > fields.Datetime.now() - identity.IDENTITY_CHECK_TTL)


def _jsonable_context(context: Any) -> dict[str, Any]:
    kept = {}
    for key, value in dict(context).items():
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        kept[key] = value
    return kept


class ResUsersIdentitycheck(models.TransientModel):
    """The wizard holding back a call until the user gives their password again."""

    _name = "res.users.identitycheck"
    _description = "Password Check Wizard"
    _private_columns = {_PASSWORD_COLUMN: sa.String}  # noqa: RUF012

    request = fields.Char(readonly=True, groups=".")
    password = fields.Char(
        compute="_compute_password",
        inverse="_inverse_password",
        write_only=True,
        help="Write-only: kept until run_check, which empties it, and never read back.",
    )

    def _compute_password(self) -> None:
        for wizard in self:
            wizard.password = ""

    def _inverse_password(self) -> None:
        table = self._table_obj
        for wizard in self:
            stmt = sa.update(table).where(table.c.id == wizard.id)
            self.env.cr.conn.execute(stmt.values({_PASSWORD_COLUMN: wizard.password or None}))

    def _take_password(self) -> str | None:
        """The password written on the wizard, removed from it."""
        table = self._table_obj
        conn = self.env.cr.conn
        value = conn.execute(sa.select(table.c[_PASSWORD_COLUMN]).where(table.c.id == self.id)).scalar()
        conn.execute(sa.update(table).where(table.c.id == self.id).values({_PASSWORD_COLUMN: None}))
        return value if isinstance(value, str) else None

    def run_check(self) -> Any:
        """Check the password, then run the call held back and return what it returns."""
        self.ensure_one()
        env = self.env
        if not identity.in_request(env):
            raise UserError("This method can only be accessed over HTTP")
        wizard = self.sudo().browse(self.id).exists()
        if not wizard or (not env.su and wizard.create_uid.id != env.uid):
            raise AccessError("This identity check belongs to another user.")
        stored = wizard._take_password()
        password = env.context.get("password") or stored
        try:
            auth.check_password_in(env, env.uid, password)
        except AccessDenied:
            raise UserError(
                "Incorrect Password, try again or click on Forgot Password to reset your password."
            ) from None
        identity.mark_checked(env)
        sid_hash = identity.web_session_hash(env)
        if sid_hash is not None:
            sessions = env["ir.sessions"].sudo().search([("sid_hash", "=", sid_hash)], limit=1)
            sessions.write({"identity_checked": fields.Datetime.now()})
        context, model, ids, method, args, kwargs = json.loads(wizard.request)
        records = env[model].with_context(context).browse(ids)
        if not getattr(getattr(type(records), method, None), "_check_identity", False):
            raise AccessError(f"{model}.{method} does not wait for an identity check.")
        wizard.unlink()
        return getattr(records, method)(*args, **kwargs)
