from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from tenantry.exceptions import UserError, ValidationError
from tenantry.orm import api, fields, models
from tenantry.security import auth
from tenantry.security.data import changed
from tenantry.security.passwords import hash_password

from .security_data import SecurityDataMixin

PASSWORD_COLUMN = "password_hash"
"""The column of ``res_users`` holding the password's Argon2 hash. It is no field (as
Odoo's ``password`` column, written by SQL): no ORM method, domain, rule, view or
error message can reach it; only the methods below read and write it, in SQL."""


SELF_WRITEABLE_FIELDS = frozenset({"name", "email", "lang", "tz"})
"""What users may change on their own user without write access to users (their
preferences), as Odoo's ``SELF_WRITEABLE_FIELDS``; other fields need the ACL."""


class ResUsers(SecurityDataMixin, models.Model):
    """A user: the login and security data of a partner, whose fields are the user's too
    (``_inherits``, as in Odoo): the name, email, address... are the partner's."""

    _name = "res.users"
    _description = "User"
    _inherits = {"res.partner": "partner_id"}
    _order = "name, login"

    login = fields.Char(required=True, help="Used to log into the system")
    password = fields.Char(
        compute="_compute_password",
        inverse="_set_password",
        write_only=True,
        copy=False,
        help="Write-only: stored as an Argon2 hash, reads as empty.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Related Partner",
        required=True,
        ondelete="restrict",
        help="Partner-related data of the user",
    )
    # Inherited like every partner field, but declared to be read in superuser mode, as
    # Odoo does: whoever may read a user reads its name and email, even without access
    # to its partner.
    name = fields.Char(related="partner_id.name", inherited=True, readonly=False)
    email = fields.Char(related="partner_id.email", inherited=True, readonly=False)
    groups_id = fields.Many2many("res.groups", "res_groups_users_rel", "uid", "gid", "Groups")
    company_id = fields.Many2one(
        "res.company", "Company", required=True, default=lambda self: self.env.company.id or False
    )
    company_ids = fields.Many2many(
        "res.company",
        "res_company_users_rel",
        "user_id",
        "cid",
        "Companies",
        default=lambda self: self.env.company.ids,
    )
    active = fields.Boolean(default=True)
    share = fields.Boolean(
        "Share User",
        compute="_compute_share",
        store=True,
        help="External user (portal, public or no group): not an internal user.",
    )
    lang = fields.Char("Language", default="en_US")
    tz = fields.Char("Timezone")

    _sql_constraints = [
        ("login_key", "unique (login)", "You can not have two users with the same login !"),
    ]
    _private_columns = {PASSWORD_COLUMN: sa.String}

    def _compute_password(self) -> None:
        for user in self:
            user.password = ""

    def _set_password(self) -> None:
        for user in self:
            plain = user.password
            if not plain:
                raise ValidationError("Setting empty passwords is not allowed for security reasons!")
            try:
                hashed = hash_password(plain)
            except (TypeError, UnicodeEncodeError):  # a lone surrogate: JSON can carry one
                raise ValidationError("A password must be valid Unicode text.") from None
            user._store_password_hash(hashed)

    def _password_hash(self) -> str:
        """The stored hash of this user's password (``""`` without one): credential code only."""
        self.ensure_one()
        table = self._table_obj
        stmt = sa.select(table.c[PASSWORD_COLUMN]).where(table.c.id == self.id)
        return str(self.env.cr.conn.execute(stmt).scalar() or "")

    def _store_password_hash(self, hashed: str) -> None:
        """Replace the stored hash of these users: their cached checks and web sessions end."""
        table = self._table_obj
        stmt = sa.update(table).where(table.c.id.in_(self.ids)).values({PASSWORD_COLUMN: hashed})
        self.env.cr.conn.execute(stmt)
        changed(self.env)

    @api.model
    def change_password(self, old_passwd: Any, new_passwd: Any) -> bool:
        """Odoo's own-password change: the current user's, proven by the old password.

        Like every password change, it ends the user's web sessions, this one included
        (Odoo 17's web client reloads to its login page after it).
        """
        # Counted by the login limiter: guessing the old password is guessing the password.
        auth.check_password_in(self.env, self.env.uid, old_passwd)
        if not isinstance(new_passwd, str) or not new_passwd.strip():
            raise UserError("Setting empty passwords is not allowed for security reasons!")
        self.env.user.sudo().write({"password": new_passwd.strip()})
        return True

    def _get_session_token_fields(self) -> set[str]:
        """The columns of ``res_users`` whose change ends the user's web sessions (an addon may
        add its own): the password hash is one, though no field."""
        return {"id", "login", PASSWORD_COLUMN, "active"}

    def _compute_session_token(self, sid: str) -> str:
        """Odoo's session token: an HMAC of ``sid`` keyed by the user's security fields.

        Stored with a session at login and recomputed when it is used: once the password
        (or login, or active flag) changes, the two differ and the session has ended.
        """
        self.ensure_one()
        table = self._table_obj
        names = sorted(self._get_session_token_fields())
        row = self.env.cr.conn.execute(
            sa.select(*(table.c[name] for name in names)).where(table.c.id == self.id)
        ).first()
        key = repr(list(zip(names, row or (), strict=False)))
        return hmac.new(key.encode(), sid.encode(), hashlib.sha256).hexdigest()

    @api.constrains("company_id", "company_ids", "active")
    def _check_user_company(self) -> None:
        """An active user's default company is one of its allowed companies, and an active
        one: as in Odoo, a user whose company was archived cannot be reactivated."""
        for user in self.sudo().with_context(active_test=True):
            if user.active and user.company_id not in user.company_ids:
                allowed = ", ".join(user.company_ids.mapped("name"))
                raise ValidationError(
                    f"Company {user.company_id.name} is not in the allowed companies for user "
                    f"{user.name} ({allowed})."
                )

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        """A user without a partner gets one (``_inherits``) from the partner fields given
        (name, email...), without a company: as in Odoo, a user's own partner is shared
        by the user's companies. A partner given with a company moves to the user's, and
        the partner is archived with an archived user."""
        users = super().create(vals_list)
        for user in users:
            partner = user.partner_id
            if partner.company_id and partner.company_id != user.company_id:
                partner.write({"company_id": user.company_id.id})
            if partner.active != user.active:
                partner.write({"active": user.active})
        return users

    def write(self, vals: Any) -> bool:
        """As in Odoo: reactivating a user reactivates its partner, and a partner that has
        a company follows the user to its new default company. Users write their own
        preferences (:data:`SELF_WRITEABLE_FIELDS` only) without write access to users."""
        if (
            not self.env.su
            and isinstance(vals, Mapping)
            and vals
            and set(vals) <= SELF_WRITEABLE_FIELDS
            and self.ids == [self.env.uid]
        ):
            return bool(self.sudo().write(vals))
        if isinstance(vals, Mapping) and vals.get("active"):
            for user in self:
                if not user.active and not user.partner_id.active:
                    user.partner_id.write({"active": True})
        result = super().write(vals)
        if isinstance(vals, Mapping) and "company_id" in vals:
            for user in self:
                partner = user.partner_id
                if partner.company_id and partner.company_id != user.company_id:
                    partner.write({"company_id": user.company_id.id})
        return result

    def copy(self, default: Mapping[str, Any] | None = None) -> Any:
        """As in Odoo: the copy is named "<name> (copy)" (unless given a name or a partner)
        and logs in as "<login> (copy)"; it gets a partner of its own, a copy of this one's
        fields, unless ``default`` names the partner."""
        self.ensure_one()
        values = dict(default or {})
        if "name" not in values and "partner_id" not in values:
            values["name"] = f"{self.name} (copy)"
        if "login" not in values:
            values["login"] = f"{self.login} (copy)"
        return super().copy(values)

    @api.model
    def _database_blocked(self) -> str:
        """Why this database refuses everyone but the superuser (``""`` while it is open).

        A hook for addons (``saas_client``: an expired or suspended client), called in
        superuser mode at every login, RPC call and web page: keep it cheap.
        """
        return ""

    @api.model
    def _web_notices(self) -> list[str]:
        """Banners the web client shows atop every page (none here): a hook for addons,
        called in superuser mode for each page: keep it cheap."""
        return []

    @api.model
    def context_get(self) -> dict[str, Any]:
        """The user's context: language, timezone and uid (odoorpc reads it after login)."""
        user = self.env.user
        return {"lang": user.lang or "en_US", "tz": user.tz or False, "uid": user.id}

    @api.model
    def _name_search(
        self,
        name: Any,
        domain: Any = None,
        operator: Any = "ilike",
        limit: int | None = None,
        order: str | None = None,
    ) -> Any:
        """As in Odoo: a positive search first looks for the exact login (an empty
        ``ilike`` for every user), and only when that finds nobody for the name."""
        if operator not in ("!=", "not like", "not ilike", "not in"):
            blank = operator == "ilike" and not (name.strip() if isinstance(name, str) else name)
            by_login: list[Any] = [] if blank else [("login", "=", name)]
            users = self.search(by_login + list(domain or []), limit=limit, order=order)
            if users:
                return users
        return super()._name_search(name, domain, operator, limit=limit, order=order)
