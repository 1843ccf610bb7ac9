"""Plans: a template, limits and a trial, offered to customers; new clients start here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from tenantry.exceptions import UserError, ValidationError
from tenantry.orm import api, fields, models
from tenantry.saas import names
from tenantry.saas.placement import choose_server

from .common import BASE_DOMAIN_PARAM, PLAN_STATES, not_connected

_MAX_NUMBER_TRIES = 1000


class SaasPortalPlan(models.Model):
    _name = "saas_portal.plan"
    _inherit = ["saas_portal.audit.mixin"]
    _description = "SaaS Plan"
    _order = "sequence, name"

    name = fields.Char("Plan", required=True)
    sequence = fields.Integer(default=10)
    server_id = fields.Many2one(
        "saas_portal.server", "SaaS Server", ondelete="restrict", help="Empty: placement chooses."
    )
    template_id = fields.Many2one("saas_portal.database", "Template DB", ondelete="restrict")
    dbname_template = fields.Char("DB Names", help="e.g. crm-%i.example.com; %i becomes a unique number.")
    dbname_next_number = fields.Integer("Next Number", default=1, copy=False)
    max_users = fields.Integer("Max Users", help="0 means no limit.")
    total_storage_limit = fields.Integer("Storage Limit (MB)", help="0 means no limit.")
    trial_hours = fields.Integer("Trial Hours", help="0: not a trial.")
    block_on_expiration = fields.Boolean("Block on Expiration")
    block_on_storage_exceed = fields.Boolean("Block on Storage Exceed")
    grace_hours = fields.Integer("Grace Hours")
    published = fields.Boolean("Published", help="Offered to customers at signup.")
    maximum_allowed_dbs_per_partner = fields.Integer(
        "Databases per Customer", help="Databases of this plan one customer may have; 0: no limit."
    )
    state = fields.Selection(PLAN_STATES, "Status", default="draft", required=True)
    client_ids = fields.One2many("saas_portal.client", "plan_id", "Clients")

    _sql_constraints = [
        (
            "limits_positive",
            "check (max_users >= 0 AND total_storage_limit >= 0 AND trial_hours >= 0 "
            "AND grace_hours >= 0 AND maximum_allowed_dbs_per_partner >= 0)",
            "A plan's limits cannot be negative.",
        ),
    ]

    def _audit_database(self) -> str | bool:
        return str(self.sudo().template_id.name or "") or False

    @api.constrains("dbname_template")
    def _check_dbname_template(self) -> None:
        for plan in self:
            if plan.dbname_template:
                names.validate_dbname_template(plan.dbname_template)

    # -- operator actions -------------------------------------------------------------

    def action_confirm(self) -> bool:
        return bool(self.write({"state": "confirmed"}))

    def action_draft(self) -> bool:
        return bool(self.write({"state": "draft"}))

    def action_create_template(self) -> Any:
        """Create the template database on the plan's server and prepare it."""
        not_connected()

    def action_template_login(self) -> Any:
        """Log in to the template database as its administrator."""
        self.ensure_one()
        if not self.template_id:
            raise UserError(f"The plan {self.name} has no template database.")
        return self.template_id.action_login()

    def action_sync_server(self) -> Any:
        not_connected()

    def action_create_client(self) -> dict[str, Any]:
        """Open the 'Create Client' wizard for this plan."""
        self.ensure_one()
        wizard = self.env["saas_portal.create_client"].create({"plan_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": "Create Client",
            "res_model": "saas_portal.create_client",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    # -- new clients ------------------------------------------------------------------

    def create_new_database(
        self,
        dbname: Any = False,
        user_id: Any = False,
        partner_id: Any = False,
        trial: Any = None,
        request_id: Any = False,
    ) -> dict[str, Any]:
        """A new client of this plan: ``{'id', 'url', 'name', 'state'}`` (SPEC 8).

        ``dbname=False`` takes the next name from ``dbname_template``; ``user_id`` (a
        portal user) or ``partner_id`` becomes the owner.
        """
        client = self._prepare_client(dbname, user_id, partner_id, trial, request_id)
        client._audit("create_new_database", details=f"plan {self.name}")
        not_connected()

    def _prepare_client(self, dbname: Any, user_id: Any, partner_id: Any, trial: Any, request_id: Any) -> Any:
        """Check everything, lock the plan, pick the name and the server, and register the
        client (``draft``), as the caller; the server then makes the database."""
        self.ensure_one()
        self._lock()
        if not self.template_id:
            raise UserError(f"The plan {self.name} has no template database.")
        if self.template_id.sudo().state != "open":
            template = self.template_id.sudo().name
            raise UserError(f"The template database {template} of plan {self.name} is not ready.")
        if trial not in (None, True, False):
            raise ValidationError("trial must be true, false or null.")
        if request_id is not False and (not isinstance(request_id, str) or not 0 < len(request_id) <= 128):
            raise ValidationError("request_id must be a string of 1 to 128 characters.")
        partner = self._owner(user_id, partner_id)
        self._check_customer_cap(partner)
        name = self._client_name(dbname)
        server = self._place()
        is_trial = bool(self.trial_hours) if trial is None else trial
        hours = self.trial_hours if is_trial else 0
        expiration = fields.Datetime.now() + dt.timedelta(hours=hours) if hours else False
        return self.env["saas_portal.client"].create(
            {
                "name": name,
                "plan_id": self.id,
                "server_id": server,
                "partner_id": partner.id or False,
                "trial": is_trial,
                "expiration_datetime": expiration,
                "max_users": self.max_users,
                "total_storage_limit": self.total_storage_limit,
                "block_on_expiration": self.block_on_expiration,
                "block_on_storage_exceed": self.block_on_storage_exceed,
                "request_id": request_id or False,
            }
        )

    def _lock(self) -> None:
        """Serialize new clients of this plan (row lock on PostgreSQL; SQLite's write lock is
        already held): the per-customer cap and the numbering hold under concurrency."""
        self._next_numbers(0)

    def _next_numbers(self, step: int) -> int:
        """Add ``step`` to the next ``%i`` number atomically; returns the number before."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        table = self._table_obj
        column = sa.func.coalesce(table.c.dbname_next_number, 1)
        stmt = (
            sa.update(table)
            .where(table.c.id == self.id)
            .values(dbname_next_number=column + step)
            .returning(table.c.dbname_next_number)
        )
        after = int(self.env.cr.conn.execute(stmt).scalar_one())
        self.env.cr.invalidate(self._name, [self.id])
        return after - step

    def _owner(self, user_id: Any, partner_id: Any) -> Any:
        partner = self.env["res.partner"]
        if user_id is not False:
            if not isinstance(user_id, int) or isinstance(user_id, bool):
                raise ValidationError("user_id must be a user id.")
            user = self.env["res.users"].browse(user_id).exists()
            if not user:
                raise ValidationError(f"No user with id {user_id}.")
            partner = user.partner_id
        if partner_id is not False:
            if not isinstance(partner_id, int) or isinstance(partner_id, bool):
                raise ValidationError("partner_id must be a partner id.")
            found = self.env["res.partner"].browse(partner_id).exists()
            if not found:
                raise ValidationError(f"No partner with id {partner_id}.")
            if partner and partner != found:
                raise ValidationError("user_id and partner_id name different owners.")
            partner = found
        return partner

    def _check_customer_cap(self, partner: Any) -> None:
        cap = self.maximum_allowed_dbs_per_partner
        if not cap or not partner:
            return
        count = (
            self.env["saas_portal.client"]
            .sudo()
            .search_count(
                [("partner_id", "=", partner.id), ("plan_id", "=", self.id), ("state", "!=", "deleted")]
            )
        )
        if count >= cap:
            raise UserError(
                f"{partner.name} already has {count} database(s) of plan {self.name}: the limit is {cap}."
            )

    def _reserved_names(self) -> list[str]:
        """The portal's own database, the servers' and the templates' names."""
        su = self.env(su=True)
        servers = su["saas_portal.server"].with_context(active_test=False).search([]).mapped("name")
        templates = su["saas_portal.database"].with_context(active_test=False).search([]).mapped("name")
        return [self.env.dbname, *servers, *templates]

    def _client_name(self, dbname: Any) -> str:
        reserved = self._reserved_names()
        if dbname is False or dbname is None or dbname == "":
            return self._next_dbname(reserved)
        if not isinstance(dbname, str):
            raise ValidationError(f"A database name must be a string, not {type(dbname).__name__}.")
        if "." not in dbname:
            base = self.env["ir.config_parameter"].sudo().get_param(BASE_DOMAIN_PARAM) or None
            dbname = names.client_dbname(dbname, str(base) if base else None)
        names.validate_client_dbname(dbname, reserved)
        if self._name_taken(dbname):
            raise ValidationError(f"The database name {dbname} is already taken.")
        return str(dbname)

    def _name_taken(self, dbname: str) -> bool:
        clients = self.env["saas_portal.client"].sudo().with_context(active_test=False)
        return bool(clients.search_count([("name", "=", dbname)]))

    def _next_dbname(self, reserved: list[str]) -> str:
        """The next free name of ``dbname_template``: numbers come from an atomic counter,
        so concurrent callers never get the same one; names already used are skipped."""
        if not self.dbname_template:
            raise UserError(f"The plan {self.name} has no database name template: give a database name.")
        for _ in range(_MAX_NUMBER_TRIES):
            name = names.numbered(self.dbname_template, self._next_numbers(1))
            if name not in reserved and not self._name_taken(name):
                return str(names.validate_client_dbname(name, reserved))
        raise UserError(f"No free database name found for plan {self.name}.")

    def _place(self) -> int:
        servers = self.env["saas_portal.server"].sudo()
        if self.server_id:
            required = self.server_id.sudo()._loads()[0]
            return choose_server([], required).id
        return choose_server(servers.search([("state", "=", "ready")])._loads()).id
