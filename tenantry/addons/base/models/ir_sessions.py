from __future__ import annotations

from tenantry.orm import api, fields, models


class IrSessions(models.Model):
    """Server-side web sessions of this database (read and written in superuser mode only).

    Only a SHA-256 of the session id is stored: a copy of the table does not let
    anyone take over a session.
    """

    _superuser_only = True

    _name = "ir.sessions"
    _description = "Web Session"
    _rec_name = "login"
    _order = "last_used desc"

    sid_hash = fields.Char("Session Id Hash", required=True, index=True, copy=False)
    uid = fields.Integer("User Id", required=True)
    login = fields.Char()
    db = fields.Char("Database", required=True)
    context_json = fields.Text("Context (JSON)")
    csrf_token = fields.Char("CSRF Token", required=True, copy=False)
    session_token = fields.Char(
        copy=False, help="res.users._compute_session_token at login: a password change ends the session."
    )
    created = fields.Datetime("Created On", required=True)
    last_used = fields.Datetime("Last Used On", required=True)
    expires = fields.Datetime("Expires On", required=True, index=True)
    identity_checked = fields.Datetime(
        "Identity Checked On", help="When the user last gave their password again (check_identity)."
    )

    _sql_constraints = [("sid_hash_uniq", "unique (sid_hash)", "Session ids must be unique.")]

    @api.autovacuum
    def _gc_expired(self) -> None:
        """Forget the sessions that have expired (a live one is refreshed as it is used)."""
        self.sudo().search([("expires", "<", fields.Datetime.now())]).unlink()
