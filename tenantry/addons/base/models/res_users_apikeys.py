"""``res.users.apikeys``: revocable keys a user may give to a script instead of a password.

A key is 40 random hex digits shown once, at creation. The database keeps its first
8 digits (indexed, to find the row) and the SHA-256 of the whole key: the key has 160
bits of entropy, so a fast hash is enough, and neither column is readable by anyone
(``groups='.'``). :func:`tenantry.security.auth.check_credentials` accepts a key of
scope ``rpc`` in place of the owner's password.

Over RPC::

    key = execute_kw(db, uid, pw, "res.users.apikeys", "generate", ["backup script"])
    execute_kw(db, uid, pw, "res.users.apikeys", "list_keys", [])
    execute_kw(db, uid, pw, "res.users.apikeys", "revoke", [[key_id]])

Odoo's own way, the web client's: the wizard ``res.users.apikeys.description`` (a
name, an optional expiration), whose ``make_key`` asks for the password again
(``check_identity``) and returns the action showing the key once
(``res.users.apikeys.show``, the key in ``context['default_key']``). A key past its
``expiration_date`` no longer works.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from tenantry.exceptions import AccessError, ValidationError
from tenantry.orm import api, fields, models

from ..wizard.res_users_identitycheck import check_identity
from .security_data import SecurityDataMixin

KEY_BYTES = 20  # 40 hex digits
PREFIX_LENGTH = 8
SCOPES = ("rpc",)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ResUsersApikeys(SecurityDataMixin, models.Model):
    _name = "res.users.apikeys"
    _description = "User API Key"
    _order = "id"

    name = fields.Char("Description", required=True)
    user_id = fields.Many2one("res.users", "User", required=True, ondelete="cascade", index=True)
    scope = fields.Char(default="rpc", required=True)
    prefix = fields.Char(index=True, groups=".")
    key_hash = fields.Char(groups=".")
    active = fields.Boolean(default=True)
    expiration_date = fields.Datetime(help="The key no longer works from then on (none: it lasts).")

    @api.model
    def generate(self, name: str, scope: str = "rpc") -> str:
        """A new key for the current user; the clear key is returned this once only.

        As in Odoo, only internal users make keys: portal and public users log in.
        """
        if not self.env.su and not self.env.user.has_group("base.group_user"):
            raise AccessError("Only internal users can create API keys")
        return self._generate_for(self.env.uid, name, scope)

    @api.model
    def _generate_for(self, user_id: int, name: str, scope: str = "rpc", expiration_date: Any = False) -> str:
        if scope not in SCOPES:
            raise ValidationError(f"Unknown API key scope {scope!r} (known: {', '.join(SCOPES)})")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError("An API key needs a description.")
        key = secrets.token_hex(KEY_BYTES)
        created = self.sudo().create(
            {
                "name": name.strip(),
                "user_id": user_id,
                "scope": scope,
                "prefix": key[:PREFIX_LENGTH],
                "key_hash": key_digest(key),
                "expiration_date": expiration_date,
            }
        )
        if created.expiration_date and created.expiration_date <= fields.Datetime.now():
            raise ValidationError("The expiration date of an API key must be in the future.")
        return key

    @api.model
    def list_keys(self) -> list[dict[str, Any]]:
        """The current user's active keys: ``id, name, scope, create_date`` (never the key)."""
        keys = self.sudo().search([("user_id", "=", self.env.uid), ("active", "=", True)])
        return keys.read(["name", "scope", "create_date"])

    def revoke(self) -> bool:
        """Deactivate these keys; users revoke their own, administrators anyone's."""
        keys = self.sudo().with_context(active_test=False).browse(self.ids).exists()
        admin = self.env.su or self.env.user.has_group("base.group_system")
        if not admin and any(k.user_id.id != self.env.uid for k in keys):
            raise AccessError("You can only revoke your own API keys.")
        keys.write({"active": False})
        return True

    @api.model
    def _check_key(self, user_id: int, key: str, scope: str = "rpc") -> bool:
        """Whether ``key`` is an active key of scope ``scope`` belonging to ``user_id``."""
        if not key or len(key) < PREFIX_LENGTH:
            return False
        candidates = self.sudo().search(
            [
                ("user_id", "=", user_id),
                ("prefix", "=", key[:PREFIX_LENGTH]),
                ("scope", "=", scope),
                "|",
                ("expiration_date", "=", False),
                ("expiration_date", ">", fields.Datetime.now()),
            ]
        )
        digest = key_digest(key)
        return any(hmac.compare_digest(c.key_hash or "", digest) for c in candidates)


class ResUsersApikeysDescription(models.TransientModel):
    """The web client's "New API Key" wizard: a description, then ``make_key``."""

    _name = "res.users.apikeys.description"
    _description = "API Key Description"

    name = fields.Char("Description", required=True)
    expiration_date = fields.Datetime(help="Leave empty for a key that does not expire.")

    @check_identity
    def make_key(self) -> dict[str, Any]:
        """A new key for the current user, shown once (after the password is given again)."""
        self.ensure_one()
        self.check_access_make_key()
        description = self.sudo()
        key = self.env["res.users.apikeys"]._generate_for(
            self.env.uid, description.name, "rpc", description.expiration_date
        )
        description.unlink()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.show",
            "name": "API Key Ready",
            "views": [[False, "form"]],
            "target": "new",
            "context": {"default_key": key},
        }

    def check_access_make_key(self) -> None:
        """As in Odoo, only internal users make keys: portal and public users log in."""
        if not self.env.su and not self.env.user.has_group("base.group_user"):
            raise AccessError("Only internal users can create API keys")


class ResUsersApikeysShow(models.AbstractModel):
    """The form showing a new key once; it stores nothing (the key is in its context)."""

    _name = "res.users.apikeys.show"
    _description = "Show API Key"

    key = fields.Char(readonly=True)


class ResUsersApikeysOwner(models.Model):
    _inherit = "res.users"

    @check_identity
    def api_key_wizard(self) -> dict[str, Any]:
        """The action opening the "New API Key" wizard (after the password is given again)."""
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users.apikeys.description",
            "name": "New API Key",
            "target": "new",
            "views": [[False, "form"]],
        }
