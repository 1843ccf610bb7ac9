"""``mail.thread``: the mixin of documents people follow (Odoo's mail addon, followers only).

A model inherits it with ``_inherit = ["its.model", "mail.thread"]`` (or lists it when
declared). Its followers are ``mail.followers`` rows naming the model and the record;
``message_follower_ids`` lists them (internal users only, as in Odoo). The user who
creates a record follows it, unless the context says ``mail_create_nosubscribe`` (or
the record is made by the system user, e.g. data loading). Deleting records drops
their followers.
"""

from __future__ import annotations

from typing import Any

from tenantry.domain.limits import id_batches
from tenantry.exceptions import ValidationError
from tenantry.orm import api, fields, models
from tenantry.orm.environment import SUPERUSER_ID


class MailThread(models.AbstractModel):
    _name = "mail.thread"
    _description = "Email Thread"

    message_follower_ids = fields.One2many(
        "mail.followers",
        "res_id",
        "Followers",
        compute="_compute_message_follower_ids",
        groups="base.group_user",
    )
    message_is_follower = fields.Boolean("Is Follower", compute="_compute_message_is_follower")

    def _followers(self) -> Any:
        """The ``mail.followers`` rows of these records (superuser: callers checked access)."""
        followers = self.env["mail.followers"].sudo()
        for batch in id_batches(self.ids):  # many records: a domain's list is capped
            followers |= followers.search([("res_model", "=", self._name), ("res_id", "in", batch)])
        return followers

    def _compute_message_follower_ids(self) -> None:
        by_record: dict[int, list[int]] = {}
        for follower in self._followers():
            by_record.setdefault(follower.res_id, []).append(follower.id)
        followers = self.env["mail.followers"]
        for record in self:
            record.message_follower_ids = followers.browse(by_record.get(record.id, []))

    def _compute_message_is_follower(self) -> None:
        partner = self.env.user.partner_id.id
        following = {f.res_id for f in self._followers() if f.partner_id.id == partner}
        for record in self:
            record.message_is_follower = record.id in following

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        records = super().create(vals_list)
        if records and not self.env.context.get("mail_create_nosubscribe") and self.env.uid != SUPERUSER_ID:
            partner = self.env.user.partner_id
            if partner:
                records._add_followers(partner.ids)
        return records

    def unlink(self) -> bool:
        followers = self._followers()
        result = super().unlink()
        followers.unlink()
        return result

    def message_subscribe(self, partner_ids: Any = None, subtype_ids: Any = None) -> bool:
        """Make ``partner_ids`` follow these records. Following them yourself takes reading
        them; making others follow takes writing them (Odoo's rule)."""
        partners = self._partner_ids(partner_ids)
        self._check_follow_access(partners)
        self._add_followers(partners)
        return True

    def message_unsubscribe(self, partner_ids: Any = None) -> bool:
        """``partner_ids`` stop following these records (same access as subscribing)."""
        partners = self._partner_ids(partner_ids)
        self._check_follow_access(partners)
        self._followers().filtered(lambda f: f.partner_id.id in partners).unlink()
        return True

    def _partner_ids(self, partner_ids: Any) -> list[int]:
        if partner_ids is None or partner_ids is False:
            return list(self.env.user.partner_id.ids)
        ids = [partner_ids] if isinstance(partner_ids, int) else partner_ids
        if not isinstance(ids, list | tuple) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise ValidationError(f"Invalid partner ids: {partner_ids!r}")
        return list(dict.fromkeys(ids))

    def _check_follow_access(self, partner_ids: list[int]) -> None:
        self.check_access_rights("read")
        self.check_access_rule("read")
        if set(partner_ids) - set(self.env.user.partner_id.ids):
            self.check_access_rights("write")
            self.check_access_rule("write")

    def _add_followers(self, partner_ids: list[int]) -> None:
        """Add the missing ``(record, partner)`` followers (superuser: access was checked)."""
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        present = {(f.res_id, f.partner_id.id) for f in self._followers()}
        missing = [
            {"res_model": self._name, "res_id": record_id, "partner_id": partner_id}
            for record_id in self.ids
            for partner_id in partners.ids
            if (record_id, partner_id) not in present
        ]
        if missing:
            self.env["mail.followers"].sudo().create(missing)
